"""Counting crime in the warehouse: one DuckDB query per question, never one per area.

Which source answers depends on the level: boroughs and wards come from the MPS monthly
counts; LSOAs from police.uk records where they cover the months, else from the annual LSOA
files when the period is whole calendar years.
"""

from __future__ import annotations

import weakref
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


# A connection sees one catalog, so what months it has cannot change while it lives.
_MONTHS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], frozenset[date]]] = (
    weakref.WeakKeyDictionary()
)


def months_available(con: duckdb.DuckDBPyConnection, source: str, level: str) -> set[date]:
    """Every month ``source`` has figures for at ``level`` (years count as their 12 months)."""
    cache = _MONTHS.setdefault(con, {})
    if (source, level) not in cache:
        cache[(source, level)] = frozenset(_months(con, source, level))
    return set(cache[(source, level)])


def _months(con: duckdb.DuckDBPyConnection, source: str, level: str) -> set[date]:
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
    raise NotFoundError(
        f"no data for {theme.title.lower()} by {level} for {_uncovered(periods, tried)}",
        hint=_coverage(tried, level, theme),
    )


def require_months(
    con: duckdb.DuckDBPyConnection, level: str, periods: list[Period], subject: str = ""
) -> None:
    """Refuse periods that no source covers month by month at ``level`` (a year outside the
    data), naming the periods that are not covered and what the data does cover."""
    sources = ["police-uk", "lsoa-annual", "mps"] if level == "lsoa" else ["mps", "police-uk"]
    tried = [(s, months_available(con, s, level)) for s in sources]
    needed = {m for p in periods for m in p.months}
    if any(needed <= available for _, available in tried):
        return
    about = f" for {subject}" if subject else ""
    raise NotFoundError(
        f"no crime data by {level}{about} for {_uncovered(periods, tried)}",
        hint=_coverage(tried, level, None),
    )


def _uncovered(periods: list[Period], tried: list[tuple[str, set[date]]]) -> str:
    """The periods no source covers, with their missing months (not the ones that are covered)."""

    def missing(p: Period) -> list[date]:
        return min((sorted(set(p.months) - a) for _, a in tried), key=len, default=p.months)

    parts = []
    for p in dict.fromkeys(periods):
        months = missing(p)
        if len(months) == len(p.months):
            parts.append(p.label)
        elif months:
            span = f"{months[0]:%Y-%m}" + (f" to {months[-1]:%Y-%m}" if len(months) > 1 else "")
            parts.append(f"{p.label} ({span} missing)")
    return " and ".join(parts) or " and ".join(p.label for p in periods) + " from one source"


def _coverage(tried: list[tuple[str, set[date]]], level: str, theme: Theme | None) -> str:
    described = "; ".join(
        f"{s} {level} data covers {min(a):%Y-%m} to {max(a):%Y-%m}" if a else f"no {s} {level} data"
        for s, a in tried
    )
    if not described:
        described = f"no source has the theme '{theme.key}' at {level} level" if theme else "none"
    return described + "."


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


def _scope(
    theme: Theme,
    source: str,
    level: str,
    first: date,
    last: date,
    *,
    area: str | None = None,
    borough: str | None = None,
) -> tuple[str, str, list[Any]]:
    """The table and WHERE clause (with parameters) for a theme's rows in a span of months,
    for one area (by name or code) or for every area within a borough."""
    where, params = theme.filters[source].sql(source)
    if source == "police-uk":
        sql = f"month BETWEEN ? AND ? AND {where}"
        args: list[Any] = [first, last, *params]
        if area:
            sql += " AND (lsoa_code = ? OR lsoa_name = ?)"
            args += [area, area]
        if borough:
            sql += (
                " AND lsoa_code IN (SELECT lsoa_code FROM area_lookup "
                "WHERE lower(lad_name) = lower(?))"
            )
            args.append(borough)
        return "police_uk_records", sql, args
    start = date(first.year, 1, 1) if source == "lsoa-annual" else first
    sql = f"source = ? AND level = ? AND period_start BETWEEN ? AND ? AND {where}"
    args = [source, level, start, last, *params]
    if area:
        sql += " AND (area_name = ? OR area_code = ?)"
        args += [area, area]
    if borough:
        sql += " AND lower(borough) = lower(?)"
        args.append(borough)
    return "crime_counts", sql, args


def contributing_imports(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    periods: list[Period],
    *,
    area: str | None = None,
    borough: str | None = None,
) -> list[int]:
    """Ids of the imports whose rows a figure was built from (for provenance): every area,
    one area, or the areas of a borough (police.uk: with the lookups that place them)."""
    ids: set[int] = set()
    for period in periods:
        ids.update(
            imports_between(con, theme, source, level, period.first, period.last,
                            area=area, borough=borough)
        )  # fmt: skip
    return sorted(ids)


def imports_between(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    first: date,
    last: date,
    *,
    area: str | None = None,
    borough: str | None = None,
) -> set[int]:
    table, where, args = _scope(theme, source, level, first, last, area=area, borough=borough)
    ids = {r[0] for r in con.execute(f"SELECT DISTINCT import_id FROM {table} WHERE {where}",
                                     args).fetchall()}  # fmt: skip
    if source == "police-uk" and borough:
        ids |= lookup_imports(con, borough)
    return ids


def lookup_imports(con: duckdb.DuckDBPyConnection, borough: str) -> set[int]:
    """The lookup imports that place LSOAs in ``borough`` (by name or code)."""
    rows = con.execute(
        "SELECT DISTINCT import_id FROM area_lookup "
        "WHERE lower(lad_name) = lower(?) OR lower(lad_code) = lower(?)",
        [borough, borough],
    ).fetchall()
    return {r[0] for r in rows}


def categories(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    period: Period,
    *,
    area: str | None = None,
    borough: str | None = None,
) -> dict[str, int]:
    """Offences of the theme in scope by major category (police.uk: crime type), if any."""
    table, where, args = _scope(
        theme, source, level, period.first, period.last, area=area, borough=borough
    )
    column = "crime_type" if source == "police-uk" else "major"
    total = "count(*)" if source == "police-uk" else "sum(count)"
    rows = con.execute(
        f"SELECT {column}, {total}::BIGINT FROM {table} WHERE {where} GROUP BY {column} "
        f"HAVING {total} > 0",
        args,
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}
