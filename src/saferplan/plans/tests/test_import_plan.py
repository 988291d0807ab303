"""Importing Harrow's real 2019/20 delivery plan from its spreadsheet shape."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from saferplan.accounts.models import Partnership
from saferplan.core.errors import InputError
from saferplan.plans.demo import FIXTURES, load_demo_partnership
from saferplan.plans.importing import import_plan
from saferplan.plans.models import Action, Objective, Priority, Rag

pytestmark = pytest.mark.django_db
PLAN = FIXTURES / "delivery_plan_2019_20.csv"


def test_harrow_2019_20_plan_imports_whole() -> None:
    load_demo_partnership()
    with open(PLAN, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert Action.objects.count() == len(rows) == 60
    codes = {r["objective_code"] for r in rows}
    parents = {c[:-1] for c in codes if c[-1].islower()}  # HH1a, HH1b -> HH1
    assert Objective.objects.count() == len(codes) + len(parents)
    assert set(Priority.objects.values_list("name", flat=True)) == {r["section"] for r in rows}
    first = Action.objects.get(reference="1920-HV1-01")
    assert first.review_date == date(2020, 3, 31)
    assert first.lead_organisation is not None and first.lead_organisation.name.startswith(
        "Metropolitan"
    )
    ongoing = Action.objects.get(reference="1920-HV1-02")
    assert ongoing.ongoing and ongoing.review_date is None
    assert ongoing.lead_text == "Cheryl Bannerman"


def test_overdue_means_past_review_without_green() -> None:
    load_demo_partnership()
    action = Action.objects.get(reference="1920-HV1-01")
    assert action.is_overdue(date(2020, 4, 1))
    assert not action.is_overdue(date(2020, 3, 1))
    action.updates.create(rag=Rag.GREEN, text="On track")
    assert not action.is_overdue(date(2020, 4, 1))


def test_reimport_and_bad_files_change_nothing(tmp_path) -> None:
    load_demo_partnership()
    partnership = Partnership.objects.get()
    with pytest.raises(InputError, match="already been imported"):
        import_plan(PLAN.read_text(encoding="utf-8"), str(PLAN), partnership, "2019/20")
    bad = "section,objective_code,objective_heading,action,lead_raw\nHigh,HV1,Burglary,,Police\n"
    with pytest.raises(InputError) as caught:
        import_plan(bad, "bad.csv", partnership, "2020/21")
    assert (caught.value.row, caught.value.column) == (2, "action")
    assert Action.objects.count() == 60


def test_excel_plan_imports_like_csv(tmp_path) -> None:
    from openpyxl import Workbook

    from saferplan.plans.importing import plan_text

    book = Workbook()
    sheet = book.active
    with open(FIXTURES / "delivery_plan_2018_19.csv", newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    partnership = Partnership.objects.create(name="Test")
    year = import_plan(plan_text(str(path)), str(path), partnership, "2018/19")
    with open(FIXTURES / "delivery_plan_2018_19.csv", newline="", encoding="utf-8") as handle:
        expected = sum(1 for r in csv.DictReader(handle) if r["action"].strip())
    assert Action.objects.filter(objective__priority__year=year).count() == expected


def test_sub_objectives_hang_under_their_objective() -> None:
    load_demo_partnership()
    parent = Objective.objects.get(code="HH1")
    assert sorted(parent.sub_objectives.values_list("code", flat=True)) == ["HH1a", "HH1b"]
    assert parent.heading.startswith("Strategic Objective 1 –")
    assert not parent.actions.exists()
