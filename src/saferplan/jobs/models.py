"""The record of a background job: what it is, whose, who asked, and how it went."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from saferplan.accounts.tenancy import open_or_tenant_manager


class State(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (State.SUCCEEDED, State.FAILED, State.CANCELLED)


class Job(models.Model):
    """One piece of long work, from being queued until it ends, kept afterwards.

    The queue entry that gets it to a worker is django-tasks' (``task_id``); this record is
    what people see. Only the worker running a job (``worker``) writes its progress, log
    and outcome; a cancellation is only asked for here and carried out by that worker.
    """

    kind = models.CharField(max_length=60, help_text="the registered work function's name")
    arguments = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # A partnership's job runs in its scope; one with none (open-data imports) in the
    # open-data scope, where no partnership's records are visible.
    partnership = models.ForeignKey(
        "accounts.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.CharField(max_length=150)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=200, blank=True)
    percent = models.FloatField(null=True, blank=True)
    rows = models.BigIntegerField(null=True, blank=True)
    log = models.JSONField(default=list, blank=True, help_text='[{"at": ISO time, "line": text}]')
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True, help_text="why it failed, for people")
    traceback = models.TextField(blank=True, help_text="an internal error's, for administrators")
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written by the running worker every few seconds, on the database's clock (so workers
    # on several machines agree); a running job whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=64, blank=True, help_text="host:pid of its worker")
    attempts = models.PositiveIntegerField(default=0, help_text="times a worker started it")
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_by = models.CharField(max_length=150, blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="its django-tasks entry")

    objects = open_or_tenant_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="jobs_state_heartbeat")]

    def __str__(self) -> str:
        return f"job #{self.pk} {self.kind} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
