"""The children of ``saferplan serve`` (and ``worker --concurrency``) stop with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from saferplan.jobs.supervisor import Child, supervise


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_signal_stops_every_child_and_one_that_will_not_stop_is_killed() -> None:
    sleeper = Child("sleeper", _python("import time; time.sleep(60)"))
    stubborn = Child(
        "stubborn",
        _python(
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
        ),
        restart=True,
    )
    # As `kill PID` (or systemd) would: SIGTERM to the supervising process alone.
    threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()
    assert supervise([sleeper, stubborn], grace=1.0) == 0
    assert time.monotonic() - started < 10
    assert sleeper.process is not None and sleeper.process.returncode == -signal.SIGTERM
    assert stubborn.process is not None and stubborn.process.returncode == -signal.SIGKILL


def test_a_dead_worker_is_started_again_and_the_server_ending_stops_the_rest(
    tmp_path: Path,
) -> None:
    starts = tmp_path / "starts"
    worker = Child(
        "worker",
        _python(f"open({str(starts)!r}, 'a').write('started\\n'); raise SystemExit(1)"),
        restart=True,
    )
    server = Child("server", _python("import time; time.sleep(4); raise SystemExit(4)"))
    assert supervise([server, worker], grace=1.0) == 4  # the server's own exit code
    assert starts.read_text().count("started") >= 2  # started again after it died
    assert worker.process is not None and worker.process.poll() is not None


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's parent-death signal")
def test_children_stop_when_the_supervisor_is_killed_outright(tmp_path: Path) -> None:
    pid_file = tmp_path / "child"
    child = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    code = (
        "from saferplan.jobs.supervisor import Child, supervise\n"
        f"supervise([Child('sleeper', {[sys.executable, '-c', child]!r})])\n"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        pid = int(pid_file.read_text())
        supervisor.kill()  # SIGKILL: it can stop nothing itself
        supervisor.wait()
        deadline = time.monotonic() + 10
        while _alive(pid):
            assert time.monotonic() < deadline, "the child outlived its supervisor"
            time.sleep(0.05)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
