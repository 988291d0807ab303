"""Two people recording the same step at once (PostgreSQL, whose row locks the step takes):
the second waits for the first, then finds the edition moved on, and only one step is kept."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions import steps
from saferplan.editions.models import Edition, Step
from saferplan.editions.tests.samples import keep_sample

pytestmark = pytest.mark.django_db(transaction=True)

DECISION = steps.Decision("Overview and Scrutiny Committee", dt.date(2019, 6, 12))


def test_the_same_step_recorded_twice_at_once_is_kept_once(
    partnership, data_dir, tmp_path: Path, monkeypatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; the PostgreSQL run of the suite takes this one")
    edition = keep_sample(tmp_path / "a", "Harrow")
    first_inside, let_first_finish = threading.Event(), threading.Event()
    record = steps._record

    def held_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        """The first to get here holds its lock on the edition until told to finish."""
        if not first_inside.is_set():
            first_inside.set()
            assert let_first_finish.wait(10)
        return record(*args, **kwargs)

    monkeypatch.setattr(steps, "_record", held_record)
    outcomes: dict[str, object] = {}

    def take(name: str) -> None:
        try:
            with partnership_scope(partnership):
                outcomes[name] = steps.advance(
                    Edition.objects.get(pk=edition.pk), "overview-and-scrutiny", DECISION
                )
        except steps.StepError as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=take, args=("first",))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=take, args=("second",))
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting for the first's lock, not reading the old state
    let_first_finish.set()
    first.join(10)
    second.join(10)
    assert isinstance(outcomes["first"], Step)
    assert isinstance(outcomes["second"], steps.StepError)
    assert "its next step is 'board-approved'" in outcomes["second"].message
    assert Step.objects.filter(edition=edition).count() == 1
    assert Edition.objects.get(pk=edition.pk).state == "overview-and-scrutiny"
