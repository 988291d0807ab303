"""Running one job in a worker: take it, run its work in its scope, record how it ended.

``run_job`` is the django-tasks task each queue entry names. Taking the job is one
conditional update (queued -> running), so however many entries or workers there are,
a job runs at most once at a time; ending it writes only if this worker still holds it.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django_tasks import task

from saferplan.core.errors import SaferplanError
from saferplan.jobs import live, registry
from saferplan.jobs.context import Cancelled, JobContext, Lost, WorkerStopping
from saferplan.jobs.models import Job, State

logger = logging.getLogger("saferplan.jobs")


@task()
def run_job(job_id: int) -> str:
    """The queue entry's work: run saferplan job ``job_id`` (see ``execute``)."""
    from saferplan.jobs.worker import current_process

    return execute(job_id, current_process())


@dataclass
class Ending:
    """How the job ended, as written to its record."""

    state: str
    line: str
    fields: dict[str, Any] = field(default_factory=dict)
    requeue: bool = False


def execute(job_id: int, process: Any) -> str:
    """Run the job if it is still queued; returns the state it ended in."""
    from saferplan.accounts.tenancy import across_partnerships, partnership_scope

    with across_partnerships():
        taken = Job.objects.filter(pk=job_id, state=State.QUEUED).update(
            state=State.RUNNING,
            started_at=Now(),
            heartbeat_at=Now(),
            worker=process.worker_id,
            attempts=F("attempts") + 1,
        )
        if not taken:
            return "not queued"  # cancelled before it started, or already taken
        job = Job.objects.select_related("partnership").get(pk=job_id)
    context = JobContext(
        job.pk,
        job.kind,
        job.arguments,
        partnership=job.partnership,
        requested_by=job.requested_by,
        log=job.log,
        stopping=process.stopping,
    )
    context.log(f"started by worker {process.worker_id}")
    logger.info("job #%s (%s) started", job.pk, job.kind)
    started = time.monotonic()
    process.monitor.attach(context)
    forced: BaseException | None = None
    try:
        with partnership_scope(job.partnership):
            ending = _run(context)
    except (KeyboardInterrupt, SystemExit) as exc:  # the worker was stopped by force
        forced = exc
        ending = _requeued("the worker was stopped by force")
    finally:
        process.monitor.detach()
    with across_partnerships():
        _record(job, context, ending, process.worker_id)
    logger.info("job #%s %s after %.1f s", job.pk, ending.state, time.monotonic() - started)
    if forced is not None:
        raise forced
    return ending.state


def _run(context: JobContext) -> Ending:
    try:
        result = registry.call(context)
        json.dumps(result, cls=DjangoJSONEncoder)  # a result that cannot be kept is an error
        if context.cancel_requested.is_set():
            context.log("a cancellation came too late: the job had already stored its result")
        return Ending(State.SUCCEEDED, "finished", {"result": result, "percent": 100.0})
    except Cancelled:
        return Ending(State.CANCELLED, "stopped: cancelled as asked")
    except WorkerStopping:
        return _requeued("its worker stopped before it finished")
    except Lost:
        return Ending(State.FAILED, "stopped: it had been given up as lost")
    except SaferplanError as exc:
        message = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
        fields = {"error": message, "result": {"errors": [error_fields(exc)]}}
        return Ending(State.FAILED, f"failed: {message}", fields)
    except Exception as exc:
        logger.exception("job #%s (%s) failed with an internal error", context.job_id, context.kind)
        return Ending(
            State.FAILED,
            "failed: an internal error (its traceback is in the job and the log)",
            {
                "error": f"An internal error stopped the job ({type(exc).__name__}); an "
                "administrator can read its traceback with saferplan jobs show.",
                "traceback": "".join(traceback.format_exception(exc)),
            },
        )


def error_fields(exc: SaferplanError) -> dict[str, Any]:
    """An error for people as plain data, so a page can list it: an input error's file,
    row and column each on its own, beside what is wrong and what to do."""
    return {
        "file": getattr(exc, "file", None),
        "row": getattr(exc, "row", None),
        "column": getattr(exc, "column", None),
        "message": getattr(exc, "problem", exc.message),
        "hint": exc.hint,
    }


def _requeued(why: str) -> Ending:
    line = f"{why}: queued again, to start from the beginning"
    return Ending(State.QUEUED, line, requeue=True)


def _record(job: Job, context: JobContext, ending: Ending, worker_id: str) -> None:
    """Write the ending, only while this worker holds the job (never over another's run)."""
    context.log(ending.line)
    latest = context.snapshot()
    fields: dict[str, Any] = {
        "phase": latest.phase[:200],
        "percent": latest.percent,
        "rows": latest.rows,
        "log": latest.log,
        "state": ending.state,
        **ending.fields,
    }
    if ending.requeue:
        fields.update(
            started_at=None, heartbeat_at=None, worker="", phase="", percent=None, rows=None
        )
    else:
        fields["finished_at"] = Now()
    mine = Job.objects.filter(pk=job.pk, worker=worker_id)
    if ending.state == State.FAILED and "error" not in ending.fields:
        mine = mine.filter(state=State.RUNNING)  # lost: the reaper's record stands
    elif not mine.filter(state=State.RUNNING).exists():
        # Given up as lost while it was in fact still running: this is its true ending.
        logger.warning("job #%s ended after it had been given up as lost", job.pk)
    with transaction.atomic():
        if mine.update(**fields) and ending.requeue:
            from saferplan.jobs.queue import put_on_queue

            put_on_queue(job)
    live.remove(job.pk)
