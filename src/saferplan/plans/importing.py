"""Importing a delivery plan: what the file holds becomes the plan year, every row or none.

:func:`preview_plan` says what an import would create (actions, their history, year-end
decisions, how each lead was matched, links to other years) without writing anything; the
CLI shows it, and a web upload will. :func:`import_plan_file` writes exactly that, audited;
a plan import runs it through the import pipeline (:mod:`plans.importers`), which records
the file. The file is read by :mod:`plans.planfile`, which checks every cell first.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import InputError, SaferplanError
from saferplan.plans.leads import LeadMatch, LeadMatcher, match_organisation, remember
from saferplan.plans.models import (
    NOT_RATED,
    Action,
    Objective,
    Priority,
    ProgressUpdate,
    StrategyYear,
)
from saferplan.plans.planfile import PlanFile, PlanRow, read_plan_text

__all__ = [
    "PlanPreview",
    "import_plan",
    "import_plan_file",
    "match_organisation",
    "plan_text",
    "preview_plan",
]
SUB_OBJECTIVE = re.compile(r"^([A-Z]+\d+)([a-z])$")
LABEL = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass
class PlanPreview:
    """What importing a plan file would create."""

    file: str
    label: str
    priorities: list[str]
    objectives: int
    actions: int
    new_actions: int
    updates: int
    ratings: Counter[str]
    dispositions: Counter[str]
    leads: list[LeadMatch]
    linked_back: int  # actions continuing one of an earlier plan, found in this partnership
    linked_forward: int  # actions of a later plan found to continue one of these
    exists: bool  # the partnership has this plan year already: importing would be refused
    ignored: tuple[str, ...]  # the file's columns that are not imported

    @property
    def unmatched(self) -> list[LeadMatch]:
        return [m for m in self.leads if m.organisation is None]


def check_label(label: str) -> str:
    """A plan year as "2019/20" (two consecutive years)."""
    match = LABEL.match(label.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise SaferplanError(f"'{label}' is not a plan year", hint="Write it as 2019/20.")
    return label.strip()


def preview_plan(
    plan: PlanFile,
    partnership: Partnership,
    label: str | None = None,
    leads: Mapping[str, Organisation] | None = None,
) -> PlanPreview:
    """What importing ``plan`` as ``label`` would create; nothing is written."""
    with partnership_scope(partnership):
        return _preview(plan, plan_label(plan, label), leads or {})


def plan_label(plan: PlanFile, label: str | None) -> str:
    """The plan year: ``label`` if given, else the one the file names (checked either way)."""
    if label:
        return check_label(label)
    if plan.label:
        return check_label(plan.label)
    raise InputError(
        plan.file, "the file does not say which plan year it is", hint="Say which: --year 2019/20."
    )


def _matcher(leads: Mapping[str, Organisation]) -> LeadMatcher:
    from saferplan.plans.models import lead_key

    matcher = LeadMatcher.current()
    matcher.remembered.update({lead_key(lead): org for lead, org in leads.items()})
    return matcher


def _preview(plan: PlanFile, label: str, leads: Mapping[str, Organisation]) -> PlanPreview:
    rows = plan.rows
    objectives = {r.objective_code for r in rows}
    objectives |= {m.group(1) for c in objectives if (m := SUB_OBJECTIVE.match(c))}
    others = _other_years_references(label)
    matched = _matcher(leads).summary(r.lead_text for r in rows)
    return PlanPreview(
        file=plan.file,
        label=label,
        priorities=list(dict.fromkeys(r.section for r in rows)),
        objectives=len(objectives),
        actions=len(rows),
        new_actions=sum(r.is_new for r in rows),
        updates=sum(len(r.updates) for r in rows),
        ratings=Counter(u.rag for r in rows for u in r.updates if u.rag != NOT_RATED),
        dispositions=Counter(r.disposition for r in rows if r.disposition),
        leads=matched,
        linked_back=sum(1 for r in rows if r.predecessor in others),
        linked_forward=sum(1 for r in rows if r.successor in others),
        exists=Action.objects.filter(objective__priority__year__label=label).exists(),
        ignored=plan.ignored,
    )


def _other_years_references(label: str) -> dict[str, Action]:
    """Actions of the partnership's other plan years by row id (the latest year's wins)."""
    found: dict[str, Action] = {}
    actions = Action.objects.exclude(objective__priority__year__label=label).exclude(reference="")
    for action in actions.order_by("objective__priority__year__label", "id"):
        found[action.reference] = action
    return found


def import_plan(
    text: str,
    file: str,
    partnership: Partnership,
    label: str | None = None,
    title: str = "",
    user: Any = None,
    leads: Mapping[str, Organisation] | None = None,
) -> StrategyYear:
    """Create the ``label`` plan of ``partnership`` from CSV text: every row, or none."""
    return import_plan_file(read_plan_text(text, file), partnership, label, title, user, leads)


def import_plan_file(
    plan: PlanFile,
    partnership: Partnership,
    label: str | None = None,
    title: str = "",
    user: Any = None,
    leads: Mapping[str, Organisation] | None = None,
    provenance: str = "",
) -> StrategyYear:
    """Write ``plan`` as the ``label`` plan (its history, decisions and links), audited.

    ``leads`` maps leads as written to organisations; each is remembered as an alias.
    ``provenance`` (the file's import record, say) ends the audit event's summary.
    """
    with partnership_scope(partnership), transaction.atomic():
        label = plan_label(plan, label)
        preview = _preview(plan, label, leads or {})
        year = _new_year(plan.file, partnership, label, title)
        for lead, organisation in (leads or {}).items():
            remember(user, partnership, lead, organisation)
        written = _write_rows(plan, year, dict((m.lead, m.organisation) for m in preview.leads))
        linked = _link_years(year, written, user)
        audit.record(
            user,
            "created",
            year,
            summary=f"Imported the {label} plan from {plan.file}: {preview.actions} actions, "
            f"{preview.updates} updates, {sum(preview.dispositions.values())} year-end "
            f"decisions, {linked} links to other years{provenance}",
        )
        return year


def _new_year(file: str, partnership: Partnership, label: str, title: str) -> StrategyYear:
    year, _ = StrategyYear.objects.get_or_create(
        partnership=partnership, label=label, defaults={"title": title}
    )
    if year.priorities.exists():
        raise InputError(
            file, f"the {label} plan has already been imported", hint="Nothing was changed."
        )
    return year


def _write_rows(
    plan: PlanFile, year: StrategyYear, leads: Mapping[str, Organisation | None]
) -> list[tuple[PlanRow, Action]]:
    priorities: dict[str, Priority] = {}
    objectives: dict[str, Objective] = {}
    written = []
    source = Path(plan.file).name[-250:]
    for row in plan.rows:
        if row.section not in priorities:
            priorities[row.section] = Priority.objects.create(
                year=year, name=row.section, group=_group(row.section), order=len(priorities)
            )
        objective = _objective(row, priorities[row.section], objectives)
        action = Action.objects.create(
            objective=objective,
            reference=row.reference,
            measures_targets=row.measures_targets,
            text=row.action,
            review_point_text=row.review_point_text,
            review_date=row.review_date,
            ongoing=row.ongoing,
            lead_text=row.lead_text,
            lead_organisation=leads.get(" ".join(row.lead_text.split())),
            is_new=row.is_new,
            disposition=row.disposition,
            tags=list(row.tags),
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=action,
                rag=u.rag,
                text=u.text,
                date=u.date,
                source=f"{source}, row {row.row}",
            )
            for u in row.updates
        )
        written.append((row, action))
    return written


def _objective(row: PlanRow, priority: Priority, objectives: dict[str, Objective]) -> Objective:
    code = row.objective_code
    sub = SUB_OBJECTIVE.match(code)
    if sub and sub.group(1) not in objectives:
        # "HH1a", "HH1b": sub-objectives (a/b/c) of HH1, whose heading is what they share.
        heading = row.objective_heading.split(" – To ")[0]
        objectives[sub.group(1)] = Objective.objects.create(
            priority=priority,
            code=sub.group(1),
            heading=re.sub(r"(\d)[a-z]\b", r"\1", heading),
            order=len(objectives),
        )
    if code not in objectives:
        objectives[code] = Objective.objects.create(
            parent=objectives[sub.group(1)] if sub else None,
            priority=priority,
            code=code,
            heading=row.objective_heading,
            order=len(objectives),
        )
    return objectives[code]


def _link_years(year: StrategyYear, written: list[tuple[PlanRow, Action]], user: Any) -> int:
    """Link each action to the one it continues, whichever plan year came in first."""
    others = _other_years_references(year.label)
    linked = 0
    for row, action in written:
        earlier = others.get(row.predecessor)
        if earlier is not None and action.carried_from_id is None:
            action.carried_from = earlier
            action.save(update_fields=["carried_from"])
            linked += 1
        later = others.get(row.successor)
        if later is not None and later.carried_from_id is None:
            before = audit.snapshot(later)
            later.carried_from = action
            later.version += 1
            later.save(update_fields=["carried_from", "version"])
            audit.record(
                user,
                "changed",
                later,
                before=before,
                summary=f"{later} continues {action} of {year.label}",
            )
            linked += 1
    return linked


def _group(section: str) -> str:
    lowered = section.lower()
    if "volume" in lowered:
        return Priority.Group.HIGH_VOLUME
    if "harm" in lowered:
        return Priority.Group.HIGH_HARM
    return Priority.Group.OTHER


def plan_text(path: str) -> str:
    """A plan file as CSV text: CSV as it is (UTF-8, BOM or Windows-1252), Excel's first sheet."""
    from saferplan.datastore.sources import SourceFile, decoded_text, read_regular_file

    file = Path(path)
    if not file.is_file():
        raise InputError(path, "no such file")
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from saferplan.plans.planfile import _sheet_records

        out = io.StringIO()
        csv.writer(out).writerows(values for _, values in _sheet_records(file, path))
        return out.getvalue()
    text, _ = decoded_text(SourceFile(name=path, data=read_regular_file(file)))
    return text
