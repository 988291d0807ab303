"""Publishing an import's Parquet files so that a crash at any moment leaves the warehouse,
its catalog and the database in agreement (ADR 1).

The order: each file is written in a staging folder and fsynced, then renamed to
``tables/<table>/import-<uid>-<n>.parquet`` (unlisted, so no reader opens it); the database
commits the import; only then does the catalog list the files. So the catalog never names an
import the database lacks. A crash before the commit leaves unlisted files; a crash after it,
an import the database has and the catalog lacks. The next writer calls :func:`recover` once
it holds the lock: it lists the committed import's files and deletes every other unlisted
file, staging folder and temporary catalog. The uid, not the database id, names the files,
because SQLite hands an uncommitted id out again.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from saferplan import config
from saferplan.core.errors import SaferplanError
from saferplan.datastore import arrays, rollup
from saferplan.datastore.rollup import RollupRecord
from saferplan.datastore.tables import TABLES
from saferplan.datastore.warehouse import (
    CATALOG_TEMP_PREFIX,
    CatalogEntry,
    StagedTable,
    Warehouse,
    fsync_directory,
)

ROWS_PER_FILE = 500_000
# Each file is written this many rows at a time (a row group each), and the rows written
# are reported at least every REPORT_EVERY seconds.
ROWS_PER_GROUP = 256 << 10
REPORT_EVERY = 0.25
STAGING_PREFIX = "staging-"
FILE_NAME = re.compile(r"^import-(?P<uid>[0-9a-f]{32})-\d+\.parquet$")
log = logging.getLogger(__name__)
# Test-only: the step at which an import stops and waits to be killed (see stop_point).
STOP_ENV = "SAFERPLAN_TEST_STOP_AT"

# Told how far a publication is, for progress bars: (step, done, total), e.g. the third of
# eight files written. A report may raise (a job cancelled): nothing is then published.
StepCallback = Callable[[str, float, int], None]
WRITING, PLACING, ROLLUP, CATALOG = "writing", "placing", "rollup", "catalog"


def _unreported(step: str, done: float, total: int) -> None:
    return None


def stop_point(step: str) -> None:
    """With ``SAFERPLAN_TEST_STOP_AT=<step>``, say so on stderr and wait to be killed.

    Lets the crash test kill a real import (``kill -9``) between two steps of publication.
    """
    if config.get(STOP_ENV) != step:
        return
    sys.stderr.write(f"saferplan: stopped at {step}\n")
    sys.stderr.flush()
    while True:  # pragma: no cover - ended by the test's SIGKILL
        time.sleep(60)


@dataclass(frozen=True)
class CommittedImport:
    """An import the database has: its id, uid and the files it wrote."""

    import_id: int
    uid: str
    files: list[str]


# Given the uids found on unlisted files, the imports among them the database has committed.
CommittedLookup = Callable[[Collection[str]], list[CommittedImport]]


@dataclass
class Recovery:
    """What :func:`recover` did, for tests and messages."""

    listed: list[str] = field(default_factory=list)  # uids of imports now in the catalog
    removed_files: list[str] = field(default_factory=list)
    removed_staging: int = 0


class Publication:
    """The files one import command writes; see the module docstring for the order.

    Use inside :meth:`Warehouse.lock`: :meth:`add` for each import, :meth:`place`, commit
    the database, :meth:`publish`; on failure :meth:`discard`; always :meth:`cleanup`.
    """

    def __init__(self, warehouse: Warehouse, progress: StepCallback | None = None) -> None:
        self.warehouse = warehouse
        self.progress = progress or _unreported
        self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=warehouse.root))
        self.pending: list[tuple[Path, CatalogEntry]] = []
        self.placed: list[Path] = []

    def add(self, import_id: int, uid: str, staged: Sequence[StagedTable]) -> list[CatalogEntry]:
        """Write the import's tables as Parquet in the staging folder, each file fsynced."""
        before = sum(e.rows for _, e in self.pending)  # rows counted across the imports

        def count(step: str, done: float, total: int) -> None:
            self.progress(step, before + done, before + total)

        written = _write_staged(self.staging, import_id, uid, staged, count)
        self.pending.extend(written)
        return [entry for _, entry in written]

    def forget(self, import_id: int) -> None:
        """Drop an import's staged files (another process imported the same file first)."""
        for path, entry in [p for p in self.pending if p[1].import_id == import_id]:
            path.unlink(missing_ok=True)
            self.pending.remove((path, entry))

    def place(self) -> None:
        """Move every staged file to its final name (still unlisted: no reader sees it)."""
        root = self.warehouse.root
        folders = {root}
        for number, (path, entry) in enumerate(self.pending, start=1):
            final = root / entry.file
            if final.exists():
                raise SaferplanError(f"warehouse file {final} already exists; refusing to replace")
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            self.placed.append(final)
            folders.update({final.parent, final.parent.parent})
            stop_point(f"placed-{number}")
            self.progress(PLACING, number, len(self.pending))
        for folder in folders:
            fsync_directory(folder)

    def publish(self) -> None:
        """List the placed files, and the rollup built from them, in the catalog: readers
        now see every one of them."""
        previous, previous_rollup = self.warehouse.catalog()
        new = [entry for _, entry in self.pending]
        record = build_rollup(self.warehouse, previous + new, self.staging, self.progress)
        stop_point("rollup-written")
        self.progress(CATALOG, 0, 1)
        try:
            self.warehouse._write_catalog(previous + new, record)
        except BaseException:
            # Failing once the new catalog was in place (its folder's fsync) would leave it
            # listing files that discard() is about to delete.
            files = {e.file for e in new}
            if any(e.file in files for e in self.warehouse.entries()):
                self.warehouse._write_catalog(previous, previous_rollup)
            if record is not None:
                rollup.remove(self.warehouse.root, record)
            raise
        stop_point("after-catalog")
        rollup.remove_unlisted(self.warehouse.root, record)  # superseded rollups, bar the newest

    def discard(self) -> None:
        """Delete the placed files; only for a publication the catalog does not list."""
        for path in self.placed:
            path.unlink(missing_ok=True)
        self.placed.clear()

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def build_rollup(
    warehouse: Warehouse,
    entries: list[CatalogEntry],
    staging: Path,
    progress: StepCallback | None = None,
) -> RollupRecord | None:
    """Write the rollup of ``entries`` under ``rollups/`` (unlisted until a catalog names it).

    The rollup only makes queries fast, so a failure to build it never fails the import: the
    catalog then names none that is current, and readers build it from the records.
    """
    digest = rollup.inputs_digest(entries)
    try:
        built = (lambda done, total: progress(ROLLUP, done, total)) if progress else None
        con = warehouse.connect_entries(entries)
        written = rollup.write(con, staging / "rollup", staging / "spill", built)
        final = warehouse.root / rollup.ROLLUP_DIR / f"{digest[:16]}-{staging.name}"
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / "rollup", final)
        fsync_directory(final.parent)
    except Exception:
        log.exception("the rollup could not be built; queries will read the records")
        return None
    relative = final.relative_to(warehouse.root).as_posix()
    return RollupRecord(digest, {name: f"{relative}/{file}" for name, file in written.items()})


def refresh_rollup(warehouse: Warehouse) -> bool:
    """Rebuild the rollup if the catalog's is missing or stale (hold the lock); True if it
    was rebuilt."""
    entries, record = warehouse.catalog()
    if rollup.is_current(record, entries, warehouse.root):
        return False
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=warehouse.root))
    try:
        fresh = build_rollup(warehouse, entries, staging)
        if fresh is not None:
            warehouse._write_catalog(entries, fresh)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    rollup.remove_unlisted(warehouse.root, fresh or record)
    return fresh is not None


def recover(warehouse: Warehouse, committed: CommittedLookup) -> Recovery:
    """Bring catalog, files and database back into agreement after a crash (hold the lock).

    An unlisted file whose import the database committed is listed (the crash came between
    the commit and the catalog); every other unlisted file, staging folder and temporary
    catalog is left over from an import that never committed, and is deleted.
    """
    root = warehouse.root
    done = Recovery()
    for stale in root.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
        done.removed_staging += 1
    for stale in root.glob(f"{CATALOG_TEMP_PREFIX}*.json"):
        stale.unlink(missing_ok=True)
    entries = warehouse.entries()
    listed = {e.file for e in entries}
    unlisted = {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.glob("tables/*/*.parquet"))
        if path.relative_to(root).as_posix() not in listed
    }
    if not unlisted:
        return done
    uids = {m["uid"] for m in (FILE_NAME.match(p.name) for p in unlisted.values()) if m}
    known = {e.import_uid for e in entries}
    additions: list[CatalogEntry] = []
    for found in committed(uids) if uids else []:
        if found.uid in known:
            continue
        missing = [f for f in found.files if not (root / f).is_file()]
        if missing:
            raise SaferplanError(
                f"import #{found.import_id} is recorded, but its warehouse file {missing[0]} "
                "is missing",
                hint="Restore the warehouse folder from a backup.",
            )
        additions += [_entry_from_file(root, f, found) for f in found.files]
        done.listed.append(found.uid)
    if additions:
        warehouse._write_catalog(entries + additions)
        refresh_rollup(warehouse)  # the catalog's rollup does not count the imports listed
    keep = {e.file for e in additions}
    for relative, path in unlisted.items():
        if relative not in keep:
            path.unlink(missing_ok=True)
            done.removed_files.append(relative)
    return done


def _entry_from_file(root: Path, relative: str, found: CommittedImport) -> CatalogEntry:
    path = root / relative
    keys = pq.read_table(path, columns=["partition_key"])["partition_key"]
    metadata = pq.ParquetFile(path).metadata
    return CatalogEntry(
        found.import_id,
        path.parent.name,
        relative,
        metadata.num_rows,
        sorted(pc.unique(keys).to_pylist()),
        found.uid,
        complete=metadata.schema.names == TABLES[path.parent.name].schema.names,
    )


_Job = tuple[Path, CatalogEntry, pa.Table, list[str]]


def _write_staged(
    staging: Path,
    import_id: int,
    uid: str,
    staged: Sequence[StagedTable],
    progress: StepCallback = _unreported,
) -> list[tuple[Path, CatalogEntry]]:
    """Write each staged table as Parquet in ``staging``; return (file, entry) pairs."""
    jobs: list[_Job] = []
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
            relative = f"tables/{spec.name}/import-{uid}-{len(jobs)}.parquet"
            partitions = sorted(pc.unique(chunk["partition_key"]).to_pylist())
            entry = CatalogEntry(
                import_id, spec.name, relative, chunk.num_rows, partitions, import_uid=uid,
                complete=True,
            )  # fmt: skip
            jobs.append((staging / relative, entry, chunk, dictionary))
    rows = sum(chunk.num_rows for _, _, chunk, _ in jobs)
    written = [0]  # rows, added to by the writing threads
    lock = threading.Lock()

    def wrote(n: int) -> None:
        with lock:
            written[0] += n

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        pending = {pool.submit(_write_file, job, wrote) for job in jobs}
        try:
            while pending:  # this thread reports the rows written, as they are written
                progress(WRITING, written[0], rows)
                done, pending = wait(pending, timeout=REPORT_EVERY)
                for finished in done:
                    finished.result()  # a failure to write is raised here
            progress(WRITING, rows, rows)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [(path, entry) for path, entry, _, _ in jobs]


def _write_file(job: _Job, wrote: Callable[[int], None]) -> None:
    """Write one file, a row group of ROWS_PER_GROUP at a time, saying how many it wrote."""
    path, _, chunk, dictionary = job
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(
        path,
        chunk.schema,
        compression="zstd",
        compression_level=1,
        use_dictionary=dictionary,
        # Statistics are gathered per batch of values: fewer, larger batches cost less (a
        # dictionary column's are computed from its referenced values).
        write_batch_size=64 << 10,
        # The Parquet schema alone reads back as the table's schema; a stored Arrow schema
        # would make dictionary-encoded input read back as dictionaries.
        store_schema=False,
    ) as writer:
        for start in range(0, max(chunk.num_rows, 1), ROWS_PER_GROUP):
            part = chunk.slice(start, ROWS_PER_GROUP)
            writer.write_table(part)
            wrote(part.num_rows)
    # On disk before the catalog can list it: a power cut must not leave a listed file empty.
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


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
