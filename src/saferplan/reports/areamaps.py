"""Rate maps of the borough's LSOAs and wards, and the suppression of their small numbers.

Small-area figures are where a public edition could identify a victim, so every figure here
is produced as the edition shows it: the public edition's maps are shaded by the rates of
the counts *as shown* (rounded to 5), areas with 1 to 4 offences form a class of their own,
and no legend edge may be a rate that gives back a count the text hides. The same pure
functions let ``report check`` try those recoveries itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period
from saferplan.crime import queries, statistics
from saferplan.crime.themes import Theme
from saferplan.geography.population import PopulationFigure, populations
from saferplan.reports.smallareas import ChildAreas
from saferplan.reports.suppression import SuppressionRule

CLASSES = 5
STEP = Decimal("0.01")


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

    def label(self, rule: SuppressionRule, unit: str = "offences") -> str:
        if self.kind == "small":
            return f"Fewer than {rule.below} {unit}"
        if self.kind == "no-data":
            return "No population figure"
        return f"{self.low:,.2f} to {self.high:,.2f}"


@dataclass
class AreaMap:
    """A rate map of the borough's LSOAs or wards: every area, and the classes it is shaded in."""

    level: str  # 'lsoa' | 'ward'
    source: str
    period_label: str
    areas: list[MapArea]
    classes: list[MapClass]
    population_note: str
    import_ids: list[int]
    vintage: str | None = None  # of the wards


def map_value(count: int, shown: str, population: int | None, public: bool) -> Decimal | None:
    """The rate an area is shaded by: of its exact count, or (public) of its count as shown."""
    if not population:
        return None
    if not public:
        return statistics.rate(count, population)
    if shown.startswith("<"):
        return None
    return statistics.rate(int(shown.replace(",", "")), population)


def _population_note(pops: dict[str, PopulationFigure]) -> str:
    used = {(f.population_set, f.year) for f in pops.values()}
    return "; ".join(f"{name} ({year})" for name, year in sorted(used)) or "no population"


def _areas(
    found: list[tuple[str, str, int]],
    pops: dict[str, PopulationFigure],
    rule: SuppressionRule,
    public: bool,
) -> list[MapArea]:
    areas = []
    for code, name, count in sorted(found):
        p = pops.get(code)
        shown = rule.apply(count)
        value = map_value(count, shown, p.value if p else None, public)
        areas.append(MapArea(code, name, p.value if p else None, count, shown, value))
    return areas


def lsoa_map(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    rule: SuppressionRule,
    public: bool,
) -> AreaMap | None:
    """Rates per 1,000 residents in each LSOA of the borough, in classes for the map."""
    try:
        source = queries.choose_source(con, theme, "lsoa", [period], area=borough)
    except NotFoundError:
        return None
    found = [
        (c.code, c.name, c.count)
        for c in queries.area_counts(con, theme, "lsoa", period, source, borough=borough)
        if c.code
    ]
    if not found:
        return None
    pops = populations(con, "lsoa", [code for code, _, _ in found], period.reference_year)
    areas = _areas(found, pops, rule, public)
    ids = queries.contributing_imports(con, theme, source, "lsoa", [period], borough=borough)
    ids += sorted({i for f in pops.values() for i in f.import_ids})
    classes = map_classes(areas, rule, public)
    return AreaMap("lsoa", source, period.label, areas, classes, _population_note(pops),
                   sorted(set(ids)))  # fmt: skip


def ward_map(
    con: duckdb.DuckDBPyConnection,
    child: ChildAreas | None,
    period: Period,
    rule: SuppressionRule,
    public: bool,
    boundaries: Any,
) -> AreaMap | None:
    """Rates per 1,000 residents in each ward of the ward list, for its map: only when every
    ward has a boundary and some have a population (wards from a lookup of their vintage)."""
    if child is None or child.level != "ward" or boundaries is None:
        return None
    found = [(a.code, a.name, a.count) for a in child.areas if a.code]
    codes = {code for code, _, _ in found}
    if len(found) != len(child.areas) or not codes <= set(boundaries["area_code"]):
        return None
    pops = populations(con, "ward", sorted(codes), period.reference_year) if codes else {}
    if not pops:
        return None
    areas = _areas(found, pops, rule, public)
    ids = sorted(set(child.import_ids) | {i for f in pops.values() for i in f.import_ids})
    classes = map_classes(areas, rule, public)
    return AreaMap("ward", child.source, period.label, areas, classes, _population_note(pops),
                   ids, child.vintage)  # fmt: skip


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
