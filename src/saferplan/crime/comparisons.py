"""Comparator tables and rankings: queries + the statistics engine, with provenance.

This is the one place a comparison is assembled, so the CLI, documents and web pages show
the same figures from the same definitions.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from saferplan.core.errors import InputError, NotFoundError, SaferplanError
from saferplan.core.periods import Period
from saferplan.crime import queries, statistics
from saferplan.crime.groups import (
    COMPARATORS_FILE,
    ComparatorGroup,
)
from saferplan.crime.groups import (
    comparator_groups as comparator_groups,
)
from saferplan.crime.themes import Theme
from saferplan.geography.areas import resolve_area
from saferplan.geography.population import PopulationFigure, populations

# Sources with figures for every area of the force they cover: the others (police.uk for
# the forces imported, a partnership's series) cover some areas only, so groups of "every
# area" and ranks among every borough are not worked from them.
COMPLETE_SOURCES = frozenset({"mps", "lsoa-annual"})


@dataclass
class ComparisonTable:
    theme: Theme
    level: str
    period: Period
    baseline: Period
    source: str
    rows: list[statistics.Comparison]
    import_ids: list[int]
    population_note: str
    groups: dict[str, list[str]] = field(default_factory=dict)
    population_import_ids: list[int] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # comparators the source has no figures for


class PopulationOverride:
    """Populations a user supplies in a CSV ``area,year,population`` (replacing imported ones)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, dict[int, int]] = {}
        try:
            handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as exc:
            raise InputError(str(path), f"cannot be opened ({exc.strerror})") from exc
        with handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            for needed in ("area", "year", "population"):
                if needed not in header:
                    raise InputError(str(path), f"missing column '{needed}'", row=1)
            for line, record in enumerate(reader, start=2):
                row = {k.strip().lower(): (v or "").strip() for k, v in record.items() if k}
                try:
                    year = int(row["year"])
                except ValueError:
                    raise InputError(str(path), f"'{row['year']}' is not a year", row=line,
                                     column="year") from None  # fmt: skip
                value = statistics_count(row["population"])
                if value is None or value == 0:
                    raise InputError(str(path), f"'{row['population']}' is not a population",
                                     row=line, column="population")  # fmt: skip
                self.values.setdefault(row["area"].lower(), {})[year] = value

    def figure(self, area: str, level: str, year: int) -> PopulationFigure | None:
        years = self.values.get(area.lower())
        if not years:
            return None
        chosen = sorted(
            years, key=lambda y: (0 if y == year else 1 if y < year else 2, abs(y - year))
        )[0]
        return PopulationFigure(area, level, years[chosen], chosen, f"user file {self.path.name}",
                                str(self.path), "all")  # fmt: skip


def statistics_count(text: str) -> int | None:
    from saferplan.core.csvcheck import parse_count

    return parse_count(text)


def _group(name: str) -> ComparatorGroup | None:
    return comparator_groups().get(name.strip().lower())


@cache
def no_residents() -> frozenset[str]:
    """Areas in the crime data with no residents (the airports): never given a population."""
    raw = tomllib.loads(COMPARATORS_FILE.read_text(encoding="utf-8"))
    return frozenset(name.lower() for name in raw.get("no_residents", []))


def has_residents(name: str | None) -> bool:
    return (name or "").lower() not in no_residents()


@dataclass(frozen=True)
class Comparator:
    """A comparator as the user named it, resolved: one area, or a group of areas."""

    label: str
    group: ComparatorGroup | None = None


def resolve_comparators(
    con: duckdb.DuckDBPyConnection, names: list[str], level: str
) -> list[Comparator]:
    """Each name as a group or an area of ``level``; an unknown name is an error, at once."""
    out = []
    for name in names:
        group = _group(name)
        if group is not None:
            out.append(Comparator(group.key, group))
        else:
            out.append(Comparator(resolve_area(con, name, level).name))
    return out


def _population(
    con: duckdb.DuckDBPyConnection,
    level: str,
    names: list[str],
    year: int,
    override: PopulationOverride | None,
) -> dict[str, PopulationFigure]:
    """Each area's population: the user's file first, else the imported estimates."""
    found: dict[str, PopulationFigure] = {}
    if override:
        for name in names:
            figure = override.figure(name, level, year)
            if figure is not None:
                found[name] = figure
    rest = [n for n in names if n not in found and has_residents(n)]
    if rest:
        try:
            found.update(populations(con, level, rest, year))
        except NotFoundError:
            if override is None:
                raise
            raise NotFoundError(
                f"no population for {_listing(rest)} in {override.path.name}, and no population "
                "estimates have been imported"
                if len(rest) < 6
                else f"no population estimates have been imported for {len(rest)} areas it needs",
                hint="Add them to the file, or import estimates: saferplan import population FILE.",
            ) from None
    return found


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def group_population(
    label: str, members: list[str], figures: dict[str, PopulationFigure], year: int
) -> PopulationFigure:
    """A group's population: the sum over every member with residents, each by the
    nearest-year rule; refused, naming them, when any member has none (never a partial sum)."""
    residents = [m for m in members if has_residents(m)]
    missing = [m for m in residents if m not in figures]
    if missing:
        raise SaferplanError(
            f"{label}'s population for {year} cannot be given: no population estimate for "
            f"{_listing(missing)} (of its {len(residents)} members with residents)",
            hint="Import estimates that cover every member, or give the group's population "
            "with --population FILE.",
        )
    parts = tuple(figures[m] for m in residents)
    if not parts:
        raise SaferplanError(f"{label} has no members with residents, so it has no rate")
    years = Counter(p.year for p in parts)
    first = parts[0]
    return PopulationFigure(
        label,
        first.level,
        sum(p.value for p in parts),
        years.most_common(1)[0][0],
        first.population_set,
        first.source,
        first.age_band,
        tuple(sorted({i for p in parts for i in p.import_ids})),
        parts,
    )


def _note(figures: list[PopulationFigure]) -> str:
    """Which sets and years the rates used, naming any member that used another year."""
    groups: dict[tuple[str, str], Counter[int]] = {}
    for f in figures:
        for part in f.parts or (f,):
            groups.setdefault((part.population_set, part.source), Counter())[part.year] += 1
    notes = []
    for (name, source), years in sorted(groups.items()):
        listed = ", ".join(str(y) for y in sorted(years))
        notes.append(f"{name} ({listed}), {source}")
    others = sorted(
        {
            f"{part.area} {part.year}"
            for f in figures
            if f.parts
            for part in f.parts
            if part.year != f.year
        }
    )
    if others:
        notes.append("members from other years: " + ", ".join(others))
    return "; ".join(notes) or "no population"


def _populations_for(
    con: duckdb.DuckDBPyConnection,
    level: str,
    singles: list[str],
    groups: dict[str, list[str]],
    year: int,
    override: PopulationOverride | None,
) -> dict[str, PopulationFigure]:
    """Populations of single areas, and of groups: the user's figure for the group itself
    if the file gives one, else the sum over every member (``group_population``)."""
    found = _population(con, level, singles, year, override)
    members = sorted(
        {m for g, ms in groups.items() for m in ms if not _given(override, g, level, year)}
    )
    try:
        for_members = _population(con, level, members, year, override) if members else {}
    except NotFoundError as exc:
        names = " and ".join(g for g in groups if not _given(override, g, level, year))
        given = f"{override.path.name} has no figure for it, and " if override else ""
        raise NotFoundError(
            f"{names}'s population for {year} cannot be given: {given}{exc.message}",
            hint=exc.hint,
        ) from None
    for g, ms in groups.items():
        given_figure = override.figure(g, level, year) if override else None
        found[g] = given_figure or group_population(g, ms, for_members, year)
    return found


def _given(override: PopulationOverride | None, area: str, level: str, year: int) -> bool:
    return override is not None and override.figure(area, level, year) is not None


@dataclass(frozen=True)
class _Coverage:
    """Which areas a source has figures for in every month of the periods compared."""

    con: duckdb.DuckDBPyConnection
    theme: Theme
    source: str
    level: str
    months: frozenset[Any]
    vintage: str | None

    def covers(self, name: str) -> bool:
        if self.level != "borough":
            return True
        found = queries.months_covered(self.con, self.theme, self.source, self.level, name,
                                       self.vintage)  # fmt: skip
        return self.months <= found


def _wanted(
    resolved: list[Comparator], subject: str, all_names: list[str], coverage: _Coverage
) -> tuple[list[tuple[str, list[str] | None]], dict[str, list[str]], list[str]]:
    """The rows to show (area, or group and its members), the groups, and the comparators
    left out because the source has no figures for them (or for a member)."""
    wanted: list[tuple[str, list[str] | None]] = [(subject, None)]
    groups: dict[str, list[str]] = {}
    left_out: list[str] = []
    for comparator in resolved:
        group = comparator.group
        if group is None:
            if coverage.covers(comparator.label):
                wanted.append((comparator.label, None))
            else:
                left_out.append(comparator.label)
            continue
        if group.members is None and coverage.source not in COMPLETE_SOURCES:
            left_out.append(group.key)  # "every area" of a source that has some areas only
            continue
        members = list(group.members) if group.members else all_names
        if not all(coverage.covers(m) for m in members if has_residents(m)):
            left_out.append(group.key)
            continue
        groups[group.key] = members
        wanted.append((group.key, members))
    return wanted, groups, left_out


def compare(
    con: duckdb.DuckDBPyConnection,
    area: str,
    theme: Theme,
    period: Period,
    baseline: Period,
    comparators: list[str],
    *,
    population_override: PopulationOverride | None = None,
) -> ComparisonTable:
    """The subject area then each comparator (area or group), for two periods.

    The source is the first that covers the subject in both; a comparator it has no figures
    for is left out (and listed), never shown as none.
    """
    from saferplan.geography.wards import ward_vintage

    subject = resolve_area(con, area)
    level = subject.level
    resolved = resolve_comparators(con, comparators, level)
    vintage = ward_vintage(con, period) if level == "ward" else None
    source = queries.choose_source(con, theme, level, [period, baseline], vintage=vintage,
                                   area=subject.name if level == "borough" else None)  # fmt: skip
    tallies = queries.period_tallies(con, theme, level, [period, baseline], source,
                                     vintage=vintage)  # fmt: skip
    counts = {
        label: {c.name: c.count for c in queries.counts_by_area(tallies, level, index)}
        for index, label in enumerate(("period", "baseline"))
    }
    all_names = sorted(set(counts["period"]) | set(counts["baseline"]))
    months = frozenset(m for p in (period, baseline) for m in p.months)
    coverage = _Coverage(con, theme, source, level, months, vintage)
    wanted, groups, left_out = _wanted(resolved, subject.name, all_names, coverage)
    singles = [label for label, group_members in wanted if group_members is None]
    used = [
        _populations_for(con, level, singles, groups, p.reference_year, population_override)
        for p in (period, baseline)
    ]
    rows = []
    for label, group_members in wanted:
        names = group_members or [label]
        cp = sum(counts["period"].get(m, 0) for m in names)
        cb = sum(counts["baseline"].get(m, 0) for m in names)
        rows.append(statistics.Comparison(label, cb, cp, used[1].get(label), used[0].get(label)))
    figures = [r.population_period for r in rows if r.population_period] + [
        r.population_baseline for r in rows if r.population_baseline
    ]
    shown = None  # every area's rows, for a source with every area's figures
    if source not in COMPLETE_SOURCES:  # only the areas shown
        shown = {n for label, members in wanted for n in (members or [label])}
    ids = sorted({i for t in tallies if shown is None or t.name in shown or t.code in shown
                  for i in t.import_ids})  # fmt: skip
    population_ids = sorted({i for f in figures for i in f.import_ids})
    return ComparisonTable(theme, level, period, baseline, source, rows, ids, _note(figures),
                           groups, population_ids, left_out)  # fmt: skip


@dataclass(frozen=True)
class AreaFigure:
    """One area's count in a period, with its population: a line of a ranking."""

    key: str  # how the area is named in rankings: the name (boroughs) or the code
    name: str
    borough: str | None
    count: int
    population: PopulationFigure | None

    @property
    def rate(self) -> Decimal | None:
        return statistics.rate(self.count, self.population.value if self.population else None)

    @property
    def exact_rate(self) -> Fraction | None:
        return statistics.exact_rate(self.count, self.population.value if self.population else None)


def area_figures(
    con: duckdb.DuckDBPyConnection,
    level: str,
    theme: Theme,
    period: Period,
    *,
    source: str | None = None,
) -> tuple[list[AreaFigure], str]:
    """Every area of ``level``: count and population in ``period``; returns them and the source.

    A ward the source lists under two boroughs (Heathrow Villages is under Hillingdon and
    under the airports' "Aviation Security (SO18)") is two lines, never one overwriting the
    other; the line under an area without residents is named with it and gets no population.
    """
    from saferplan.geography.wards import ward_vintage

    vintage = ward_vintage(con, period) if level == "ward" else None
    source = source or queries.choose_source(con, theme, level, [period], vintage=vintage)
    found = queries.area_counts(con, theme, level, period, source, vintage=vintage)
    return figures_of(con, level, found, period), source


def figures_of(
    con: duckdb.DuckDBPyConnection, level: str, found: list[queries.AreaCount], period: Period
) -> list[AreaFigure]:
    """The areas' counts in ``period`` with their populations (see ``area_figures``)."""
    if level == "borough":
        keyed = [(c.name, c) for c in found]
    else:
        seen = Counter(c.code or c.name for c in found)
        keyed = [
            (
                c.code or c.name
                if seen[c.code or c.name] == 1 or has_residents(c.borough)
                else f"{c.code or c.name} ({c.borough})",
                c,
            )
            for c in found
        ]
    with_residents = [
        k
        for k, c in keyed
        if has_residents(c.name) and (level == "borough" or has_residents(c.borough))
    ]
    pops = populations(con, level, [c.code or c.name if level != "borough" else c.name
                                    for k, c in keyed if k in with_residents],
                       period.reference_year) if with_residents else {}  # fmt: skip
    out = []
    for key, c in keyed:
        lookup = c.name if level == "borough" else (c.code or c.name)
        figure = pops.get(lookup) if key in with_residents else None
        out.append(AreaFigure(key, c.name, c.borough, c.count, figure))
    return out


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    area: str
    count: int
    rate: Any
    population: PopulationFigure | None


def rank_rows(figures: list[AreaFigure], by: str) -> list[RankRow]:
    """Ranked 1 = highest, by count or by the unrounded rate (so rounding makes no ties).

    Areas without residents (the airports) are ranked by count but left out of rate ranks.
    """
    if by not in ("count", "rate"):
        raise NotFoundError(f"cannot rank by '{by}'", hint="Rank by count or rate.")
    values: dict[str, statistics.Rankable] = {
        f.key: f.count if by == "count" else f.exact_rate for f in figures
    }
    ranks = statistics.rank(values)
    rows = [RankRow(ranks.get(f.key), f.key, f.count, f.rate, f.population) for f in figures]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.area))
    if by == "rate":
        rows = [r for r in rows if r.rank is not None]
    return rows


def ranking(
    con: duckdb.DuckDBPyConnection, level: str, theme: Theme, period: Period, by: str
) -> tuple[list[RankRow], str]:
    """Areas of ``level`` ranked by count or rate (1 = highest); returns rows and the source."""
    if by not in ("count", "rate"):
        raise NotFoundError(f"cannot rank by '{by}'", hint="Rank by count or rate.")
    figures, source = area_figures(con, level, theme, period)
    return rank_rows(figures, by), source
