"""The monitor thread: progress written a few times a second, cancellation noticed at the
next report, lost jobs found. A real thread on its own connection, so committed data."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections, transaction
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from saferplan.accounts.tenancy import open_data_scope
from saferplan.jobs import registry
from saferplan.jobs.models import Job
from saferplan.jobs.monitor import Monitor, reap_lost_jobs, requeue_orphans
from saferplan.jobs.queue import cancel, enqueue
from saferplan.jobs.runner import execute
from saferplan.jobs.worker import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def process() -> Iterator[WorkerProcess]:
    monitor = Monitor("test:1")
    monitor.start()
    yield WorkerProcess("test:1", monitor)
    monitor.stop()


@pytest.fixture
def kind(monkeypatch):
    """Register a work function for one test only."""

    def add(name: str, function: Any) -> str:
        monkeypatch.setitem(registry._KINDS, name, registry.Kind(name, name, function))
        return name

    return add


def _seen(job_id: int) -> tuple[float | None, str]:
    return Job.objects.filter(pk=job_id).values_list("percent", "phase").get()


def test_progress_reaches_the_record_a_few_times_a_second_not_per_report(
    process, kind, monkeypatch
) -> None:
    saves: list[float] = []
    save = Monitor._save
    monkeypatch.setattr(
        Monitor, "_save", lambda self, *a: (saves.append(time.monotonic()), save(self, *a))
    )
    observed: list[tuple[float, float | None]] = []
    reports = 0

    def chatty(context) -> None:
        nonlocal reports
        start = time.monotonic()
        next_look = start
        while (now := time.monotonic()) - start < 2.0:
            reports += 1
            context.progress("reading", percent=50 * (now - start))
            if now >= next_look:  # as a page polling the job would
                observed.append((now, _seen(context.job_id)[0]))
                next_look = now + 0.05

    job = enqueue(kind("test-chatty", chatty), {}, requested_by="a")
    started = time.monotonic()
    assert execute(job.pk, process) == "succeeded"
    elapsed = time.monotonic() - started
    assert reports > 10_000
    # A few writes a second (four, and the first), however many reports.
    assert len(saves) <= 4 * elapsed + 2, len(saves)
    changes = [t for (t, p), (_, q) in zip(observed[1:], observed, strict=False) if p != q]
    assert len(changes) >= 4
    gaps = [b - a for a, b in zip([started, *changes], [*changes, started + 2.0], strict=False)]
    assert max(gaps) < 1.0, gaps  # what a page shows is never more than a second old
    assert max(p for _, p in observed if p is not None) > 50


def test_cancelling_stops_the_work_at_its_next_report(process, kind) -> None:
    asked: list[float] = []
    stopped: list[float] = []

    def someone_cancels(job_id: int) -> None:
        try:
            with open_data_scope():  # as the page or command that asks would be
                cancel(job_id, by="admin")
            asked.append(time.monotonic())
        finally:
            connections.close_all()

    def steady(context) -> None:
        try:
            for step in range(1000):
                if step == 5:
                    threading.Thread(target=someone_cancels, args=(context.job_id,)).start()
                time.sleep(0.01)
                context.progress(f"step {step}")
        finally:
            stopped.append(time.monotonic())

    job = enqueue(kind("test-steady", steady), {}, requested_by="a")
    assert execute(job.pk, process) == "cancelled"
    # Noticed by the monitor within an interval, then raised by the next report.
    assert stopped[0] - asked[0] < 0.6
    job.refresh_from_db()
    assert (job.state, job.cancel_requested_by, job.finished_at is not None) == (
        "cancelled", "admin", True
    )  # fmt: skip
    assert job.log[-1]["line"] == "stopped: cancelled as asked"


def test_a_job_given_up_as_lost_stops_and_its_record_stands(process, kind) -> None:
    def long(context) -> None:
        for _ in range(500):
            context.progress("working")
            if Job.objects.filter(pk=context.job_id, state="running").exists():
                reap_lost_jobs(after=-3600)  # as if its heartbeats had stopped for an hour
            time.sleep(0.01)

    job = enqueue(kind("test-long", long), {}, requested_by="a")
    assert execute(job.pk, process) == "failed"
    job.refresh_from_db()
    assert job.error.startswith("The worker running this job (test:1) stopped without finishing")


def test_running_jobs_whose_heartbeat_stopped_are_marked_failed() -> None:
    lost = enqueue("test-sleep", {}, requested_by="a")
    alive = enqueue("test-sleep", {}, requested_by="a")
    waiting = enqueue("test-sleep", {}, requested_by="a")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=lost.pk).update(
        state="running", heartbeat_at=an_hour_ago, worker="gone:7"
    )
    Job.objects.filter(pk=alive.pk).update(state="running", heartbeat_at=Now(), worker="here:8")
    DBTaskResult.objects.filter(id=lost.task_id).update(status="RUNNING")
    assert reap_lost_jobs(after=30) == [lost.pk]
    lost.refresh_from_db()
    assert lost.state == "failed" and lost.finished_at is not None
    assert "The worker running this job (gone:7) stopped without finishing it" in lost.error
    assert lost.log[-1]["line"] == "its worker (gone:7) was lost; marked failed"
    assert DBTaskResult.objects.get(id=lost.task_id).status == "FAILED"
    assert Job.objects.get(pk=alive.pk).state == "running"
    assert Job.objects.get(pk=waiting.pk).state == "queued"


def test_a_queued_job_whose_entry_was_taken_but_never_started_is_queued_again() -> None:
    orphan = enqueue("test-sleep", {}, requested_by="a")
    fresh = enqueue("test-sleep", {}, requested_by="a")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk__in=[orphan.pk, fresh.pk]).update(queued_at=an_hour_ago)
    # Its worker took the entry and died before starting the job.
    DBTaskResult.objects.filter(id=orphan.task_id).update(status="RUNNING", started_at=an_hour_ago)
    assert requeue_orphans(after=30) == [orphan.pk]
    orphan.refresh_from_db()
    assert DBTaskResult.objects.get(id=orphan.task_id).status == "READY"
    assert Job.objects.get(pk=fresh.pk).task_id == fresh.task_id


def test_two_workers_taking_one_job_at_once_run_it_once() -> None:
    job = enqueue("test-sleep", {"steps": 3, "seconds": 0.05}, requested_by="a")
    results: list[str] = []
    start = threading.Barrier(2)

    def take(name: str) -> None:
        try:
            start.wait()
            results.append(execute(job.pk, WorkerProcess(name, Monitor(name))))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(f"w{i}:1",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["not queued", "succeeded"]
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_progress_reaches_the_page_while_the_work_holds_the_database(process, kind) -> None:
    """An import holds SQLite's write lock while it publishes: the page still moves."""
    from saferplan.accounts.models import Partnership
    from saferplan.jobs.queue import status

    seen: list[tuple[float, Any, Any]] = []

    def publishing(context) -> None:
        with transaction.atomic():
            Partnership.objects.create(name="Being imported")  # the write lock, on SQLite
            start = time.monotonic()
            while (now := time.monotonic()) - start < 2.0:
                context.progress("storing", percent=40 + 20 * (now - start))
                page = status(context.job_id)
                seen.append((now, page["heartbeat_at"], page["percent"]))
                time.sleep(0.05)

    job = enqueue(kind("test-publishing", publishing), {}, requested_by="a")
    assert execute(job.pk, process) == "succeeded"
    beats = [t for (t, b, _), (_, a, _) in zip(seen[1:], seen, strict=False) if b != a]
    gaps = [b - a for a, b in zip([seen[0][0], *beats], [*beats, seen[-1][0]], strict=False)]
    assert max(gaps) < 1.0, gaps
    assert len({p for _, _, p in seen}) >= 4  # the percent moved on the page too


def test_starting_a_worker_leaves_the_works_own_connection_as_patient_as_ever() -> None:
    """Only the monitor's thread gives up quickly on a busy SQLite, never the work's."""
    from django.db import connection

    from saferplan.jobs.worker import current_process, forget_process

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's busy timeout")
    current_process()
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 10_000  # the settings' value
    finally:
        forget_process()
