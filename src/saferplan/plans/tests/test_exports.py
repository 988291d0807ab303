"""The board's progress report: Excel with no live formula, whatever the plan's text says
(issue #10: formula injection)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.core.tests.test_cells import HYPERLINK, _cells, _formulas


@pytest.mark.django_db
def test_the_boards_excel_download_of_a_plan() -> None:
    from saferplan.accounts.models import Partnership
    from saferplan.plans.demo import load_demo_partnership
    from saferplan.plans.exports import to_xlsx
    from saferplan.plans.importing import import_plan
    from saferplan.plans.models import Action, StrategyYear

    load_demo_partnership()
    year = StrategyYear.objects.get()
    action = Action.objects.filter(lead_organisation__name__startswith="Metropolitan").first()
    assert action is not None
    lead = Client()
    lead.force_login(get_user_model().objects.get(username="police-lead"))
    saved = lead.post(f"/actions/{action.pk}/update/",
                      {"rag": "green", "text": HYPERLINK, "version": action.version})  # fmt: skip
    assert saved.status_code == 302
    board = Client()
    board.force_login(get_user_model().objects.get(username="board"))
    xlsx = board.get(f"/plans/{year.pk}/progress.xlsx").content
    assert _formulas(xlsx) == [] and (HYPERLINK, "s") in _cells(xlsx)
    header = "section,objective_code,objective_heading,action,lead_raw,measures_targets\n"
    plan = header + "High,HV1,=1+1,=1+1,\"=cmd|' /C calc'!A0\",@SUM(A1)\n"
    other = import_plan(plan, "evil.csv", Partnership.objects.create(name="Other"), "2020/21")
    cells = _cells(to_xlsx(other))
    assert _formulas(to_xlsx(other)) == []
    assert {("=1+1", "s"), ("=cmd|' /C calc'!A0", "s"), ("@SUM(A1)", "s")} <= set(cells)
