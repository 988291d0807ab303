"""The board report's outcome measures: movement since the baseline, worked by hand, beside
the RAG of the actions linked to each."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.links import link_measures
from saferplan.plans.models import Action, Measure, MeasureActual, ProgressUpdate, StrategyYear
from saferplan.plans.movement import measure_rows, movement, pct_change

D = Decimal


def test_movement_follows_the_measures_direction_of_good() -> None:
    assert movement(D(100), D(90), "down") == "better"
    assert movement(D(100), D(90), "up") == "worse"
    assert movement(D(100), D(110), "up") == "better"
    assert movement(D(100), D(100), "down") == "no change"
    assert movement(None, D(100), "down") == ""
    # (90 - 120) / 120 = -25.0%; (101 - 3) / 3 = +3266.666...% -> 3266.7
    assert pct_change(D(120), D(90)) == D("-25.0")
    assert pct_change(D(3), D(101)) == D("3266.7")
    assert pct_change(D(0), D(5)) is None


@pytest.mark.django_db
def test_the_board_report_shows_each_measure_beside_its_actions() -> None:
    from docx import Document

    from saferplan.plans.exports import to_docx, to_xlsx

    load_demo_partnership()
    year = StrategyYear.objects.get()
    action = Action.objects.filter(objective__priority__year=year).order_by("id").first()
    assert action is not None
    measure = Measure.objects.create(objective=action.objective, name="Knife crime with injury",
                                     direction="down", baseline_period="2018",
                                     baseline_value=D("1200"))  # fmt: skip
    MeasureActual.objects.create(measure=measure, period="2019", value=D("1104"))
    link_measures(action, [measure])
    ProgressUpdate.objects.create(action=action, rag="amber", text="Behind")
    [row] = [r for r in measure_rows(year) if r.measure == measure.name]
    # 1104 - 1200 = -96; -96 / 1200 = -8.0%; a fall is good: better
    assert row.cells() == ["Knife crime with injury", "1,200 (2018)", "1,104 (2019)", "-96",
                           "-8.0%", "better", f"{action.objective.code}: Amber"]  # fmt: skip
    text = [c.text for t in Document(io.BytesIO(to_docx(year))).tables for r in t.rows
            for c in r.cells]  # fmt: skip
    assert "Knife crime with injury" in text and "-8.0%" in text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_xlsx(year)))["Outcome measures"]
    assert ["Knife crime with injury", "1,200 (2018)", "1,104 (2019)"] in [
        list(r[:3]) for r in sheet.iter_rows(values_only=True)
    ]


@pytest.mark.django_db
def test_a_measure_worsening_three_periods_running_is_called_out_to_the_board() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from docx import Document

    from saferplan.plans.exports import to_docx

    load_demo_partnership()
    year = StrategyYear.objects.get()
    objective = Action.objects.filter(objective__priority__year=year).first().objective  # type: ignore[union-attr]
    rising = Measure.objects.create(objective=objective, name="Robbery", direction="down")
    twice = Measure.objects.create(objective=objective, name="Burglary", direction="down")
    # a fall is good: 2019 to 2022 rose three times in a row; burglary rose only twice
    # after the fall of 2020 (a better period restarts the run)
    for period, robbery, burglary in [("2018", 90, 50), ("2019", 100, 60), ("2020", 101, 40),
                                      ("2021", 102, 45), ("2022", 110, 46)]:  # fmt: skip
        MeasureActual.objects.create(measure=rising, period=period, value=D(robbery))
        MeasureActual.objects.create(measure=twice, period=period, value=D(burglary))
    said = "Robbery has worsened for 4 periods in a row (2019 to 2022)"
    rows = {r.measure: r.callouts for r in measure_rows(year)}
    assert rows["Robbery"] == (said,) and rows["Burglary"] == ()
    paragraphs = [p.text for p in Document(io.BytesIO(to_docx(year))).paragraphs]
    assert f"Called out: {said}." in paragraphs
    assert not [p for p in paragraphs if "Burglary has worsened" in p]
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(f"/plans/{year.pk}/").content.decode()
    assert page.count(f"{said}.") == 1 and "Burglary has worsened" not in page
