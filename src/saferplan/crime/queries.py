"""Counting crime in the warehouse: one DuckDB query per question, never one per area.

Which source answers depends on the level and on what covers the area asked about:
boroughs and wards come from the MPS monthly counts, then a partnership's series, then
(boroughs) police.uk records or (wards) the annual LSOA counts summed into wards; LSOAs from
police.uk records where they cover the months, else the annual LSOA files when the period
is whole calendar years, else a series. A source covers an area in a month when it has
figures for it (or, below a borough, for the areas within it) then: police.uk and series
cover only some areas, so a month of another force's records is not a month of this one's.
Every query reads the relations of ``facts``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period
from saferplan.crime.facts import CRIME_COUNTS, Relation, category_column, prepare, relation
from saferplan.crime.themes import SourceFilter, Theme
from saferplan.datastore import snapshots

PREFERENCES = {
    "borough": ("mps", "series", "police-uk"),
    "ward": ("mps", "series", "lsoa-annual"),
    "lsoa": ("police-uk", "lsoa-annual", "series", "mps"),
}


@dataclass(frozen=True)
class AreaCount:
    code: str | None
    name: str
    borough: str | None
    count: int


def _months_memo(con: duckdb.DuckDBPyConnection) -> dict[tuple[Any, ...], Any]:
    """What months each source has: fixed by the catalog, so worked out once per catalog."""
    memo: dict[tuple[Any, ...], Any] = snapshots.memo(con).setdefault("months", {})
    return memo


def _expand(rows: list[tuple[date, str]]) -> set[date]:
    """Months of (start, grain) rows: a year counts as its 12 months."""
    months: set[date] = set()
    for start, grain in rows:
        if grain == "year":
            months.update(date(start.year, m, 1) for m in range(1, 13))
        else:
            months.add(start)
    return months


def months_available(
    con: duckdb.DuckDBPyConnection, source: str, level: str, vintage: str | None = None
) -> set[date]:
    """Every month ``source`` has figures for at ``level``, for any area."""
    cache = _months_memo(con)
    key = ("all", source, level, vintage)
    if key not in cache:
        rel = _count_months(con, source, level, vintage) or relation(con, source, level, vintage)
        rows = con.execute(
            f"SELECT DISTINCT period_start, period_grain FROM ({rel.sql}) "
            "WHERE period_start IS NOT NULL",
            list(rel.params),
        ).fetchall()
        cache[key] = frozenset(_expand(rows))
    return set(cache[key])


def months_covered(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    area: str,
    vintage: str | None = None,
) -> set[date]:
    """The months ``source`` has figures for ``area`` (a borough: its own at borough level,
    those of the areas within it below). A series covers a month where it has a row of the
    theme's measures; police.uk where records fall in at least half the borough's LSOAs;
    the count files wherever they have a row."""
    cache = _months_memo(con)
    where, params = theme.filters[source].sql(source) if source == "series" else ("TRUE", [])
    key = ("covered", source, level, vintage, where, tuple(params))
    if key not in cache:
        if source == "police-uk":
            prepare(con)
            rows = con.execute(POLICE_COVERAGE).fetchall()
        else:
            counted = _count_months(con, source, level, vintage)
            rel = counted or relation(con, source, level, vintage)
            rows = con.execute(
                f"SELECT lower(borough), list(DISTINCT [period_start::VARCHAR, period_grain]) "
                f"FROM ({rel.sql}) WHERE borough IS NOT NULL AND {where} GROUP BY 1",
                [*rel.params, *params],
            ).fetchall()
        cache[key] = {
            borough: frozenset(_expand([(date.fromisoformat(d), g) for d, g in pairs]))
            for borough, pairs in rows
        }
    return set(cache[key].get(area.lower(), frozenset()))


def _count_months(
    con: duckdb.DuckDBPyConnection, source: str, level: str, vintage: str | None
) -> Relation | None:
    """The months a count file source has for each borough, from the rollup (which lists
    them once), where its rows at ``level`` are its own rather than summed through a lookup."""
    if source not in CRIME_COUNTS or (source == "lsoa-annual" and level == "ward"):
        return None
    prepare(con)
    sql = "SELECT * FROM _saferplan_count_months WHERE source = ? AND level = ?"
    params: tuple[Any, ...] = (source, level)
    if level == "ward" and vintage is not None:
        sql += " AND coalesce(vintage, '') = ?"
        params += (vintage,)
    return Relation(sql, params)


# police.uk covers a borough in a month when records fall in at least half its LSOAs (the
# rollup works that out once: ``datastore.rollup``).
POLICE_COVERAGE = """
    SELECT borough, list([month::VARCHAR, 'month']) FROM _saferplan_police_coverage GROUP BY 1
"""


def choose_source(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    periods: list[Period],
    *,
    area: str | None = None,
    vintage: str | None = None,
) -> str:
    """The first source that has the theme and every month of every period at this level
    (for ``area``, if given: a source covering other areas does not count)."""
    needed = {m for p in periods for m in p.months}
    tried = []
    for source in PREFERENCES.get(level, PREFERENCES["borough"]):
        if source not in theme.filters:
            continue
        if source == "lsoa-annual" and any(p.whole_years is None for p in periods):
            continue
        available = (
            months_covered(con, theme, source, level, area, vintage)
            if area
            else months_available(con, source, level, vintage)
        )
        tried.append((source, available))
        if needed <= available:
            return source
    raise NotFoundError(
        f"no data for {theme.title.lower()} by {level} for {_uncovered(periods, tried)}",
        hint=_coverage(tried, level, theme, area),
    )


def require_months(
    con: duckdb.DuckDBPyConnection, level: str, periods: list[Period], subject: str = ""
) -> None:
    """Refuse periods that no source covers month by month at ``level`` (a year outside the
    data), naming the periods that are not covered and what the data does cover."""
    sources = [s for s in PREFERENCES.get(level, PREFERENCES["borough"]) if s != "series"]
    tried = [
        (s, _covered_by_any(con, s, level, subject) if subject else months_available(con, s, level))
        for s in sources
    ]
    needed = {m for p in periods for m in p.months}
    if any(needed <= available for _, available in tried):
        return
    about = f" for {subject}" if subject else ""
    raise NotFoundError(
        f"no crime data by {level}{about} for {_uncovered(periods, tried)}",
        hint=_coverage(tried, level, None, subject or None),
    )


def _covered_by_any(
    con: duckdb.DuckDBPyConnection, source: str, level: str, area: str
) -> set[date]:
    everything = Theme("any", "Any", "overall", "down", "", {source: SourceFilter(("*",))})
    return months_covered(con, everything, source, level, area)


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


def _coverage(
    tried: list[tuple[str, set[date]]], level: str, theme: Theme | None, area: str | None
) -> str:
    where = f" for {area}" if area else ""
    described = "; ".join(
        f"{s} {level} data{where} covers {min(a):%Y-%m} to {max(a):%Y-%m}"
        if a
        else f"no {s} {level} data{where}"
        for s, a in tried
    )
    if not described:
        described = f"no source has the theme '{theme.key}' at {level} level" if theme else "none"
    return described + "."


def _where(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    first: date,
    last: date,
    *,
    area: str | None = None,
    borough: str | None = None,
    vintage: str | None = None,
) -> tuple[str, list[Any]]:
    """The FROM and WHERE of a theme's rows in a span of months, for one area (by name or
    code) or every area within a borough."""
    rel = relation(con, source, level, vintage)
    theme_sql, theme_params = theme.filters[source].sql(source)
    start = date(first.year, 1, 1) if source == "lsoa-annual" else first
    sql = f"({rel.sql}) WHERE period_start BETWEEN ? AND ? AND {theme_sql}"
    args: list[Any] = [*rel.params, start, last, *theme_params]
    if area:
        sql += " AND (area_name = ? OR area_code = ?)"
        args += [area, area]
    if borough:
        sql += " AND lower(borough) = lower(?)"
        args.append(borough)
    return sql, args


def area_counts(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    period: Period,
    source: str,
    *,
    borough: str | None = None,
    vintage: str | None = None,
) -> list[AreaCount]:
    """Count of the theme in every area of ``level`` (within ``borough`` if given)."""
    where, args = _where(con, theme, source, level, period.first, period.last, borough=borough,
                         vintage=vintage)  # fmt: skip
    key = "area_name" if level == "borough" else "area_code"
    rows = con.execute(
        "SELECT any_value(area_code), any_value(area_name), any_value(borough), "
        f"sum(n)::BIGINT FROM {where} AND {key} IS NOT NULL GROUP BY {key}, borough",
        args,
    ).fetchall()
    return [AreaCount(code, name, boro, int(n)) for code, name, boro, n in rows]


@dataclass(frozen=True)
class Tally:
    """The rows of one (code, name, borough): the count in each period asked for (None: no
    rows in it) and the imports the rows came from, lookups included."""

    code: str | None
    name: str | None
    borough: str | None
    counts: tuple[int | None, ...]
    import_ids: frozenset[int]


# What one connection was told, kept while it lives: a document build asks each section's
# counts for its table and again for its ranks (a new connection asks afresh).
_TALLIES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], list[Tally]]] = (
    weakref.WeakKeyDictionary()
)


def period_tallies(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    periods: list[Period],
    source: str,
    *,
    vintage: str | None = None,
) -> list[Tally]:
    """Every area's count in each of ``periods`` and its rows' imports, in one grouped query
    (what ``area_counts`` and ``imports_between`` give, for several periods at once)."""
    theme_sql, theme_params = theme.filters[source].sql(source)
    spans = tuple((p.first, p.last) for p in periods)
    key = (theme_sql, tuple(theme_params), level, spans, source, vintage)
    told = _TALLIES.setdefault(con, {})
    if key not in told:
        told[key] = _tallies(con, theme_sql, theme_params, level, periods, source, vintage)
    return told[key]


def _tallies(
    con: duckdb.DuckDBPyConnection,
    theme_sql: str,
    theme_params: list[Any],
    level: str,
    periods: list[Period],
    source: str,
    vintage: str | None,
) -> list[Tally]:
    rel = relation(con, source, level, vintage)
    spans: list[Any] = []
    for p in periods:
        spans += [date(p.first.year, 1, 1) if source == "lsoa-annual" else p.first, p.last]
    within = ["period_start BETWEEN ? AND ?"] * len(periods)
    sums = "".join(f"sum(n) FILTER (WHERE {w})::BIGINT, " for w in within)
    rows = con.execute(
        f"SELECT area_code, area_name, borough, {sums}"
        "list(DISTINCT import_id) FILTER (WHERE import_id IS NOT NULL), "
        "list(DISTINCT via_import_id) FILTER (WHERE via_import_id IS NOT NULL) "
        f"FROM ({rel.sql}) WHERE period_start BETWEEN ? AND ? AND ({' OR '.join(within)}) "
        f"AND {theme_sql} GROUP BY ALL",  # the bounds first: they skip the row groups
        [*spans, *rel.params, min(spans[::2]), max(spans[1::2]), *spans, *theme_params],
    ).fetchall()
    out = []
    for code, name, borough, *rest in rows:
        *counts, ids, via = rest
        found = frozenset([*(ids or ()), *(via or ())])
        out.append(Tally(code, name, borough, tuple(counts), found))
    return out


def counts_by_area(tallies: list[Tally], level: str, index: int) -> list[AreaCount]:
    """``area_counts`` of the ``index``-th period, from tallies: an area by its name (boroughs)
    or code, within its borough, with rows in that period."""
    grouped: dict[tuple[str | None, str | None], list[Tally]] = {}
    for t in tallies:
        key = t.name if level == "borough" else t.code
        if key is not None and t.counts[index] is not None:
            grouped.setdefault((key, t.borough), []).append(t)
    return [
        AreaCount(
            ts[0].code, ts[0].name or "", ts[0].borough, sum(t.counts[index] or 0 for t in ts)
        )
        for ts in grouped.values()
    ]


def monthly_series(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    area_names: list[str],
    first: date,
    last: date,
    source: str,
    *,
    vintage: str | None = None,
) -> list[tuple[date, int]]:
    """Monthly totals over the named areas, every month from ``first`` to ``last`` (zeros kept)."""
    where, args = _where(con, theme, source, level, first, last, vintage=vintage)
    found = dict(
        con.execute(
            f"SELECT period_start, sum(n)::BIGINT FROM {where} AND period_grain = 'month' "
            "AND (area_name IN (SELECT unnest(?)) OR area_code IN (SELECT unnest(?))) "
            "GROUP BY period_start",
            [*args, area_names, area_names],
        ).fetchall()
    )
    out, current = [], first
    while current <= last:
        out.append((current, int(found.get(current, 0))))
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def history(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    level: str,
    area: str,
    first: date,
    last: date,
    source: str,
) -> tuple[list[tuple[date, int]], set[int]]:
    """``monthly_series`` of one area and ``imports_between`` the same months, in one query."""
    where, args = _where(con, theme, source, level, first, last, area=area)
    rows = con.execute(
        f"SELECT period_start, period_grain = 'month', sum(n)::BIGINT, "
        "list(DISTINCT import_id), list(DISTINCT via_import_id) "
        f"FROM {where} GROUP BY ALL",
        args,
    ).fetchall()
    found = {start: int(n) for start, monthly, n, _, _ in rows if monthly}
    ids = {i for *_, own, via in rows for i in [*own, *via] if i is not None}
    out, current = [], first
    while current <= last:
        out.append((current, found.get(current, 0)))
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out, ids


def contributing_imports(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    periods: list[Period],
    *,
    area: str | None = None,
    borough: str | None = None,
    vintage: str | None = None,
) -> list[int]:
    """Ids of the imports whose rows a figure was built from (for provenance), the lookups
    that placed them included: every area, one area, or the areas of a borough."""
    if not periods:
        return []
    first = min(p.first for p in periods)
    last = max(p.last for p in periods)
    where, args = _where(con, theme, source, level, first, last, area=area, borough=borough,
                         vintage=vintage)  # fmt: skip
    # One query for every period: rows between the first and last month, in one of them.
    within = " OR ".join(["period_start BETWEEN ? AND ?"] * len(periods))
    for p in periods:
        args += [date(p.first.year, 1, 1) if source == "lsoa-annual" else p.first, p.last]
    rows = con.execute(
        f"SELECT DISTINCT import_id, via_import_id FROM {where} AND ({within})", args
    ).fetchall()
    return sorted({i for pair in rows for i in pair if i is not None})


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
    vintage: str | None = None,
) -> set[int]:
    where, args = _where(con, theme, source, level, first, last, area=area, borough=borough,
                         vintage=vintage)  # fmt: skip
    rows = con.execute(f"SELECT DISTINCT import_id, via_import_id FROM {where}", args).fetchall()
    return {i for pair in rows for i in pair if i is not None}


def categories(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    source: str,
    level: str,
    period: Period,
    *,
    area: str | None = None,
    borough: str | None = None,
    vintage: str | None = None,
) -> dict[str, int]:
    """Offences of the theme in scope by category (major, police.uk crime type, or measure)."""
    where, args = _where(con, theme, source, level, period.first, period.last, area=area,
                         borough=borough, vintage=vintage)  # fmt: skip
    column = category_column(source)
    rows = con.execute(
        f"SELECT {column}, sum(n)::BIGINT FROM {where} GROUP BY {column} HAVING sum(n) > 0",
        args,
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}
