"""Reading the audit trail: the partnership in scope's events, filtered by who, action,
model, object and date range, and as CSV rows that a spreadsheet cannot run as formulas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from saferplan.accounts.models import AuditEvent
from saferplan.core.cells import csv_row

CSV_COLUMNS = ["when", "partnership", "who", "action", "model", "object_id", "summary",
               "before", "after"]  # fmt: skip


@dataclass(frozen=True)
class AuditFilter:
    """What to keep; an empty field keeps everything. Dates are inclusive, local time."""

    who: str = ""
    action: str = ""
    model: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None


def events(wanted: AuditFilter) -> QuerySet[AuditEvent]:
    """The partnership in scope's events that match, newest first."""
    found = AuditEvent.objects.select_related("user", "partnership")
    if wanted.who:
        found = found.filter(actor=wanted.who)
    if wanted.action:
        found = found.filter(action=wanted.action)
    if wanted.model:
        found = found.filter(model=wanted.model)
    if wanted.object_id:
        found = found.filter(object_id=wanted.object_id.strip())
    if wanted.since:
        found = found.filter(when__date__gte=wanted.since)
    if wanted.until:
        found = found.filter(when__date__lte=wanted.until)
    return found


def choices(field: str) -> list[str]:
    """The values ``field`` takes in the partnership in scope's trail, for a filter's list."""
    values = AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct()
    return [v for v in values if v]


def csv_rows(found: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    """The header, then one row per event, every cell formula-safe."""
    yield CSV_COLUMNS
    for event in found.iterator(chunk_size=500):
        yield csv_row(_cells(event))


def _cells(event: AuditEvent) -> list[str]:
    return [
        timezone.localtime(event.when).isoformat(timespec="seconds"),
        event.partnership.name if event.partnership else "",
        event.actor or (event.user.get_username() if event.user else ""),
        event.action,
        event.model,
        event.object_id,
        event.summary,
        _json(event.before),
        _json(event.after),
    ]


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
