"""The pages people wait on run a fixed number of queries, however big the plan (issue #12,
item 5: every page p95 < 150 ms at 50 users). Each page is counted on a plan grown by N
objectives (with a sub-objective, a measure and its actuals, actions and their updates) and
again by 2N: the count must not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from saferplan.accounts.models import Organisation
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, Measure, MeasureActual, Priority, Rag, StrategyYear

pytestmark = pytest.mark.django_db

PAGES = ["/", "/plans/{year}/", "/plans/{year}/overdue/", "/plans/{year}/by-organisation/"]


def _grow(year: StrategyYear, objectives: int) -> None:
    """Add a priority of ``objectives`` objectives, each with a sub-objective, a measure with
    two actuals, and two actions (one led by a known organisation, one overdue) with two
    updates each."""
    organisation = Organisation.objects.order_by("pk").first()
    priority = Priority.objects.create(year=year, name=f"Grown by {objectives}", order=99)
    for n in range(objectives):
        objective = priority.objectives.create(code=f"G{n}", heading=f"Grown {n}", order=n)
        sub = priority.objectives.create(code=f"G{n}a", heading="Sub", parent=objective)
        measure = Measure.objects.create(objective=objective, name=f"Measure {n}")
        for period, value in (("2018", 10), ("2019", 8)):
            MeasureActual.objects.create(measure=measure, period=period, value=value)
        for target, lead in ((objective, organisation), (sub, None)):
            action = Action.objects.create(
                objective=target, text=f"Grown action {n}", lead_organisation=lead,
                lead_text="Nobody known", review_date=dt.date(2000, 1, 1),
            )  # fmt: skip
            action.updates.create(rag=Rag.AMBER, text="Started", date=dt.date(2019, 1, 1))
            action.updates.create(rag=Rag.RED, text="Stalled", date=dt.date(2019, 6, 1))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_as_many_queries_for_a_plan_twice_the_size(page: str) -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    client = Client()
    client.force_login(get_user_model().objects.get(username="analyst"))
    url = page.format(year=year.pk)
    _grow(year, 3)
    small = _queries(client, url)
    _grow(year, 6)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries, then {large} for twice the rows"
    assert "Grown action 5" in client.get(url).content.decode() or page == "/"
