"""Storing what a resources or risk import read, inside the pipeline's transaction.

A year's table is replaced whole by a new file for the same partnership and year: the new
import's record names the imports it replaced and how many lines went, and the audit trail
has it. The risk register is kept up to date instead: a risk is matched by its reference
(or, without one, its wording), its changes saved and, when its ratings or status moved, a
review added; risks the file does not mention stay as they are.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict
from datetime import date
from typing import Any

from saferplan.accounts import audit
from saferplan.core.csvcheck import quoted
from saferplan.core.errors import InputError
from saferplan.datastore.importing import StoreBatch
from saferplan.resources import tables
from saferplan.resources.formats import Parsed
from saferplan.resources.models import (
    BudgetLine,
    FundingStream,
    GrantAllocation,
    Risk,
    RiskReview,
    StaffPost,
)
from saferplan.resources.values import folded, year_label

MODELS: dict[str, Any] = {
    "budget": BudgetLine,
    "grant-allocation": GrantAllocation,
    "staffing": StaffPost,
    "funding": FundingStream,
}
WHAT = {"budget": "Budget", "grant-allocation": "YJB grant allocation", "staffing": "Staffing",
        "funding": "Funding streams", "risks": "Risk register"}  # fmt: skip


def store_batch(batch: StoreBatch) -> None:
    first: dict[str, str] = {}
    for record, parsed in batch.files:
        payload: Parsed = parsed.payload
        if payload.year in first:
            raise InputError(
                payload.where,
                f"a second {payload.format.table} file for {payload.year} in one import (the "
                f"first is {first[payload.year]})",
                hint="Import one file for each year.",
            )
        first[payload.year] = payload.where
        if payload.format.by_year:
            _replace_year(record, payload, batch.partnership)
        else:
            _update_risks(record, payload, batch.partnership)


def _replace_year(record: Any, payload: Parsed, partnership: Any) -> None:
    table, year = payload.format.table, payload.year
    model = MODELS[table]
    old = model.objects.filter(year=year)
    replaced = sorted(set(old.exclude(source_import=None).values_list("source_import", flat=True)))
    count = old.count()
    old.delete()
    for order, (line, values) in enumerate(payload.lines):
        fields = asdict(values)
        references = fields.pop("actions", ())
        created = model.objects.create(
            partnership=partnership, year=year, order=order, source_import=record, **fields
        )
        if references:
            created.actions.set(_actions(payload.where, line, references, year))
    record.notes = {**record.notes, "replaces": replaced, "lines_replaced": count}
    record.save(update_fields=["notes"])
    replacing = f", replacing {count} lines (import {_ids(replaced)})" if count else ""
    audit.record(None, "imported", record, summary=f"{WHAT[table]} {year} from "
                 f"{record.file_name} (import #{record.pk}){replacing}"[:300])  # fmt: skip


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids) or "none: added in the app"


def _actions(where: str, line: int, references: tuple[str, ...], year: str) -> list[Any]:
    """The delivery plan actions named (by reference), in the partnership's plans: the
    year's own plan's where several plans have an action of that reference."""
    from saferplan.plans.models import Action

    found = list(Action.objects.filter(reference__in=references).select_related(
        "objective__priority__year"))  # fmt: skip
    chosen = []
    for reference in references:
        matches = [a for a in found if a.reference == reference]
        if len(matches) > 1:
            matches = [a for a in matches if a.objective.priority.year.label == year_label(year)]
        if len(matches) != 1:
            raise InputError(where, _not_one_action(reference, len(matches)), row=line,
                             column="actions", hint=_action_hint(reference))  # fmt: skip
        chosen.append(matches[0])
    return chosen


def _not_one_action(reference: str, matches: int) -> str:
    if matches:
        return f"{quoted(reference)} names actions in {matches} delivery plans, none of this year"
    return f"{quoted(reference)} is not an action of the partnership's delivery plans"


def _action_hint(reference: str) -> str:
    from saferplan.plans.models import Action

    known = [r for r in Action.objects.values_list("reference", flat=True) if r]
    close = difflib.get_close_matches(reference, known, n=3, cutoff=0.6)
    return (f"Did you mean {' or '.join(close)}? " if close else "") + (
        "Name actions by their reference in the plan (e.g. 1920-HV1-01), separated by semicolons."
    )


# -- the risk register -----------------------------------------------------------------------


def _update_risks(record: Any, payload: Parsed, partnership: Any) -> None:
    existing = list(Risk.objects.all())
    by_reference = {r.reference.lower(): r for r in existing}
    by_wording = {folded(r.risk): r for r in existing}
    taken = {r.reference.lower() for r in existing}
    seen: dict[str, int] = {}
    for line, entry in payload.lines:
        key = entry.reference.lower()
        if key and key in seen:
            raise InputError(payload.where, f"the reference {quoted(entry.reference)} is also "
                             f"on row {seen[key]}", row=line, column="reference")  # fmt: skip
        seen[key] = line
        taken.add(key)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for _, entry in payload.lines:
        risk = by_reference.get(entry.reference.lower()) if entry.reference else None
        if risk is None and not entry.reference:
            risk = by_wording.get(folded(entry.risk))
        if risk is None:
            reference = entry.reference or _next_reference(taken)
            risk = Risk(partnership=partnership, reference=reference, source_import=record)
            counts["added"] += 1
        else:
            counts["updated" if _differs(risk, entry) else "unchanged"] += 1
        save_risk(risk, entry, record.imported_by, f"imported from {record.file_name}")
    record.notes = {**record.notes, **counts}
    record.save(update_fields=["notes"])
    audit.record(None, "imported", record, summary=f"Risk register from {record.file_name} "
                 f"(import #{record.pk}): {counts['added']} added, {counts['updated']} "
                 "updated"[:300])  # fmt: skip


RISK_FIELDS = ("risk", "cause", "consequence", "likelihood", "impact", "owner", "mitigation",
               "review_date", "status")  # fmt: skip


def _differs(risk: Risk, entry: tables.RiskEntry) -> bool:
    return any(getattr(risk, f) != getattr(entry, f) for f in RISK_FIELDS)


def _next_reference(taken: set[str]) -> str:
    numbers = [int(m.group(1)) for r in taken if (m := re.fullmatch(r"r([0-9]+)", r))]
    reference = f"R{max(numbers, default=0) + 1}"
    taken.add(reference.lower())
    return reference


def save_risk(risk: Risk, entry: tables.RiskEntry, by: str, note: str) -> bool:
    """Save ``entry``'s values on ``risk``, with a review when it is new, its ratings or
    status moved, or the entry was reviewed after the risk's latest review (the entry's
    ``last_reviewed``: the review's date; without one, today); whether anything changed."""
    rated = (risk.likelihood, risk.impact, risk.status)
    latest = (
        risk.reviews.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
        if risk.pk
        else None
    )
    again = entry.last_reviewed is not None and (latest is None or entry.last_reviewed > latest)
    changed = risk.pk is None or _differs(risk, entry)
    if not changed and not again:
        return False
    if changed:
        for name in RISK_FIELDS:
            setattr(risk, name, getattr(entry, name))
        risk.version += 1 if risk.pk is not None else 0
        risk.save()
    if again or rated != (risk.likelihood, risk.impact, risk.status):
        RiskReview.objects.create(
            risk=risk, reviewed_on=entry.last_reviewed or date.today(),
            likelihood=risk.likelihood, impact=risk.impact, status=risk.status,
            note=note[:500], recorded_by=by[:150],
        )  # fmt: skip
    return True
