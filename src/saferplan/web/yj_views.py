"""Youth justice pages and downloads: youth justice roles and admins only, every view and
download of child-level data audited, and every refused attempt too. Figures come from
``youthjustice.service``, from the records as read once per import (``Records.kept``);
labels, units, directions and definitions from the indicator registry. A parameter that
cannot be read is a 400 page saying which one and why."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferplan.accounts import audit, permissions
from saferplan.core.errors import SaferplanError
from saferplan.core.rounding import round_half_up
from saferplan.indicators import registry

TREND_YEARS = 5
SOURCE = "Source: case records (saferplan). Synthetic in the demo: no real child."
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _allowed(request: HttpRequest, what: str) -> None:
    """Youth justice roles and admins only; a refused attempt is in the audit trail too."""
    if not permissions.can_view_youth_justice(request.user):
        audit.record_access(request.user, "refused", what, request.get_full_path())
        raise PermissionDenied


def _period(request: HttpRequest) -> str:
    """The period asked for, else the latest financial year the records cover whole."""
    from saferplan.core.periods import parse_period
    from saferplan.youthjustice import service

    if asked := request.GET.get("period", "").strip():
        try:
            parse_period(asked)
        except SaferplanError as exc:
            raise BadRequest(f"The period '{asked[:40]}' cannot be read: {_said(exc)}") from None
        return asked
    try:
        return service.default_period()
    except SaferplanError:
        today = date.today()
        start = today.year - (1 if today.month >= 4 else 2)
        return f"{start}-{str(start + 1)[2:]}"


def _said(exc: SaferplanError) -> str:
    return f"{exc.message}. {exc.hint or ''}".strip()


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise BadRequest(f"The format '{fmt[:20]}' is not one this page offers: csv or xlsx.")
    return fmt


def _population_given(request: HttpRequest) -> int | None:
    """``?population=N``: the population aged 10-17 to use instead of the imported one."""
    text = request.GET.get("population", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) == 0:
        raise BadRequest(
            f"The population '{text[:20]}' is not a number of children aged 10-17: give a "
            "whole number such as 24000, or leave it out to use the imported population."
        )
    return int(text)


def _today(request: HttpRequest) -> date:
    text = request.GET.get("today", "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"The date '{text[:20]}' (as at) is not a date: write it YYYY-MM-DD, e.g. 2020-06-30."
        ) from None


def _download(
    request: HttpRequest,
    name: str,
    period: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    notes: Sequence[str] = (),
) -> HttpResponse | None:
    """The table as a download when ``?format=csv|xlsx`` asks for one (audited)."""
    from saferplan.reports import tabular

    fmt = _format(request)
    if fmt is None:
        return None
    audit.record_access(request.user, "exported", f"{name} ({fmt})", period)
    data = (
        tabular.to_csv(headers, rows)
        if fmt == "csv"
        else tabular.to_xlsx(name[:31], headers, rows, notes)
    )
    response = HttpResponse(data, content_type=FORMATS[fmt])
    filename = f"{name.replace(' ', '-')}-{period.replace('/', '-')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Populations aged 10-17 already looked up by this process, keyed by everything the figure
# depends on: the warehouse catalog (replaced by every import), the partnership, its chosen
# population set and area, and the year. Each lookup opens the warehouse (~100 ms), and the
# dashboard asks for one population and one per trend year.
_POPULATIONS: dict[tuple[Any, ...], Any] = {}
_POPULATIONS_KEPT = 256


def _population(given: int | None, year: int) -> Any:
    from saferplan.accounts.tenancy import current_partnership
    from saferplan.youthjustice import service

    area = service.service_area()
    if given:
        return service.population_10_17(area, year, given)
    partnership = current_partnership()
    chosen = partnership.youth_population_set if partnership is not None else ""
    key = (_catalog_version(), getattr(partnership, "pk", None), chosen, area, year)
    if (found := _POPULATIONS.get(key)) is None:
        try:
            found = service.population_10_17(area, year)
        except SaferplanError as exc:  # none imported yet, say: as costly to find out
            found = (exc.message, exc.hint)
        if len(_POPULATIONS) >= _POPULATIONS_KEPT:
            _POPULATIONS.clear()
        _POPULATIONS[key] = found
    if isinstance(found, tuple):
        raise SaferplanError(*found)
    return found


def _catalog_version() -> tuple[int, int, int] | None:
    """Which catalog the warehouse has: an import replaces the file (a new inode and time)."""
    from saferplan.datastore.warehouse import Warehouse

    try:
        found = Warehouse().catalog_path.stat()
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


INDICATOR_COLUMNS = ["indicator", "period", "numerator", "denominator", "value", "unit", "source"]


def dashboard(request: HttpRequest) -> HttpResponse:
    _allowed(request, "youth justice indicators")
    from saferplan.core.periods import parse_period
    from saferplan.youthjustice import service
    from saferplan.youthjustice.callouts import dashboard_callouts
    from saferplan.youthjustice.comparators import comparator_cells

    period, given = _period(request), _population_given(request)
    _format(request)
    records = service.Records.kept()  # once per import, for every figure on the page
    error, population = "", None
    national: list[Any] = []
    kpi_rows: list[Any] = []
    trends: dict[str, list[Any]] = {}
    try:
        population = _population(given, parse_period(period).reference_year)
        national = service.national_indicators_for(period, population.value, records)
        kpi_rows = service.kpis_for(period, population.value, records)
        trends = service.trends_for(
            period, lambda year: _population(given, year).value, TREND_YEARS, records
        )
    except SaferplanError as exc:
        error = _said(exc)
    rows = national + kpi_rows
    download = _download(
        request, "youth justice indicators", period, INDICATOR_COLUMNS,
        [[getattr(r, c) for c in INDICATOR_COLUMNS] for r in rows],
        [f"Population aged 10-17: {population.value:,} ({population.description})"]
        if population else [],
    )  # fmt: skip
    if download:
        return download
    audit.record_view(request.user, "youth justice indicators", period)
    cells = comparator_cells([r.indicator for r in rows], parse_period(period).label)

    def item(r: Any) -> dict[str, Any]:
        found = registry.get(r.indicator)
        return {"row": r, "label": found.label, "direction": found.better,
                "definition": found.definition, "comparators": cells[r.indicator]}  # fmt: skip

    return render(
        request,
        "web/yj_dashboard.html",
        {
            "imports": _extract_imports(),
            "national": [item(r) for r in national],
            "kpis": [item(r) for r in kpi_rows],
            "charts": _charts(trends, {r.indicator: r.unit for r in national}),
            "callouts": dashboard_callouts(trends),
            "period": period,
            "population": population,
            "error": error,
        },
    )


def _extract_imports() -> list[Any]:
    from saferplan.datastore.models import ImportRecord
    from saferplan.youthjustice.store import IMPORT_KIND

    return list(ImportRecord.objects.filter(kind=IMPORT_KIND).order_by("-finished_at", "-pk"))


@functools.lru_cache(maxsize=256)
def _trend_png(title: str, points: tuple[tuple[str, float | None], ...], unit: str) -> bytes:
    """A trend chart's PNG, drawn once per process for the same figures: drawing is pure
    (the same points give the same bytes) and was half the dashboard's time (~120 ms each)."""
    from saferplan.reports.charts import trend_chart

    whole = unit in ("episodes", "nights")
    return trend_chart(title, list(points), unit, SOURCE, whole_numbers=whole)


def _charts(trends: dict[str, list[Any]], units: dict[str, str]) -> list[dict[str, str]]:
    """The registry's trend charts, as images with their figures in the alt text."""
    charts = []
    for key, title in registry.charts().items():
        points = [(p.label, p.value) for p in trends.get(key, [])]
        if not points:
            continue
        unit = units[key]
        png = _trend_png(title, tuple(points), unit)
        figures = "; ".join(f"{label} {'no figure' if v is None else v}" for label, v in points)
        charts.append(
            {
                "title": title,
                "src": "data:image/png;base64," + base64.b64encode(png).decode(),
                "alt": f"{title}, {unit}: {figures}",
            }
        )
    return charts


def tracker(request: HttpRequest) -> HttpResponse:
    _allowed(request, "live tracker (child level)")
    from saferplan.youthjustice import service

    period, today = _period(request), _today(request)
    _format(request)
    records = service.Records.kept()
    rows = service.tracker(period, today, records)
    download = _download(
        request,
        "live tracker",
        period,
        service.TRACKER_COLUMNS,
        [[r[c] for c in service.TRACKER_COLUMNS] for r in rows],
        [f"Cohort {period}, followed to {today}. Child-level data: handle as OFFICIAL-SENSITIVE."],
    )
    if download:
        return download
    audit.record_view(request.user, "live tracker (child level)", period)
    return render(
        request,
        "web/yj_tracker.html",
        {
            "rows": rows,
            "children": len({r["child_ref"] for r in rows}),
            "months": service.tracker_by_month(period, today, records),
            "definition": registry.get("live_tracker_rate").definition,
            "period": period,
            "today": today,
        },
    )


DISPROPORTIONALITY_COLUMNS = [
    "group",
    "count",
    "population",
    "share_of_count",
    "share_of_population",
    "rri",
    "ci_low",
    "ci_high",
]


def disproportionality(request: HttpRequest) -> HttpResponse:
    _allowed(request, "disproportionality")
    from saferplan.youthjustice import service

    period = _period(request)
    measure = request.GET.get("measure", "fte")
    if measure not in service.DISPROPORTIONALITY_MEASURES:
        raise BadRequest(
            f"The measure '{measure[:20]}' is not one of "
            f"{', '.join(service.DISPROPORTIONALITY_MEASURES)}."
        )
    _format(request)
    error, rows, denominator = "", [], ""
    try:
        result = service.disproportionality_for(
            period, measure=measure, records=service.Records.kept()
        )
        rows, denominator = result.rows, result.denominator
    except SaferplanError as exc:
        error = _said(exc)
    download = _download(
        request, f"disproportionality {measure}", period, DISPROPORTIONALITY_COLUMNS,
        [[r.group, "<5" if r.count is None else r.count, r.population,
          _round(r.share_of_count, 2), _round(r.share_of_population, 2), _round(r.rri, 3),
          _round(r.ci_low, 3), _round(r.ci_high, 3)] for r in rows],
        [f"{service.DISPROPORTIONALITY_MEASURES[measure]}, {period}, against "
         f"{denominator}. Counts of 1-4 suppressed."],
    )  # fmt: skip
    if download:
        return download
    audit.record_view(request.user, "disproportionality", period)
    return render(
        request,
        "web/yj_disproportionality.html",
        {
            "rows": rows,
            "denominator": denominator,
            "definition": registry.get("disproportionality_rri").definition,
            "error": error,
            "period": period,
            "measure": measure,
            "measures": service.DISPROPORTIONALITY_MEASURES,
        },
    )


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else float(round_half_up(value, places))


PROFILE_COLUMNS = ["dimension", "category", "count", "percent"]


def profile(request: HttpRequest) -> HttpResponse:
    _allowed(request, "cohort profile")
    from saferplan.youthjustice import service

    period = _period(request)
    _format(request)
    rows = service.profile_for(period, service.Records.kept())
    download = _download(
        request,
        "cohort profile",
        period,
        PROFILE_COLUMNS,
        [[r.dimension, r.category, r.count, r.percent] for r in rows],
    )
    if download:
        return download
    audit.record_view(request.user, "cohort profile", period)
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        found = registry.get(r.key)
        groups.setdefault(r.key, {"title": found.label, "definition": found.definition,
                                  "rows": []})["rows"].append(r)  # fmt: skip
    return render(request, "web/yj_profile.html", {"groups": groups, "period": period})
