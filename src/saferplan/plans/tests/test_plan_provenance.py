"""A plan import goes through the one import pipeline (issue #9, item 4): a record per file
for its partnership (SHA-256, rows, who, when), the same file twice changing nothing, a
refused file leaving neither plan nor record, and one partnership never seeing another's."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.cli.main import app
from saferplan.core.errors import InputError
from saferplan.datastore.models import ImportRecord
from saferplan.plans import service
from saferplan.plans.demo import FIXTURES
from saferplan.plans.models import Action, ProgressUpdate, StrategyYear

pytestmark = pytest.mark.django_db
PLAN = FIXTURES / "delivery_plan_2018_19.csv"
KIND = "delivery-plan"


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def _rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for r in csv.DictReader(handle) if any(v.strip() for v in r.values()))


def _stored() -> tuple[int, ...]:
    return (
        ImportRecord.objects.count(),
        StrategyYear.objects.count(),
        Action.objects.count(),
        ProgressUpdate.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_plan_import_records_the_file_it_came_from(demo_scope) -> None:
    analyst = get_user_model().objects.get(username="analyst")
    done = service.import_plan(analyst, PLAN, demo_scope)
    record = ImportRecord.objects.get(kind=KIND)
    assert done.record == record and done.year is not None and not done.already_imported
    assert record.sha256 == hashlib.sha256(PLAN.read_bytes()).hexdigest()
    assert record.size_bytes == PLAN.stat().st_size
    assert record.rows_read == record.rows_kept == _rows(PLAN) == 58
    assert record.rows_rejected == 0
    assert (record.partnership, record.imported_by, record.file_name) == (
        demo_scope, "analyst", str(PLAN))  # fmt: skip
    assert record.started_at <= record.finished_at
    assert record.notes["plan"] == done.year.pk and record.notes["plan_year"] == "2018/19"
    assert "notes" in record.notes["ignored_columns"]
    assert Action.objects.filter(objective__priority__year=done.year).count() == 58
    event = AuditEvent.objects.get(model="plans.StrategyYear", object_id=str(done.year.pk))
    assert f"import #{record.pk}, SHA-256 {record.sha256[:12]}" in event.summary


def test_the_same_file_twice_changes_nothing_and_says_so(demo_scope) -> None:
    first = service.import_plan(None, PLAN, demo_scope)
    before = _stored()
    again = service.import_plan(None, PLAN, demo_scope)
    assert again.already_imported and again.earlier == first.record
    assert _stored() == before
    result = _cli("plans", "import", str(PLAN), "--partnership", demo_scope.name)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"Skipped {PLAN}: already imported as import #{first.record.pk}" in said
    assert "nothing was changed" in said
    assert _stored() == before


def test_the_cli_names_the_import_and_imports_lists_it(tmp_path) -> None:
    Partnership.objects.create(name="Safer Harrow")
    dry = _cli("plans", "import", str(PLAN), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert not ImportRecord.objects.exists()
    result = _cli("plans", "import", str(PLAN))
    assert result.exit_code == 0, result.output
    record = ImportRecord.objects.get(kind=KIND)
    said = " ".join(result.output.split())
    assert f"58 actions, as import #{record.pk} (SHA-256 {record.sha256})" in said
    listed = _cli("imports")
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if KIND in line)
    assert record.sha256[:12] in row and "Safer Harrow" in row


def test_a_refused_file_stores_neither_plan_nor_record(demo_scope, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(PLAN.read_text(encoding="utf-8").replace("2019-03", "2019-13", 1), "utf-8")
    assert bad.read_bytes() != PLAN.read_bytes()
    before = _stored()
    with pytest.raises(InputError) as caught:
        service.import_plan(None, bad, demo_scope)
    assert caught.value.column == "deadline_normalised" and caught.value.row is not None
    assert _stored() == before
    # Refused while it is stored (the partnership has its plan year): the record made in
    # the same transaction goes too.
    taken = tmp_path / "2019-20-again.csv"
    taken.write_text((FIXTURES / "delivery_plan_2019_20.csv").read_text("utf-8") + "\n", "utf-8")
    with pytest.raises(InputError, match="already been imported"):
        service.import_plan(None, taken, demo_scope)
    assert _stored() == before


def test_one_partnership_never_sees_another_partnerships_plan_import() -> None:
    a = Partnership.objects.create(name="Partnership A")
    b = Partnership.objects.create(name="Partnership B")
    done = service.import_plan(None, PLAN, a)
    with partnership_scope(b):
        assert not ImportRecord.objects.filter(kind=KIND).exists()
        assert not StrategyYear.objects.exists()
    listed = _cli("imports", "--partnership", "Partnership B")
    assert listed.exit_code == 0 and KIND not in listed.output
    assert KIND in _cli("imports", "--partnership", "Partnership A").output
    # B's copy of the same file is B's own import, not skipped as A's.
    own = service.import_plan(None, PLAN, b)
    assert not own.already_imported and own.record.partnership == b
    assert own.record.sha256 == done.record.sha256 and own.record.pk != done.record.pk


def test_an_excel_plan_is_recorded_like_a_csv_one(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    with open(PLAN, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            book.active.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    done = service.import_plan(None, path, Partnership.objects.create(name="Test"))
    assert done.record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (done.record.rows_kept, done.record.encoding) == (58, "")


def test_saferplan_import_takes_a_plan_as_any_restricted_kind() -> None:
    Partnership.objects.create(name="Safer Harrow")
    result = _cli("import", KIND, str(PLAN), "--partnership", "Safer Harrow")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "58 rows kept of 58 read (0 rejected)" in said and "'notes'" in said
    assert StrategyYear.objects.get().label == "2018/19"
    again = _cli("plans", "import", str(PLAN))
    assert again.exit_code == 0 and "already imported" in again.output
    assert StrategyYear.objects.count() == ImportRecord.objects.count() == 1


def test_a_file_changed_after_its_preview_is_refused(demo_scope, tmp_path) -> None:
    from saferplan.plans.planfile import plan_source, read_plan_source

    path = tmp_path / "plan.csv"
    path.write_bytes(PLAN.read_bytes())
    source = plan_source(str(path))
    preview = service.preview_import(read_plan_source(source)[0], demo_scope)
    assert preview.actions == 58
    path.write_text(PLAN.read_text("utf-8").replace("Burglary", "Robbery", 1), "utf-8")
    before = _stored()
    with pytest.raises(InputError, match="changed since it was previewed"):
        service.import_plan(None, path, demo_scope, previewed=source.sha256)
    assert _stored() == before
    path.write_bytes(PLAN.read_bytes())
    done = service.import_plan(None, path, demo_scope, previewed=source.sha256)
    assert done.record.sha256 == source.sha256


def test_the_importers_module_stays_light() -> None:
    # The pipeline loads it for an import of any kind, maybe before Django is set up.
    import subprocess
    import sys

    from saferplan.plans import importers, planfile

    assert set(importers.DeliveryPlanImporter.suffixes) == {".csv", *planfile.WORKBOOK_SUFFIXES}
    code = ("import sys, saferplan.plans.importers\n"
            "print(sorted(m for m in ('django.db.models', 'openpyxl', 'saferplan.plans.models')"
            " if m in sys.modules))")  # fmt: skip
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
