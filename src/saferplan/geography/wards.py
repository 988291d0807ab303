"""Ward vintages: which wards a period's ward figures, lists and maps are on.

Wards are redrawn from time to time (London's in 2018 in some boroughs, and almost all in
2022), so ward figures, lookups and boundaries each carry the year of the wards they are on.
A period's wards are those of the newest vintage whose ward figures begin by the period's
first month; before any does, the oldest vintage's. With the MPS data that gives the 2018
wards for periods beginning before December 2021 and the 2022 wards from then on. A vintage
known only from a lookup or boundaries, without ward figures, applies from the start.
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

import duckdb

from saferplan.core.periods import Period

_VINTAGES: weakref.WeakKeyDictionary[Any, dict[str, date]] = weakref.WeakKeyDictionary()


def vintages(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """Every ward vintage the warehouse knows, with the first month of its ward figures
    (``date.min`` for one without figures). Null vintages (files from before vintages were
    recorded) are the vintage ''."""
    if con not in _VINTAGES:
        rows = con.execute(
            """
            SELECT v, min(first) FROM (
                SELECT coalesce(vintage, '') AS v, min(period_start) AS first FROM crime_counts
                WHERE level = 'ward' GROUP BY 1
                UNION ALL SELECT coalesce(vintage, ''), NULL FROM area_lookup
                WHERE ward_code IS NOT NULL GROUP BY 1
                UNION ALL SELECT coalesce(vintage, ''), NULL FROM boundaries
                WHERE level = 'ward' GROUP BY 1
            ) GROUP BY v
            """
        ).fetchall()
        _VINTAGES[con] = {v: first or date.min for v, first in rows}
    return dict(_VINTAGES[con])


def ward_vintage(con: duckdb.DuckDBPyConnection, period: Period) -> str | None:
    """The vintage of the wards ``period``'s ward figures are on (None: no wards at all)."""
    known = vintages(con)
    if not known:
        return None
    begun = [v for v, first in known.items() if first <= period.first]
    return max(begun) if begun else min(known)


def describe(vintage: str | None) -> str:
    """'the 2018 wards', for sentences and captions."""
    return f"the {vintage} wards" if vintage else "the wards"


def ward_places(con: duckdb.DuckDBPyConnection, borough: str, vintage: str | None) -> Any:
    """The wards of ``vintage`` within ``borough`` that have boundaries: a GeoDataFrame
    (area_code, area_name, geometry) for labelling maps with ward names. Empty when the
    vintage's boundaries were not imported, and for a borough of one ward (the 2018 file
    has the City of London as one polygon, under one of its 25 wards' names): one name
    tells no places apart."""
    from saferplan.crime.facts import prepare
    from saferplan.geography.boundaries import boundaries_of

    prepare(con)
    rows = con.execute(
        """
        SELECT DISTINCT area_code FROM crime_counts
        WHERE level = 'ward' AND coalesce(vintage, '') = ? AND lower(borough) = lower(?)
        UNION SELECT ward_code FROM _saferplan_ward_lookup
        WHERE vintage = ? AND lower(lad_name) = lower(?)
        """,
        [vintage or "", borough, vintage or "", borough],
    ).fetchall()
    found = boundaries_of(con, "ward", sorted(r[0] for r in rows if r[0]))
    return found if len(found) > 1 else found.iloc[0:0]
