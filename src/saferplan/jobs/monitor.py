"""Heartbeats, progress writes and cancellation checks for a worker's job; lost jobs found.

One thread per worker process, on its own database connection: every quarter second it
writes the running job's latest progress if it changed (so at most four writes a second
however often the work reports), a heartbeat at least every ``SAFERPLAN_JOB_HEARTBEAT``
seconds, and reads whether a cancellation was asked for. Every few seconds it also looks
for jobs of any worker whose heartbeat stopped for ``SAFERPLAN_JOB_LOST_AFTER`` seconds: their
worker died (killed, or its machine went down), so they are marked failed, never left
"running". Heartbeats are stamped and compared on the database's clock, so workers on
machines whose clocks differ agree.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models import DateTimeField, ExpressionWrapper, Q
from django.db.models.functions import Now

from saferplan import config
from saferplan.core.errors import SaferplanError
from saferplan.jobs import live
from saferplan.jobs.context import JobContext, Progress

logger = logging.getLogger("saferplan.jobs")

PROGRESS_INTERVAL = 0.25  # seconds: the most often a job's progress is written
CLEAN_UPLOADS_EVERY = 600.0  # seconds between looks for abandoned uploads (web.upload_expiry)
LOST_MESSAGE = (
    "The worker running this job ({worker}) stopped without finishing it (it was killed, or "
    "its machine went down). Work that is all or nothing, such as an import, is stored whole "
    "or not at all. Queue it again to run it from the start."
)


def seconds_setting(name: str, default: float) -> float:
    raw = config.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise SaferplanError(f"{name} must be a number of seconds above 0, not '{raw}'")
    return value


def heartbeat_interval() -> float:
    return seconds_setting("SAFERPLAN_JOB_HEARTBEAT", 0.5)


def lost_after() -> float:
    return seconds_setting("SAFERPLAN_JOB_LOST_AFTER", 30.0)


def _seconds_ago(seconds: float) -> Any:
    return ExpressionWrapper(Now() - timedelta(seconds=seconds), output_field=DateTimeField())


def reap_lost_jobs(after: float | None = None) -> list[int]:
    """Mark failed every running job whose heartbeat is older than ``after`` seconds."""
    from django_tasks_db.models import DBTaskResult

    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.jobs.models import Job, State

    cutoff = _seconds_ago(lost_after() if after is None else after)
    reaped = []
    with across_partnerships():
        for job in Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=cutoff):
            at = datetime.now(UTC).isoformat(timespec="seconds")
            line = {"at": at, "line": f"its worker ({job.worker}) was lost; marked failed"}
            with transaction.atomic():
                # Only if it is still lost: its worker may have written since it was read.
                updated = Job.objects.filter(
                    pk=job.pk, state=State.RUNNING, heartbeat_at__lt=cutoff
                ).update(
                    state=State.FAILED,
                    finished_at=Now(),
                    error=LOST_MESSAGE.format(worker=job.worker),
                    log=[*job.log, line],
                )
                if updated:
                    DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                        status="FAILED", finished_at=Now(), traceback="its worker was lost"
                    )
                    reaped.append(job.pk)
    for pk in reaped:
        live.remove(pk)
        logger.warning("job #%s: its worker was lost; marked failed", pk)
    return reaped


def requeue_orphans(after: float | None = None) -> list[int]:
    """Queue again a queued job whose queue entry was taken but never started it.

    A worker that died between taking the entry and starting the job leaves it so; the
    job never ran (starting it is what marks it running), so queueing it again is safe.
    """
    from django_tasks_db.models import DBTaskResult

    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.jobs.models import Job, State
    from saferplan.jobs.queue import put_on_queue

    cutoff = _seconds_ago(lost_after() if after is None else after)
    with across_partnerships():
        waiting = {
            j.task_id: j for j in Job.objects.filter(state=State.QUEUED, queued_at__lt=cutoff)
        }
        if not waiting:
            return []
        fine = DBTaskResult.objects.filter(
            Q(status="READY") | Q(status="RUNNING", started_at__gte=cutoff), id__in=list(waiting)
        )
        alive = {str(pk) for pk in fine.values_list("id", flat=True)}
        orphans = [job for task_id, job in waiting.items() if task_id not in alive]
        for job in orphans:
            with transaction.atomic():
                if Job.objects.filter(pk=job.pk, state=State.QUEUED, task_id=job.task_id).exists():
                    put_on_queue(job)
    return [job.pk for job in orphans]


def clean_old_uploads() -> None:
    """Delete the uploads nobody confirmed, cancelled or is importing, once old enough."""
    from saferplan.web.upload_expiry import clean

    try:
        removed = clean()
    except OSError as exc:  # a folder that cannot be deleted: said, and tried next time
        logger.warning("could not delete old uploads: %s", exc)
        return
    for upload in removed:
        logger.info("deleted the upload %s (%s), kept since %s", upload.name,
                    ", ".join(upload.files), upload.kept_at.isoformat())  # fmt: skip


def _live_progress(latest: Progress) -> dict[str, Any]:
    return {
        "phase": latest.phase,
        "percent": latest.percent,
        "rows": latest.rows,
        "log": latest.log,
        "heartbeat_at": datetime.now(UTC).isoformat(),
    }


def _wait_briefly_for_sqlite() -> None:
    """This thread's writes give up after 0.1 s on a busy SQLite (and are tried again a
    quarter second later), so that it keeps the live progress file current meanwhile."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")


class Monitor(threading.Thread):
    """The thread that keeps the running job's record current (see the module's notes)."""

    def __init__(self, worker_id: str, parent: int | None = None) -> None:
        super().__init__(name="saferplan-job-monitor", daemon=True)
        self.worker_id = worker_id
        self.heartbeat = heartbeat_interval()
        self.lost_after = lost_after()
        self.reap_every = min(5.0, self.lost_after / 2)
        self._parent = parent  # the process whose end stops this worker (see ``tick``)
        self.on_orphaned: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._context: JobContext | None = None
        self._written = -1
        self._last_beat = 0.0
        self._last_reap = 0.0
        self._last_clean: float | None = None
        self._done = threading.Event()

    def attach(self, context: JobContext) -> None:
        with self._lock:
            self._context, self._written, self._last_beat = context, -1, time.monotonic()

    def detach(self) -> None:
        """Stop writing for the job (waits for a write in progress): its worker ends it."""
        with self._lock:
            self._context = None

    def stop(self) -> None:
        self._done.set()
        if self.is_alive():
            self.join(timeout=10)

    def run(self) -> None:  # the thread; ``tick`` only ever runs in it
        try:
            while not self._done.wait(PROGRESS_INTERVAL):
                self.tick()
        finally:
            connections.close_all()  # this thread's own

    def reap(self) -> None:
        """Find lost jobs and orphaned entries (every few seconds, and before the first job)."""
        self._last_reap = time.monotonic()
        reap_lost_jobs(self.lost_after)
        requeue_orphans(self.lost_after)
        if self._last_clean is None or self._last_reap - self._last_clean >= CLEAN_UPLOADS_EVERY:
            self._last_clean = self._last_reap
            clean_old_uploads()

    def tick(self) -> None:
        from saferplan.accounts.tenancy import across_partnerships

        try:
            if live.enabled():
                _wait_briefly_for_sqlite()
            with across_partnerships(), self._lock:
                if self._context is not None:
                    self._write(self._context)
            if time.monotonic() - self._last_reap >= self.reap_every:
                self.reap()
        except DatabaseError as exc:  # e.g. SQLite busy with an import: next time
            busy = "locked" in str(exc)
            logger.log(logging.DEBUG if busy else logging.WARNING, "job monitor: %s", exc)
            close_old_connections()
        if self.on_orphaned is not None and self._parent not in (None, os.getppid()):
            logger.warning("the process that started this worker (%s) has ended", self._parent)
            self.on_orphaned()
            self.on_orphaned = None

    def _save(self, job_id: int, fields: dict[str, Any]) -> None:
        from saferplan.jobs.models import Job, State

        Job.objects.filter(pk=job_id, worker=self.worker_id, state=State.RUNNING).update(**fields)

    def _write(self, context: JobContext) -> None:
        from saferplan.jobs.models import Job, State

        now = time.monotonic()
        latest = context.snapshot()
        fields: dict[str, Any] = {}
        if latest.version != self._written:
            fields = {
                "phase": latest.phase[:200],
                "percent": latest.percent,
                "rows": latest.rows,
                "log": latest.log,
            }
        if fields or now - self._last_beat >= self.heartbeat:
            if live.enabled():  # first, as the database may be busy (see jobs.live)
                live.write(context.job_id, _live_progress(latest))
            self._save(context.job_id, {**fields, "heartbeat_at": Now()})
            self._written, self._last_beat = latest.version, now
        found = (
            Job.objects.filter(pk=context.job_id)
            .values_list("state", "worker", "cancel_requested_at")
            .first()
        )
        if found is None or found[0] != State.RUNNING or found[1] != self.worker_id:
            context.lost.set()
        elif found[2] is not None:
            context.cancel_requested.set()
