"""The import pipeline: all or nothing, idempotent, provenance recorded, readers unaffected."""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import pyarrow as pa
import pytest
from django.db import transaction

from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register, run_import
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable, Warehouse

# Lets a test pause a parse mid-import, to look at the warehouse from outside.
PAUSE: dict[str, threading.Event] = {}


@register
class CodesImporter:
    """A tiny importer for these tests: one LSOA code per line, written to area_lookup."""

    kind: ClassVar[str] = "test-codes"
    help: ClassVar[str] = "test only"
    suffixes: ClassVar[tuple[str, ...]] = (".txt",)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        text, encoding = decoded_text(source)
        codes = [line.strip() for line in text.splitlines() if line.strip()]
        for n, code in enumerate(codes, start=1):
            if not code.startswith("E01"):
                raise InputError(source.display_name, f"'{code}' is not an LSOA code", row=n)
        if "parsing" in PAUSE:
            PAUSE["parsing"].set()
            PAUSE["resume"].wait(10)
        progress(source.size)
        table = pa.table(
            {
                "lsoa_code": codes, "lsoa_name": codes,
                "ward_code": pa.nulls(len(codes), pa.string()),
                "ward_name": pa.nulls(len(codes), pa.string()),
                "lad_code": pa.nulls(len(codes), pa.string()),
                "lad_name": pa.array([options.get("name", "")] * len(codes), pa.string()),
                "vintage": pa.nulls(len(codes), pa.string()),
                "partition_key": [f"test|{c}" for c in codes],
            }
        )  # fmt: skip
        return ParsedSource(
            [StagedTable("area_lookup", table)], len(codes), len(codes), 0, encoding
        )


def _write(path: Path, *codes: str) -> Path:
    path.write_text("\n".join(codes) + "\n")
    return path


def _codes(wh: Warehouse) -> list[str]:
    return [
        r[0]
        for r in wh.connect().execute("SELECT lsoa_code FROM area_lookup ORDER BY 1").fetchall()
    ]


def test_provenance_is_recorded(warehouse, db, tmp_path) -> None:
    path = _write(tmp_path / "a.txt", "E01000001", "E01000002")
    (record,) = run_import("test-codes", [path], user="analyst", warehouse=warehouse).imported
    assert record.kind == "test-codes"
    assert record.file_name == str(path)
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (record.rows_read, record.rows_kept, record.rows_rejected) == (2, 2, 0)
    assert record.imported_by == "analyst"
    assert record.started_at <= record.finished_at
    assert record.notes["files"] and all(f.endswith(".parquet") for f in record.notes["files"])


def test_same_content_twice_changes_nothing(warehouse, db, tmp_path) -> None:
    first = _write(tmp_path / "a.txt", "E01000001")
    copy = _write(tmp_path / "renamed.txt", "E01000001")
    run_import("test-codes", [first], warehouse=warehouse)
    catalog = warehouse.catalog_path.read_bytes()
    outcome = run_import("test-codes", [first, copy], warehouse=warehouse)
    assert outcome.imported == [] and len(outcome.skipped) == 2
    assert warehouse.catalog_path.read_bytes() == catalog
    assert ImportRecord.objects.count() == 1


def test_one_bad_file_stores_nothing_and_keeps_earlier_imports(warehouse, db, tmp_path) -> None:
    run_import("test-codes", [_write(tmp_path / "earlier.txt", "E01000009")], warehouse=warehouse)
    folder = tmp_path / "batch"
    folder.mkdir()
    _write(folder / "1.txt", "E01000001")
    _write(folder / "2.txt", "E01000002", "oops")
    with pytest.raises(InputError, match="'oops' is not an LSOA code") as caught:
        run_import("test-codes", [folder], warehouse=warehouse)
    assert caught.value.row == 2
    assert ImportRecord.objects.count() == 1
    assert _codes(warehouse) == ["E01000009"]


def test_failure_while_publishing_leaves_no_trace(warehouse, db, tmp_path) -> None:
    run_import("test-codes", [_write(tmp_path / "earlier.txt", "E01000009")], warehouse=warehouse)
    catalog = warehouse.catalog_path.read_bytes()
    files = sorted(warehouse.root.rglob("*.parquet"))
    broken = mock.patch.object(Warehouse, "_write_catalog", side_effect=OSError("disk full"))
    with broken, pytest.raises(OSError, match="disk full"):
        run_import("test-codes", [_write(tmp_path / "b.txt", "E01000001")], warehouse=warehouse)
    assert warehouse.catalog_path.read_bytes() == catalog
    assert sorted(warehouse.root.rglob("*.parquet")) == files
    assert ImportRecord.objects.count() == 1


def test_failure_at_database_commit_unpublishes(warehouse, transactional_db, tmp_path) -> None:
    run_import("test-codes", [_write(tmp_path / "earlier.txt", "E01000009")], warehouse=warehouse)
    catalog = warehouse.catalog_path.read_bytes()

    original_exit = transaction.Atomic.__exit__

    def fail_on_commit(self: Any, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            original_exit(self, exc_type, exc, tb)
            return
        # The commit fails: the database rolls back, and the error reaches run_import.
        failure = SaferplanError("database went away")
        original_exit(self, SaferplanError, failure, None)
        raise failure

    broken = mock.patch.object(transaction.Atomic, "__exit__", fail_on_commit)
    with broken, pytest.raises(SaferplanError, match="database went away"):
        run_import("test-codes", [_write(tmp_path / "c.txt", "E01000003")], warehouse=warehouse)
    assert warehouse.catalog_path.read_bytes() == catalog
    assert _codes(warehouse) == ["E01000009"]
    assert ImportRecord.objects.count() == 1


def test_zip_members_are_sources_of_their_own(warehouse, db, tmp_path) -> None:
    archive = tmp_path / "codes.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("one.txt", "E01000001\n")
        z.writestr("sub/two.txt", "E01000002\n")
        z.writestr("readme.md", "ignored")
    records = run_import("test-codes", [archive], warehouse=warehouse).imported
    assert [(r.file_name, r.container) for r in records] == [
        ("one.txt", str(archive)), ("sub/two.txt", str(archive))
    ]  # fmt: skip
    assert _codes(warehouse) == ["E01000001", "E01000002"]


def test_readers_work_while_an_import_runs(warehouse, transactional_db, tmp_path) -> None:
    run_import("test-codes", [_write(tmp_path / "old.txt", "E01000001")], warehouse=warehouse)
    PAUSE.update(parsing=threading.Event(), resume=threading.Event())
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            run_import(
                "test-codes", [_write(tmp_path / "new.txt", "E01000002")], warehouse=warehouse
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=writer)
    try:
        thread.start()
        assert PAUSE["parsing"].wait(10)
        # Mid-import, a separate reader sees the old state and is not blocked.
        assert _codes(Warehouse(warehouse.root)) == ["E01000001"]
        with warehouse.lock():  # and the writer is not holding the lock while it parses
            pass
    finally:
        PAUSE["resume"].set()
        thread.join(20)
        PAUSE.clear()
    assert not errors
    assert _codes(Warehouse(warehouse.root)) == ["E01000001", "E01000002"]


def test_unknown_kind_and_missing_files_are_clear(warehouse, db, tmp_path) -> None:
    with pytest.raises(SaferplanError, match="unknown import kind 'nope'"):
        run_import("nope", [tmp_path], warehouse=warehouse)
    with pytest.raises(InputError, match="no such file or folder"):
        run_import("test-codes", [tmp_path / "missing.txt"], warehouse=warehouse)


def test_prepare_runs_beside_the_parse_and_its_error_comes_first(warehouse, db, tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("E01000001\n")
    calls: list[str] = []
    outcome = run_import(
        "test-codes", [good], warehouse=warehouse, prepare=lambda: calls.append("prepared")
    )
    assert calls == ["prepared"] and len(outcome.imported) == 1

    def broken() -> None:
        raise SaferplanError("the database is not reachable")

    bad = tmp_path / "bad.txt"
    bad.write_text("X\n")
    for path in (good, bad):
        with pytest.raises(SaferplanError, match="not reachable"):
            run_import("test-codes", [path], warehouse=warehouse, prepare=broken)
    with pytest.raises(SaferplanError, match="not reachable"):  # before an unknown kind, too
        run_import("no-such-kind", [good], warehouse=warehouse, prepare=broken)
    assert ImportRecord.objects.count() == 1


def test_read_ahead_hands_over_the_same_bytes_and_digest(tmp_path, monkeypatch) -> None:
    from saferplan.datastore import sources

    monkeypatch.setattr(sources, "MAP_THRESHOLD", 4)
    path = tmp_path / "a.txt"
    path.write_text("E01000001\n")
    sources.read_ahead([path, tmp_path / "missing.txt", tmp_path])
    (source,) = sources.expand_sources([path], (".txt",))
    assert source.digest_ahead is not None
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    (again,) = sources.expand_sources([path], (".txt",))  # handed over once only
    assert again.digest_ahead is None and again.sha256 == source.sha256
