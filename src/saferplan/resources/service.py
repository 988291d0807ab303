"""Reading a partnership's resources and risks into tables, importing them, and changing them
in the app (every change audited). The documents, pages and CLI come here; the figures
themselves are computed by ``tables``.

Each reader takes the partnership and works in its scope, so a document build, a page and a
command get the same table: ``budget_for(partnership, "2019-20")``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.tenancy import partnership_scope, require_partnership
from saferplan.core.errors import SaferplanError
from saferplan.resources import tables
from saferplan.resources.models import (
    BudgetLine,
    FundingStream,
    GrantAllocation,
    Risk,
    StaffPost,
    YearLine,
)
from saferplan.resources.values import financial_year


def _year_lines(model: type[YearLine], year: str) -> list[Any]:
    query: Any = model.objects.filter(year=financial_year(year)).select_related("source_import")
    if model is FundingStream:
        query = query.prefetch_related("actions")
    return list(query.order_by("order", "id"))


def _sourced(table: tables.Table, lines: Sequence[Any]) -> tables.Table:
    """The table with the imports its lines came from, and what was changed in the app."""
    imports = {line.source_import_id: line.source_import for line in lines if line.source_import}
    sources = tuple(
        f"{r.file_name} (import #{r.pk}, SHA-256 {r.sha256}, {r.finished_at:%Y-%m-%d})"
        for _, r in sorted(imports.items())
    )
    added = sum(1 for line in lines if line.source_import_id is None)
    edited = sum(1 for line in lines if line.edited)
    changes = ((added, "added in the app"), (edited, "changed in the app since its import"))
    notes = [f"{n} {'line was' if n == 1 else 'lines were'} {what}."
             for n, what in changes if n]  # fmt: skip
    return dataclasses.replace(table, notes=(*table.notes, *notes), sources=sources)


def budget_for(partnership: Any, year: str) -> tables.Table:
    with partnership_scope(partnership):
        lines = _year_lines(BudgetLine, year)
        table = tables.budget_table([line.line() for line in lines], financial_year(year))
        return _sourced(table, lines)


def grant_for(partnership: Any, year: str) -> Any:
    """The YJB grant in the year's budget (None when the budget has no grant line)."""
    with partnership_scope(partnership):
        return tables.yjb_grant([line.line() for line in _year_lines(BudgetLine, year)])


def grant_allocation_for(partnership: Any, year: str) -> tables.Table:
    """The allocation, with a warning when it does not add up to the budget's YJB grant."""
    with partnership_scope(partnership):
        lines = _year_lines(GrantAllocation, year)
        grant = grant_for(partnership, year)
        table = tables.grant_allocation_table([line.line() for line in lines], grant,
                                              financial_year(year))  # fmt: skip
        return _sourced(table, lines)


def staffing_for(partnership: Any, year: str) -> tables.Table:
    """FTE by post and contract, vacancies and totals: no one's personal details."""
    with partnership_scope(partnership):
        posts = _year_lines(StaffPost, year)
        return _sourced(tables.staffing_table([p.line() for p in posts], financial_year(year)),
                        posts)  # fmt: skip


def staff_posts_for(partnership: Any, year: str, personal: bool) -> tables.Table:
    """Every post; sex and ethnicity only with ``personal`` (``can_view_staff_details``)."""
    with partnership_scope(partnership):
        posts = _year_lines(StaffPost, year)
        table = tables.staff_posts_table([p.line() for p in posts], personal, financial_year(year))
        return _sourced(table, posts)


def staffing_diversity_for(partnership: Any, year: str) -> tables.Table:
    """Staff in post by ethnic group and sex (for ``can_view_staff_details`` only)."""
    with partnership_scope(partnership):
        posts = _year_lines(StaffPost, year)
        table = tables.staffing_diversity_table([p.line() for p in posts], financial_year(year))
        return _sourced(table, posts)


def funding_for(partnership: Any, year: str) -> tables.Table:
    with partnership_scope(partnership):
        streams = _year_lines(FundingStream, year)
        table = tables.funding_table([s.line() for s in streams], financial_year(year))
        return _sourced(table, streams)


def risks_for(
    partnership: Any, today: date | None = None, include_closed: bool = False
) -> tables.Table:
    """The risk register, highest score first, each risk with its run of reviews (the
    "challenges, risks and issues" of a plan)."""
    with partnership_scope(partnership):
        risks = list(Risk.objects.prefetch_related("reviews").select_related("source_import"))
        table = tables.risk_table([r.entry() for r in risks], today or date.today(),
                                  include_closed)  # fmt: skip
        sources = {r.source_import for r in risks if r.source_import is not None}
        return dataclasses.replace(
            table,
            sources=tuple(f"{r.file_name} (import #{r.pk}, SHA-256 {r.sha256})"
                          for r in sorted(sources, key=lambda r: r.pk)),
        )  # fmt: skip


MODELS: dict[str, type[YearLine]] = {
    "budget": BudgetLine,
    "grant-allocation": GrantAllocation,
    "staffing": StaffPost,
    "funding": FundingStream,
}


def years_for(partnership: Any) -> list[str]:
    """Every financial year with any resources recorded, newest first."""
    with partnership_scope(partnership):
        found: set[str] = set()
        for model in MODELS.values():
            found |= set(model.objects.values_list("year", flat=True).distinct())
        return sorted(found, reverse=True)


def import_file(
    table: str, path: Path | str, year: str | None = None, user: str | None = None
) -> Any:
    """Import one file of ``table`` (budget, grant-allocation, staffing, funding, risks) into
    the partnership in scope, through the import pipeline."""
    from saferplan.datastore.importing import run_import
    from saferplan.resources.formats import FORMATS

    options = {"year": financial_year(year)} if year else {}
    return run_import(FORMATS[table].kind, [path], options=options, user=user,
                      partnership=require_partnership())  # fmt: skip


# -- changes made in the app -----------------------------------------------------------------


class Conflict(SaferplanError):
    """Someone else saved the record after this person opened it."""


def _locked(instance: Any, version: int | None) -> Any:
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            "Someone else changed this while you were editing it. The form now shows their "
            "version: check it and make your change again."
        )
    return locked


def _set(instance: Any, values: Mapping[str, Any]) -> list[Any] | None:
    """Set the fields; the actions of a funding stream are returned to set once saved."""
    actions = None
    for name, value in values.items():
        if name == "actions":
            actions = list(value)
        else:
            setattr(instance, name, value)
    return actions


def add_line(user: Any, table: str, year: str, values: Mapping[str, Any]) -> Any:
    model = MODELS[table]
    year = financial_year(year)
    with transaction.atomic():
        last = model.objects.filter(year=year).order_by("-order").values_list("order", flat=True)
        line = model(partnership=require_partnership(), year=year, order=(last.first() or 0) + 1)
        actions = _set(line, values)
        line.save()
        if actions is not None:
            line.actions.set(actions)  # type: ignore[attr-defined]
        audit.record(user, "created", line, summary=f"Added {line}"[:300])
    return line


def change_line(user: Any, line: Any, values: Mapping[str, Any], version: int | None) -> Any:
    with transaction.atomic():
        locked = _locked(line, version)
        before = audit.snapshot(locked)
        actions = _set(locked, values)
        locked.version += 1
        locked.edited = locked.source_import_id is not None
        locked.save()
        if actions is not None:
            locked.actions.set(actions)
        audit.record(user, "changed", locked, before=before, summary=f"Changed {locked}"[:300])
    return locked


def remove_line(user: Any, line: Any, version: int | None) -> None:
    with transaction.atomic():
        locked = _locked(line, version)
        before = audit.snapshot(locked)
        audit.record(user, "deleted", locked, before=before, summary=f"Removed {locked}"[:300])
        locked.delete()


def _actor(user: Any) -> str:
    return user.get_username() if getattr(user, "is_authenticated", False) else audit.cli_actor()


def add_risk(user: Any, entry: tables.RiskEntry) -> Risk:
    from saferplan.resources.store import _next_reference, save_risk

    with transaction.atomic():
        taken = {r.lower() for r in Risk.objects.values_list("reference", flat=True)}
        reference = entry.reference or _next_reference(taken)
        if entry.reference and entry.reference.lower() in taken:
            raise SaferplanError(f"There is already a risk {entry.reference}.")
        risk = Risk(partnership=require_partnership(), reference=reference)
        save_risk(risk, entry, _actor(user), "added in the app")
        audit.record(user, "created", risk, summary=f"Added risk {risk}"[:300])
    return risk


def change_risk(
    user: Any, risk: Risk, entry: tables.RiskEntry, version: int | None, note: str = ""
) -> Risk:
    """Save the risk's new values; a change of ratings or status is a review, with ``note``."""
    from saferplan.resources.store import save_risk

    with transaction.atomic():
        locked = _locked(risk, version)
        before = audit.snapshot(locked)
        entry = dataclasses.replace(entry, reference=locked.reference)
        if save_risk(locked, entry, _actor(user), note or "reviewed in the app"):
            audit.record(user, "changed", locked, before=before,
                         summary=f"Changed risk {locked}"[:300])  # fmt: skip
    return locked


def close_risk(user: Any, risk: Risk, version: int | None, note: str = "") -> Risk:
    entry = dataclasses.replace(risk.entry(), status="closed")
    return change_risk(user, risk, entry, version, note or "closed in the app")


def entry_of(values: Mapping[str, Any]) -> tables.RiskEntry:
    """A risk's values from a form's cleaned data."""
    fields = {f.name for f in dataclasses.fields(tables.RiskEntry)} - {"reviews"}
    return tables.RiskEntry(**{k: v for k, v in values.items() if k in fields})
