"""The Strategic Assessment as one computed data structure.

Every figure, sentence, table and chart of the document comes from an ``Assessment``; the
renderers only lay it out, and ``check.py`` re-derives its arithmetic from the bundle it is
saved as. Nothing here draws or writes files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import shapely

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period, parse_period
from saferplan.crime import queries, statistics
from saferplan.crime.comparisons import ComparisonTable, compare, ranking
from saferplan.crime.harm import theme_harm
from saferplan.crime.hotspots import Grid, find_hotspots, hotspot_change
from saferplan.crime.points import points_from_warehouse
from saferplan.crime.themes import Theme, ThemeBook
from saferplan.geography.areas import resolve_area
from saferplan.geography.boundaries import boundaries_frame
from saferplan.geography.population import populations
from saferplan.reports import narrative
from saferplan.reports.suppression import NO_SUPPRESSION, SuppressionRule


@dataclass
class ChildAreas:
    level: str
    source: str
    highest: list[tuple[str, str]]  # (name, count as shown)
    lowest: list[tuple[str, str]]
    most_increased: list[tuple[str, str]]  # (name, change as shown); empty if not comparable
    period_label: str


@dataclass
class ThemeSection:
    theme: Theme
    table: ComparisonTable
    rank_count: tuple[int | None, int | None]  # (this year, last year)
    rank_rate: tuple[int | None, int | None]
    areas_ranked: int
    rate_change_quartile: int | None
    monthly: list[tuple[date, int]]  # this year
    monthly_before: list[tuple[date, int]]  # last year
    rolling: list[tuple[date, int]]  # rolling 12-month totals over all history
    seasonality: statistics.Seasonality
    child_areas: ChildAreas | None
    headline: str
    sentences: list[narrative.Sentence]
    lsoa_rates: dict[str, Decimal | None] = field(default_factory=dict)  # code -> rate
    lsoa_source: str | None = None
    hotspots: Any = None  # HotspotResult for the months police.uk covers, if any
    hotspot_months: list[date] = field(default_factory=list)
    harm: Any = None  # HarmFigures when a harm table was given
    hotspot_change: Any = None  # change codes against the baseline, when it has points too
    hotspot_baseline_months: list[date] = field(default_factory=list)

    @property
    def subject(self) -> statistics.Comparison:
        return self.table.rows[0]


@dataclass
class Assessment:
    area: str
    area_code: str | None
    period: Period
    baseline: Period
    comparators: list[str]
    edition: str
    suppression: SuppressionRule
    sections: list[ThemeSection]
    unavailable: list[tuple[Theme, str]]  # themes without data, and why
    findings: list[narrative.Sentence]
    import_ids: list[int]
    generated: date
    provenance: list[dict[str, Any]] = field(default_factory=list)
    harm_table: Any = None  # the HarmTable used, if any
    lsoa_boundaries: Any = None  # GeoDataFrame of the area's LSOAs (EPSG:27700)
    outline: Any = None  # GeoDataFrame of the area's own boundary


def _child_areas(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    baseline: Period,
    rule: SuppressionRule,
) -> ChildAreas | None:
    for level in ("ward", "lsoa"):
        try:
            source = queries.choose_source(con, theme, level, [period])
        except NotFoundError:
            continue
        now = queries.area_counts(con, theme, level, period, source, borough=borough)
        if not now:
            continue
        names = {c.code or c.name: c.name for c in now}
        current = {c.code or c.name: c.count for c in now}
        changes: dict[str, int] = {}
        try:
            queries.choose_source(con, theme, level, [baseline])
            before = {
                c.code or c.name: c.count
                for c in queries.area_counts(con, theme, level, baseline, source, borough=borough)
            }
            changes = {k: v - before.get(k, 0) for k, v in current.items()}
        except NotFoundError:
            pass
        ex = statistics.extremes(current, changes)

        def shown(
            pairs: list[tuple[str, Any]], sign: bool = False, names: dict[str, str] = names
        ) -> list[tuple[str, str]]:
            out = []
            for key, value in pairs:
                text = rule.apply(abs(int(value)))
                out.append((names[key], f"+{text}" if sign else text))
            return out

        return ChildAreas(
            level,
            source,
            shown(ex.highest),
            shown(ex.lowest),
            shown(ex.most_increased, sign=True),
            period.label,
        )
    return None


def build_section(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    area: str,
    period: Period,
    baseline: Period,
    comparators: list[str],
    rule: SuppressionRule,
) -> ThemeSection:
    table = compare(con, area, theme, period, baseline, comparators)
    level = table.level
    now_count, _ = ranking(con, level, theme, period, "count")
    now_rate, _ = ranking(con, level, theme, period, "rate")
    before_count, _ = ranking(con, level, theme, baseline, "count")
    before_rate, _ = ranking(con, level, theme, baseline, "rate")
    subject = table.rows[0].area

    def rank_of(rows: list[Any]) -> int | None:
        return next((r.rank for r in rows if r.area == subject), None)

    rates_now = {r.area: r.rate for r in now_rate}
    rates_before = {r.area: r.rate for r in before_rate}
    changes = {a: rates_now[a] - rates_before[a] for a in rates_now if a in rates_before}
    quartile = statistics.quartiles(changes).get(subject)

    months = sorted(queries.months_available(con, table.source, level))
    history = queries.monthly_series(
        con, theme, level, [subject], months[0], months[-1], table.source
    )
    in_period = [(m, v) for m, v in history if period.first <= m <= period.last]
    in_baseline = [(m, v) for m, v in history if baseline.first <= m <= baseline.last]
    full_years = [(m, v) for m, v in history if m.year < period.first.year + 1]
    season = statistics.seasonality(full_years[-36:] if len(full_years) >= 36 else in_period)
    child = _child_areas(con, theme, subject, period, baseline, rule)
    section = ThemeSection(
        theme,
        table,
        (rank_of(now_count), rank_of(before_count)),
        (rank_of(now_rate), rank_of(before_rate)),
        len(now_rate),
        quartile,
        in_period,
        in_baseline,
        statistics.rolling_12(history),
        season,
        child,
        "",
        [],
    )
    section.headline = narrative.headline(section)
    section.sentences = narrative.theme_sentences(section)
    section.lsoa_source, section.lsoa_rates = _lsoa_rates(con, theme, subject, period)
    return section


def _lsoa_rates(
    con: duckdb.DuckDBPyConnection, theme: Theme, borough: str, period: Period
) -> tuple[str | None, dict[str, Decimal | None]]:
    """Rate per 1,000 residents in each LSOA of the borough, for the choropleth."""
    try:
        source = queries.choose_source(con, theme, "lsoa", [period])
    except NotFoundError:
        return None, {}
    counts = {
        c.code: c.count
        for c in queries.area_counts(con, theme, "lsoa", period, source, borough=borough)
        if c.code
    }
    pops = populations(con, "lsoa", list(counts), period.reference_year)
    return source, {
        code: statistics.rate(n, pops[code].value) if code in pops else None
        for code, n in counts.items()
    }


def _hotspots(
    con: duckdb.DuckDBPyConnection, theme: Theme, borough: str, period: Period, outline: Any
) -> tuple[Any, list[date]]:
    """Gi* hot spots from police.uk points in the months of the period that were imported."""
    if "police-uk" not in theme.filters or outline is None or outline.empty:
        return None, []
    covered = sorted(set(period.months) & queries.months_available(con, "police-uk", "lsoa"))
    if not covered:
        return None, []
    pts = points_from_warehouse(con, theme, covered[0], covered[-1], borough=borough)
    if len(pts.x) < 30:
        return None, []
    minx, miny, maxx, maxy = outline.total_bounds
    grid = Grid.covering(minx, miny, maxx, maxy, 100.0)
    cx, cy = grid.centres()
    inside = shapely.contains_xy(outline.union_all(), cx, cy)
    return find_hotspots(pts.x, pts.y, grid=grid, mask=inside), covered


def build_assessment(
    con: duckdb.DuckDBPyConnection,
    book: ThemeBook,
    area: str,
    year: str,
    comparators: list[str],
    *,
    edition: str = "public",
    rule: SuppressionRule | None = None,
    themes: list[str] | None = None,
    baseline: str | None = None,
    harm_table: Any = None,
) -> Assessment:
    """Compute every theme section for ``area`` in ``year`` against the year before."""
    subject = resolve_area(con, area)
    period = parse_period(year)
    before = parse_period(baseline) if baseline else period.shifted_years(-1)
    rule = rule or (SuppressionRule() if edition == "public" else NO_SUPPRESSION)
    sections: list[ThemeSection] = []
    unavailable: list[tuple[Theme, str]] = []
    ids: set[int] = set()
    for key in themes or list(book.themes):
        theme = book.get(key)
        try:
            section = build_section(con, theme, subject.name, period, before, comparators, rule)
        except NotFoundError as exc:
            unavailable.append((theme, f"{exc.message}. {exc.hint or ''}".strip()))
            continue
        if harm_table is not None:
            section.harm = theme_harm(
                con,
                harm_table,
                theme,
                section.table.source,
                section.table.level,
                subject.name,
                period,
                before,
            )
            if section.harm is not None:
                section.sentences.append(narrative.harm_sentence(section, harm_table))
        sections.append(section)
        ids.update(section.table.import_ids)
    findings = narrative.key_findings(sections)
    lsoas = boundaries_frame(con, "lsoa", subject.name)
    outline = boundaries_frame(con, "borough", subject.code or subject.name)
    for section in sections:
        if section.theme.key == "total":
            section.hotspots, section.hotspot_months = _hotspots(
                con, section.theme, subject.name, period, outline
            )
            earlier, months = _hotspots(con, section.theme, subject.name, before, outline)
            if section.hotspots is not None and earlier is not None:
                section.hotspot_change = hotspot_change(earlier, section.hotspots)
                section.hotspot_baseline_months = months
    return Assessment(
        subject.name,
        subject.code,
        period,
        before,
        comparators,
        edition,
        rule,
        sections,
        unavailable,
        findings,
        sorted(ids),
        date.today(),
        [],
        harm_table,
        lsoas,
        outline,
    )


def as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
