"""Published comparator figures beside local ones, with the direction of good, and the
population aged 10-17 by ethnic group; both imported through the import pipeline.

Comparator format: CSV ``indicator, area, period, value`` (e.g. ``first_time_entrants, YOT
family, 2018-19, 221``), the indicator a key (or label) of the indicator registry. Periods
are normalised the way the local indicators label them (``2018-19`` -> ``2018/19``), so
figures line up. Each figure records the import it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from saferplan.indicators.registry import get as definition
from saferplan.youthjustice.files import normalise_period


def _import(
    kind: str, path: Path, name: str = "", source: str = "", user: str | None = None
) -> int:
    """Rows imported from ``path`` as ``kind`` into the partnership in scope; 0 when the
    same file was imported before (a file with no rows is refused)."""
    from saferplan.accounts.tenancy import require_partnership
    from saferplan.datastore.importing import run_import

    options = {k: v for k, v in {"name": name, "source": source}.items() if v}
    outcome = run_import(
        kind, [path], options=options, user=user, partnership=require_partnership()
    )
    return sum(r.rows_kept for r in outcome.imported)


def import_comparators(path: Path, user: str | None = None) -> int:
    """Published figures (YOT family, London, England and Wales), replacing any for the same
    indicator, area and period; the number imported (0: this file was imported before)."""
    return _import("yj-comparators", path, user=user)


def import_population_by_ethnicity(
    path: Path, name: str = "", source: str = "", user: str | None = None
) -> int:
    """Children aged 10-17 by ethnic group (CSV ``area, year, ethnic_group, population``,
    e.g. from the 2021 census; ``name`` says which), replacing figures for the same area,
    year and group; the number imported (0: this file was imported before)."""
    return _import("yj-population-by-ethnicity", path, name, source, user)


@dataclass(frozen=True)
class ComparatorCell:
    area: str
    value: Decimal
    previous: Decimal | None
    change_word: str  # 'better' | 'worse' | 'same' | 'up' | 'down' (no direction) | ''


def comparator_cells(
    indicators: Iterable[str], period_label: str
) -> dict[str, list[ComparatorCell]]:
    """For each indicator, the published figures for the period with their change since the
    area's previous figure: every figure read in one query."""
    from saferplan.youthjustice.models import PublishedFigure

    wanted = set(indicators)
    period = normalise_period(period_label.replace("cohort ", ""))
    figures = PublishedFigure.objects.filter(indicator__in=wanted, period__lte=period)
    history: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
    for f in figures.order_by("indicator", "area", "period"):
        history.setdefault((f.indicator, f.area), []).append((f.period, f.value))
    out: dict[str, list[ComparatorCell]] = {key: [] for key in wanted}
    for (indicator, area), values in history.items():
        if values[-1][0] != period:
            continue
        previous = values[-2][1] if len(values) > 1 else None
        word = _change_word(indicator, values[-1][1], previous)
        out[indicator].append(ComparatorCell(area, values[-1][1], previous, word))
    return out


def comparators_for(indicator: str, period_label: str) -> list[ComparatorCell]:
    """Published figures for one indicator and period (see :func:`comparator_cells`)."""
    return comparator_cells([indicator], period_label)[indicator]


def _change_word(indicator: str, value: Decimal, previous: Decimal | None) -> str:
    if previous is None:
        return ""
    change = value - previous
    good = definition(indicator).better
    if change == 0:
        return "same"
    if good:
        return "better" if (change < 0) == (good == "lower") else "worse"
    return "up" if change > 0 else "down"


@dataclass(frozen=True)
class PopulationByGroup:
    year: int
    figures: dict[str, int]
    description: str  # what the figures are, from the import they came from


def population_by_ethnicity(area: str, year: int) -> PopulationByGroup | None:
    """The 10-17 population by ethnic group for the year nearest ``year``, said as the
    import that brought it names it (a synthetic set says so)."""
    from saferplan.youthjustice.models import PopulationByEthnicity

    years = set(PopulationByEthnicity.objects.filter(area=area).values_list("year", flat=True))
    if not years:
        return None
    nearest = min(years, key=lambda y: (abs(y - year), -y))
    rows = list(
        PopulationByEthnicity.objects.filter(area=area, year=nearest).select_related(
            "source_import"
        )
    )
    imports = {r.source_import for r in rows if r.source_import is not None}
    named = sorted({i.dataset_name for i in imports if i.dataset_name})
    where = "; ".join(
        f"{Path(i.file_name).name}, import #{i.pk}" for i in sorted(imports, key=lambda i: i.pk)
    )
    if named:
        description = f"{' and '.join(named)}, {area}, {nearest}"
    else:
        description = f"{area}'s population aged 10-17 by ethnic group ({nearest})"
    if where:
        description += f" ({where})"
    return PopulationByGroup(nearest, {r.ethnic_group: r.population for r in rows}, description)
