"""Counting crime in the warehouse: one DuckDB query per question, never one per area.

Which source answers depends on the level: boroughs and wards come from the MPS monthly
counts; LSOAs from police.uk records where they cover the months, else from the annual LSOA
files when the period is whole calendar years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period
from saferplan.crime.themes import Theme


@dataclass(frozen=True)
class AreaCount:
    code: str | None
    name: str
    borough: str | None
    count: int


def months_available(con: duckdb.DuckDBPyConnection, source: str, level: str) -> set[date]:
    if source == "police-uk":
        if level != "lsoa":
            return set()
        rows = con.execute("SELECT DISTINCT month FROM police_uk_records").fetchall()
        return {r[0] for r in rows}
    rows = con.execute(
        "SELECT DISTINCT period_start, period_grain FROM crime_counts "
        "WHERE source = ? AND level = ?",
        [source, level],
    ).fetchall()
    months: set[date] = set()
    for start, grain in rows:
        if grain == "year":
            months.update(date(start.year, m, 1) for m in range(1, 13))
        else:
            months.add(start)
    return months


def choose_source(
    con: duckdb.DuckDBPyConnection, theme: Theme, level: str, periods: list[Period]
) -> str:
    """The first source that has the theme and every month of every period at this level."""
    lsoa_order = ["police-uk", "lsoa-annual", "mps"]
    preferences = lsoa_order if level == "lsoa" else ["mps", "police-uk"]
    needed = {m for p in periods for m in p.months}
    tried = []
    for source in preferences:
        if source not in theme.filters:
            continue
        if source == "lsoa-annual" and any(p.whole_years is None for p in periods):
            continue
        available = months_available(con, source, level)
        tried.append((source, available))
        if needed <= available:
            return source
    described = (
        "; ".join(
            f"{s} {level} data covers {min(a):%Y-%m} to {max(a):%Y-%m}"
            if a
            else f"no {s} {level} data"
            for s, a in tried
        )
        or f"no source has the theme '{theme.key}' at {level} level"
    )
    labels = " and ".join(p.label for p in periods)
    raise NotFoundError(
        f"no data for {theme.title.lower()} by {level} for {labels}",
        hint=f"{described}.",
    )


def area_counts(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    period: Period,
    source: str,
    *,
    borough: str | None = None,
) -> list[AreaCount]:
    """Count of the theme in every area of ``level`` (within ``borough`` if given)."""
    where, params = theme.filters[source].sql(source)
    if source == "police-uk":
        sql = (
            "SELECT lsoa_code, any_value(lsoa_name), NULL, count(*) FROM police_uk_records "
            f"WHERE month BETWEEN ? AND ? AND lsoa_code IS NOT NULL AND {where}"
        )
        args: list[Any] = [period.first, period.last, *params]
        if borough:
            sql += (
                " AND lsoa_code IN (SELECT lsoa_code FROM area_lookup "
                "WHERE lower(lad_name) = lower(?))"
            )
            args.append(borough)
        sql += " GROUP BY lsoa_code"
    else:
        key = "area_name" if level == "borough" else "area_code"
        first = date(period.first.year, 1, 1) if source == "lsoa-annual" else period.first
        sql = (
            f"SELECT any_value(area_code), any_value(area_name), any_value(borough), "
            f"sum(count)::BIGINT FROM crime_counts WHERE source = ? AND level = ? "
            f"AND period_start BETWEEN ? AND ? AND {where}"
        )
        args = [source, level, first, period.last, *params]
        if borough:
            sql += " AND lower(borough) = lower(?)"
            args.append(borough)
        sql += f" GROUP BY {key}, borough"
    rows = con.execute(sql, args).fetchall()
    return [AreaCount(code, name, boro, int(n)) for code, name, boro, n in rows]


def monthly_series(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    area_names: list[str],
    first: date,
    last: date,
    source: str,
) -> list[tuple[date, int]]:
    """Monthly totals over the named areas, every month from ``first`` to ``last`` (zeros kept)."""
    where, params = theme.filters[source].sql(source)
    if source == "police-uk":
        sql = (
            "SELECT month, count(*) FROM police_uk_records WHERE month BETWEEN ? AND ? "
            f"AND (lsoa_code IN (SELECT unnest(?)) OR lsoa_name IN (SELECT unnest(?))) AND {where} "
            "GROUP BY month"
        )
        args: list[Any] = [first, last, area_names, area_names, *params]
    else:
        sql = (
            "SELECT period_start, sum(count)::BIGINT FROM crime_counts WHERE source = ? "
            "AND level = ? AND period_grain = 'month' AND period_start BETWEEN ? AND ? "
            f"AND (area_name IN (SELECT unnest(?)) OR area_code IN (SELECT unnest(?))) AND {where} "
            "GROUP BY period_start"
        )
        args = [source, level, first, last, area_names, area_names, *params]
    found = dict(con.execute(sql, args).fetchall())
    out, current = [], first
    while current <= last:
        out.append((current, int(found.get(current, 0))))
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def contributing_imports(
    con: duckdb.DuckDBPyConnection, theme: Theme, source: str, level: str, periods: list[Period]
) -> list[int]:
    """Ids of the imports whose rows a figure was built from (for provenance)."""
    where, params = theme.filters[source].sql(source)
    ids: set[int] = set()
    for period in periods:
        if source == "police-uk":
            rows = con.execute(
                "SELECT DISTINCT import_id FROM police_uk_records WHERE month BETWEEN ? AND ? "
                f"AND {where}",
                [period.first, period.last, *params],
            ).fetchall()
        else:
            rows = con.execute(
                "SELECT DISTINCT import_id FROM crime_counts WHERE source = ? AND level = ? "
                f"AND period_start BETWEEN ? AND ? AND {where}",
                [source, level, date(period.first.year, 1, 1) if source == "lsoa-annual"
                 else period.first, period.last, *params],
            ).fetchall()  # fmt: skip
        ids.update(r[0] for r in rows)
    return sorted(ids)
