"""What a work function is handed: where to report progress, and how it learns to stop.

Reports only change this object, under a lock, so work may report as often as it likes
(an import reports every file it reads); the worker's monitor thread writes the latest to
the job's record at most a few times a second, on its own database connection, so a
report is never part of the work's transactions and never waits for the database. The
monitor also reads whether someone asked to cancel; the next report then raises.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

LOG_LINES_KEPT = 500


class JobStopped(BaseException):
    """The job must stop at once. A BaseException, so that work's ``except Exception``
    cannot swallow it: transactions roll back, so nothing all-or-nothing is stored."""


class Cancelled(JobStopped):
    """Someone asked for the job to be cancelled."""


class WorkerStopping(JobStopped):
    """The worker is shutting down: the job goes back to the queue, to start again."""


class Lost(JobStopped):
    """The job was given up as lost (its heartbeats had stopped reaching the database)."""


@dataclass
class Progress:
    """The latest report, as the monitor writes it; ``version`` counts the changes."""

    phase: str = ""
    percent: float | None = None
    rows: int | None = None
    log: list[dict[str, str]] = field(default_factory=list)
    version: int = 0


class JobContext:
    """Handed to a work function: ``progress(...)``, ``log(...)``, ``check()``."""

    def __init__(
        self,
        job_id: int,
        kind: str,
        arguments: dict[str, Any],
        *,
        partnership: Any = None,
        requested_by: str = "",
        log: list[dict[str, str]] | None = None,
        stopping: threading.Event | None = None,
    ) -> None:
        self.job_id = job_id
        self.kind = kind
        self.arguments = arguments
        self.partnership = partnership
        self.requested_by = requested_by
        self.cancel_requested = threading.Event()  # set by the monitor
        self.lost = threading.Event()  # set by the monitor
        self.stopping = stopping or threading.Event()  # set when the worker shuts down
        self._lock = threading.Lock()
        self._progress = Progress(log=list(log or []))
        self._settled = False

    def progress(
        self, phase: str | None = None, *, percent: float | None = None, rows: int | None = None
    ) -> None:
        """Record how far the work is; raises a :class:`JobStopped` if it must stop."""
        with self._lock:
            now = self._progress
            changed = Progress(
                phase=now.phase if phase is None else phase,
                percent=now.percent if percent is None else max(0.0, min(100.0, percent)),
                rows=now.rows if rows is None else rows,
                log=now.log,
                version=now.version,
            )
            if (changed.phase, changed.percent, changed.rows) != (now.phase, now.percent, now.rows):
                changed.version += 1
                self._progress = changed
        self.check()

    def log(self, line: str) -> None:
        """Add a line to the job's log (the oldest go once there are many)."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            lines = [*self._progress.log, {"at": at, "line": line}][-LOG_LINES_KEPT:]
            self._progress = Progress(
                self._progress.phase,
                self._progress.percent,
                self._progress.rows,
                lines,
                self._progress.version + 1,
            )

    def settled(self) -> None:
        """Say the work's result is stored: from now on nothing stops it (there is nothing
        left to undo, so a cancellation or the worker stopping must not undo the job)."""
        self._settled = True

    def check(self) -> None:
        """Raise if the job was cancelled, its worker is stopping, or it was given up."""
        if self._settled:
            return
        if self.cancel_requested.is_set():
            raise Cancelled()
        if self.lost.is_set():
            raise Lost()
        if self.stopping.is_set():
            raise WorkerStopping()

    def snapshot(self) -> Progress:
        with self._lock:
            return self._progress
