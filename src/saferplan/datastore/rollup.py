"""The rollup: small tables pre-aggregated from the live records, so queries scan counts by
area, month and category rather than every record (ADR 0001).

Each import writes the rollup of the catalog it publishes, as Parquet files named in that
same catalog with the SHA-256 of its inputs (the catalog entries it was built from). A
reader uses the files only when that digest is the digest of the catalog it reads; when the
rollup is missing or stale (an import published by recovery, a failed build, an older
catalog) it builds the same tables from the records in its own connection, and the next
writer stores them. So the rollup makes answers fast and never makes them different.

The tables, in order (a later one may read an earlier one):
  ``_saferplan_population``: the live population rows, sorted (read as ``population``);
  ``_saferplan_lad_lookup`` and the other lookups the crime queries join through;
  ``_saferplan_borough_counts``, and ``_saferplan_counts`` (a view: those and the other
  count rows, which are counts already); ``_saferplan_count_months``: which months each
  count source has, for each borough; ``_saferplan_count_areas``: the areas they name;
  ``_saferplan_police_lsoa`` / ``_saferplan_police_borough``: police.uk records counted by
  LSOA (or local authority), month and crime type;
  ``_saferplan_police_coverage``: each local authority's months in which records fall in at
  least half its LSOAs.
Every table keeps ``import_id`` (and the lookup's, ``via_import_id``) for provenance.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import weakref
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    import duckdb

    from saferplan.datastore.warehouse import CatalogEntry

    # Told (steps done, steps in all) as the rollup's tables are built and written; a step
    # part done is a fraction (a long statement's progress, from DuckDB).
    TablesBuilt = Callable[[float, int], None]

ROLLUP_VERSION = 1
ROLLUP_DIR = "rollups"
# What a rollup build may hold in memory before DuckDB spills to disk: at national scale its
# police counts are tens of millions of groups, and DuckDB's own default is 80% of RAM.
BUILD_MEMORY = "2GB"
# Open data only: a partnership's series is read in its scope, never rolled up (ADR 0007).
INPUT_TABLES = ("crime_counts", "police_uk_records", "area_lookup", "population", "boundaries")

# One lookup row per LSOA for its local authority: an explicit lookup before the pairs a
# population file implies, the newest import first.
_LAD_LOOKUP = """
    SELECT lsoa_code, lad_code, lad_name, import_id FROM area_lookup
    QUALIFY row_number() OVER (
        PARTITION BY lsoa_code ORDER BY partition_key LIKE 'derived|%', import_id DESC) = 1
"""
# One lookup row per LSOA and ward vintage.
_WARD_LOOKUP = """
    SELECT lsoa_code, ward_code, ward_name, lad_name, coalesce(vintage, '') AS vintage,
           import_id FROM area_lookup WHERE ward_code IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY lsoa_code, coalesce(vintage, '') ORDER BY import_id DESC) = 1
"""
# The count files' borough rows, sorted by month: a query for a year reads its own row groups.
_BOROUGH_COUNTS = """
    SELECT source, level, vintage, area_code, area_name, borough, major, minor, period_start,
           period_grain, import_id, count AS n FROM crime_counts WHERE level = 'borough'
    ORDER BY source, period_start, area_name
"""
# Every count row: the borough rows from the rollup, the others (wards and LSOAs, millions of
# rows that are counts already) read where they are, as copying them would cost each import.
_COUNTS = """
    SELECT * FROM _saferplan_borough_counts UNION ALL
    SELECT source, level, vintage, area_code, area_name, borough, major, minor, period_start,
           period_grain, import_id, count AS n FROM crime_counts WHERE level <> 'borough'
"""
# The months each count source has for each area's borough, at each level and vintage.
_COUNT_MONTHS = """
    SELECT DISTINCT source, level, vintage, lower(borough) AS borough, period_start,
           period_grain FROM crime_counts ORDER BY ALL
"""
# Every area the count files name at each level (what resolving an area's name searches).
_COUNT_AREAS = """
    SELECT level, area_name, any_value(area_code) AS area_code, any_value(borough) AS borough
    FROM crime_counts GROUP BY level, area_name ORDER BY ALL
"""
# The ward codes of each vintage, from every table that names wards with their vintage.
_WARD_CODES = """
    SELECT DISTINCT area_code AS code, coalesce(vintage, '') AS vintage FROM _saferplan_counts
    WHERE level = 'ward' AND area_code IS NOT NULL
    UNION SELECT ward_code, vintage FROM _saferplan_ward_lookup
    UNION SELECT area_code, coalesce(vintage, '') FROM boundaries WHERE level = 'ward'
"""
# The borough each ward code lies in: by a lookup, else as the MPS ward figures place it.
_WARD_BOROUGHS = """
    SELECT code, coalesce(any_value(by_lookup), any_value(by_counts)) AS borough FROM (
        SELECT ward_code AS code, lad_name AS by_lookup, NULL AS by_counts
        FROM _saferplan_ward_lookup
        UNION ALL SELECT DISTINCT area_code, NULL, borough FROM _saferplan_counts
        WHERE level = 'ward' AND area_code IS NOT NULL AND borough IS NOT NULL
    ) GROUP BY code
"""
# The name the open data gives each borough code (an extract may say "London Borough of").
_BOROUGH_NAMES = """
    SELECT area_code AS code, any_value(area_name) AS name FROM (
        SELECT area_code, area_name FROM population WHERE level = 'borough'
        UNION ALL SELECT area_code, area_name FROM boundaries WHERE level = 'borough'
    ) WHERE area_name IS NOT NULL GROUP BY area_code
"""
_POLICE_LSOA = """
    SELECT p.lsoa_code AS area_code, p.lsoa_name AS area_name, k.lad_name AS borough,
           p.month AS period_start, p.crime_type, p.import_id, k.import_id AS via_import_id,
           count(*)::BIGINT AS n
    FROM police_uk_records p LEFT JOIN _saferplan_lad_lookup k ON p.lsoa_code = k.lsoa_code
    WHERE p.lsoa_code IS NOT NULL GROUP BY ALL ORDER BY period_start, area_code
"""
_POLICE_BOROUGH = """
    SELECT k.lad_code AS area_code, k.lad_name AS area_name, p.period_start, p.crime_type,
           p.import_id, k.import_id AS via_import_id, sum(p.n)::BIGINT AS n
    FROM _saferplan_police_lsoa p JOIN _saferplan_lad_lookup k ON p.area_code = k.lsoa_code
    GROUP BY ALL ORDER BY period_start, area_name
"""
# police.uk covers a borough in a month when records fall in at least half its LSOAs: a
# force's records stray over its border (the City of London Police's into Camden), and a
# neighbour's stray records are not that borough's figures.
_POLICE_COVERAGE = """
    WITH seen AS (
        SELECT lower(k.lad_name) AS borough, p.period_start AS month,
               count(DISTINCT p.area_code) AS lsoas
        FROM _saferplan_police_lsoa p JOIN _saferplan_lad_lookup k ON p.area_code = k.lsoa_code
        GROUP BY 1, 2
    ), sizes AS (
        SELECT lower(lad_name) AS borough, count(*) AS lsoas FROM _saferplan_lad_lookup
        WHERE lad_name IS NOT NULL GROUP BY 1
    )
    SELECT seen.borough, seen.month FROM seen JOIN sizes ON seen.borough = sizes.borough
    WHERE 2 * seen.lsoas >= sizes.lsoas ORDER BY 1, 2
"""
VIEWS = frozenset({"_saferplan_counts"})  # read in place, never stored
# The live population rows, sorted by set, level and band so a query reads its row groups
# only; a current rollup's copy stands in for the ``population`` view.
_POPULATION = """
    SELECT * FROM population ORDER BY population_set, level, sex, age_band, year, area_code
"""
STANDS_IN = {"_saferplan_population": "population"}
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("_saferplan_population", _POPULATION),
    ("_saferplan_lad_lookup", _LAD_LOOKUP),
    ("_saferplan_ward_lookup", _WARD_LOOKUP),
    ("_saferplan_borough_counts", _BOROUGH_COUNTS),
    ("_saferplan_counts", _COUNTS),
    ("_saferplan_count_months", _COUNT_MONTHS),
    ("_saferplan_count_areas", _COUNT_AREAS),
    ("_saferplan_ward_codes", _WARD_CODES),
    ("_saferplan_ward_boroughs", _WARD_BOROUGHS),
    ("_saferplan_borough_names", _BOROUGH_NAMES),
    ("_saferplan_police_lsoa", _POLICE_LSOA),
    ("_saferplan_police_borough", _POLICE_BOROUGH),
    ("_saferplan_police_coverage", _POLICE_COVERAGE),
)
_READY: weakref.WeakSet[Any] = weakref.WeakSet()


@dataclass(frozen=True)
class RollupRecord:
    """The rollup a catalog names: the digest of its inputs and each table's file."""

    inputs: str
    files: dict[str, str]  # table name -> file relative to the warehouse root


def inputs_digest(entries: list[CatalogEntry]) -> str:
    """SHA-256 of what the rollup is built from: the open-data entries, and its definitions."""
    listed = sorted(
        (e.table, e.file, e.import_id, sorted(e.partitions))
        for e in entries
        if e.table in INPUT_TABLES
    )
    payload = json.dumps([ROLLUP_VERSION, DEFINITIONS, listed], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def is_current(record: RollupRecord | None, entries: list[CatalogEntry], root: Path) -> bool:
    if record is None or record.inputs != inputs_digest(entries):
        return False
    names = {name for name, _ in DEFINITIONS} - VIEWS
    return set(record.files) == names and all((root / f).is_file() for f in record.files.values())


def attach(con: duckdb.DuckDBPyConnection, record: RollupRecord, root: Path) -> None:
    """Views over a current rollup's files: the connection needs nothing built."""
    for name, sql in DEFINITIONS:
        if name in VIEWS:
            con.execute(f"CREATE VIEW {name} AS {sql}")
            continue
        path = str(root / record.files[name]).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        if name in STANDS_IN:  # the same rows as the view it replaces (same inputs)
            con.execute(f"CREATE OR REPLACE VIEW {STANDS_IN[name]} AS SELECT * FROM {name}")
    _READY.add(con)


def mark_attached(con: duckdb.DuckDBPyConnection) -> None:
    """``con`` is a cursor on a database whose rollup views are made (``snapshots``)."""
    _READY.add(con)


def ensure(con: duckdb.DuckDBPyConnection, progress: TablesBuilt | None = None) -> None:
    """Make sure the connection has the rollup's tables: built from its records if the
    warehouse had none current (a connection sees one catalog, so once is enough)."""
    if con in _READY:
        return
    for number, (name, sql) in enumerate(DEFINITIONS):
        kind = "VIEW" if name in VIEWS else "TEMP TABLE"
        statement = f"CREATE OR REPLACE {kind} {name} AS {sql}"
        if progress is None:
            con.execute(statement)
            continue
        progress(number, len(DEFINITIONS))
        _execute_reporting(con, statement, partial(_step_part, progress, number))
    _READY.add(con)


def _step_part(progress: TablesBuilt, number: int, share: float) -> None:
    progress(number + share, len(DEFINITIONS))


def _execute_reporting(
    con: duckdb.DuckDBPyConnection, statement: str, report: Callable[[float], None]
) -> None:
    """Run one statement, telling ``report`` the share of it done (DuckDB's query progress)
    every quarter second from a watching thread, so a long statement is not a silent one. A
    report that raises (a job cancelled) interrupts the statement; its exception is raised."""
    import duckdb

    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    stop = threading.Event()
    raised: list[BaseException] = []

    def watch() -> None:
        while not stop.wait(0.25):
            share = con.query_progress()
            if share < 0:  # not started, or ended
                continue
            try:
                report(min(share, 100.0) / 100)
            except BaseException as exc:
                raised.append(exc)
                con.interrupt()
                return

    watcher = threading.Thread(target=watch, name="rollup-progress", daemon=True)
    watcher.start()
    try:
        con.execute(statement)
    except duckdb.InterruptException:
        if not raised:
            raise
    finally:
        stop.set()
        watcher.join()
    if raised:
        raise raised[0]


def write(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    spill: Path,
    progress: TablesBuilt | None = None,
) -> dict[str, str]:
    """Build every table from the connection's records into ``folder``, each file fsynced;
    returns table name -> file name. ``progress`` is told of each table as it is written.

    Each table goes from its query straight to its file, and a later table reads the earlier
    ones' files: at national scale the police counts are tens of millions of rows, which
    held as temporary tables would make an import's memory grow with the archive. For the
    same reason DuckDB works within ``BUILD_MEMORY``, spilling to ``spill`` beyond it.
    """
    report = progress or _unreported
    folder.mkdir(parents=True, exist_ok=True)
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
    con.execute("SET temp_directory = ?", [str(spill)])
    files = {}
    steps = len(DEFINITIONS)
    for number, (name, sql) in enumerate(DEFINITIONS):
        report(number, steps)
        if name in VIEWS:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
            continue
        path = folder / f"{name.removeprefix('_saferplan_')}.parquet"
        quoted = str(path).replace("'", "''")
        statement = (
            f"COPY ({sql}) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)"
        )
        if progress is None:
            con.execute(statement)
        else:
            _execute_reporting(con, statement, partial(_step_part, progress, number))
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{quoted}')")
        files[name] = path.name
    report(steps, steps)
    return files


def _unreported(done: float, total: int) -> None:
    return None


def remove(root: Path, record: RollupRecord) -> None:
    """Delete the folder of a rollup no catalog names (its catalog was never written)."""
    for folder in {(root / f).parent for f in record.files.values()}:
        shutil.rmtree(folder, ignore_errors=True)


def remove_unlisted(root: Path, keep: RollupRecord | None) -> None:
    """Delete rollup folders the catalog does not name, except the newest few (a reader that
    opened an earlier catalog may still be reading one)."""
    base = root / ROLLUP_DIR
    if not base.is_dir():
        return
    kept = {Path(f).parts[1] for f in keep.files.values()} if keep else set()
    folders = sorted(base.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for folder in folders[2:]:
        if folder.name not in kept:
            shutil.rmtree(folder, ignore_errors=True)
