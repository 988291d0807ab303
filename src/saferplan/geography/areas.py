"""Areas the warehouse knows about, and resolving what a user typed to one of them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.datastore import rollup, snapshots

LEVELS = ("borough", "ward", "lsoa")


@dataclass(frozen=True)
class Area:
    level: str
    name: str
    code: str | None
    borough: str | None


def list_areas(con: duckdb.DuckDBPyConnection, level: str) -> list[Area]:
    """Every area of ``level`` named in crime counts, populations or boundaries.

    Cached per catalog (``snapshots.memo``): a connection sees one, so its areas cannot change.
    """
    cache: dict[str, list[Area]] = snapshots.memo(con).setdefault("areas", {})
    if level in cache:
        return cache[level]
    rollup.ensure(con)  # the areas the count files name, listed once
    rows = con.execute(
        """
        WITH named AS (
            SELECT area_name AS name, area_code AS code, borough
            FROM _saferplan_count_areas WHERE level = ?
            UNION ALL
            SELECT any_value(area_name), area_code, NULL FROM population
            WHERE level = ? AND area_name IS NOT NULL GROUP BY area_code
            UNION ALL
            SELECT any_value(area_name), area_code, NULL FROM boundaries
            WHERE level = ? AND area_name IS NOT NULL GROUP BY area_code
        )
        SELECT name, max(code), max(borough) FROM named GROUP BY name ORDER BY name
        """,
        [level, level, level],
    ).fetchall()
    areas = [Area(level, name, code, borough or (name if level == "borough" else None))
             for name, code, borough in rows]  # fmt: skip
    cache[level] = areas
    return areas


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"


def resolve_area(
    con: duckdb.DuckDBPyConnection, name_or_code: str, level: str | None = None
) -> Area:
    """The area a user means by a name or code (case-insensitive), at ``level`` if given."""
    wanted = name_or_code.strip().lower()
    candidates: list[Area] = []
    for lvl in (level,) if level else LEVELS:
        for area in list_areas(con, lvl):
            if area.name.lower() == wanted or (area.code or "").lower() == wanted:
                return area
            candidates.append(area)
    close = difflib.get_close_matches(name_or_code, [a.name for a in candidates], n=3)
    hint = f"Did you mean {_either(close)}?" if close else "Check the spelling or import data."
    where = f" {level}" if level else ""
    raise NotFoundError(f"no{where} area called '{name_or_code}' in the data", hint=hint)
