"""Abandoned uploads expire: an upload older than the time it is kept for, that no queued
or running job names, is deleted by the worker's housekeeping and by ``saferplan uploads
clean``; the plan preview says until when it is kept, and confirming an expired upload says
so and stores nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from saferplan.jobs.models import Job, State
from saferplan.plans.demo import FIXTURES, load_demo_partnership
from saferplan.plans.models import StrategyYear

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    (tmp_path / "data" / "uploads" / "incoming").mkdir(parents=True)
    return tmp_path / "data"


def folder(data: Path, kept: datetime, hex16: str) -> Path:
    """An upload's folder as ``web.uploads.keep`` names it, with one file."""
    path = data / "uploads" / f"{kept:%Y%m%dT%H%M%S}-{hex16}"
    path.mkdir()
    (path / "crimes.csv").write_text("Crime ID\n", encoding="utf-8")
    return path


def queued(path: Path, state: str) -> None:
    arguments = {"kind": "police-uk", "paths": [str(path / "crimes.csv")], "uploaded": str(path)}
    Job.objects.create(kind="import", arguments=arguments, requested_by="analyst", state=state)


def uploads(data: Path) -> set[str]:
    return {p.name for p in (data / "uploads").iterdir()}


def test_old_uploads_no_job_will_read_are_deleted(data: Path) -> None:
    from saferplan.web.upload_expiry import clean

    young = folder(data, NOW - timedelta(hours=23, minutes=59), "a" * 16)
    old = folder(data, NOW - timedelta(hours=24), "b" * 16)
    importing = folder(data, NOW - timedelta(hours=30), "c" * 16)
    waiting = folder(data, NOW - timedelta(hours=30), "d" * 16)
    failed = folder(data, NOW - timedelta(hours=30), "e" * 16)
    queued(importing, State.RUNNING)
    queued(waiting, State.QUEUED)
    queued(failed, State.FAILED)
    stray = data / "uploads" / "notes"  # not a name the server gives: never touched
    stray.mkdir()

    removed = clean(now=NOW)
    assert [r.name for r in removed] == [failed.name, old.name]  # oldest first
    assert removed[1].files == ("crimes.csv",)
    assert uploads(data) == {"incoming", "notes", young.name, importing.name, waiting.name}
    # An hour's limit, as the command's --older-than gives it, takes the young one too.
    assert [r.name for r in clean(1, now=NOW)] == [young.name]


def test_the_command_prints_each_upload_it_deleted(data: Path) -> None:
    from saferplan.cli.main import app

    now = datetime.now(UTC)
    old = folder(data, now - timedelta(hours=3), "1" * 16)
    young = folder(data, now - timedelta(minutes=30), "2" * 16)
    said = CliRunner().invoke(app, ["uploads", "clean", "--older-than", "2"])
    assert said.exit_code == 0, said.output
    assert f"Deleted {old.name} (crimes.csv)" in said.output
    assert "1 upload(s) older than 2 hours deleted." in said.output
    assert uploads(data) == {"incoming", young.name}
    said = CliRunner().invoke(app, ["uploads", "clean"])  # 24 hours by default
    assert said.exit_code == 0 and "0 upload(s) older than 24 hours" in said.output
    assert uploads(data) == {"incoming", young.name}


def test_the_workers_housekeeping_deletes_old_uploads(data: Path) -> None:
    from saferplan.jobs.monitor import Monitor

    old = folder(data, datetime.now(UTC) - timedelta(hours=25), "3" * 16)
    young = folder(data, datetime.now(UTC), "4" * 16)
    Monitor("test:1").reap()  # as before a worker's first job
    assert uploads(data) == {"incoming", young.name}
    assert not old.exists()


def test_an_expired_plan_upload_is_not_imported_and_says_so(data: Path) -> None:
    load_demo_partnership()
    client = Client()
    client.force_login(get_user_model().objects.get(username="analyst"))
    content = (FIXTURES / "delivery_plan_2018_19.csv").read_bytes()
    sent = client.post("/plans/import/", {"upload": SimpleUploadedFile("plan.csv", content)})
    upload_id = sent["Location"].strip("/").rsplit("/", 1)[1]
    page = client.get(f"/plans/import/{upload_id}/").content.decode()
    kept = datetime.strptime(upload_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    until = (kept + timedelta(hours=24)).astimezone(ZoneInfo("Europe/London"))
    assert f"kept until {until:%H:%M} on {until.day} {until:%B %Y}" in page

    # The same upload, kept 25 hours ago.
    stale = (kept - timedelta(hours=25)).strftime("%Y%m%dT%H%M%S") + upload_id[15:]
    (data / "uploads" / upload_id).rename(data / "uploads" / stale)
    done = client.post(f"/plans/import/{stale}/confirm/", follow=True)
    said = done.content.decode()
    assert re.search(r"That upload expired at \d\d:\d\d on .* \(uploads are kept for 24 hours\)",
                     said), said  # fmt: skip
    assert "Nothing was imported: upload the file again." in said
    assert not StrategyYear.objects.filter(label="2018/19").exists()
    assert uploads(data) == {"incoming"}  # and it is deleted
    # Once deleted, the page still says it expired (judged from its id alone).
    again = client.post(f"/plans/import/{stale}/confirm/", follow=True).content.decode()
    assert "That upload expired at" in again
