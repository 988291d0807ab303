"""The columnar warehouse: immutable Parquet files listed in an atomically replaced catalog.

Why this shape: DuckDB lets only one process open a database file for writing, but readers
(the web app, report builds, a second CLI) must keep working while an import runs. So an
import writes new Parquet files, then publishes them by replacing ``catalog.json`` in one
``os.replace``. A reader sees the catalog before or after, never half of an import; files
are never modified once written, and superseded ones are kept for provenance.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from saferplan import config
from saferplan.core.errors import SaferplanError
from saferplan.datastore import arrays
from saferplan.datastore.tables import TABLES

if TYPE_CHECKING:
    import duckdb

CATALOG_VERSION = 1
_DUCKDB_TYPES = {
    "string": "VARCHAR", "int64": "BIGINT", "int32": "INTEGER", "double": "DOUBLE",
    "date32[day]": "DATE", "binary": "BLOB",
}  # fmt: skip
ROWS_PER_FILE = 500_000


@dataclass(frozen=True)
class CatalogEntry:
    """One Parquet file of one table, written by one import."""

    import_id: int
    table: str
    file: str  # relative to the warehouse root
    rows: int
    partitions: list[str] = field(default_factory=list)


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

    def live_partitions(self, table: str) -> dict[str, int]:
        """For each partition key of ``table``, the newest import that covers it."""
        live: dict[str, int] = {}
        for entry in self.entries():
            if entry.table != table:
                continue
            for key in entry.partitions:
                if live.get(key, -1) < entry.import_id:
                    live[key] = entry.import_id
        return live

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table over its live rows.

        ``<table>_all`` holds every imported row; ``<table>`` keeps, for each partition key,
        only the rows of the newest import covering it.
        """
        import duckdb  # not at module level: an import never queries, and it costs ~25 ms

        con = duckdb.connect(":memory:")
        entries = self.entries()
        for name, spec in TABLES.items():
            files = [str(self.root / e.file) for e in entries if e.table == name]
            if files:
                listing = ", ".join(_sql_string(f) for f in files)
                con.execute(
                    # Every file was cast to the table's schema when written, so no
                    # union_by_name: DuckDB need not open each file to plan the view.
                    f"CREATE VIEW {name}_all AS SELECT * FROM read_parquet([{listing}])"
                )
            else:
                columns = ", ".join(
                    f"NULL::{_DUCKDB_TYPES[str(f.type)]} AS {f.name}" for f in spec.schema
                )
                con.execute(f"CREATE VIEW {name}_all AS SELECT {columns} WHERE false")
            live = self.live_partitions(name)
            # Lists as parameters, not registered Arrow tables: registering makes DuckDB
            # import pandas, which costs a CLI command more time than its query.
            con.execute(
                f"CREATE TEMP TABLE {name}_live AS SELECT unnest(?::VARCHAR[]) AS partition_key, "
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

    def write_staged(
        self, staging: Path, import_id: int, staged: Sequence[StagedTable]
    ) -> list[tuple[Path, CatalogEntry]]:
        """Write each staged table as Parquet in ``staging``; return (file, entry) pairs."""
        jobs: list[tuple[Path, CatalogEntry, pa.Table, list[str]]] = []
        for part in staged:
            spec = TABLES[part.table]
            data = part.data.append_column(
                "import_id", arrays.constant_int64(import_id, part.data.num_rows)
            )
            data = data.select(spec.schema.names)
            data = data.cast(_storage_schema(spec.schema, data.schema))
            dictionary = [
                f.name
                for f in spec.schema
                if pa.types.is_string(f.type) and f.name not in spec.high_cardinality
            ]
            # Large tables are split so the files can be encoded on every core at once.
            step = max(ROWS_PER_FILE, -(-data.num_rows // (os.cpu_count() or 1)))
            for start in range(0, max(data.num_rows, 1), step):
                chunk = data.slice(start, step)
                relative = f"tables/{spec.name}/import-{import_id:06d}-{len(jobs)}.parquet"
                partitions = sorted(pc.unique(chunk["partition_key"]).to_pylist())
                entry = CatalogEntry(import_id, spec.name, relative, chunk.num_rows, partitions)
                jobs.append((staging / relative, entry, chunk, dictionary))

        def write(job: tuple[Path, CatalogEntry, pa.Table, list[str]]) -> None:
            path, _, chunk, dictionary = job
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                chunk,
                path,
                compression="zstd",
                compression_level=1,
                use_dictionary=dictionary,
                # Statistics are gathered per batch of values: fewer, larger batches cost
                # less (a dictionary column's are computed from its referenced values).
                write_batch_size=64 << 10,
                # The Parquet schema alone reads back as the table's schema; a stored Arrow
                # schema would make dictionary-encoded input read back as dictionaries.
                store_schema=False,
            )

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(write, jobs))
        return [(path, entry) for path, entry, _, _ in jobs]

    def begin(self) -> Publication:
        """Start staging files for publication; call inside :meth:`lock`.

        The caller commits (catalog replaced: readers see every new file) or rolls back
        (nothing visible changes), then always calls :meth:`Publication.cleanup`.
        """
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=self.root))
        return Publication(self, staging)

    def _write_catalog(self, entries: list[CatalogEntry]) -> None:
        payload = {"version": CATALOG_VERSION, "entries": [asdict(e) for e in entries]}
        handle, tmp = tempfile.mkstemp(prefix="catalog-", suffix=".json", dir=self.root)
        with os.fdopen(handle, "w") as out:
            json.dump(payload, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.catalog_path)


class Publication:
    """Files staged by one import run; see :meth:`Warehouse.begin`."""

    def __init__(self, warehouse: Warehouse, staging: Path) -> None:
        self.warehouse = warehouse
        self.staging = staging
        self.pending: list[tuple[Path, CatalogEntry]] = []
        self.moved: list[Path] = []
        self.previous_catalog: list[CatalogEntry] | None = None

    def add(self, import_id: int, staged: Sequence[StagedTable]) -> list[CatalogEntry]:
        written = self.warehouse.write_staged(self.staging, import_id, staged)
        self.pending.extend(written)
        return [entry for _, entry in written]

    def commit(self) -> None:
        root = self.warehouse.root
        for path, entry in self.pending:
            final = root / entry.file
            if final.exists():
                raise SaferplanError(f"warehouse file {final} already exists; refusing to replace")
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            self.moved.append(final)
        previous = self.warehouse.entries()
        self.warehouse._write_catalog(previous + [e for _, e in self.pending])
        self.previous_catalog = previous  # only once the new catalog is really in place

    def rollback(self) -> None:
        """Undo a commit: old catalog back first (readers), then the unlisted files."""
        try:
            if self.previous_catalog is not None:
                self.warehouse._write_catalog(self.previous_catalog)
                self.previous_catalog = None
        finally:
            for path in self.moved:
                path.unlink(missing_ok=True)
            self.moved.clear()

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _storage_schema(schema: pa.Schema, data: pa.Schema) -> pa.Schema:
    """``schema``, but string columns an importer gave as dictionaries stay dictionaries.

    The Parquet writer stores an Arrow dictionary as it is, where plain strings would be
    hashed value by value, and the file's column type (string) is the same either way.
    """
    fields = []
    for f in schema:
        given = data.field(f.name).type
        keep = (
            pa.types.is_string(f.type)
            and pa.types.is_dictionary(given)
            and pa.types.is_string(given.value_type)
        )
        fields.append(f.with_type(pa.dictionary(given.index_type, f.type)) if keep else f)
    return pa.schema(fields, metadata=schema.metadata)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def describe(warehouse: Warehouse | None = None) -> dict[str, Any]:
    """Rows per table, live and in all, for status displays and tests."""
    wh = warehouse or Warehouse()
    con = wh.connect()
    out: dict[str, Any] = {}
    for name in TABLES:
        row_all = con.execute(f"SELECT count(*) FROM {name}_all").fetchone()
        row_live = con.execute(f"SELECT count(*) FROM {name}").fetchone()
        out[name] = {"all": row_all[0] if row_all else 0, "live": row_live[0] if row_live else 0}
    return out
