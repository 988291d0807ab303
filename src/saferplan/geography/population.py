"""Choosing the population that divides a count, and saying which one it was.

Rules (the methods annex quotes them): the set is the one, among those with figures at the
level asked for, with a year nearest the period's reference year (newest import on ties).
Within it, each area's population is its estimate for the reference year; if it has none,
its nearest earlier year; failing that its nearest later year. The rule is applied area by
area, so an area missing from one year's estimates is never silently left out of a sum.
Ward and borough populations with no rows of their own are summed from LSOAs through the
lookup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.datastore import snapshots


@dataclass(frozen=True)
class PopulationFigure:
    area: str
    level: str
    value: int
    year: int
    population_set: str
    source: str
    age_band: str
    import_ids: tuple[int, ...] = ()  # the imports whose rows gave the figure (provenance)
    parts: tuple[PopulationFigure, ...] = ()  # a group's members, each by its own year


# code -> (name, year -> (population, import ids)); one query per set, level, sex and band,
# once per catalog (``snapshots.memo``: a connection sees one catalog, whose rows are fixed).
_Rows = dict[str, tuple[str, dict[int, tuple[int, tuple[int, ...]]]]]


def list_population_sets(
    con: duckdb.DuckDBPyConnection, age_band: str | None = None, level: str | None = None
) -> list[tuple[str, list[int], str]]:
    """Population sets (name, years, source); with ``age_band`` or ``level``, only sets that
    have figures for it (ward and borough figures can come from LSOAs)."""
    memo = snapshots.memo(con).setdefault("population sets", {})
    if (age_band, level) not in memo:
        memo[age_band, level] = _population_sets(con, age_band, level)
    return [(name, list(years), source) for name, years, source in memo[age_band, level]]


def _population_sets(
    con: duckdb.DuckDBPyConnection, age_band: str | None, level: str | None
) -> list[tuple[str, list[int], str]]:
    where, params = _age_filter(age_band) if age_band else ("TRUE", [])
    if level is not None:
        levels = [level, "lsoa"] if level in ("ward", "borough") else [level]
        where += " AND level IN (SELECT unnest(?))"
        params = [*params, levels]
    rows = con.execute(
        "SELECT population_set, list(DISTINCT year ORDER BY year), any_value(source) "
        f"FROM population WHERE {where} GROUP BY population_set ORDER BY population_set",
        params,
    ).fetchall()
    return [(name, list(years), source) for name, years, source in rows]


def year_order(years: Sequence[int], year: int) -> list[int]:
    """``years`` in the order the rule prefers them for ``year``: itself, earlier, later."""
    return sorted(years, key=lambda y: (0 if y == year else 1 if y < year else 2, abs(y - year)))


def _choose_set(
    con: duckdb.DuckDBPyConnection,
    year: int,
    population_set: str | None,
    age_band: str,
    level: str,
) -> tuple[str, str]:
    sets = list_population_sets(con, age_band, level)
    if population_set:
        sets = [s for s in sets if s[0].lower() == population_set.lower()]
        if not sets:
            raise NotFoundError(f"no population set called '{population_set}' with {level} figures")
    if not sets:
        raise NotFoundError(
            "no population estimates have been imported"
            + (f" with {level} figures" if list_population_sets(con) else ""),
            hint="Import some: saferplan import population FILE.",
        )
    latest = _latest_imports(con)

    def preference(s: tuple[str, list[int], str]) -> tuple[int, int, int]:
        best = year_order(s[1], year)[0]
        return (0 if best == year else 1 if best < year else 2, abs(best - year), -latest[s[0]])

    best = min(sets, key=preference)
    return best[0], best[2]


def _latest_imports(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each population set's newest import (what breaks a tie between sets)."""
    memo = snapshots.memo(con)
    if "population latest" not in memo:
        memo["population latest"] = dict(
            con.execute(
                "SELECT population_set, max(import_id) FROM population GROUP BY 1"
            ).fetchall()
        )
    latest: dict[str, int] = memo["population latest"]
    return latest


def _age_filter(age_band: str) -> tuple[str, list[Any]]:
    """Rows for an age band: stored as that band, or as the single years it spans."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", age_band)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        years = [str(a) for a in range(low, high + 1)]
        return "(age_band = ? OR age_band IN (SELECT unnest(?)))", [age_band, years]
    return "age_band = ?", [age_band]


def _set_rows(
    con: duckdb.DuckDBPyConnection, set_name: str, level: str, sex: str, age_band: str
) -> _Rows:
    """Every area's population in every year of the set (direct rows, else from LSOAs)."""
    cache: dict[tuple[str, ...], _Rows] = snapshots.memo(con).setdefault("population rows", {})
    key = (set_name, level, sex, age_band)
    if key in cache:
        return cache[key]
    age_sql, age_params = _age_filter(age_band)
    direct = con.execute(
        f"""
        SELECT area_code, any_value(area_name), year, sum(population)::BIGINT,
               list(DISTINCT import_id)
        FROM population
        WHERE population_set = ? AND level = ? AND sex = ? AND {age_sql}
        GROUP BY area_code, year
        """,
        [set_name, level, sex, *age_params],
    ).fetchall()
    rows: _Rows = {}
    for code, name, year, value, ids in direct:
        rows.setdefault(code, (name or "", {}))[1][year] = (int(value), tuple(sorted(ids)))
    if level in ("ward", "borough"):
        _add_from_lsoas(con, rows, set_name, level, sex, age_band)
    cache[key] = rows
    return rows


def _add_from_lsoas(
    con: duckdb.DuckDBPyConnection, rows: _Rows, set_name: str, level: str, sex: str, band: str
) -> None:
    """Ward or borough sums of LSOA rows, for the years an area has no rows of its own.

    Each LSOA counts once in each ward a lookup puts it in (lookups of different ward
    vintages side by side; a ward whose code is unchanged between them has the same LSOAs),
    and once in its borough (an explicit lookup before the pairs a population file implies).
    """
    from saferplan.crime.facts import prepare

    prepare(con)
    if level == "ward":
        lookup = (
            "SELECT lsoa_code, ward_code AS code, any_value(ward_name) AS name, "
            "list(DISTINCT import_id) AS ids FROM _saferplan_ward_lookup GROUP BY 1, 2"
        )
    else:
        lookup = (
            "SELECT lsoa_code, lad_code AS code, lad_name AS name, [import_id] AS ids "
            "FROM _saferplan_lad_lookup WHERE lad_code IS NOT NULL"
        )
    age_sql, age_params = _age_filter(band)
    aggregated = con.execute(
        f"""
        SELECT l.code, any_value(l.name), p.year, sum(p.population)::BIGINT,
               list(DISTINCT p.import_id), flatten(list(l.ids))
        FROM population p JOIN ({lookup}) l ON p.area_code = l.lsoa_code
        WHERE p.population_set = ? AND p.level = 'lsoa' AND p.sex = ?
          AND {age_sql.replace("age_band", "p.age_band")}
        GROUP BY l.code, p.year
        """,
        [set_name, sex, *age_params],
    ).fetchall()
    for code, name, year, value, pop_ids, lookup_ids in aggregated:
        years = rows.setdefault(code, (name or "", {}))[1]
        if year not in years:
            years[year] = (int(value), tuple(sorted(set(pop_ids) | set(lookup_ids))))


def populations(
    con: duckdb.DuckDBPyConnection,
    level: str,
    areas: Sequence[str],
    year: int,
    *,
    population_set: str | None = None,
    age_band: str = "all",
    sex: str = "persons",
) -> dict[str, PopulationFigure]:
    """Population per requested area (by name or code); areas with none are left out."""
    set_name, source = _choose_set(con, year, population_set, age_band, level)
    rows = _set_rows(con, set_name, level, sex, age_band)
    wanted = {a.lower(): a for a in areas}
    result: dict[str, PopulationFigure] = {}
    for code, (name, years) in rows.items():
        for key in (code.lower(), name.lower()):
            if key in wanted and wanted[key] not in result:
                chosen = year_order(list(years), year)[0]
                value, ids = years[chosen]
                result[wanted[key]] = PopulationFigure(
                    wanted[key], level, value, chosen, set_name, source, age_band, ids
                )
    return result
