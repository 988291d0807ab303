"""One theme's section of the assessment: every figure it shows, computed once.

The comparator table, the ranks (worked on unrounded rates) with the whole ranking table
they come from, the monthly series, the rolling trend, seasonality over the 36 months to the
end of the period, the wards (of the period's vintage) or LSOAs, the rate maps, hot spots
and harm. Ranks need figures for every borough, so a theme counted from police.uk records
or a partnership's series (which cover some areas only) has none. Nothing here draws or
writes; the narrative and the bundle read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import shapely

from saferplan.core.periods import Period
from saferplan.crime import queries, statistics
from saferplan.crime.comparisons import (
    COMPLETE_SOURCES,
    AreaFigure,
    ComparisonTable,
    area_figures,
    compare,
    figures_of,
    rank_rows,
)
from saferplan.crime.harm import HarmFigures
from saferplan.crime.hotspots import Grid, HotspotResult, find_hotspots, hotspot_change
from saferplan.crime.points import points_from_warehouse
from saferplan.crime.themes import Theme
from saferplan.geography.population import PopulationFigure
from saferplan.reports.areamaps import AreaMap, lsoa_map, ward_map
from saferplan.reports.sentences import Sentence
from saferplan.reports.smallareas import ChildAreas, child_areas
from saferplan.reports.suppression import SuppressionRule

SEASON_MONTHS = 36
MIN_POINTS = 30


@dataclass(frozen=True)
class RankLine:
    """One area of the ranking table: both periods' counts and populations."""

    area: str
    count_period: int | None
    count_baseline: int | None
    population_period: PopulationFigure | None
    population_baseline: PopulationFigure | None


@dataclass
class Hotspots:
    result: HotspotResult
    months: list[date]
    records: int  # police.uk records of the theme in the borough in those months
    located: int  # of which with a location
    change: Any = None  # change codes against the baseline, when it has points too
    baseline_months: list[date] = field(default_factory=list)
    import_ids: list[int] = field(default_factory=list)


@dataclass
class ThemeSection:
    theme: Theme
    table: ComparisonTable
    rank_table: list[RankLine]
    rank_count: tuple[int | None, int | None]  # (this year, last year)
    rank_rate: tuple[int | None, int | None]
    areas_ranked: int
    rate_change_quartile: int | None
    monthly: list[tuple[date, int]]  # this year
    monthly_before: list[tuple[date, int]]  # last year
    rolling: list[tuple[date, int]]  # rolling 12-month totals over all history
    seasonality: statistics.Seasonality
    child_areas: ChildAreas | None
    lsoa_map: AreaMap | None
    import_ids: list[int]
    ward_map: AreaMap | None = None
    ranked: bool = True  # whether the source has every borough, so ranks can be given
    hotspots: Hotspots | None = None
    harm: HarmFigures | None = None
    headline: Sentence | None = None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def subject(self) -> statistics.Comparison:
        return self.table.rows[0]


def _rank_table(now: list[AreaFigure], before: list[AreaFigure]) -> list[RankLine]:
    a = {f.key: f for f in now}
    b = {f.key: f for f in before}
    return [
        RankLine(
            key,
            a[key].count if key in a else None,
            b[key].count if key in b else None,
            a[key].population if key in a else None,
            b[key].population if key in b else None,
        )
        for key in sorted(set(a) | set(b))
    ]


def _quartile(now: list[AreaFigure], before: list[AreaFigure], subject: str) -> int | None:
    """Quartile of the subject's change in (unrounded) rate among every area with both."""
    earlier = {f.key: f.exact_rate for f in before}
    changes: dict[str, statistics.Rankable] = {}
    for f in now:
        then = earlier.get(f.key)
        if f.exact_rate is not None and then is not None:
            changes[f.key] = f.exact_rate - then
    return statistics.quartiles(changes).get(subject)


@dataclass(frozen=True)
class Scope:
    """What every section of one assessment shares: its area, periods, wards and rule."""

    area: str
    period: Period
    baseline: Period
    comparators: list[str]
    rule: SuppressionRule
    public: bool
    vintage: str | None = None  # of the period's wards
    ward_boundaries: Any = None  # GeoDataFrame of those wards within the area


def _ranking(
    con: duckdb.DuckDBPyConnection, theme: Theme, table: ComparisonTable, scope: Scope
) -> tuple[list[AreaFigure], list[AreaFigure]]:
    """Every borough's figures in both periods, from the table's source; none for a source
    without every borough."""
    if table.source not in COMPLETE_SOURCES:
        return [], []
    if table.level != "borough":
        now, _ = area_figures(con, table.level, theme, scope.period, source=table.source)
        before, _ = area_figures(con, table.level, theme, scope.baseline, source=table.source)
        return now, before
    # The counts the table was worked from (the connection keeps them): no query of its own.
    periods = [scope.period, scope.baseline]
    tallies = queries.period_tallies(con, theme, "borough", periods, table.source)
    now, before = (
        figures_of(con, "borough", queries.counts_by_area(tallies, "borough", i), p)
        for i, p in enumerate(periods)
    )
    return now, before


def build_section(con: duckdb.DuckDBPyConnection, theme: Theme, scope: Scope) -> ThemeSection:
    period, baseline = scope.period, scope.baseline
    table = compare(con, scope.area, theme, period, baseline, scope.comparators)
    level, subject = table.level, table.rows[0].area
    now, before = _ranking(con, theme, table, scope)

    def rank_of(rows: list[Any]) -> int | None:
        return next((r.rank for r in rows if r.area == subject), None)

    now_rate = rank_rows(now, "rate")
    months = sorted(queries.months_covered(con, theme, table.source, level, subject))
    history, history_ids = queries.history(
        con, theme, level, subject, months[0], months[-1], table.source
    )
    window = statistics.seasonality_window(history, period.last, SEASON_MONTHS)
    children = child_areas(con, theme, subject, period, baseline, scope.rule, scope.vintage)
    the_map = lsoa_map(con, theme, subject, period, scope.rule, scope.public)
    wards = ward_map(con, children, period, scope.rule, scope.public, scope.ward_boundaries)
    ids = set(table.import_ids) | set(table.population_import_ids)
    ids |= {i for f in now + before if f.population for i in f.population.import_ids}
    ids |= history_ids
    for part in (children, the_map, wards):
        ids |= set(part.import_ids if part else [])
    return ThemeSection(
        theme,
        table,
        _rank_table(now, before),
        (rank_of(rank_rows(now, "count")), rank_of(rank_rows(before, "count"))),
        (rank_of(now_rate), rank_of(rank_rows(before, "rate"))),
        len(now_rate),
        _quartile(now, before, subject),
        [(m, v) for m, v in history if period.first <= m <= period.last],
        [(m, v) for m, v in history if baseline.first <= m <= baseline.last],
        statistics.rolling_12(history),
        statistics.seasonality(window),
        children,
        the_map,
        sorted(ids),
        wards,
        table.source in COMPLETE_SOURCES,
    )


def _points(
    con: duckdb.DuckDBPyConnection, theme: Theme, borough: str, period: Period, outline: Any
) -> Hotspots | None:
    """Gi* hot spots from police.uk points in the months of the period that were imported."""
    if "police-uk" not in theme.filters or outline is None or outline.empty:
        return None
    found = queries.months_covered(con, theme, "police-uk", "lsoa", borough)
    covered = sorted(set(period.months) & found)
    if not covered:
        return None
    pts = points_from_warehouse(con, theme, covered[0], covered[-1], borough=borough)
    if len(pts.x) < MIN_POINTS:
        return None
    minx, miny, maxx, maxy = outline.total_bounds
    grid = Grid.covering(minx, miny, maxx, maxy, 100.0)
    cx, cy = grid.centres()
    inside = shapely.contains_xy(outline.union_all(), cx, cy)
    result = find_hotspots(pts.x, pts.y, grid=grid, mask=inside)
    ids = queries.imports_between(
        con, theme, "police-uk", "lsoa", covered[0], covered[-1], borough=borough
    )
    return Hotspots(
        result, covered, len(pts.x) + pts.without_location, len(pts.x), import_ids=sorted(ids)
    )


def add_hotspots(
    con: duckdb.DuckDBPyConnection,
    section: ThemeSection,
    borough: str,
    period: Period,
    baseline: Period,
    outline: Any,
) -> None:
    """Hot spots of the period, and their change since the baseline where it has points."""
    found = _points(con, section.theme, borough, period, outline)
    if found is None:
        return
    earlier = _points(con, section.theme, borough, baseline, outline)
    if earlier is not None:
        found.change = hotspot_change(earlier.result, found.result)
        found.baseline_months = earlier.months
        found.import_ids = sorted(set(found.import_ids) | set(earlier.import_ids))
    section.hotspots = found
    section.import_ids = sorted(set(section.import_ids) | set(found.import_ids))
