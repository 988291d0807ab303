"""Delivery plan records. Progress updates are kept as history; the latest one sets the RAG."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from saferplan.accounts.models import Organisation, Partnership


class Rag(models.TextChoices):
    """RAG as the plans define it, plus Completed and Not started."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETED = "completed", "Completed"
    NOT_STARTED = "not_started", "Not started"


RAG_MEANING = {
    Rag.RED: "Problems need addressing; close monitoring required.",
    Rag.AMBER: "Some work required; slightly behind target.",
    Rag.GREEN: "On track or completed.",
    Rag.COMPLETED: "The action is complete.",
    Rag.NOT_STARTED: "Work has not started.",
}


class StrategyYear(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT)
    label = models.CharField(max_length=20)  # e.g. 2019/20
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "label"], name="one_plan_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.title or 'Delivery plan'} {self.label}"


class Priority(models.Model):
    class Group(models.TextChoices):
        HIGH_VOLUME = "high volume", "High volume"
        HIGH_HARM = "high harm", "High harm"
        OTHER = "other", "Other"

    year = models.ForeignKey(StrategyYear, on_delete=models.CASCADE, related_name="priorities")
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=20, choices=Group.choices, default=Group.OTHER)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Objective(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_objectives"
    )
    code = models.CharField(max_length=20)
    heading = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.heading[:80]}"


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=40, blank=True)
    measures_targets = models.TextField(blank=True)
    text = models.TextField()
    review_point_text = models.CharField(max_length=200, blank=True)
    review_date = models.DateField(null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    lead_person = models.CharField(max_length=200, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_actions"
    )
    lead_text = models.CharField(max_length=300, blank=True, help_text="as written in the plan")
    partners = models.CharField(max_length=300, blank=True)
    funding_source = models.CharField(max_length=100, blank=True)
    funding_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_new = models.BooleanField(default=False)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    version = models.PositiveIntegerField(default=1)  # optimistic locking for edits

    class Meta:
        ordering = ["objective__order", "id"]

    def __str__(self) -> str:
        return self.reference or self.text[:60]

    def latest_update(self) -> ProgressUpdate | None:
        updates = list(self.updates.all())
        return updates[0] if updates else None

    def rag(self) -> str | None:
        latest = self.latest_update()
        return latest.rag if latest else None

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its review date without a Green or Completed update since."""
        today = today or date.today()
        if self.review_date is None or self.review_date >= today:
            return False
        latest = self.latest_update()
        return latest is None or latest.rag not in (Rag.GREEN, Rag.COMPLETED)


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    rag = models.CharField(max_length=20, choices=Rag.choices)
    text = models.TextField()
    date = models.DateField(default=date.today)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created", "-id"]

    def __str__(self) -> str:
        return f"{self.get_rag_display()} update on {self.action} ({self.date:%d %b %Y})"
