"""Child processes that start and stop together: the web server and its jobs worker.

``saferplan serve`` runs gunicorn and a worker this way, ``saferplan worker --concurrency N``
N workers. The children stay in this process's group, so a terminal's Ctrl-C reaches
them as it reaches this one; on SIGINT or SIGTERM this process also sends each one SIGTERM
(for a ``kill`` aimed at it alone), waits up to ``STOP_GRACE`` seconds, then kills what is
left, so nothing outlives it; on Linux a child is also sent SIGTERM should this process be
killed outright (SIGKILL), when it can stop nothing itself. A worker that dies is started
again; when a child that is not restarted ends (the web server), the others are stopped too.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

logger = logging.getLogger("saferplan.jobs")

STOP_GRACE = 20.0  # seconds a child has to stop before it is killed
CHECK_EVERY = 0.2
RESTART_DELAYS = (1, 2, 5, 10, 30)  # seconds before starting a dead child again


@dataclass
class Child:
    name: str
    command: list[str]
    restart: bool = False
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started: float = 0.0
    due: float | None = None  # when a dead child is to be started again
    env: dict[str, str] | None = field(default=None, repr=False)

    def start(self) -> None:
        linux = sys.platform == "linux"
        self.process = subprocess.Popen(
            self.command, env=self.env, preexec_fn=_stop_with_parent if linux else None
        )
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def _stop_with_parent() -> None:
    """In the new child, before it runs: ask Linux for SIGTERM when its parent ends."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def supervise(children: list[Child], grace: float = STOP_GRACE) -> int:
    """Run the children until a signal or a child that is not restarted ends; their exit code."""
    stopping: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        for child in children:
            child.start()
        while not stopping:
            ended = _watch(children)
            if ended is not None:
                code = ended
                break
            time.sleep(CHECK_EVERY)
    finally:
        _stop_all(children, grace)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return code


def _watch(children: list[Child]) -> int | None:
    """Restart dead workers; the exit code of a child that ended and is not restarted."""
    now = time.monotonic()
    for child in children:
        assert child.process is not None
        code = child.process.poll()
        if code is None:
            continue
        if not child.restart:
            logger.warning("%s exited (%s): stopping the rest", child.name, code)
            return code or 1
        if child.due is None:
            if now - child.started > 60:
                child.restarts = 0  # it had been running for a while: not a crash loop
            delay = RESTART_DELAYS[min(child.restarts, len(RESTART_DELAYS) - 1)]
            logger.warning("%s exited (%s): starting it again in %s s", child.name, code, delay)
            child.due = now + delay
        elif now >= child.due:
            child.restarts += 1
            child.due = None
            child.start()
    return None


def _stop_all(children: list[Child], grace: float) -> None:
    for child in children:
        if child.alive():
            assert child.process is not None
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("%s did not stop within %s s: killing it", child.name, grace)
            child.process.kill()
            child.process.wait()
