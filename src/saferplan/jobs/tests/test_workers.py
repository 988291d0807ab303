"""Real worker processes on the test database: killed mid-job, stopped, cancelled, several
at once on PostgreSQL, and started by ``saferplan serve``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from saferplan.datastore.models import ImportRecord
from saferplan.datastore.warehouse import Warehouse
from saferplan.jobs.models import Job
from saferplan.jobs.queue import cancel, enqueue, status
from saferplan.jobs.tests.helpers import Processes, police_uk_folder, wait_for

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
FILES = 400  # police.uk files of 200 rows: about a second to read, more to store


def _job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def _reading(pk: int) -> bool:
    page = status(pk)  # as a progress page sees it
    return page["state"] == "running" and 0 < (page["percent"] or 0) < 100


def _storing(pk: int) -> bool:
    page = status(pk)
    return page["state"] == "running" and page["phase"].startswith("storing in the warehouse")


def _stored(data: Path) -> tuple[set[int], set[int]]:
    """Import ids in the database, and import ids the warehouse's catalog lists."""
    records = set(ImportRecord.objects.values_list("pk", flat=True))
    listed = {e.import_id for e in Warehouse(data / "warehouse").entries()}
    return records, listed


@pytest.mark.parametrize("when", [_reading, _storing], ids=["reading", "storing"])
def test_a_worker_killed_mid_import_leaves_all_of_it_or_none(
    processes: Processes, worker_env, tmp_path: Path, when
) -> None:
    folder = police_uk_folder(tmp_path / "in", FILES)
    job = enqueue("import", {"kind": "police-uk", "paths": [str(folder)]}, requested_by="t")
    first = processes.worker()
    wait_for(lambda: when(job.pk))
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert _job(job.pk).state == "running"  # nobody knows yet
    processes.worker()
    wait_for(lambda: _job(job.pk).finished, timeout=30)
    lost = _job(job.pk)
    assert lost.state == "failed"
    assert lost.error.startswith("The worker running this job")
    assert DBTaskResult.objects.get(id=lost.task_id).status == "FAILED"
    records, listed = _stored(Path(worker_env["SAFERPLAN_DATA"]))
    assert records == listed  # the warehouse and its provenance agree: all of it or none
    assert len(records) in (0, FILES)
    if when is _reading:
        assert not records
    # Queued again, it completes, and nothing is imported twice.
    again = enqueue("import", {"kind": "police-uk", "paths": [str(folder)]}, requested_by="t")
    wait_for(lambda: _job(again.pk).finished, timeout=60)
    assert _job(again.pk).state == "succeeded", _job(again.pk).error
    records, listed = _stored(Path(worker_env["SAFERPLAN_DATA"]))
    assert records == listed and len(records) == FILES


def test_cancelling_a_running_import_stops_it_and_stores_nothing(
    processes: Processes, worker_env, tmp_path: Path
) -> None:
    folder = police_uk_folder(tmp_path / "in", FILES)
    job = enqueue("import", {"kind": "police-uk", "paths": [str(folder)]}, requested_by="t")
    processes.worker()
    wait_for(lambda: _reading(job.pk))
    assert cancel(job.pk, by="admin").state == "running"  # it stops at its next report
    wait_for(lambda: _job(job.pk).finished, timeout=30)
    done = _job(job.pk)
    assert done.state == "cancelled", done.error
    assert done.percent is not None and done.percent < 100
    assert done.log[-1]["line"] == "stopped: cancelled as asked"
    assert _stored(Path(worker_env["SAFERPLAN_DATA"])) == (set(), set())


def test_a_stopped_worker_queues_its_job_again_and_the_next_one_runs_it(
    processes: Processes,
) -> None:
    job = enqueue("test-sleep", {"steps": 30, "seconds": 0.1}, requested_by="t")
    first = processes.worker()
    wait_for(lambda: (_job(job.pk).percent or 0) > 0)
    stopped_at = time.monotonic()
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=20) == 0
    assert time.monotonic() - stopped_at < 5  # at its next report, not the job's end
    waiting = _job(job.pk)
    assert (waiting.state, waiting.worker, waiting.percent) == ("queued", "", None)
    assert "queued again, to start from the beginning" in waiting.log[-1]["line"]
    processes.worker()
    wait_for(lambda: _job(job.pk).finished, timeout=30)
    done = _job(job.pk)
    assert (done.state, done.attempts, done.result) == ("succeeded", 2, {"steps": 30})


@pytest.mark.skipif(not ON_POSTGRESQL, reason="several workers are for PostgreSQL")
def test_two_worker_processes_on_postgresql_run_each_job_exactly_once(
    processes: Processes,
) -> None:
    jobs = [
        enqueue("test-sleep", {"steps": 3, "seconds": 0.05}, requested_by="t") for _ in range(16)
    ]
    supervisor = processes.worker("--concurrency", "2")
    wait_for(lambda: all(_job(j.pk).finished for j in jobs), timeout=90)
    done = [_job(j.pk) for j in jobs]
    assert {j.state for j in done} == {"succeeded"}
    assert [j.attempts for j in done] == [1] * len(jobs)
    for job in done:
        started = [line for line in job.log if line["line"].startswith("started by worker")]
        assert len(started) == 1
        assert len(DBTaskResult.objects.get(id=job.task_id).worker_ids) == 1
    workers = {j.worker for j in done}
    assert len(workers) == 2, workers  # both took jobs from the one queue
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0


@pytest.mark.skipif(ON_POSTGRESQL, reason="the refusal is SQLite's")
def test_several_workers_on_sqlite_are_refused(processes: Processes) -> None:
    refused = processes.worker("--concurrency", "2")
    assert refused.wait(timeout=60) == 1
    assert "on SQLite one worker is supported" in processes.output(refused)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _in_session(sid: int) -> set[int]:
    """Every live process of session ``sid`` (zombies count as gone)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_serve_starts_a_worker_and_ctrl_c_stops_both(processes: Processes) -> None:
    # Queued while nothing runs: it waits, stored, for the server's worker.
    job = enqueue("test-sleep", {"steps": 3, "seconds": 0.05}, requested_by="t")
    port = _free_port()
    # Its own session, as a terminal would give it, so Ctrl-C can reach its whole group.
    server = processes.saferplan("serve", "--port", str(port), start_new_session=True)
    wait_for(lambda: _answers(f"http://127.0.0.1:{port}/sign-in/"), timeout=120, every=0.2)
    wait_for(lambda: _job(job.pk).finished, timeout=30)
    assert _job(job.pk).state == "succeeded"
    worker_pid = int(_job(job.pk).worker.rsplit(":", 1)[1])
    family = _in_session(server.pid)
    assert {server.pid, worker_pid} <= family and len(family) >= 4  # + gunicorn and its web workers
    os.killpg(server.pid, signal.SIGINT)  # Ctrl-C
    assert server.wait(timeout=30) == 0
    # Its children end with it; on a loaded machine the niced worker's last steps can take a
    # while (the suite once saw 10 s pass), and a failure names what was left running.
    try:
        wait_for(lambda: not _in_session(server.pid), timeout=30)
    except AssertionError:
        left = {pid: _command_line(pid) for pid in _in_session(server.pid)}
        raise AssertionError(f"still running after serve stopped: {left}") from None
    assert not _answers(f"http://127.0.0.1:{port}/sign-in/")


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return "(gone)"


def test_a_worker_whose_server_died_stops_too(worker_env, tmp_path: Path) -> None:
    """`saferplan serve` killed outright (SIGKILL) cannot stop its worker: it stops itself."""
    log = tmp_path / "worker.log"
    code = (
        "import os, subprocess, sys\n"
        f"out = open({str(log)!r}, 'w')\n"
        "worker = subprocess.Popen([sys.executable, '-m', 'saferplan', 'worker',"
        " '--parent', str(os.getpid())], stdout=out, stderr=out)\n"
        "print(worker.pid, flush=True)\n"
    )  # and ends at once, before the worker is even up
    parent = subprocess.run(
        [sys.executable, "-c", code], env=worker_env, capture_output=True, text=True, check=True
    )
    pid = int(parent.stdout)
    try:
        wait_for(lambda: not _alive(pid), timeout=60, every=0.1)
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    said = log.read_text()
    assert "the process that started this worker" in said and "stopped" in said


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
