"""Comparator tables and rankings: queries + the statistics engine, with provenance.

This is the one place a comparison is assembled, so the CLI, documents and web pages show
the same figures from the same definitions.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from saferplan.core.errors import InputError, NotFoundError
from saferplan.core.periods import Period
from saferplan.crime import queries, statistics
from saferplan.crime.themes import Theme
from saferplan.geography.areas import resolve_area
from saferplan.geography.population import PopulationFigure, populations

COMPARATORS_FILE = Path(__file__).with_name("comparators.toml")


@dataclass(frozen=True)
class ComparatorGroup:
    key: str
    title: str
    level: str
    members: tuple[str, ...] | None  # None = every area at the level


@cache
def comparator_groups() -> dict[str, ComparatorGroup]:
    raw = tomllib.loads(COMPARATORS_FILE.read_text(encoding="utf-8"))
    out = {}
    for key, spec in raw.get("groups", {}).items():
        members = None if spec["members"] == "*" else tuple(spec["members"])
        out[key.lower()] = ComparatorGroup(
            key, spec["title"], spec.get("level", "borough"), members
        )
    return out


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


def _population(
    con: duckdb.DuckDBPyConnection,
    level: str,
    names: list[str],
    year: int,
    override: PopulationOverride | None,
) -> dict[str, PopulationFigure]:
    found = populations(con, level, names, year) if names else {}
    if override:
        for name in names:
            figure = override.figure(name, level, year)
            if figure is not None:
                found[name] = figure
    return found


def _sum_population(figures: list[PopulationFigure], label: str) -> PopulationFigure | None:
    if not figures:
        return None
    first = figures[0]
    return PopulationFigure(label, first.level, sum(f.value for f in figures), first.year,
                            first.population_set, first.source, first.age_band)  # fmt: skip


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
    """The subject area then each comparator (area or group), for two periods."""
    subject = resolve_area(con, area)
    level = subject.level
    source = queries.choose_source(con, theme, level, [period, baseline])
    counts = {
        label: {c.name: c.count for c in queries.area_counts(con, theme, level, p, source)}
        for label, p in (("period", period), ("baseline", baseline))
    }
    all_names = sorted(set(counts["period"]) | set(counts["baseline"]))
    wanted: list[tuple[str, list[str]]] = [(subject.name, [subject.name])]
    groups: dict[str, list[str]] = {}
    for name in comparators:
        group = _group(name)
        if group is not None:
            members = list(group.members) if group.members else all_names
            groups[group.key] = members
            wanted.append((group.key, members))
        else:
            wanted.append(
                (resolve_area(con, name, level).name, [resolve_area(con, name, level).name])
            )
    members_needed = sorted({m for _, ms in wanted for m in ms})
    years = {period.reference_year, baseline.reference_year}
    by_year = {y: _population(con, level, members_needed, y, population_override) for y in years}
    pops = {"period": by_year[period.reference_year], "baseline": by_year[baseline.reference_year]}
    rows = []
    for label, members in wanted:
        cp = sum(counts["period"].get(m, 0) for m in members)
        cb = sum(counts["baseline"].get(m, 0) for m in members)
        if len(members) == 1 and label == members[0]:
            pp, pb = pops["period"].get(label), pops["baseline"].get(label)
        else:
            pp = _sum_population([pops["period"][m] for m in members if m in pops["period"]], label)
            pb = _sum_population(
                [pops["baseline"][m] for m in members if m in pops["baseline"]], label
            )
        rows.append(statistics.Comparison(label, cb, cp, pb, pp))
    used = {(f.population_set, f.year, f.source) for p in pops.values() for f in p.values()}
    note = "; ".join(f"{s} ({y}), {src}" for s, y, src in sorted(used)) or "no population"
    ids = queries.contributing_imports(con, theme, source, level, [period, baseline])
    return ComparisonTable(theme, level, period, baseline, source, rows, ids, note, groups)


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    area: str
    count: int
    rate: Any
    population: PopulationFigure | None


def ranking(
    con: duckdb.DuckDBPyConnection, level: str, theme: Theme, period: Period, by: str
) -> tuple[list[RankRow], str]:
    """Areas of ``level`` ranked by count or rate (1 = highest); returns rows and the source.

    Areas without residents (the airports) are ranked by count but left out of rate ranks.
    """
    if by not in ("count", "rate"):
        raise NotFoundError(f"cannot rank by '{by}'", hint="Rank by count or rate.")
    source = queries.choose_source(con, theme, level, [period])
    found = queries.area_counts(con, theme, level, period, source)
    key = (lambda c: c.name) if level == "borough" else (lambda c: c.code or c.name)
    counts = {key(c): c.count for c in found}
    pops = populations(con, level, list(counts), period.reference_year)
    rates = {a: statistics.rate(n, pops[a].value) if a in pops else None for a, n in counts.items()}
    ranks = statistics.rank(counts if by == "count" else rates)
    rows = [RankRow(ranks.get(a), a, counts[a], rates[a], pops.get(a)) for a in counts]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.area))
    if by == "rate":
        rows = [r for r in rows if r.rank is not None]
    return rows, source
