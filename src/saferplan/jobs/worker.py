"""The worker process: take queue entries one at a time and run their jobs.

Taking entries is django-tasks' database worker (row locks that skip rows another worker
holds on PostgreSQL, an exclusive transaction on SQLite); around it saferplan adds the
monitor thread (heartbeats, progress, cancellation, lost jobs) and a prompt stop. The
first SIGINT or SIGTERM stops taking jobs and makes the running job stop at its next
progress report; that job is queued again, to start from the beginning when a worker
next runs. A second signal (2 s or more after the first: one Ctrl-C often reaches a
worker twice, from the terminal and from ``saferplan serve``) stops the job at once.

On SQLite one worker is supported (SQLite takes one writer at a time, and an import
holds the write lock while it publishes); on PostgreSQL run as many as you like, on as
many machines.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

from saferplan.core.errors import SaferplanError
from saferplan.jobs.monitor import Monitor

logger = logging.getLogger("saferplan.jobs")

# How often an idle worker looks for a queued job: a quarter second, so that a job waits
# an eighth of a second on average (one short query each time; a whole second made an
# upload's job wait half a second).
POLL_SECONDS = 0.25
REPEAT_IGNORED = 2.0  # a second stop signal sooner than this is the same request again


@dataclass
class WorkerProcess:
    """This process as a worker: its id, its monitor, and whether it is stopping."""

    worker_id: str
    monitor: Monitor
    stopping: threading.Event = field(default_factory=threading.Event)


_current: WorkerProcess | None = None
_current_lock = threading.Lock()


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def current_process(parent: int | None = None) -> WorkerProcess:
    """This process's worker state, its monitor started on first use (``parent``: see
    :func:`run`)."""
    global _current
    with _current_lock:
        if _current is None or _current.worker_id != new_worker_id():  # new, or forked
            worker_id = new_worker_id()
            monitor = Monitor(worker_id, parent)
            _current = WorkerProcess(worker_id, monitor)
            monitor.reap()  # lost jobs are found before this worker takes any
            monitor.start()
        return _current


def check_concurrency(concurrency: int) -> None:
    from django.db import connection

    if concurrency < 1:
        raise SaferplanError("--concurrency must be 1 or more")
    if concurrency > 1 and connection.vendor == "sqlite":
        raise SaferplanError(
            "on SQLite one worker is supported: SQLite takes one writer at a time",
            hint="Use PostgreSQL (DATABASE_URL) to run several workers, on one machine or many.",
        )


def run(parent: int | None = None) -> None:
    """Run jobs in this process until a signal stops it, or (given ``parent``, the process
    that started it) until that process ends, even killed outright."""
    from django_tasks_db.management.commands.db_worker import Worker

    process = current_process(parent)

    class QueueWorker(Worker):
        first_signal = 0.0

        def shutdown(self, signum: int, frame: FrameType | None) -> None:
            now = time.monotonic()
            if self.running:
                self.first_signal = now
                process.stopping.set()  # the running job stops at its next report
            elif now - self.first_signal < REPEAT_IGNORED:
                return
            super().shutdown(signum, frame)

    worker = QueueWorker(
        queue_names=["default"],
        interval=POLL_SECONDS,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id=process.worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    load_job_code()
    logger.info("worker %s is waiting for jobs", process.worker_id)
    process.monitor.on_orphaned = lambda: os.kill(os.getpid(), signal.SIGTERM)
    try:
        worker.run()
    finally:
        worker.reset_signals()
        forget_process()
        logger.info("worker %s stopped", process.worker_id)


def load_job_code() -> None:
    """Load what an import needs (pyarrow, the importers) before any job arrives, so the
    first job does not wait half a second for it on a busy machine."""
    from saferplan.datastore.importing import importers

    importers()


def forget_process() -> None:
    """Stop this process's monitor; a later job in this process starts a new one."""
    global _current
    with _current_lock:
        if _current is not None:
            _current.monitor.stop()
        _current = None
