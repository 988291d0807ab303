"""Youth justice pages and downloads: youth justice roles and admins only, every view and
download of child-level data audited. Figures come from ``youthjustice.service``."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saferplan.accounts import audit, permissions
from saferplan.core.errors import SaferplanError

TREND_YEARS = 5
TREND_CHARTS = {
    "first_time_entrants": "First time entrants",
    "use_of_custody": "Use of custody",
    "reoffending_binary_rate": "Proven reoffending (binary rate)",
    "remand_episodes_yda": "Remands to youth detention accommodation",
}
SOURCE = "Source: case records (saferplan). Synthetic in the demo: no real child."
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _allowed(request: HttpRequest) -> None:
    if not permissions.can_view_youth_justice(request.user):
        raise PermissionDenied


def _period(request: HttpRequest) -> str:
    """The period asked for, else the latest financial year the records cover whole."""
    from saferplan.youthjustice import service

    if asked := request.GET.get("period"):
        return asked
    try:
        return service.default_period()
    except SaferplanError:
        today = date.today()
        start = today.year - (1 if today.month >= 4 else 2)
        return f"{start}-{str(start + 1)[2:]}"


def _download(
    request: HttpRequest,
    name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    notes: Sequence[str] = (),
) -> HttpResponse | None:
    """The table as a download when ``?format=csv|xlsx`` asks for one (audited)."""
    from saferplan.reports import tabular

    fmt = request.GET.get("format")
    if fmt is None:
        return None
    if fmt not in FORMATS:
        raise Http404
    audit.record_access(request.user, "exported", f"{name} ({fmt})", _period(request))
    data = (
        tabular.to_csv(headers, rows)
        if fmt == "csv"
        else tabular.to_xlsx(name[:31], headers, rows, notes)
    )
    response = HttpResponse(data, content_type=FORMATS[fmt])
    filename = f"{name.replace(' ', '-')}-{_period(request).replace('/', '-')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _population(request: HttpRequest, year: int) -> Any:
    from saferplan.youthjustice import service

    return service.population_10_17(
        service.service_area(), year, int(request.GET.get("population", 0)) or None
    )


INDICATOR_COLUMNS = ["indicator", "period", "numerator", "denominator", "value", "unit"]


def dashboard(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    from saferplan.core.periods import parse_period
    from saferplan.reports.charts import trend_chart
    from saferplan.youthjustice import service
    from saferplan.youthjustice.comparators import comparators_for
    from saferplan.youthjustice.indicators import LABELS
    from saferplan.youthjustice.kpis import KPI_LABELS, direction

    period = _period(request)
    error = ""
    national: list[Any] = []
    kpi_rows: list[Any] = []
    charts: list[dict[str, str]] = []
    population = None
    try:
        population = _population(request, parse_period(period).reference_year)
        national = service.national_indicators_for(period, population.value)
        kpi_rows = service.kpis_for(period, population.value)
        trends = service.trends_for(
            period, lambda year: _population(request, year).value, TREND_YEARS
        )
    except SaferplanError as exc:
        error = f"{exc.message}. {exc.hint or ''}"
        trends = {}
    rows = national + kpi_rows
    download = _download(
        request,
        "youth justice indicators",
        INDICATOR_COLUMNS,
        [[getattr(r, c) for c in INDICATOR_COLUMNS] for r in rows],
        [f"Population aged 10-17: {population.value:,} ({population.description})"]
        if population
        else [],
    )
    if download:
        return download
    audit.record_view(request.user, "youth justice indicators", period)
    units = {r.indicator: r.unit for r in national}
    for key, title in TREND_CHARTS.items():
        points = [(p.label, p.value) for p in trends.get(key, [])]
        if points:
            png = trend_chart(
                title,
                points,
                units[key],
                SOURCE,
                whole_numbers=units[key] in ("episodes", "nights"),
            )
            charts.append(
                {
                    "title": title,
                    "src": "data:image/png;base64," + base64.b64encode(png).decode(),
                    "alt": f"{title}, {units[key]}: "
                    + "; ".join(
                        f"{label} {'no figure' if v is None else v}" for label, v in points
                    ),
                }
            )

    def item(r: Any) -> dict[str, Any]:
        return {
            "row": r,
            "label": {**LABELS, **KPI_LABELS}.get(r.indicator, r.indicator),
            "direction": direction(r.indicator),
            "comparators": comparators_for(r.indicator, r.period),
        }

    from saferplan.datastore.models import ImportRecord
    from saferplan.youthjustice.store import IMPORT_KIND

    return render(
        request,
        "web/yj_dashboard.html",
        {
            "imports": ImportRecord.objects.filter(kind=IMPORT_KIND).order_by("-finished_at"),
            "national": [item(r) for r in national],
            "kpis": [item(r) for r in kpi_rows],
            "charts": charts,
            "period": period,
            "population": population,
            "error": error,
        },
    )


def tracker(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    from saferplan.youthjustice import service

    period = _period(request)
    try:
        today = date.fromisoformat(request.GET.get("today", date.today().isoformat()))
    except ValueError:
        raise Http404 from None
    records = service.tracker(period, today)
    download = _download(
        request,
        "live tracker",
        service.TRACKER_COLUMNS,
        [[r[c] for c in service.TRACKER_COLUMNS] for r in records],
        [f"Cohort {period}, followed to {today}. Child-level data: handle as OFFICIAL-SENSITIVE."],
    )
    if download:
        return download
    audit.record_view(request.user, "live tracker (child level)", period)
    return render(
        request,
        "web/yj_tracker.html",
        {
            "rows": records,
            "months": service.tracker_by_month(period, today),
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
    _allowed(request)
    from saferplan.youthjustice import service

    period = _period(request)
    measure = request.GET.get("measure", "fte")
    if measure not in service.DISPROPORTIONALITY_MEASURES:
        raise Http404
    result = service.disproportionality_for(period, measure=measure)
    download = _download(
        request,
        f"disproportionality {measure}",
        DISPROPORTIONALITY_COLUMNS,
        [
            [
                r.group,
                "<5" if r.count is None else r.count,
                r.population,
                _round(r.share_of_count, 2),
                _round(r.share_of_population, 2),
                _round(r.rri, 3),
                _round(r.ci_low, 3),
                _round(r.ci_high, 3),
            ]
            for r in result.rows
        ],
        [
            f"{service.DISPROPORTIONALITY_MEASURES[measure]}, {period}, against "
            f"{result.denominator}. Counts of 1-4 suppressed."
        ],
    )
    if download:
        return download
    audit.record_view(request.user, "disproportionality", period)
    return render(
        request,
        "web/yj_disproportionality.html",
        {
            "rows": result.rows,
            "denominator": result.denominator,
            "period": period,
            "measure": measure,
            "measures": service.DISPROPORTIONALITY_MEASURES,
        },
    )


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


PROFILE_COLUMNS = ["dimension", "category", "count", "percent"]


def profile(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    from saferplan.youthjustice import service

    period = _period(request)
    try:
        rows = service.profile_for(period)
    except SaferplanError as exc:
        raise Http404(exc.message) from None
    download = _download(
        request,
        "cohort profile",
        PROFILE_COLUMNS,
        [[r.dimension, r.category, r.count, _round(r.percent, 1)] for r in rows],
    )
    if download:
        return download
    audit.record_view(request.user, "cohort profile", period)
    groups: dict[str, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.dimension, []).append(r)
    return render(request, "web/yj_profile.html", {"groups": groups, "period": period})
