"""``saferplan serve`` starts its jobs worker at a lower CPU priority than the web server, so
pages stay quick while an import runs (issue #12, item 5)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from saferplan.cli.serve import _niced


@pytest.mark.skipif(shutil.which("nice") is None, reason="no nice(1) on this system")
def test_the_worker_runs_niced_in_the_process_the_supervisor_started() -> None:
    probe = [sys.executable, "-c", "import os; print(os.getpid(), os.nice(0))"]
    started = subprocess.Popen(_niced(probe, 10), stdout=subprocess.PIPE, text=True)
    out, _ = started.communicate(timeout=60)
    pid, nice = map(int, out.split())
    assert nice == min(19, os.nice(0) + 10)
    assert pid == started.pid  # nice exec'd the worker: signals to the child reach it


def test_no_nice_asked_is_the_command_itself() -> None:
    assert _niced(["saferplan", "worker"], 0) == ["saferplan", "worker"]
