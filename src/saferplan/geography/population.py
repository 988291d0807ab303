"""Choosing the population that divides a count, and saying which one it was.

Rules (the methods annex quotes them): within a population set, use the estimate for the
period's reference year; if there is none, the nearest earlier year; failing that the
nearest later year. The default set is the one with a year nearest the reference year
(newest import on ties). Ward and borough populations with no rows of their own are summed
from LSOAs through the lookup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from saferplan.core.errors import NotFoundError


@dataclass(frozen=True)
class PopulationFigure:
    area: str
    level: str
    value: int
    year: int
    population_set: str
    source: str
    age_band: str


def list_population_sets(
    con: duckdb.DuckDBPyConnection, age_band: str | None = None
) -> list[tuple[str, list[int], str]]:
    """Population sets (name, years, source); with ``age_band``, only sets that have it."""
    where, params = _age_filter(age_band) if age_band else ("TRUE", [])
    rows = con.execute(
        "SELECT population_set, list(DISTINCT year ORDER BY year), any_value(source) "
        f"FROM population WHERE {where} GROUP BY population_set ORDER BY population_set",
        params,
    ).fetchall()
    return [(name, list(years), source) for name, years, source in rows]


def _year_order(years: list[int], year: int) -> list[int]:
    return sorted(years, key=lambda y: (0 if y == year else 1 if y < year else 2, abs(y - year)))


def _choose(
    con: duckdb.DuckDBPyConnection, year: int, population_set: str | None, age_band: str
) -> tuple[str, int, str]:
    sets = list_population_sets(con, age_band)
    if population_set:
        sets = [s for s in sets if s[0].lower() == population_set.lower()]
        if not sets:
            raise NotFoundError(f"no population set called '{population_set}'")
    if not sets:
        raise NotFoundError(
            "no population estimates have been imported",
            hint="Import some: saferplan import population FILE.",
        )
    latest = {
        name: imp
        for name, imp in con.execute(
            "SELECT population_set, max(import_id) FROM population GROUP BY 1"
        ).fetchall()
    }
    best = min(
        sets,
        key=lambda s: (
            (lambda y: (0 if y == year else 1 if y < year else 2, abs(y - year)))(
                _year_order(s[1], year)[0]
            ),
            -latest.get(s[0], 0),
        ),
    )
    return best[0], _year_order(best[1], year)[0], best[2]


def _age_filter(age_band: str) -> tuple[str, list[Any]]:
    """Rows for an age band: stored as that band, or as the single years it spans."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", age_band)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        years = [str(a) for a in range(low, high + 1)]
        return "(age_band = ? OR age_band IN (SELECT unnest(?)))", [age_band, years]
    return "age_band = ?", [age_band]


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
    set_name, used_year, source = _choose(con, year, population_set, age_band)
    age_sql, age_params = _age_filter(age_band)
    wanted = {a.lower(): a for a in areas}
    direct = con.execute(
        f"""
        SELECT area_code, any_value(area_name), sum(population)::BIGINT
        FROM population
        WHERE population_set = ? AND year = ? AND level = ? AND sex = ? AND {age_sql}
        GROUP BY area_code
        """,
        [set_name, used_year, level, sex, *age_params],
    ).fetchall()
    rows = {(code, name): value for code, name, value in direct}
    if level in ("ward", "borough"):
        code_col, name_col = (
            ("ward_code", "ward_name") if level == "ward" else ("lad_code", "lad_name")
        )
        aggregated = con.execute(
            f"""
            WITH lookup AS (
                SELECT * FROM area_lookup
                QUALIFY row_number() OVER (
                    PARTITION BY lsoa_code
                    ORDER BY partition_key LIKE 'derived|%', import_id DESC) = 1
            )
            SELECT l.{code_col}, any_value(l.{name_col}), sum(p.population)::BIGINT
            FROM population p JOIN lookup l ON p.area_code = l.lsoa_code
            WHERE p.population_set = ? AND p.year = ? AND p.level = 'lsoa' AND p.sex = ?
              AND {age_sql.replace("age_band", "p.age_band")} AND l.{code_col} IS NOT NULL
            GROUP BY l.{code_col}
            """,
            [set_name, used_year, sex, *age_params],
        ).fetchall()
        have = {code for code, _ in rows}
        for code, name, value in aggregated:
            if code not in have:
                rows[(code, name)] = value
    result: dict[str, PopulationFigure] = {}
    for (code, name), value in rows.items():
        for key in (code.lower(), (name or "").lower()):
            if key in wanted and wanted[key] not in result:
                result[wanted[key]] = PopulationFigure(
                    wanted[key], level, int(value), used_year, set_name, source, age_band
                )
    return result
