"""Queueing, cancelling and reading jobs in one process (no worker)."""

from __future__ import annotations

import json

import pytest
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.cli.main import app
from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.jobs.models import Job
from saferplan.jobs.monitor import Monitor
from saferplan.jobs.queue import cancel, enqueue, find, status
from saferplan.jobs.runner import execute
from saferplan.jobs.tests.helpers import HARROW
from saferplan.jobs.worker import WorkerProcess


@pytest.fixture
def process() -> WorkerProcess:
    """A worker process's state, for running a job in the test's own thread (its monitor
    thread is not started: the job's record is written when it ends)."""
    return WorkerProcess("test:1", Monitor("test:1"))


def test_a_job_and_its_queue_entry_are_stored_together(db) -> None:
    job = enqueue("test-sleep", {"steps": 2}, requested_by="analyst")
    entry = DBTaskResult.objects.get(id=job.task_id)
    assert entry.status == "READY"
    assert entry.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert entry.task_path == "saferplan.jobs.runner.run_job"
    assert (job.state, job.partnership, job.requested_by) == ("queued", None, "analyst")


def test_mistakes_are_refused_when_queueing_not_in_the_worker(db) -> None:
    with pytest.raises(SaferplanError, match="there is no job kind 'imprt'"):
        enqueue("imprt", {}, requested_by="a")
    with pytest.raises(SaferplanError, match=r"cannot take these arguments.*paths"):
        enqueue("import", {"kind": "police-uk"}, requested_by="a")
    with pytest.raises(SaferplanError, match="cannot take these arguments"):
        enqueue("test-sleep", {"naps": 3}, requested_by="a")
    with pytest.raises(SaferplanError, match="plain data"):
        enqueue("test-sleep", {"steps": object()}, requested_by="a")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_a_queued_job_cancelled_never_runs(db, process) -> None:
    job = enqueue("test-sleep", {"steps": 2, "seconds": 0}, requested_by="a")
    assert cancel(job.pk, by="admin").state == "cancelled"
    assert execute(job.pk, process) == "not queued"
    job.refresh_from_db()
    assert (job.state, job.started_at, job.cancel_requested_by) == ("cancelled", None, "admin")
    with pytest.raises(SaferplanError, match="already finished"):
        cancel(job.pk, by="admin")


def test_a_job_runs_at_most_once_whatever_the_queue_holds(db, process) -> None:
    job = enqueue("test-sleep", {"steps": 1, "seconds": 0}, requested_by="a")
    assert execute(job.pk, process) == "succeeded"
    assert execute(job.pk, process) == "not queued"  # a second entry for it changes nothing
    job.refresh_from_db()
    assert job.attempts == 1
    assert [line["line"] for line in job.log].count("started by worker test:1") == 1


def test_status_is_plain_data_for_a_json_endpoint(db, process) -> None:
    job = enqueue("test-sleep", {"steps": 3, "seconds": 0}, requested_by="analyst")
    queued = status(job.pk)
    assert (queued["state"], queued["finished"], queued["percent"]) == ("queued", False, None)
    execute(job.pk, process)
    found = json.loads(json.dumps(status(job.pk)))  # plain data through and through
    assert found["state"] == "succeeded" and found["finished"] is True
    assert found["label"] == "Sleep in steps (for tests, and to check that a worker runs)"
    assert (found["phase"], found["percent"], found["rows"]) == ("done", 100.0, 3)
    assert found["result"] == {"steps": 3}
    assert found["error"] is None and found["partnership"] is None
    assert [line["line"] for line in found["log"]] == [
        "started by worker test:1", "slept 3 steps of 0 s", "finished"
    ]  # fmt: skip
    assert found["queued_at"] <= found["started_at"] <= found["finished_at"]


def test_a_failure_is_recorded_with_its_message_for_people(db, process) -> None:
    job = enqueue("test-sleep", {"steps": 5, "seconds": 0, "fail_at": 2}, requested_by="a")
    assert execute(job.pk, process) == "failed"
    found = status(job.pk)
    assert found["error"] == "step 2 failed, as asked"
    assert (found["phase"], found["rows"], found["percent"]) == ("step 2 of 5", 1, 20.0)
    assert found["log"][-1]["line"] == "failed: step 2 failed, as asked"


def test_an_internal_error_keeps_its_traceback_for_administrators(db, process) -> None:
    job = enqueue("import", {"kind": "police-uk", "paths": [123]}, requested_by="a")
    assert execute(job.pk, process) == "failed"
    job.refresh_from_db()
    assert job.error.startswith("An internal error stopped the job (TypeError)")
    assert "Traceback" in job.traceback and "TypeError" in job.traceback


def test_a_bad_import_fails_with_the_importers_message(db, process, tmp_path) -> None:
    bad = tmp_path / "bad-street.csv"
    header = HARROW.read_text(encoding="utf-8").split("\n")[0] + "\n"
    bad.write_text(
        header + ",2018-13,x,x,-0.3,51.6,On or near X,E01002181,Harrow 001A,Burglary,,\n"
    )
    job = enqueue("import", {"kind": "police-uk", "paths": [str(bad)]}, requested_by="a")
    assert execute(job.pk, process) == "failed"
    job.refresh_from_db()
    assert f"{bad}, row 2, column 'Month': '2018-13' is not a month" in job.error


def test_another_partnerships_job_is_not_found(db) -> None:
    ours = Partnership.objects.create(name="Ours", areas=["Harrow"])
    theirs = Partnership.objects.create(name="Theirs", areas=["Brent"])
    mine = enqueue("test-sleep", {}, requested_by="a", partnership=ours)
    open_data = enqueue("test-sleep", {}, requested_by="a")
    with partnership_scope(theirs):
        with pytest.raises(NotFoundError, match=f"no job #{mine.pk}"):
            find(mine.pk)
        with pytest.raises(NotFoundError):
            cancel(mine.pk, by="intruder")
        assert find(open_data.pk).pk == open_data.pk  # open data is everyone's
    with partnership_scope(ours):
        assert status(mine.pk)["partnership"] == "Ours"
    mine.refresh_from_db()
    assert mine.state == "queued" and not mine.cancel_requested_by


def test_administrators_list_show_and_cancel_jobs_from_the_command_line(db, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # Rich wraps tables to the terminal width
    harrow = Partnership.objects.create(name="Safer Harrow", areas=["Harrow"])
    theirs = enqueue("test-sleep", {}, requested_by="jo", partnership=harrow)
    other = enqueue("test-sleep", {}, requested_by="sam")
    runner = CliRunner()
    listed = runner.invoke(app, ["jobs", "list"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    assert "Safer Harrow" in listed.output and "(open data)" in listed.output
    only = runner.invoke(app, ["jobs", "list", "--partnership", "safer harrow"], terminal_width=200)
    assert "Safer Harrow" in only.output and "(open data)" not in only.output
    done = runner.invoke(app, ["jobs", "cancel", str(theirs.pk)])
    assert done.exit_code == 0 and f"Job #{theirs.pk} is cancelled" in done.output
    shown = runner.invoke(app, ["jobs", "show", str(theirs.pk)], terminal_width=200)
    assert "state: cancelled" in shown.output and "requested_by: jo" in shown.output
    again = runner.invoke(app, ["jobs", "cancel", str(theirs.pk)])
    assert again.exit_code == 1 and "already finished (cancelled)" in again.output
    missing = runner.invoke(app, ["jobs", "cancel", "999999"])
    assert missing.exit_code == 1 and "there is no job #999999" in missing.output
    other.refresh_from_db()
    assert other.state == "queued"


def test_a_job_runs_in_its_partnerships_scope(db, process, monkeypatch) -> None:
    from django_scopes.state import get_scope

    from saferplan.accounts.tenancy import current_partnership
    from saferplan.jobs import registry

    def whose(context) -> dict:
        found = current_partnership()
        return {"scoped": "partnership" in get_scope(), "name": found.name if found else None}

    monkeypatch.setitem(registry._KINDS, "test-whose", registry.Kind("test-whose", "", whose))
    harrow = Partnership.objects.create(name="Safer Harrow", areas=["Harrow"])
    theirs = enqueue("test-whose", {}, requested_by="a", partnership=harrow)
    open_data = enqueue("test-whose", {}, requested_by="a")
    execute(theirs.pk, process)
    execute(open_data.pk, process)
    assert Job.objects.get(pk=theirs.pk).result == {"scoped": True, "name": "Safer Harrow"}
    # Open-data work sees no partnership's records at all (ADR 0004).
    assert Job.objects.get(pk=open_data.pk).result == {"scoped": True, "name": None}


def test_an_imports_percent_is_of_the_bytes_the_import_reads(db, warehouse, tmp_path) -> None:
    import zipfile

    from saferplan.datastore.importing import importers, run_import
    from saferplan.jobs.kinds import input_bytes
    from saferplan.jobs.tests.helpers import police_uk_folder

    folder = police_uk_folder(tmp_path / "in", 3, rows=50)
    with zipfile.ZipFile(folder / "archive.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(folder / "copy-0000-street.csv", "2018-06/a-street.csv")
        archive.writestr("2018-06/a-outcomes.csv", "not read: not a street file\n" * 100)
    (folder / "notes.txt").write_text("not read\n" * 100)
    single = police_uk_folder(tmp_path / "one", 5, rows=20) / "copy-0004-street.csv"
    read: list[int] = []
    run_import("police-uk", [folder, single], progress=read.append, warehouse=warehouse)
    assert input_bytes([folder, single], importers()["police-uk"].suffixes) == sum(read)


def test_a_result_that_cannot_be_kept_fails_the_job_instead_of_leaving_it_running(
    db, process, monkeypatch
) -> None:
    from saferplan.jobs import registry

    kind = registry.Kind("test-odd", "", lambda context: {"when": object()})
    monkeypatch.setitem(registry._KINDS, "test-odd", kind)
    job = enqueue("test-odd", {}, requested_by="a")
    assert execute(job.pk, process) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and "TypeError" in job.traceback
