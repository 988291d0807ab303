"""Queueing, cancelling and reading jobs: what the web app and the CLI call.

``enqueue`` stores the job and its queue entry in one transaction, so a job is never
queued without a way to reach a worker (nor the other way round). ``status`` gives a job
as a dict fit for a JSON endpoint (a progress bar polls it).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.functions import Now

from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.jobs import live, registry
from saferplan.jobs.models import Job, State


def enqueue(
    kind: str,
    arguments: dict[str, Any] | None = None,
    *,
    requested_by: str,
    partnership: Any = None,
) -> Job:
    """Queue a job of a registered ``kind``; ``partnership`` None is open-data work.

    Arguments are checked against the work function now, so a mistake fails here, in
    front of whoever asked, not later in a worker.
    """
    arguments = dict(arguments or {})
    registry.check_arguments(kind, arguments)
    try:
        json.dumps(arguments, cls=DjangoJSONEncoder)
    except TypeError as exc:
        raise SaferplanError(f"a job's arguments must be plain data: {exc}") from None
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, arguments=arguments, partnership=partnership, requested_by=requested_by
        )
        put_on_queue(job)
    return job


def put_on_queue(job: Job) -> None:
    """Give the job a (new) django-tasks queue entry, for a worker to take."""
    from saferplan.jobs.runner import run_job

    entry = run_job.enqueue(job.pk)
    job.task_id = str(entry.id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def find(job_id: int) -> Job:
    """A job of the partnership in scope (or open data); another's answers "not found"."""
    job = Job.objects.select_related("partnership").filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(f"there is no job #{job_id}")
    return job


def cancel(job_id: int, *, by: str) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next progress report.

    Work that is all or nothing (imports) then stores nothing. Returns the job as it is now.
    """
    job = find(job_id)
    if job.finished:
        raise SaferplanError(f"job #{job.pk} has already finished ({job.state})")
    fields = {"cancel_requested_at": Now(), "cancel_requested_by": by}
    never_started = Job.objects.filter(pk=job.pk, state=State.QUEUED).update(
        **fields, state=State.CANCELLED, finished_at=Now()
    )
    if not never_started:
        Job.objects.filter(pk=job.pk, state=State.RUNNING).update(**fields)
    return find(job_id)


def status(job: Job | int) -> dict[str, Any]:
    """The job as plain data: state, progress, log, result or error, and when."""
    if not isinstance(job, Job):
        job = find(job)

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    found = {
        "id": job.pk,
        "kind": job.kind,
        "label": _label(job.kind),
        "partnership": job.partnership.name if job.partnership is not None else None,
        "requested_by": job.requested_by,
        "state": job.state,
        "finished": job.finished,
        "phase": job.phase,
        "percent": job.percent,
        "rows": job.rows,
        "queued_at": when(job.queued_at),
        "started_at": when(job.started_at),
        "finished_at": when(job.finished_at),
        "heartbeat_at": when(job.heartbeat_at),
        "cancel_requested": job.cancel_requested_at is not None,
        "cancel_requested_by": job.cancel_requested_by or None,
        "result": job.result,
        "error": job.error or None,
        "log": list(job.log),
    }
    if job.state == State.RUNNING and live.enabled():
        latest = live.read(job.pk)
        if latest is not None and (
            job.heartbeat_at is None
            or datetime.fromisoformat(latest["heartbeat_at"]) > job.heartbeat_at
        ):
            found.update(latest)  # written while SQLite was busy (see jobs.live)
    return found


def _label(kind: str) -> str:
    try:
        return registry.get(kind).label
    except SaferplanError:
        return kind  # a kind no longer registered: its record is still readable
