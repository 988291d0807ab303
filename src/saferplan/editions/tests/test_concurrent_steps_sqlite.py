"""Two people recording the same next step at the same moment on SQLite (the suite's file
database, written in BEGIN IMMEDIATE transactions): the second waits for the first's write
lock, then finds the edition moved on and gets the conflict message; one step and one audit
event are kept."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions import steps
from saferplan.editions.models import Edition, Step
from saferplan.editions.tests.samples import keep_sample

pytestmark = pytest.mark.django_db(transaction=True)

DECISION = steps.Decision("Overview and Scrutiny Committee", dt.date(2019, 6, 12))


def test_the_same_step_at_the_same_moment_on_sqlite_is_kept_once(
    partnership, data_dir, tmp_path: Path, monkeypatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL run takes test_concurrent_steps (row locks)")
    assert connection.settings_dict["NAME"] not in ("", ":memory:")  # a real file
    assert not connection.settings_dict["NAME"].startswith("file:memorydb")
    edition = keep_sample(tmp_path / "a", "Harrow")
    events_before = AuditEvent.objects.filter(model="editions.Edition").count()
    both_ready = threading.Barrier(2)
    first_inside, let_first_finish = threading.Event(), threading.Event()
    record = steps._record

    def held_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        """The first to get here holds the write lock until told to finish."""
        if not first_inside.is_set():
            first_inside.set()
            assert let_first_finish.wait(20)
        return record(*args, **kwargs)

    monkeypatch.setattr(steps, "_record", held_record)
    outcomes: dict[str, object] = {}

    def take(name: str) -> None:
        """Both opened the page at 'draft' and record Overview and Scrutiny, as the form does."""
        try:
            with partnership_scope(partnership):
                found = Edition.objects.get(pk=edition.pk)
                both_ready.wait(10)
                outcomes[name] = steps.advance(
                    found, "overview-and-scrutiny", DECISION, expected_state="draft"
                )
        except steps.StepError as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    assert first_inside.wait(20)
    threads[0].join(1)
    threads[1].join(1)
    assert all(t.is_alive() for t in threads)  # one holds the lock, the other waits for it
    let_first_finish.set()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    kept = [o for o in outcomes.values() if isinstance(o, Step)]
    refused = [o for o in outcomes.values() if isinstance(o, steps.StepError)]
    assert len(kept) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], steps.StaleState)
    assert "has moved on since the page was opened: it is now at 'overview-and-scrutiny'" in (
        refused[0].message
    )
    assert Step.objects.filter(edition=edition).count() == 1
    assert Edition.objects.get(pk=edition.pk).state == "overview-and-scrutiny"
    events = AuditEvent.objects.filter(model="editions.Edition").count() - events_before
    assert events == 1
