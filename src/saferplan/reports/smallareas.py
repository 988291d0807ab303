"""Wards and LSOAs of the assessed borough: the lists, the rate map, and their suppression.

Small-area figures are where a public edition could identify a victim, so every figure here
is produced as the edition shows it: the public edition's rate map is shaded by the rates of
the counts *as shown* (rounded to 5), LSOAs with 1 to 4 offences form a class of their own,
and no legend edge may be a rate that gives back a count the text hides. The same pure
functions let ``report check`` try those recoveries itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period
from saferplan.crime import queries, statistics
from saferplan.crime.themes import Theme
from saferplan.geography.population import populations
from saferplan.reports.suppression import SuppressionRule

CLASSES = 5
STEP = Decimal("0.01")


@dataclass(frozen=True)
class ChildArea:
    code: str | None
    name: str
    count: int  # exact: never written into a public edition
    change: int | None  # against the baseline, when the baseline has figures too
    shown: str  # the count as the edition prints it
    change_shown: str | None


@dataclass
class ChildAreas:
    """Every ward (or LSOA) of the borough, and which are highest, lowest, most increased."""

    level: str
    source: str
    period_label: str
    areas: list[ChildArea]
    highest: list[int]  # indexes into ``areas``
    lowest: list[int]
    most_increased: list[int]
    total: int  # the children's counts added up: less than the borough's when some are not located
    left_out: list[str]  # categories the borough counts and the child figures do not have
    left_out_count: int  # the borough's offences in those categories
    import_ids: list[int]


def shown_change(rule: SuppressionRule, change: int) -> str:
    text = rule.apply(abs(change))
    return "0" if change == 0 else ("+" if change > 0 else "-") + text


def child_areas(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    baseline: Period,
    rule: SuppressionRule,
) -> ChildAreas | None:
    """Wards if a source has them for the period, else LSOAs; None if neither has."""
    for level in ("ward", "lsoa"):
        try:
            source = queries.choose_source(con, theme, level, [period])
        except NotFoundError:
            continue
        now = queries.area_counts(con, theme, level, period, source, borough=borough)
        if not now:
            continue
        before: dict[str, int] | None = None
        periods = [period]
        try:
            if queries.choose_source(con, theme, level, [baseline]) == source:
                found = queries.area_counts(con, theme, level, baseline, source, borough=borough)
                before = {c.code or c.name: c.count for c in found}
                periods.append(baseline)
        except NotFoundError:
            pass
        areas = []
        for c in sorted(now, key=lambda c: (c.name, c.code or "")):
            change = None if before is None else c.count - before.get(c.code or c.name, 0)
            areas.append(
                ChildArea(
                    c.code,
                    c.name,
                    c.count,
                    change,
                    rule.apply(c.count),
                    None if change is None else shown_change(rule, change),
                )
            )
        # Keys in the areas' (name) order, so ties are broken by name.
        ex = statistics.extremes(
            {f"{i:06d}": a.count for i, a in enumerate(areas)},
            {f"{i:06d}": a.change for i, a in enumerate(areas) if a.change is not None},
        )
        return ChildAreas(
            level,
            source,
            period.label,
            areas,
            [int(k) for k, _ in ex.highest],
            [int(k) for k, _ in ex.lowest],
            [int(k) for k, _ in ex.most_increased],
            sum(a.count for a in areas),
            *_left_out(con, theme, borough, period, source, level),
            queries.contributing_imports(con, theme, source, level, periods, borough=borough),
        )
    return None


def _left_out(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    source: str,
    level: str,
) -> tuple[list[str], int]:
    """Major categories in the borough's count of the theme that the child source lacks,
    and how many of the borough's offences they hold."""
    try:
        borough_source = queries.choose_source(con, theme, "borough", [period])
    except NotFoundError:
        return [], 0
    if "police-uk" in (source, borough_source):
        return [], 0  # police.uk crime types are another vocabulary: nothing to compare
    have = queries.categories(con, theme, borough_source, "borough", period, area=borough)
    child = queries.categories(con, theme, source, level, period, borough=borough)
    missing = sorted(set(have) - set(child))
    return missing, sum(have[m] for m in missing)


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    population: int | None
    count: int  # exact: never written into a public edition
    shown: str
    value: Decimal | None  # the rate it is shaded by; None: no population, or "<5" in public


@dataclass(frozen=True)
class MapClass:
    kind: str  # 'rate' | 'small' (1 to 4 offences, public edition) | 'no-data'
    low: Decimal | None
    high: Decimal | None
    codes: tuple[str, ...]

    def label(self, rule: SuppressionRule) -> str:
        if self.kind == "small":
            return f"Fewer than {rule.below} offences"
        if self.kind == "no-data":
            return "No population figure"
        return f"{self.low:,.2f} to {self.high:,.2f}"


@dataclass
class LsoaMap:
    source: str
    period_label: str
    areas: list[MapArea]
    classes: list[MapClass]
    population_note: str
    import_ids: list[int]


def map_value(count: int, shown: str, population: int | None, public: bool) -> Decimal | None:
    """The rate an LSOA is shaded by: of its exact count, or (public) of its count as shown."""
    if not population:
        return None
    if not public:
        return statistics.rate(count, population)
    if shown.startswith("<"):
        return None
    return statistics.rate(int(shown.replace(",", "")), population)


def lsoa_map(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    rule: SuppressionRule,
    public: bool,
) -> LsoaMap | None:
    """Rates per 1,000 residents in each LSOA of the borough, in classes for the map."""
    try:
        source = queries.choose_source(con, theme, "lsoa", [period])
    except NotFoundError:
        return None
    found = [
        c
        for c in queries.area_counts(con, theme, "lsoa", period, source, borough=borough)
        if c.code
    ]
    if not found:
        return None
    pops = populations(con, "lsoa", [c.code for c in found if c.code], period.reference_year)
    areas = []
    for c in sorted(found, key=lambda c: c.code or ""):
        assert c.code is not None
        p = pops.get(c.code)
        shown = rule.apply(c.count)
        value = map_value(c.count, shown, p.value if p else None, public)
        areas.append(MapArea(c.code, c.name, p.value if p else None, c.count, shown, value))
    used = {(f.population_set, f.year) for f in pops.values()}
    note = "; ".join(f"{name} ({year})" for name, year in sorted(used)) or "no population"
    ids = queries.contributing_imports(con, theme, source, "lsoa", [period], borough=borough)
    ids += sorted({i for f in pops.values() for i in f.import_ids})
    return LsoaMap(
        source, period.label, areas, map_classes(areas, rule, public), note, sorted(set(ids))
    )


def quantile(values: list[Decimal], q: Decimal) -> Decimal:
    """The q-quantile with linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lower = int(h.to_integral_value(ROUND_FLOOR))
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (h - lower) * (ordered[upper] - ordered[lower])


def quantile_edges(values: list[Decimal], classes: int = CLASSES) -> list[Decimal]:
    """Class edges at quantiles, to 2 decimals (ties merged), so each colour holds about as
    many areas; the lowest edge is at or below every value and the highest at or above."""
    edges = sorted(
        {
            statistics.round_half_up(quantile(values, Decimal(k) / classes), 2)
            for k in range(classes + 1)
        }
    )
    edges[0] = min(edges[0], min(values))
    edges[-1] = max(edges[-1], max(values))
    if len(edges) < 2:
        edges.append(edges[0] + 1)
    return edges


def plausible_counts(shown: str, rule: SuppressionRule) -> list[int]:
    """Counts a reader cannot tell apart from ``shown`` under the rule, other than the one
    shown itself: 1 to 4 behind "<5", and the counts that round to a rounded figure."""
    if shown == "0":
        return []
    if shown.startswith("<"):
        return list(range(1, rule.below))
    value = int(shown.replace(",", ""))
    window = range(max(0, value - rule.round_to), value + rule.round_to + 1)
    return [c for c in window if c != value and rule.apply(c) == shown]


def recoveries(
    edge: Decimal, areas: list[MapArea], rule: SuppressionRule
) -> list[tuple[MapArea, int]]:
    """Areas whose hidden count a legend edge would give back: an edge equal to the rate of
    a count the edition hides (edge x population / 1,000 = that count)."""
    found = []
    for area in areas:
        if not area.population:
            continue
        for count in plausible_counts(area.shown, rule):
            if statistics.rate(count, area.population) == edge:
                found.append((area, count))
    return found


def assign(areas: list[MapArea], edges: list[Decimal]) -> list[list[MapArea]]:
    """The areas in each class [edge i, edge i+1); the last class includes its top edge."""
    out: list[list[MapArea]] = [[] for _ in edges[:-1]]
    for area in areas:
        if area.value is None:
            continue
        index = next(
            (i for i in range(len(edges) - 1) if area.value < edges[i + 1]), len(edges) - 2
        )
        out[index].append(area)
    return out


def _adjacent(classes: list[list[MapArea]], i: int) -> list[MapArea]:
    return [a for j in (i - 1, i) if 0 <= j < len(classes) for a in classes[j]]


def safe_edges(areas: list[MapArea], rule: SuppressionRule) -> list[Decimal]:
    """Quantile edges, each moved a cent at a time (outwards at the ends) until it gives back
    no hidden count of an area in the classes beside it."""
    rated = [a for a in areas if a.value is not None]
    edges = quantile_edges([a.value for a in rated if a.value is not None])
    for i in range(len(edges)):
        for _ in range(1000):
            near = _adjacent(assign(rated, edges), i)
            if not recoveries(edges[i], near, rule):
                break
            step = STEP if i == len(edges) - 1 else -STEP
            moved = edges[i] + step
            if 0 < i < len(edges) - 1 and moved <= edges[i - 1]:
                moved = edges[i] + STEP
            edges[i] = max(moved, Decimal(0)) if i == 0 else moved
    return edges


def map_classes(areas: list[MapArea], rule: SuppressionRule, public: bool) -> list[MapClass]:
    """The map's classes: rate classes at (safe) quantile edges, then LSOAs with fewer than 5
    offences (public edition), then LSOAs without a population."""
    rated = [a for a in areas if a.value is not None]
    classes: list[MapClass] = []
    if rated:
        edges = (
            safe_edges(areas, rule)
            if public
            else quantile_edges([a.value for a in rated if a.value is not None])
        )
        for i, members in enumerate(assign(rated, edges)):
            classes.append(MapClass("rate", edges[i], edges[i + 1], tuple(a.code for a in members)))
    small = tuple(a.code for a in areas if a.value is None and a.population and public)
    if small:
        classes.append(MapClass("small", None, None, small))
    missing = tuple(a.code for a in areas if not a.population)
    if missing:
        classes.append(MapClass("no-data", None, None, missing))
    return classes
