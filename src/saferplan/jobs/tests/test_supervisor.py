"""The children of ``saferplan serve`` (and ``worker --concurrency``) stop with it."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

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
