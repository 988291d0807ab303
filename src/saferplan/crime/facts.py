"""Each source's figures at each level, as rows of one shape: what every crime query reads.

A relation has the columns ``area_code, area_name, borough, period_start, period_grain, n,
import_id, via_import_id`` (the import of the lookup that placed a row, if one did) and the
columns its themes filter on: ``major, minor`` (MPS and LSOA counts), ``crime_type``
(police.uk) or ``measure`` (a partnership's series). Where a source has no figures of a
level of its own, the lookup gives them: police.uk records by borough through the LSOAs
they lie in, LSOA counts by ward through a lookup of the period's wards, a series' wards
and LSOAs in their borough. Ward figures are of one vintage (the year of the ward
boundaries): a series' ward rows are of a vintage when their codes are that vintage's.

The lookups these joins need, and the counts themselves, come from the warehouse's rollup
(``datastore.rollup``): its files when current, else built once per connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from saferplan.datastore import rollup

CRIME_COUNTS = ("mps", "lsoa-annual")
COLUMNS = "area_code, area_name, borough, period_start, period_grain, n, import_id, via_import_id"


@dataclass(frozen=True)
class Relation:
    sql: str  # a SELECT yielding COLUMNS and the source's category columns
    params: tuple[Any, ...] = ()


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure the connection has the rollup's lookups and counts (a connection sees one
    catalog, so once is enough)."""
    rollup.ensure(con)


def relation(
    con: duckdb.DuckDBPyConnection, source: str, level: str, vintage: str | None = None
) -> Relation:
    """The rows of ``source`` at ``level`` (wards: of ``vintage``, if given)."""
    prepare(con)
    if source in CRIME_COUNTS:
        if source == "lsoa-annual" and level == "ward":
            return _lsoas_to_wards(vintage)
        return _counts(source, level, vintage)
    if source == "police-uk":
        return _police(level)
    if source == "series":
        return _series(level, vintage)
    raise ValueError(f"unknown source {source!r}")


def _vintage_clause(column: str, vintage: str | None) -> tuple[str, tuple[Any, ...]]:
    if vintage is None:
        return "", ()
    return f" AND coalesce({column}, '') = ?", (vintage,)


def _counts(source: str, level: str, vintage: str | None) -> Relation:
    clause, params = _vintage_clause("vintage", vintage if level == "ward" else None)
    return Relation(
        "SELECT area_code, area_name, borough, period_start, period_grain, n, "
        "import_id, NULL::BIGINT AS via_import_id, major, minor FROM _saferplan_counts "
        f"WHERE source = ? AND level = ?{clause}",
        (source, level, *params),
    )


def _lsoas_to_wards(vintage: str | None) -> Relation:
    """Annual LSOA counts summed into the wards a lookup of ``vintage`` puts them in (the
    newest vintage's lookup when none is given)."""
    if vintage is None:
        chosen = "SELECT * FROM _saferplan_ward_lookup QUALIFY row_number() OVER (PARTITION BY "
        chosen += "lsoa_code ORDER BY vintage DESC) = 1"
        params: tuple[Any, ...] = ()
    else:
        chosen, params = "SELECT * FROM _saferplan_ward_lookup WHERE vintage = ?", (vintage,)
    return Relation(
        "SELECT l.ward_code AS area_code, l.ward_name AS area_name, c.borough, c.period_start, "
        "c.period_grain, c.n, c.import_id, l.import_id AS via_import_id, c.major, "
        f"c.minor FROM _saferplan_counts c JOIN ({chosen}) l ON c.area_code = l.lsoa_code "
        "WHERE c.source = 'lsoa-annual' AND c.level = 'lsoa'",
        params,
    )


def _police(level: str) -> Relation:
    """police.uk records by LSOA (placed in their borough by the lookup) or by borough."""
    if level == "lsoa":
        return Relation(
            "SELECT area_code, area_name, borough, period_start, 'month' AS period_grain, n, "
            "import_id, via_import_id, crime_type FROM _saferplan_police_lsoa"
        )
    if level == "borough":
        return Relation(
            "SELECT area_code, area_name, area_name AS borough, period_start, "
            "'month' AS period_grain, n, import_id, via_import_id, crime_type "
            "FROM _saferplan_police_borough"
        )
    return Relation(
        "SELECT NULL::VARCHAR AS area_code, NULL::VARCHAR AS area_name, NULL::VARCHAR AS "
        "borough, NULL::DATE AS period_start, NULL::VARCHAR AS period_grain, 0::BIGINT AS n, "
        "0::BIGINT AS import_id, NULL::BIGINT AS via_import_id, NULL::VARCHAR AS crime_type "
        "WHERE false"
    )


def _series(level: str, vintage: str | None) -> Relation:
    """The partnership's series rows of ``level`` (seen only in its scope: ADR 0007)."""
    base = (
        "SELECT s.area_code, {name} AS area_name, {borough} AS borough, s.period_start, "
        "'month' AS period_grain, s.count AS n, s.import_id, NULL::BIGINT AS via_import_id, "
        "s.measure FROM series s {joins} WHERE s.level = ?"
    )
    params: tuple[Any, ...] = (level,)
    if level == "borough":
        name = "coalesce(b.name, s.area_name)"
        sql = base.format(name=name, borough=name, joins="LEFT JOIN _saferplan_borough_names b "
                          "ON b.code = s.area_code")  # fmt: skip
    elif level == "ward":
        sql = base.format(name="s.area_name", borough="w.borough", joins="LEFT JOIN "
                          "_saferplan_ward_boroughs w ON w.code = s.area_code")  # fmt: skip
        if vintage is not None:
            sql += " AND s.area_code IN (SELECT code FROM _saferplan_ward_codes WHERE vintage = ?)"
            params += (vintage,)
    else:
        sql = base.format(name="s.area_name", borough="k.lad_name", joins="LEFT JOIN "
                          "_saferplan_lad_lookup k ON k.lsoa_code = s.area_code")  # fmt: skip
    return Relation(sql, params)


def category_column(source: str) -> str:
    """The column a source's categories are in (what its themes filter on)."""
    return {"police-uk": "crime_type", "series": "measure"}.get(source, "major")
