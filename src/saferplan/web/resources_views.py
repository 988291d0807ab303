"""Resources and risk register pages: each table per year with its computed totals, its lines
to add, change and remove, and the risk register (list, add, edit, close) with each risk's
reviews. Who may do what comes from ``accounts.permissions``; every change is audited by
``resources.service``; the figures come from ``resources.tables``, never from here.

Objects are looked up before roles are checked, so another partnership's ids are not found
whoever asks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.core.errors import SaferplanError
from saferplan.resources import downloads, service
from saferplan.resources.models import BudgetLine, FundingStream, GrantAllocation, Risk, StaffPost
from saferplan.resources.tables import Table, risk_band
from saferplan.resources.values import format_money, year_label
from saferplan.web import resources_forms as rf

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BAND_TAG = {"very_high": "govuk-tag--red", "high": "govuk-tag--orange",
            "medium": "govuk-tag--yellow", "low": "govuk-tag--green"}  # fmt: skip


@dataclass(frozen=True)
class Page:
    """One of the year's tables: what it reads, who changes it, and how its lines show."""

    table: str  # budget | grant-allocation | staffing | funding
    title: str
    model: Any
    form: type[rf.VersionedForm]
    may_edit: Callable[[Any], bool]
    url: str  # the year's page
    line_url: str  # a line's page (its id keyword is the model's)
    add_url: str
    id_keyword: str
    columns: tuple[tuple[str, str, str], ...]  # (label, attribute, kind) of each line


PAGES = {
    "budget": Page(
        "budget", "Youth justice budget", BudgetLine, rf.BudgetLineForm,
        permissions.can_edit_youth_justice_resources, "resources_budget", "budget_line",
        "budget_line_add", "budget_line_id",
        (("Agency", "get_agency_display", "text"), ("Line", "label", "text"),
         ("Staffing costs", "staffing_costs", "money"),
         ("Payments in kind", "payments_in_kind", "money"),
         ("Other delegated funds", "other_delegated_funds", "money"), ("Note", "note", "text")),
    ),
    "grant-allocation": Page(
        "grant-allocation", "Allocation of the YJB grant", GrantAllocation, rf.GrantLineForm,
        permissions.can_edit_youth_justice_resources, "resources_grant_allocation", "grant_line",
        "grant_line_add", "grant_line_id",
        (("Area of delivery", "area_of_delivery", "text"), ("Activity", "activity", "text"),
         ("Associated costs", "amount", "money")),
    ),
    "staffing": Page(
        "staffing", "Staffing", StaffPost, rf.StaffPostForm,
        permissions.can_edit_youth_justice_resources, "resources_staffing", "post", "post_add",
        "post_id",
        (("Post", "post", "text"), ("Contract", "get_contract_display", "text"),
         ("Part time", "part_time", "bool"), ("FTE", "fte", "fte"),
         ("Start date", "start_date", "date"), ("Vacant", "vacant", "bool"),
         ("Sex", "get_sex_display", "personal"), ("Ethnicity", "ethnicity", "personal")),
    ),
    "funding": Page(
        "funding", "Funding streams", FundingStream, rf.FundingStreamForm,
        permissions.can_edit_funding_and_risks, "resources_funding", "stream", "stream_add",
        "stream_id",
        (("Funding stream", "stream", "text"), ("Project", "project", "text"),
         ("Cash", "cash", "money"), ("In kind", "in_kind", "money"),
         ("Actions", "action_references", "text")),
    ),
}  # fmt: skip


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def shown(value: Any, kind: str = "text") -> str:
    """A value as a page shows it."""
    if value is None or value == "":
        return "–" if kind != "bool" else ""
    if isinstance(value, bool):
        return "Yes" if value else ""
    if isinstance(value, Decimal):
        return format_money(value) if kind == "money" else f"{value:f}"
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    return str(value)


def display(table: Table) -> dict[str, Any]:
    """A table's cells as text, numbers right-aligned, for ``resources_grid.html``."""
    kinds = [c.kind for c in table.columns]

    def cells(row: Sequence[Any]) -> list[tuple[str, bool]]:
        return [(shown(v, k), k != "text") for v, k in zip(row, kinds, strict=True)]

    return {
        "title": table.title,
        "headers": [(c.label, c.kind != "text") for c in table.columns],
        "rows": [cells(row) for row in table.rows],
        "total": cells(table.total) if table.total else None,
        "notes": table.notes,
        "warnings": table.warnings,
        "sources": table.sources,
    }


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise BadRequest(f"The format '{fmt[:20]}' is not one this page offers: csv or xlsx.")
    return fmt


def _download(table: Table, name: str, fmt: str) -> HttpResponse:
    data = downloads.to_csv(table) if fmt == "csv" else downloads.to_xlsx(table)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _reading(page: Page, request: HttpRequest, year: str) -> Table:
    partnership = request.partnership  # type: ignore[attr-defined]
    readers = {
        "budget": service.budget_for,
        "grant-allocation": service.grant_allocation_for,
        "staffing": service.staffing_for,
        "funding": service.funding_for,
    }
    return readers[page.table](partnership, year)


def index(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_resources(request.user))
    years = service.years_for(request.partnership)  # type: ignore[attr-defined]
    return render(request, "web/resources_index.html", {
        "years": [(y, year_label(y)) for y in years], "pages": PAGES.values(),
        "risks": Risk.objects.filter(status="open").count(),
    })  # fmt: skip


def _lines(page: Page, year: str, personal: bool, editable: bool) -> list[dict[str, Any]]:
    query = page.model.objects.filter(year=year).order_by("order", "id")
    if page.model is FundingStream:
        query = query.prefetch_related("actions")
    columns = [c for c in page.columns if c[2] != "personal" or personal]
    out = []
    for line in query:
        cells = []
        for _, attribute, kind in columns:
            value = getattr(line, attribute, None)
            if attribute == "action_references":
                value = "; ".join(a.reference or f"#{a.pk}" for a in line.actions.all())
            cells.append((shown(value() if callable(value) else value, kind), kind == "money"))
        url = reverse(page.line_url, kwargs={page.id_keyword: line.pk}) if editable else None
        out.append({"cells": cells, "url": url, "edited": line.edited,
                    "added": line.source_import_id is None})  # fmt: skip
    return out


def table_page(request: HttpRequest, year: str, table: str) -> HttpResponse:
    """A year's table with its totals, warnings and notes, and its lines."""
    page = PAGES[table]
    _require(permissions.can_view_resources(request.user))
    computed = _reading(page, request, year)
    if fmt := _format(request):
        return _download(computed, f"{table}-{year}", fmt)
    personal = page.table == "staffing" and permissions.can_view_staff_details(request.user)
    editable = page.may_edit(request.user)
    extra = []
    if personal:
        extra.append(display(service.staffing_diversity_for(request.partnership, year)))  # type: ignore[attr-defined]
    years = service.years_for(request.partnership)  # type: ignore[attr-defined]
    return render(request, "web/resources_table.html", {
        "page": page, "year": year, "label": year_label(year), "table": display(computed),
        "extra": extra, "personal": personal, "can_edit": editable,
        "line_headers": [c[0] for c in page.columns if c[2] != "personal" or personal],
        "lines": _lines(page, year, personal, editable),
        "years": [(y, year_label(y)) for y in years if y != year],
    })  # fmt: skip


def _form(page: Page, request: HttpRequest, data: Any = None, initial: Any = None,
          year: str = "") -> Any:  # fmt: skip
    if page.model is FundingStream:
        from saferplan.plans.models import Action

        actions = Action.objects.filter(objective__priority__year__label=year_label(year))
        if not actions.exists():
            actions = Action.objects.all()
        return page.form(data, initial=initial, actions=actions.order_by("reference", "id"))  # type: ignore[call-arg]
    return page.form(data, initial=initial)


def _initial(page: Page, line: Any) -> dict[str, Any]:
    names = [n for n in page.form.base_fields if n != "version"]
    initial = {n: getattr(line, n) for n in names if n != "actions"}
    for name in ("part_time", "vacant"):
        if name in initial:
            initial[name] = "yes" if initial[name] else "no"
    if page.model is FundingStream:
        initial["actions"] = list(line.actions.all())
    return {**initial, "version": line.version}


@require_http_methods(["GET", "POST"])
def line_add(request: HttpRequest, year: str, table: str) -> HttpResponse:
    page = PAGES[table]
    _require(page.may_edit(request.user))
    form = _form(page, request, request.POST or None, {"version": 0}, year)
    if request.method == "POST" and form.is_valid():
        service.add_line(request.user, table, year, form.values())
        return redirect(page.url, year=year)
    return render(request, "web/resources_line_form.html",
                  {"page": page, "year": year, "label": year_label(year), "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, table: str, **ids: int) -> HttpResponse:
    page = PAGES[table]
    line = get_object_or_404(page.model, pk=ids[page.id_keyword])
    _require(page.may_edit(request.user))
    context = {"page": page, "year": line.year, "label": year_label(line.year), "line": line}
    if request.method == "GET":
        form = _form(page, request, initial=_initial(page, line), year=line.year)
        return render(request, "web/resources_line_form.html", {**context, "form": form})
    version = _version(request)
    try:
        if "remove" in request.POST:
            service.remove_line(request.user, line, version)
            return redirect(page.url, year=line.year)
        form = _form(page, request, request.POST, year=line.year)
        if form.is_valid():
            service.change_line(request.user, line, form.values(), version)
            return redirect(page.url, year=line.year)
        status = 400
    except service.Conflict as conflict:
        line.refresh_from_db()
        form = _form(page, request, initial=_initial(page, line), year=line.year)
        context["conflict"], status = conflict.message, 409
    return render(request, "web/resources_line_form.html", {**context, "form": form},
                  status=status)  # fmt: skip


def _version(request: HttpRequest) -> int | None:
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else None


# -- the risk register -----------------------------------------------------------------------


def risks(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_resources(request.user))
    partnership = request.partnership  # type: ignore[attr-defined]
    register = service.risks_for(partnership, include_closed=True)
    if fmt := _format(request):
        return _download(register, "risk-register", fmt)
    by_reference = {r.reference: r for r in Risk.objects.all()}
    rows = [{"risk": by_reference[row[0]], "tag": BAND_TAG[risk_band(row[7]).key]}
            for row in register.rows]  # fmt: skip
    return render(request, "web/risks.html", {
        "rows": rows, "notes": register.notes, "sources": register.sources,
        "can_edit": permissions.can_edit_funding_and_risks(request.user),
    })  # fmt: skip


def risk(request: HttpRequest, risk_id: int) -> HttpResponse:
    found = get_object_or_404(Risk, pk=risk_id)
    _require(permissions.can_view_resources(request.user))
    reviews = [
        {"review": r, "score": r.likelihood * r.impact, "band": risk_band(r.likelihood * r.impact)}
        for r in found.reviews.all()
    ]
    return render(request, "web/risk.html", {
        "risk": found, "band": found.band, "tag": BAND_TAG[found.band.key], "reviews": reviews,
        "can_edit": permissions.can_edit_funding_and_risks(request.user),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def risk_add(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_edit_funding_and_risks(request.user))
    form = rf.NewRiskForm(request.POST or None, initial={"version": 0})
    if request.method == "POST" and form.is_valid():
        try:
            added = service.add_risk(request.user, service.entry_of(form.values()))
        except SaferplanError as exc:
            form.add_error("reference", exc.message)
        else:
            return redirect("risk", risk_id=added.pk)
    return render(request, "web/risk_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _risk_initial(found: Risk) -> dict[str, Any]:
    names = [n for n in rf.RiskForm.base_fields if n not in ("version", "review_note")]
    return {**{n: getattr(found, n) for n in names}, "version": found.version}


@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, risk_id: int) -> HttpResponse:
    found = get_object_or_404(Risk, pk=risk_id)
    _require(permissions.can_edit_funding_and_risks(request.user))
    context: dict[str, Any] = {"risk": found}
    if request.method == "GET":
        return render(request, "web/risk_form.html",
                      {**context, "form": rf.RiskForm(initial=_risk_initial(found))})  # fmt: skip
    form = rf.RiskForm(request.POST)
    status = 400
    if form.is_valid():
        entry = service.entry_of({**form.values(), "reference": found.reference})
        try:
            service.change_risk(request.user, found, entry, _version(request),
                                form.cleaned_data["review_note"])  # fmt: skip
            return redirect("risk", risk_id=found.pk)
        except service.Conflict as conflict:
            found.refresh_from_db()
            form = rf.RiskForm(initial=_risk_initial(found))
            context["conflict"], status = conflict.message, 409
    return render(request, "web/risk_form.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def risk_close(request: HttpRequest, risk_id: int) -> HttpResponse:
    found = get_object_or_404(Risk, pk=risk_id)
    _require(permissions.can_edit_funding_and_risks(request.user))
    form = rf.CloseRiskForm(request.POST or None, initial={"version": found.version})
    context: dict[str, Any] = {"risk": found, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            service.close_risk(request.user, found, _version(request),
                               form.cleaned_data["review_note"])  # fmt: skip
            return redirect("risk", risk_id=found.pk)
        except service.Conflict as conflict:
            context["conflict"] = conflict.message
            context["form"] = rf.CloseRiskForm(
                initial={"version": Risk.objects.get(pk=found.pk).version}
            )
            return render(request, "web/risk_close.html", context, status=409)
    return render(request, "web/risk_close.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip
