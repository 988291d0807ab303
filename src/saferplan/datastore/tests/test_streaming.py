"""An import of many files holds one file's rows at a time: each file is staged as Parquet
before the next is parsed, and a failure (or a kill) after some files were staged still
stores nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
import pytest
from django.db import connection

from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register, run_import
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.publishing import STAGING_PREFIX
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.tests.test_crash_safety import (
    _assert_agree,
    _database_uids,
    _kill_at,
    _one_month,
    _reader_rows,
    _split_harrow,
)
from saferplan.datastore.warehouse import StagedTable, Warehouse

# For each file parsed: (its name, the staged Parquet files in the warehouse as it began).
SEEN: list[tuple[str, list[str]]] = []
# For each file parsed: whether the database was inside a transaction as it began.
IN_TRANSACTION: list[bool] = []


def _staged_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob(f"{STAGING_PREFIX}*/tables/*/*.parquet"))


@register
class StagingWatcher:
    """One LSOA code a line, to area_lookup; notes what was staged when each parse began."""

    kind: ClassVar[str] = "test-staging-watcher"
    help: ClassVar[str] = "test only"
    suffixes: ClassVar[tuple[str, ...]] = (".txt",)
    root: ClassVar[Path | None] = None

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        assert self.root is not None
        SEEN.append((Path(source.name).name, _staged_files(self.root)))
        IN_TRANSACTION.append(connection.in_atomic_block)
        text, encoding = decoded_text(source)
        codes = [line.strip() for line in text.splitlines() if line.strip()]
        for n, code in enumerate(codes, start=1):
            if not code.startswith("E01"):
                raise InputError(source.display_name, f"'{code}' is not an LSOA code", row=n)
        progress(source.size)
        nothing = pa.nulls(len(codes), pa.string())
        table = pa.table(
            {
                "lsoa_code": codes, "lsoa_name": codes, "ward_code": nothing,
                "ward_name": nothing, "lad_code": nothing, "lad_name": nothing,
                "vintage": nothing, "partition_key": [f"test|{c}" for c in codes],
            }
        )  # fmt: skip
        return ParsedSource(
            [StagedTable("area_lookup", table)], len(codes), len(codes), 0, encoding
        )


@pytest.fixture
def watched(warehouse: Warehouse):
    SEEN.clear()
    IN_TRANSACTION.clear()
    StagingWatcher.root = warehouse.root
    yield warehouse
    StagingWatcher.root = None
    SEEN.clear()


def _batch(folder: Path, *files: list[str]) -> Path:
    folder.mkdir()
    for n, codes in enumerate(files, start=1):
        (folder / f"{n}.txt").write_text("\n".join(codes) + "\n")
    return folder


def test_each_file_is_staged_before_the_next_is_parsed(watched, db, tmp_path) -> None:
    folder = _batch(tmp_path / "batch", ["E01000001"], ["E01000002"], ["E01000003"])
    records = run_import("test-staging-watcher", [folder], warehouse=watched).imported
    assert [name for name, _ in SEEN] == ["1.txt", "2.txt", "3.txt"]
    # As each parse began, every earlier file was already on disk, one Parquet file each.
    assert [len(staged) for _, staged in SEEN] == [0, 1, 2]
    assert len(records) == 3
    con = watched.connect()
    assert con.execute("SELECT count(*) FROM area_lookup").fetchone()[0] == 3


def test_a_bad_row_after_files_were_staged_stores_nothing(watched, db, tmp_path) -> None:
    run_import("test-staging-watcher", [_batch(tmp_path / "earlier", ["E01000009"])],
               warehouse=watched)  # fmt: skip
    catalog = watched.catalog_path.read_bytes()
    before = sorted(p.relative_to(watched.root) for p in watched.root.rglob("*.parquet"))
    SEEN.clear()
    folder = _batch(tmp_path / "batch", ["E01000001"], ["E01000002"], ["E01000003", "oops"])
    with pytest.raises(InputError, match="'oops' is not an LSOA code") as caught:
        run_import("test-staging-watcher", [folder], warehouse=watched)
    assert caught.value.row == 2 and caught.value.file.endswith("3.txt")
    assert [len(staged) for _, staged in SEEN] == [0, 1, 2]  # two files staged, then the error
    assert ImportRecord.objects.count() == 1
    assert watched.catalog_path.read_bytes() == catalog
    assert sorted(p.relative_to(watched.root) for p in watched.root.rglob("*.parquet")) == before
    assert not list(watched.root.glob(f"{STAGING_PREFIX}*"))


def test_no_transaction_is_held_while_later_files_are_parsed(watched, transactional_db,
                                                            tmp_path) -> None:  # fmt: skip
    """On SQLite a transaction is the database's one write lock: held through a long
    import's parse, every other write (a sign-in, an audit event, an action's update) would
    wait for it, and fail after the 30 s busy timeout."""
    folder = _batch(tmp_path / "batch", ["E01000001"], ["E01000002"], ["E01000003"])
    records = run_import("test-staging-watcher", [folder], warehouse=watched).imported
    assert IN_TRANSACTION == [False, False, False]
    assert len(records) == 3
    assert len({r.pk for r in records}) == 3
    con = watched.connect()
    ids = {row[0] for row in con.execute("SELECT import_id FROM area_lookup").fetchall()}
    assert ids == {r.pk for r in records}  # the ids staged are the records' own


def test_kill_after_the_first_file_was_staged(transactional_db, tmp_path) -> None:
    data = tmp_path / "data"
    wh = Warehouse(data / "warehouse")
    run_import("police-uk", [_one_month(tmp_path / "earlier-street.csv", "2018-05", 7)],
               warehouse=wh)  # fmt: skip
    folder = tmp_path / "batch"
    batch_rows = _split_harrow(folder)

    _kill_at("staged-file-1", data, folder)

    assert len(_database_uids()) == 1 and _reader_rows(wh) == 7
    assert _staged_files(wh.root)  # the killed command's first file, left for recovery
    after = run_import("police-uk", [_one_month(tmp_path / "next-street.csv", "2018-07", 5)],
                       warehouse=wh).imported  # fmt: skip
    assert len(after) == 1
    _assert_agree(wh)
    assert _reader_rows(wh) == 7 + 5
    assert len(run_import("police-uk", [folder], warehouse=wh).imported) == 2
    _assert_agree(wh)
    assert _reader_rows(wh) == 7 + 5 + batch_rows
