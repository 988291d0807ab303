"""Uploads that nobody confirmed or cancelled are deleted once they are old.

Each upload is a folder of ``<data>/uploads/`` named by the server with the time it was
kept (``20261201T093000-<16 hex>``, UTC, see ``web.uploads.keep``), so its age is read from
its name, not from a file time that copying or touching could change. An upload is kept
for ``settings.UPLOAD_KEEP_HOURS`` (``SAFERPLAN_UPLOAD_KEEP_HOURS``, 24 by default) and
while a queued or running job names it; after that the worker's housekeeping and
``saferplan uploads clean`` delete it. Other entries of ``uploads/`` (Django's
``incoming/`` files of requests in progress) are never touched.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from saferplan.web.uploads import uploads_dir

UPLOAD_NAME = re.compile(r"^(\d{8}T\d{6})-[0-9a-f]{16}$")


def keep_hours() -> float:
    return float(settings.UPLOAD_KEEP_HOURS)


def kept_at(upload_id: str) -> datetime | None:
    """When the server kept the upload, from its name (None: not an upload's name)."""
    match = UPLOAD_NAME.match(upload_id)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def kept_until(upload_id: str, hours: float | None = None) -> datetime | None:
    """The moment after which the upload may be deleted (None: not an upload's name)."""
    at = kept_at(upload_id)
    return None if at is None else at + timedelta(hours=keep_hours() if hours is None else hours)


def expired(upload_id: str, now: datetime | None = None) -> bool:
    """Whether the upload is past the time it is kept for."""
    until = kept_until(upload_id)
    return until is not None and (now or datetime.now(UTC)) >= until


def in_use() -> set[str]:
    """The names of the upload folders that a queued or running job will still read."""
    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.jobs.models import Job, State

    names = set()
    with across_partnerships():
        jobs = Job.objects.filter(state__in=[State.QUEUED, State.RUNNING])
        for arguments in jobs.values_list("arguments", flat=True):
            folder = (arguments or {}).get("uploaded") if isinstance(arguments, dict) else None
            if folder:
                names.add(Path(folder).name)
    return names


@dataclass(frozen=True)
class Removed:
    """An upload deleted for its age: its folder's name, when it was kept, its files."""

    name: str
    kept_at: datetime
    files: tuple[str, ...]


def clean(older_than_hours: float | None = None, now: datetime | None = None) -> list[Removed]:
    """Delete every upload older than ``older_than_hours`` (the setting by default) that no
    queued or running job names; return what was deleted, oldest first."""
    root = uploads_dir()
    if not root.is_dir():
        return []
    hours = keep_hours() if older_than_hours is None else older_than_hours
    moment, busy, removed = now or datetime.now(UTC), in_use(), []
    for folder in sorted(root.iterdir()):
        at = kept_at(folder.name)
        if at is None or not folder.is_dir() or folder.is_symlink() or folder.name in busy:
            continue
        if moment - at < timedelta(hours=hours):
            continue
        files = tuple(sorted(p.name for p in folder.iterdir()))
        shutil.rmtree(folder)
        removed.append(Removed(folder.name, at, files))
    return removed
