"""A delivery plan uploaded in the app: previewed (counts, how each lead was matched),
then imported exactly as previewed, or refused with nothing stored."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import InputError, NotFoundError
from saferplan.datastore.models import ImportRecord
from saferplan.plans import uploads
from saferplan.plans.demo import FIXTURES, demo_partnership, load_demo_partnership
from saferplan.plans.models import Action, LeadAlias, StrategyYear, lead_key

pytestmark = pytest.mark.django_db
LAST_YEAR = FIXTURES / "delivery_plan_2018_19.csv"
HEADER = "plan,row_id,section,objective_code,objective_heading,action,lead_raw\n"


def _kept(tmp_path: Path, name: str, content: bytes) -> tuple[Path, Path]:
    folder = tmp_path / "uploads" / "20261201T120000-0123456789abcdef"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(content)
    return folder, folder / name


def _small_plan(*leads: str) -> bytes:
    rows = [
        f"Plan 2017/18,1718-X-{n:02d},High Volume Crime,HV1,Burglary,Action {n},{lead}\n"
        for n, lead in enumerate(leads, start=1)
    ]
    return (HEADER + "".join(rows)).encode()


def test_the_preview_counts_what_the_file_holds(tmp_path: Path) -> None:
    load_demo_partnership()  # has the 2019/20 plan, not 2018/19
    partnership = demo_partnership()
    folder, path = _kept(tmp_path, "plan.csv", LAST_YEAR.read_bytes())
    staged = uploads.stage(folder, path, partnership, "analyst")
    shown = uploads.preview(staged, partnership)
    with open(LAST_YEAR, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert shown.preview.label == "2018/19"
    assert shown.to_create == len(rows) == len(shown.rows)
    assert sorted(r.reference for r in shown.rows) == sorted(r["row_id"] for r in rows)
    assert staged.sha256 == hashlib.sha256(LAST_YEAR.read_bytes()).hexdigest()
    assert not StrategyYear.objects.filter(label="2018/19").exists()  # nothing written


def test_each_kind_of_match_and_the_unmatched_first(tmp_path: Path) -> None:
    load_demo_partnership()
    partnership = demo_partnership()
    with partnership_scope(partnership):
        council = Organisation.objects.get(name="Harrow Council: Community Safety")
        LeadAlias.objects.create(
            partnership=partnership, key=lead_key("Sam Jones"), text="Sam Jones",
            organisation=council,
        )  # fmt: skip
    plan = _small_plan("NHS Harrow", "Harrow police team", "Probaton Servise", "Jo Bloggs",
                       "Sam Jones")  # fmt: skip
    folder, path = _kept(tmp_path, "plan.csv", plan)
    shown = uploads.preview(uploads.stage(folder, path, partnership, "analyst"), partnership)
    found = [(r.lead, r.how, r.detail, r.organisation and r.organisation.name) for r in shown.rows]
    assert found == [
        ("Jo Bloggs", uploads.NOT_MATCHED, "", None),
        ("Probaton Servise", uploads.SUGGESTED, "Probation Service", None),
        ("Harrow police team", uploads.ALIAS, "police", "Metropolitan Police: Harrow"),
        ("Sam Jones", uploads.ALIAS, "a lead remembered as its alias", council.name),
        ("NHS Harrow", uploads.NAME, "NHS Harrow", "NHS Harrow"),
    ]
    assert shown.unmatched == 2


def test_confirm_imports_the_previewed_file_through_the_pipeline(tmp_path: Path) -> None:
    load_demo_partnership()
    partnership = demo_partnership()
    folder, path = _kept(tmp_path, "plan.csv", _small_plan("NHS Harrow", "Jo Bloggs"))
    staged = uploads.stage(folder, path, partnership, "analyst")
    done = uploads.confirm(None, staged, partnership)
    with partnership_scope(partnership):
        assert done.year is not None and done.year.label == "2017/18"
        assert Action.objects.filter(objective__priority__year=done.year).count() == 2
        record = ImportRecord.objects.get(kind="delivery-plan")
    assert record.sha256 == staged.sha256 and record.rows_kept == 2
    assert not folder.exists()  # the upload is deleted once imported


def test_a_file_changed_since_the_preview_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    load_demo_partnership()
    partnership = demo_partnership()
    folder, path = _kept(tmp_path, "plan.csv", _small_plan("NHS Harrow"))
    staged = uploads.stage(folder, path, partnership, "analyst")
    path.write_bytes(_small_plan("NHS Harrow", "Jo Bloggs"))
    with pytest.raises(InputError, match="changed since it was previewed"):
        uploads.confirm(None, staged, partnership)
    shutil.rmtree(folder)
    with pytest.raises(InputError, match="no longer there"):
        uploads.confirm(None, staged, partnership)
    with partnership_scope(partnership):
        assert not StrategyYear.objects.filter(label="2017/18").exists()
        assert not ImportRecord.objects.filter(kind="delivery-plan").exists()


def test_a_bad_file_is_refused_at_upload_naming_row_and_column(tmp_path: Path) -> None:
    load_demo_partnership()
    plan = (HEADER + "Plan 2017/18,1718-X-01,High Volume Crime,,Burglary,Act,NHS\n").encode()
    folder, path = _kept(tmp_path, "plan.csv", plan)
    with pytest.raises(InputError) as refused:
        uploads.stage(folder, path, demo_partnership(), "analyst")
    assert (refused.value.row, refused.value.column) == (2, "objective_code")
    assert not folder.exists()


def test_another_partnerships_upload_is_not_found(tmp_path: Path) -> None:
    load_demo_partnership()
    other = Partnership.objects.create(name="Brent (test)")
    folder, path = _kept(tmp_path, "plan.csv", _small_plan("NHS Harrow"))
    staged = uploads.stage(folder, path, demo_partnership(), "analyst")
    assert uploads.find(folder.parent, staged.id, demo_partnership()).sha256 == staged.sha256
    with pytest.raises(NotFoundError):
        uploads.find(folder.parent, staged.id, other)
    with pytest.raises(NotFoundError):
        uploads.find(folder.parent, "../" + staged.id, demo_partnership())
