"""Fixtures for the jobs tests: worker processes sharing the test's database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from saferplan.jobs.tests.helpers import Processes, database_url


@pytest.fixture
def worker_env(transactional_db, tmp_path: Path, monkeypatch) -> dict[str, str]:
    """What a worker process needs to share this test's database: committed data (hence
    ``transactional_db``), a data directory of the test's own (its warehouse, and on SQLite
    the live progress this process reads too, as a web server beside it would), quick
    heartbeats."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        SAFERPLAN_DATA=str(tmp_path / "data"),
        DATABASE_URL=database_url(),
        SAFERPLAN_JOB_HEARTBEAT="0.1",
        SAFERPLAN_JOB_LOST_AFTER="2",
    )
    monkeypatch.setenv("SAFERPLAN_DATA", env["SAFERPLAN_DATA"])
    return env


@pytest.fixture
def processes(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Processes]:
    running = Processes(worker_env, tmp_path)
    try:
        yield running
    finally:
        running.kill_all()  # before the database is flushed
