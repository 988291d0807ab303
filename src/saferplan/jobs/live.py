"""On SQLite, a running job's latest progress also in a file, for while the database is busy.

SQLite takes one writer at a time, and an import holds the write lock while it publishes
(seconds, for millions of rows), so nothing, not even a heartbeat, could reach the job's
record meanwhile. SQLite lives on one machine, so the worker's monitor also writes each
running job's latest progress to ``<data directory>/jobs/<id>.json`` (replaced atomically),
and :func:`saferplan.jobs.queue.status` prefers it while it is newer than the record.
PostgreSQL takes the writes at once and needs none of this.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from saferplan import config


def enabled() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"


def _path(job_id: int) -> Path:
    return config.data_dir() / "jobs" / f"{job_id}.json"


def write(job_id: int, progress: dict[str, Any]) -> None:
    path = _path(job_id)
    path.parent.mkdir(exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{job_id}-", dir=path.parent)
    with os.fdopen(handle, "w") as out:
        json.dump(progress, out)
    os.replace(temporary, path)


def read(job_id: int) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        return None
    return found


def remove(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)
