"""The youth justice call-outs: each national indicator's trend, beside the comparator's
published figure for each year, through the shared pure rule in
:mod:`saferplan.indicators.callouts`. :func:`comparator_area` is the one rule for which
comparator a figure is judged "red" against, used by the dashboard and by the plans' blocks
(``documents/blocks/youthjustice.py``), so a figure red on one is called out in the other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from saferplan.indicators import registry
from saferplan.indicators.callouts import Point, Run, runs
from saferplan.youthjustice.files import normalise_period

# The comparator group first (the YJB's YOT family), else the national figure.
NATIONAL = ("England and Wales", "England & Wales", "England", "National")


def comparator_area(areas: Iterable[str]) -> str:
    """Which published area a local figure is judged red against: the YOT family where the
    comparators have it (for the latest period), else England and Wales; '' when neither."""
    given = list(areas)
    family = sorted(a for a in given if "family" in a.lower())
    if family:
        return family[0]
    return next((a for a in NATIONAL if a in given), "")


def period_key(label: str) -> str:
    """The period a published figure is stored under for a local label (cohort 2018/19)."""
    return normalise_period(label.replace("cohort ", ""))


def _decimal(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def indicator_runs(
    points: Sequence[Any], better: str, published: Mapping[str, Mapping[str, Decimal]]
) -> list[Run]:
    """One indicator's called-out runs: ``points`` (label, value) oldest first, and the
    published figures by period then area (pure)."""
    if not points:
        return []
    against = comparator_area(published.get(period_key(points[-1].label), {}))
    series = [
        Point(p.label, _decimal(p.value), published.get(period_key(p.label), {}).get(against))
        for p in points
    ]
    return runs(series, better, against)


def dashboard_callouts(trends: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Per indicator called out, its label and what is said of each run (one query for every
    published figure of the indicators shown)."""
    from saferplan.youthjustice.models import PublishedFigure

    published: dict[str, dict[str, dict[str, Decimal]]] = {}
    for f in PublishedFigure.objects.filter(indicator__in=list(trends)):
        published.setdefault(f.indicator, {}).setdefault(f.period, {})[f.area] = f.value
    out = []
    for key, points in trends.items():
        found = registry.get(key)
        called = indicator_runs(points, found.better, published.get(key, {}))
        if called:
            said = [r.sentence(found.label, "years", found.unit) for r in called]
            out.append({"key": key, "label": found.label, "runs": called, "said": said})
    return out
