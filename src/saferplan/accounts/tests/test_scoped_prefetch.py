"""A bare ``prefetch_related`` on a partnership's records (issue #12, item 5): the scope's
filter is built once, not once per parent row, and the rows prefetched are still only the
scope's partnership's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.db.models.sql.query import Query
from django.test.utils import CaptureQueriesContext

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import across_partnerships, partnership_scope
from saferplan.plans.models import Action, ProgressUpdate, Rag, StrategyYear

pytestmark = pytest.mark.django_db


def _plan(name: str, actions: int) -> Partnership:
    """A partnership with one objective of ``actions`` actions, each with two updates."""
    partnership = Partnership.objects.create(name=name, areas=["Harrow"])
    year = StrategyYear.objects.create(partnership=partnership, label="2019/20")
    objective = year.priorities.create(name="Priority").objectives.create(code="1", heading="O")
    for n in range(actions):
        action = Action.objects.create(objective=objective, text=f"{name} action {n}")
        for rag in (Rag.AMBER, Rag.GREEN):
            action.updates.create(rag=rag, text=f"{name} update", date=dt.date(2019, 6, 1))
    return partnership


def _cost(partnership: Partnership, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, set]:
    """(filters built, queries run, update texts) for every action's updates, prefetched."""
    built: list[int] = []
    add_q = Query.add_q
    monkeypatch.setattr(
        Query, "add_q", lambda self, *a, **k: built.append(1) or add_q(self, *a, **k)
    )
    with partnership_scope(partnership), CaptureQueriesContext(connection) as queries:
        actions = list(Action.objects.prefetch_related("updates"))
        texts = {u.text for a in actions for u in a.updates.all()}
    monkeypatch.undo()
    return len(built), len(queries), texts


def test_a_bare_prefetch_builds_the_scope_filter_once_however_many_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small, large = _plan("Small", 3), _plan("Large", 30)
    for partnership in (small, large):  # each model's first use in a scope builds its filter
        _cost(partnership, monkeypatch)
    small_cost, large_cost = _cost(small, monkeypatch), _cost(large, monkeypatch)
    assert small_cost[1] == large_cost[1] == 2  # actions, then every update at once
    assert small_cost[0] == large_cost[0], "filters built grew with the actions prefetched"
    assert small_cost[2] == {"Small update"} and large_cost[2] == {"Large update"}


def test_a_prefetch_never_fetches_another_partnerships_rows() -> None:
    mine, theirs = _plan("Mine", 2), _plan("Theirs", 2)
    with across_partnerships():
        their_actions = list(Action.objects.filter(objective__priority__year__partnership=theirs))
    with partnership_scope(mine):
        assert {u.text for u in ProgressUpdate.objects.all()} == {"Mine update"}
        prefetch_related_objects(their_actions, "updates")  # their rows, asked in my scope
        assert [list(a.updates.all()) for a in their_actions] == [[], []]
        assert ProgressUpdate.objects.filter(text="Theirs update").count() == 0
    with partnership_scope(theirs):  # the same model in another scope: its own filter
        assert {u.text for u in ProgressUpdate.objects.all()} == {"Theirs update"}
        assert {a.text for a in Action.objects.filter(updates__rag=Rag.GREEN)} == {
            "Theirs action 0", "Theirs action 1"
        }  # fmt: skip
    with partnership_scope(None):
        assert not ProgressUpdate.objects.exists()
