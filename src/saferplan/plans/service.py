"""Changing a delivery plan: every write the pages (and later the API) make goes through here.

Each function takes who is acting, the object and the cleaned values; it checks the
permission and the version the person saw, writes in one transaction, and audits. A
version that moved on since the person opened the page raises :class:`Conflict`, which a
page shows as a 409 with the other person's change; nothing is written then.

Writers wait for each other rather than fail: on PostgreSQL the action's row is locked
(``select_for_update``); on SQLite, where that does nothing, every transaction begins
``IMMEDIATE`` (site settings), so it takes the write lock first and waits its turn (busy
timeout) instead of failing with "database is locked" when another writer got in between
its read and its write. The version is also checked in the UPDATE itself, so a lost update
is impossible whatever the database does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F

from saferplan.accounts import audit, permissions
from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import InputError, SaferplanError
from saferplan.plans import importing, links, yearend
from saferplan.plans import leads as plan_leads
from saferplan.plans.models import (
    Action,
    Disposition,
    Measure,
    MeasureActual,
    Objective,
    ProgressUpdate,
    StrategyYear,
    lead_key,
)
from saferplan.plans.planfile import PlanFile

ACTION_FIELDS = [
    "text",
    "measures_targets",
    "review_point_text",
    "review_date",
    "lead_text",
    "lead_organisation",
    "partners",
    "funding_source",
    "funding_amount",
]


class Conflict(SaferplanError):
    """Someone else changed the object since the person opened it; nothing was written."""

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class NotAllowed(SaferplanError):
    """The person's roles in this partnership do not allow the change."""


def _allow(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"you cannot {what}")


def _claim(action: Action, version: int | None, message: str) -> tuple[Action, dict[str, Any]]:
    """Lock ``action``, check it is still at ``version`` and move it to the next one.

    Returns the locked action (at its new version) and its snapshot before the change.
    """
    locked = Action.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if version is not None and locked.version != version:
        raise Conflict(message, current=locked)
    before = audit.snapshot(locked)
    moved = Action.objects.filter(pk=locked.pk, version=locked.version).update(
        version=F("version") + 1
    )
    if moved != 1:  # changed between the read and the write (a database without locks)
        raise Conflict(message, current=Action.objects.get(pk=action.pk))
    locked.version += 1
    return locked, before


UPDATED_MEANWHILE = (
    "Someone else updated this action while you were editing it. Their update is shown "
    "below; check it, then submit yours again if it is still needed."
)
CHANGED_MEANWHILE = (
    "Someone else changed this action while you were editing it. The form now shows "
    "their version: check it and make your change again."
)


def record_progress(
    user: Any, action: Action, *, rag: str, text: str, version: int
) -> ProgressUpdate:
    """A progress update on ``action`` by ``user``, who opened it at ``version``."""
    _allow(permissions.can_update_action(user, action), "record progress on this action")
    with transaction.atomic():
        locked, before = _claim(action, version, UPDATED_MEANWHILE)
        update = locked.updates.create(rag=rag, text=text, author=user)
        audit.record(
            user,
            "created",
            update,
            summary=f"Progress update on {locked}: {update.get_rag_display()}",
        )
        audit.record(
            user, "changed", locked, before=before, summary=f"Version {locked.version} of {locked}"
        )
    return update


def save_action(
    user: Any,
    values: Mapping[str, Any],
    *,
    version: int | None,
    action: Action | None = None,
    objective: Objective | None = None,
) -> Action:
    """Edit ``action`` (opened at ``version``), or add a new one (marked New) to ``objective``."""
    _allow(permissions.can_edit_plan(user), "change the plan")
    with transaction.atomic():
        if action is None:
            if objective is None:
                raise ValueError("a new action needs its objective")
            saved, before = Action(objective=objective, is_new=True), None
        else:
            # No version (a crafted form) is never the current one: versions start at 1.
            saved, before = _claim(action, version or 0, CHANGED_MEANWHILE)
        for name in ACTION_FIELDS:
            setattr(saved, name, values[name])
        if "tags" in values:
            saved.tags = links.clean_tags(values["tags"])
        measures = links.check_measures(saved, values["measures"]) if "measures" in values else None
        saved.save()
        if measures is not None:
            saved.measures.set(measures)
        summary = f"{'Edited' if before else 'Added'} {saved}{_links_summary(saved, values)}"
        audit.record(
            user, "changed" if before else "created", saved, before=before, summary=summary[:300]
        )
    return saved


def _links_summary(action: Action, values: Mapping[str, Any]) -> str:
    """What the audit says of the tags and measures saved with an edit, when the form had them."""
    said = ""
    if "tags" in values:
        said += f"; tags: {', '.join(action.tags) or 'none'}"
    if "measures" in values:
        said += f"; measures: {', '.join(str(m) for m in values['measures']) or 'none'}"
    return said


def set_dispositions(
    user: Any,
    year: StrategyYear,
    chosen: Mapping[int, str],
    versions: Mapping[int, int] | None = None,
) -> list[Action]:
    """Year-end decisions by action id (a ``versions`` entry: the version the person saw).

    All or nothing: if any changed action moved on meanwhile, none is saved.
    """
    _allow(permissions.can_edit_plan(user), "change the plan")
    versions = versions or {}
    allowed = {str(d) for d in Disposition} | {""}
    with transaction.atomic():
        changed = []
        actions = Action.objects.filter(objective__priority__year=year, pk__in=list(chosen))
        for action in actions.order_by("id"):
            value = chosen[action.pk]
            if value not in allowed:
                raise SaferplanError(f"'{value}' is not a year-end decision")
            if value == action.disposition:
                continue
            locked, before = _claim(action, versions.get(action.pk), CHANGED_MEANWHILE)
            locked.disposition = value
            locked.save(update_fields=["disposition"])
            audit.record(
                user,
                "changed",
                locked,
                before=before,
                summary=f"Year-end disposition of {locked}: {value or 'not decided'}",
            )
            changed.append(locked)
    return changed


def carry_over(user: Any, year: StrategyYear, label: str) -> StrategyYear:
    """Next year's plan with every continued action, its history and measures linked."""
    from saferplan.plans.importing import check_label

    _allow(permissions.can_edit_plan(user), "change the plan")
    label = check_label(label)
    with transaction.atomic():
        new = yearend.carry_over(year, label)
        audit.record(user, "created", new, summary=f"Carried {year.label} over into {new}")
    return new


def year_end(
    user: Any,
    year: StrategyYear,
    chosen: Mapping[int, str],
    versions: Mapping[int, int] | None = None,
    carry_into: str | None = None,
) -> StrategyYear | None:
    """Save the decisions and, if asked, carry over: both, or (on any error) neither."""
    with transaction.atomic():
        set_dispositions(user, year, chosen, versions)
        return carry_over(user, year, carry_into) if carry_into is not None else None


def record_actual(user: Any, measure: Measure, period: str, value: Decimal) -> MeasureActual:
    """A typed-in actual (computed measures are refreshed from the crime data instead)."""
    _allow(permissions.can_edit_plan(user) and not measure.computed, "type in this measure")
    with transaction.atomic():
        actual, created = MeasureActual.objects.update_or_create(
            measure=measure,
            period=period,
            defaults={"value": value, "computed": False, "provenance": f"typed in by {user}"},
        )
        audit.record(
            user,
            "created" if created else "changed",
            actual,
            summary=f"Actual for {measure}: {actual.value} in {actual.period}",
        )
    return actual


def settle_lead(
    user: Any, year: StrategyYear, lead: str, organisation: Organisation
) -> list[Action]:
    """``lead`` is ``organisation``'s: remembered as its alias, and every action of the
    partnership with that lead and no organisation yet is given it (each audited)."""
    _allow(permissions.can_edit_plan(user), "change the plan")
    key = lead_key(lead)
    in_plan = Action.objects.filter(objective__priority__year=year).values_list("lead_text")
    if not key or key not in {lead_key(text) for (text,) in in_plan}:
        raise SaferplanError(f"no action of the {year.label} plan has the lead '{lead}'")
    with transaction.atomic():
        plan_leads.remember(user, year.partnership, lead, organisation)
        matching = [
            a
            for a in Action.objects.filter(lead_organisation__isnull=True).exclude(lead_text="")
            if lead_key(a.lead_text) == key
        ]
        settled = []
        for action in matching:
            locked, before = _claim(action, None, CHANGED_MEANWHILE)
            locked.lead_organisation = organisation
            locked.save(update_fields=["lead_organisation"])
            audit.record(
                user,
                "changed",
                locked,
                before=before,
                summary=f"Lead organisation of {locked}: {organisation}",
            )
            settled.append(locked)
    return settled


def preview_import(
    plan: PlanFile,
    partnership: Partnership,
    label: str | None = None,
    leads: Mapping[str, Organisation] | None = None,
) -> importing.PlanPreview:
    """What importing ``plan`` would create (nothing is written): the CLI shows it before
    importing, and a web upload will before the person confirms."""
    return importing.preview_plan(plan, partnership, label, leads)


@dataclass
class PlanImport:
    """What a plan import did: the plan year and its import record, or (the same file
    imported before) nothing, and the earlier record."""

    year: StrategyYear | None
    record: Any = None  # datastore.models.ImportRecord
    earlier: Any = None  # the earlier import of the same file, when this one changed nothing

    @property
    def already_imported(self) -> bool:
        return self.year is None


def import_plan(
    user: Any,
    path: Path | str,
    partnership: Partnership,
    label: str | None = None,
    title: str = "",
    leads: Mapping[str, Organisation] | None = None,
    previewed: str | None = None,
) -> PlanImport:
    """Import the plan file at ``path`` through the import pipeline (``user`` None: from the
    command line): the plan year with its import record (SHA-256, rows, who, when), all or
    nothing; the same file again changes nothing. ``previewed``, the SHA-256 of the file
    the person saw previewed (``planfile.plan_source``), refuses a file changed since."""
    from saferplan.datastore.importing import run_import
    from saferplan.plans.importers import IMPORT_KIND

    if user is not None:
        _allow(permissions.can_edit_plan(user), "import a plan")
    file = Path(path)
    if file.is_dir() or file.suffix.lower() == ".zip":
        raise InputError(str(path), "a plan is imported from one CSV or Excel file")
    options = {
        "label": label,
        "title": title,
        "leads": dict(leads or {}),
        "actor": user,
        "previewed": previewed,
    }
    outcome = run_import(
        IMPORT_KIND,
        [file],
        options=options,
        user=user.get_username() if user is not None else None,
        partnership=partnership,
    )
    if not outcome.imported:
        return PlanImport(None, earlier=outcome.skipped[0][1] if outcome.skipped else None)
    record = outcome.imported[0]
    with partnership_scope(partnership):
        return PlanImport(StrategyYear.objects.get(pk=record.notes["plan"]), record)
