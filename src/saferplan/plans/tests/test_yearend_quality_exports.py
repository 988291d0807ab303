"""Year-end review and carry-over, data-quality flags, exports and computed measures."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import SaferplanError
from saferplan.demo import DATA
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, Disposition, Measure, Rag, StrategyYear
from saferplan.plans.quality import quality_flags
from saferplan.plans.yearend import carry_over

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_carry_over_needs_every_disposition_and_keeps_history() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    with pytest.raises(SaferplanError, match="60 actions have no year-end disposition"):
        carry_over(year, "2020/21")
    actions = list(Action.objects.all())
    actions[0].updates.create(rag=Rag.GREEN, text="Done so far")
    for i, a in enumerate(actions):
        a.disposition = [Disposition.CONTINUE, Disposition.COMPLETE, Disposition.REMOVE][i % 3]
        a.save()
    new = carry_over(year, "2020/21")
    carried = Action.objects.filter(objective__priority__year=new)
    assert carried.count() == 20
    first = carried.get(carried_from=actions[0])
    assert first.carried_from.updates.get().text == "Done so far"  # history stays linked
    assert not first.is_new


def test_a_continued_action_keeps_its_tags_and_the_measures_it_should_move() -> None:
    """Carried into next year with its tags (the Knife Crime Action Plan reads them) and
    linked to the copies of its outcome measures (they were dropped at carry-over)."""
    load_demo_partnership()
    year = StrategyYear.objects.get()
    Action.objects.update(disposition=Disposition.CONTINUE)
    action = Action.objects.order_by("id").first()
    assert action is not None
    measure = Measure.objects.create(objective=action.objective, name="Knife injuries under 25")
    action.tags = ["knife-crime-action-plan"]
    action.save()
    action.measures.set([measure])
    carry_over(year, "2020/21")
    carried = Action.objects.get(carried_from=action)
    assert carried.tags == ["knife-crime-action-plan"]
    linked = list(carried.measures.all())
    assert [m.name for m in linked] == ["Knife injuries under 25"]
    assert linked[0].pk != measure.pk and linked[0].objective.priority.year.label == "2020/21"


def test_year_end_page_saves_dispositions_and_carries_over() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    data = {f"disposition-{a.pk}": "continue" for a in Action.objects.all()}
    response = signed_in("analyst").post(
        f"/plans/{year.pk}/year-end/", {**data, "carry_over": "1", "next_label": "2020/21"}
    )
    new = StrategyYear.objects.get(label="2020/21")
    assert response.status_code == 302 and response["Location"] == f"/plans/{new.pk}/"
    assert Action.objects.filter(objective__priority__year=new).count() == 60
    assert AuditEvent.objects.filter(summary__startswith="Year-end disposition").count() == 60
    assert signed_in("police-lead").get(f"/plans/{year.pk}/year-end/").status_code == 403


def test_quality_flags() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    a, b = Action.objects.all()[:2]
    a.updates.create(rag=Rag.AMBER, text="Programme complete", date=date(2020, 5, 1))
    b.text = a.text
    b.save()
    kinds = {(f.action.pk, f.kind) for f in quality_flags(year, today=date(2020, 6, 1))}
    assert (a.pk, "complete but amber") in kinds
    assert (b.pk, "duplicate") in kinds
    overdue = Action.objects.get(reference="1920-HV1-03")  # "Ongoing": no review date
    assert (overdue.pk, "no update since review point") not in kinds
    assert any(kind == "no update since review point" for _, kind in kinds)


def test_exports_open_in_their_applications() -> None:
    from docx import Document
    from openpyxl import load_workbook

    load_demo_partnership()
    year = StrategyYear.objects.get()
    client = signed_in("board")
    xlsx = client.get(f"/plans/{year.pk}/progress.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "Priority" and sheet.max_row == 62
    docx = client.get(f"/plans/{year.pk}/progress.docx")
    document = Document(io.BytesIO(docx.content))
    assert len(document.tables) >= 2
    assert sum(len(t.rows) - 1 for t in document.tables) == 60
    pdf = client.get(f"/plans/{year.pk}/progress.pdf")
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/plans/{year.pk}/progress.exe").status_code == 404


def test_measure_actuals_come_from_the_crime_data(demo_warehouse) -> None:
    load_demo_partnership(demo_warehouse.connect())
    measure = Measure.objects.get()
    with open(DATA / "mps_borough_monthly_2010-04_2021-11.csv", newline="", encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["LookUp_BoroughName"] == "Harrow" and r["MajorText"] == "Burglary"
        ]
    expected = {
        y: sum(int(r[f"{y}{m:02d}"]) for r in rows for m in range(1, 13)) for y in (2018, 2019)
    }
    assert measure.baseline_value == Decimal(expected[2018])
    actual = measure.actuals.get(period="2019")
    assert actual.value == Decimal(expected[2019]) and actual.computed
    assert "mps data, imports #" in actual.provenance
    page = signed_in("board").get(f"/plans/{measure.objective.priority.year.pk}/").content.decode()
    assert "Burglaries recorded in Harrow" in page
