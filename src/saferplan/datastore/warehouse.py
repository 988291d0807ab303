"""The columnar warehouse: immutable Parquet files listed in an atomically replaced catalog.

Why this shape: DuckDB lets only one process open a database file for writing, but readers
(the web app, report builds, a second CLI) must keep working while an import runs. So an
import writes new Parquet files, then publishes them by replacing ``catalog.json`` in one
``os.replace``. A reader sees the catalog before or after, never half of an import; files
are never modified once written, and superseded ones are kept for provenance. How files
are written and published so that a crash never corrupts anything: ``publishing``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saferplan import config
from saferplan.datastore import rollup, snapshots
from saferplan.datastore.layout import COLUMNS, RESTRICTED
from saferplan.datastore.rollup import RollupRecord

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa  # not at run time: readers never need it, and it costs ~100 ms

CATALOG_VERSION = 2  # 2: entries carry the import's uid (version 1 catalogs still read)
CATALOG_TEMP_PREFIX = "catalog-"


@dataclass(frozen=True)
class CatalogEntry:
    """One Parquet file of one table, written by one import."""

    import_id: int  # the ImportRecord's id: which import is newest, and its provenance
    table: str
    file: str  # relative to the warehouse root
    rows: int
    partitions: list[str] = field(default_factory=list)
    import_uid: str = ""  # the ImportRecord's uid, also in the file's name ("" before v2)
    # The file has every column of the table as declared now (older files may lack some).
    complete: bool = False


@dataclass(frozen=True)
class StagedTable:
    """Rows an importer produced for one table, before they have an import id."""

    table: str
    data: pa.Table  # every column of the table's schema except ``import_id``


class Warehouse:
    """Reads and publishes the Parquet files under one warehouse directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or config.warehouse_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        self.catalog_path = self.root / "catalog.json"

    # -- reading -------------------------------------------------------------------------

    def entries(self) -> list[CatalogEntry]:
        try:
            raw = json.loads(self.catalog_path.read_text())
        except FileNotFoundError:
            return []
        return [CatalogEntry(**e) for e in raw["entries"]]

    def catalog(self) -> tuple[list[CatalogEntry], RollupRecord | None]:
        """The entries and the rollup the catalog names, read together (one file)."""
        try:
            raw = json.loads(self.catalog_path.read_text())
        except FileNotFoundError:
            return [], None
        found = raw.get("rollup")
        record = RollupRecord(found["inputs"], found["files"]) if found else None
        return [CatalogEntry(**e) for e in raw["entries"]], record

    def live_partitions(
        self, table: str, entries: list[CatalogEntry] | None = None
    ) -> dict[str, int]:
        """For each partition key of ``table``, the newest import that covers it."""
        live: dict[str, int] = {}
        for entry in self.entries() if entries is None else entries:
            if entry.table != table:
                continue
            for key in entry.partitions:
                if live.get(key, -1) < entry.import_id:
                    live[key] = entry.import_id
        return live

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table over its live rows.

        ``<table>_all`` holds every imported row; ``<table>`` keeps, for each partition key,
        only the rows of the newest import covering it. A restricted table's views hold only
        the rows of the partnership whose scope is active when the connection is made, and
        none outside any scope (ADR 0007): make the connection inside the scope it serves.
        The rollup's tables are views over its files when the catalog's rollup is current;
        otherwise the crime queries build them from the records (``rollup.ensure``). With a
        current rollup, the views are made once per catalog version and scope in the process
        and each connection is a cursor on them (``snapshots``).
        """
        owner = _partnership_in_scope()
        seen = snapshots.stamp(self.catalog_path)
        shared = snapshots.cursor(self.root, owner, seen)
        if shared is not None:
            return shared
        entries, record = self.catalog()
        con = self.connect_entries(entries)
        if rollup.is_current(record, entries, self.root):
            assert record is not None
            rollup.attach(con, record, self.root)
            if seen is not None and seen == snapshots.stamp(self.catalog_path):
                files = [self.root / f for f in record.files.values()]
                return snapshots.keep(self.root, owner, seen, con, files)
        return con

    def connect_entries(self, entries: list[CatalogEntry]) -> duckdb.DuckDBPyConnection:
        """Like :meth:`connect`, over the files of ``entries`` (no rollup attached)."""
        import duckdb  # not at module level: an import never queries, and it costs ~25 ms

        # Files are never modified once written, so their footers can be read once per
        # connection rather than once per query.
        con = duckdb.connect(":memory:")
        con.execute("SET parquet_metadata_cache = true")
        owner = _partnership_in_scope()
        for name, columns in COLUMNS.items():
            files = [str(self.root / e.file) for e in entries if e.table == name]
            mine = "" if name not in RESTRICTED else f" WHERE partnership_id = {owner or -1}"
            if files:
                listing = ", ".join(_sql_string(f) for f in files)
                # By name where a file was written before a column was added (it reads as
                # null); that reads every file's footer now, so only where needed.
                complete = all(e.complete for e in entries if e.table == name)
                by_name = "false" if complete else "true"
                con.execute(
                    f"CREATE VIEW {name}_all AS SELECT * FROM read_parquet([{listing}], "
                    f"union_by_name = {by_name}){mine}"
                )
            else:
                nulls = ", ".join(f"NULL::{kind} AS {column}" for column, kind in columns)
                con.execute(f"CREATE VIEW {name}_all AS SELECT {nulls} WHERE false")
            live = self.live_partitions(name, entries)
            mine_entries = [e for e in entries if e.table == name]
            if all(live[k] == e.import_id for e in mine_entries for k in e.partitions):
                # Nothing superseded (the usual case): every row is live, no join needed.
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_all")
                continue
            # Lists as parameters, not registered Arrow tables: registering makes DuckDB
            # import pandas, which costs a CLI command more time than its query.
            con.execute(
                f"CREATE TABLE {name}_live AS SELECT unnest(?::VARCHAR[]) AS partition_key, "
                "unnest(?::BIGINT[]) AS import_id",
                [list(live.keys()), list(live.values())],
            )
            con.execute(
                f"CREATE VIEW {name} AS SELECT t.* FROM {name}_all t "
                f"SEMI JOIN {name}_live l ON t.import_id = l.import_id "
                "AND t.partition_key = l.partition_key"
            )
        return con

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Serialise writers across processes; readers never take it."""
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def try_lock(self) -> Iterator[bool]:
        """Like :meth:`lock`, but never waits: yields False if another writer holds it."""
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write_catalog(
        self, entries: list[CatalogEntry], rollup_record: RollupRecord | None = None
    ) -> None:
        """Replace the catalog in one step, durably: the new one is on disk before it is
        renamed into place, and the rename is on disk before this returns. Without a new
        rollup the catalog keeps naming the one it had (stale now, so readers rebuild it)."""
        if rollup_record is None:
            rollup_record = self.catalog()[1]
        payload: dict[str, Any] = {
            "version": CATALOG_VERSION,
            "entries": [asdict(e) for e in entries],
        }
        if rollup_record is not None:
            payload["rollup"] = asdict(rollup_record)
        handle, tmp = tempfile.mkstemp(prefix=CATALOG_TEMP_PREFIX, suffix=".json", dir=self.root)
        try:
            with os.fdopen(handle, "w") as out:
                json.dump(payload, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.catalog_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_directory(self.root)


def fsync_directory(path: Path) -> None:
    """Make the names in ``path`` (files renamed or created there) survive a power cut."""
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _partnership_in_scope() -> int | None:
    """The id of the partnership whose scope (``accounts.tenancy``) is active, if any.

    A scope can only be entered through that module, so while it is not loaded none is
    active, and commands that never set one (``stats``) need not load Django to know it.
    """
    tenancy = sys.modules.get("saferplan.accounts.tenancy")
    found = tenancy.current_partnership() if tenancy is not None else None
    return None if found is None or found.pk is None else int(found.pk)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def describe(warehouse: Warehouse | None = None) -> dict[str, Any]:
    """Rows per table, live and in all, for status displays and tests."""
    wh = warehouse or Warehouse()
    con = wh.connect()
    out: dict[str, Any] = {}
    for name in COLUMNS:
        row_all = con.execute(f"SELECT count(*) FROM {name}_all").fetchone()
        row_live = con.execute(f"SELECT count(*) FROM {name}").fetchone()
        out[name] = {"all": row_all[0] if row_all else 0, "live": row_live[0] if row_live else 0}
    return out
