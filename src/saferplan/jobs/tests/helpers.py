"""Helpers for the jobs tests: real worker processes on the test database, and inputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

HARROW = Path(__file__).resolve().parents[2] / "demo/data/police_uk/harrow-2018-06-street.csv"
T = TypeVar("T")


def database_url() -> str:
    """The test database as a DATABASE_URL, for processes the tests start."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = quote(s["USER"] or "", safe="")
    password = quote(s["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def wait_for(check: Callable[[], T], timeout: float = 60, every: float = 0.02) -> T:
    """``check()``'s first true value, polled until ``timeout`` seconds have gone."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {check}")
        time.sleep(every)


class Processes:
    """``saferplan`` commands as real processes, every one killed when the test ends."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def saferplan(self, *args: str, **popen: Any) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"process-{len(self.started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "saferplan", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            **popen,
        )
        self.started.append(process)
        return process

    def worker(self, *args: str) -> subprocess.Popen[bytes]:
        return self.saferplan("worker", *args)

    def output(self, process: subprocess.Popen[bytes]) -> str:
        return (self.logs / f"process-{self.started.index(process)}.log").read_text()

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)  # its children too, if it leads
                except (ProcessLookupError, PermissionError):
                    process.kill()
            process.wait(timeout=30)


def police_uk_folder(folder: Path, files: int, rows: int = 200) -> Path:
    """``files`` police.uk street files of Harrow's rows, each different (its own SHA-256)."""
    header, first, *rest = HARROW.read_bytes().split(b"\n")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        body = [header, b"%064x" % i + first, *rest[: rows - 1]]
        (folder / f"copy-{i:04d}-street.csv").write_bytes(b"\n".join(body) + b"\n")
    return folder
