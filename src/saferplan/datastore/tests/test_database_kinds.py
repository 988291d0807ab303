"""A kind whose rows belong in the database (its importer has ``store``): the pipeline
records every file and calls ``store`` once, inside the same transaction, so the rows and
their provenance are kept together or not at all; the warehouse is never touched."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import InputError
from saferplan.datastore.importing import (
    _REGISTRY,
    ParsedSource,
    ProgressCallback,
    StoreBatch,
    run_import,
)
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.sources import SourceFile

pytestmark = pytest.mark.django_db
BATCHES: list[StoreBatch] = []


class LinesImporter:
    """Each line of a .txt file is a row; a line 'bad' is refused only when storing."""

    kind: ClassVar[str] = "test-lines"
    suffixes: ClassVar[tuple[str, ...]] = (".txt",)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        lines = bytes(source.data).decode().splitlines()
        return ParsedSource([], len(lines), len(lines), payload=lines)

    def store(self, batch: StoreBatch) -> None:
        BATCHES.append(batch)
        for record, parsed in batch.files:
            assert ImportRecord.objects.filter(pk=record.pk).exists()  # already recorded
            for n, line in enumerate(parsed.payload, start=1):
                if line == "bad":
                    raise InputError(record.file_name, "a bad line", row=n)
                AuditEvent.objects.create(action="created", model="test", summary=line)


@pytest.fixture(autouse=True)
def lines_kind():
    _REGISTRY[LinesImporter.kind] = LinesImporter  # type: ignore[assignment]
    BATCHES.clear()
    yield
    _REGISTRY.pop(LinesImporter.kind)


def test_every_file_is_recorded_and_stored_in_one_call(tmp_path: Path, warehouse) -> None:
    (tmp_path / "a.txt").write_text("one\ntwo\n")
    (tmp_path / "b.txt").write_text("three\n")
    outcome = run_import("test-lines", [tmp_path], user="tester", warehouse=warehouse)
    assert [Path(r.file_name).name for r in outcome.imported] == ["a.txt", "b.txt"]
    assert len(BATCHES) == 1 and len(BATCHES[0].files) == 2
    assert sorted(AuditEvent.objects.values_list("summary", flat=True)) == ["one", "three", "two"]
    assert [r.rows_kept for r in ImportRecord.objects.order_by("id")] == [2, 1]
    assert warehouse.entries() == []  # nothing in the warehouse

    (tmp_path / "c.txt").write_text("four\n")
    again = run_import("test-lines", [tmp_path], user="tester", warehouse=warehouse)
    assert [Path(r.file_name).name for r in again.imported] == ["c.txt"]
    assert len(again.skipped) == 2 and [len(b.skipped) for b in BATCHES] == [0, 2]


def test_an_error_while_storing_keeps_no_record_and_no_row(tmp_path: Path, warehouse) -> None:
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "b.txt").write_text("two\nbad\n")
    with pytest.raises(InputError, match="a bad line"):
        run_import("test-lines", [tmp_path], user="tester", warehouse=warehouse)
    assert not ImportRecord.objects.exists() and not AuditEvent.objects.exists()
    nothing_new = run_import("test-lines", [tmp_path / "a.txt"], warehouse=warehouse)
    assert len(nothing_new.imported) == 1  # refused whole, so not 'imported before' either
