"""A job's page and progress JSON say how long it has run, so the page moves on each second
even through a step that reports nothing until it ends."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from saferplan.jobs.models import Job
from saferplan.web.tests.test_imports import (  # noqa: F401 (data is a fixture)
    HARROW,
    client_for,
    data,
    only_job,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]


def _progress(client, job: Job) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return json.loads(client.get(f"/jobs/{job.pk}/progress.json").content)


def test_the_seconds_a_job_has_run_are_shown_while_it_runs_and_once_it_ended() -> None:
    analyst = client_for("analyst")
    upload(analyst, "police-uk", ("harrow-2018-06-street.csv", HARROW.read_bytes()))
    job = only_job()
    assert _progress(analyst, job)["elapsed"] is None  # queued: not started
    started = timezone.now() - timedelta(seconds=75)
    Job.objects.filter(pk=job.pk).update(state="running", started_at=started, phase="reading")
    assert 75 <= _progress(analyst, job)["elapsed"] < 75 + 30
    shown = re.search(r"\((\d+) s so far\)", analyst.get(f"/jobs/{job.pk}/").content.decode())
    assert shown and 75 <= int(shown.group(1)) < 75 + 30
    Job.objects.filter(pk=job.pk).update(
        state="succeeded", finished_at=started + timedelta(seconds=12.6), phase="done"
    )
    assert _progress(analyst, job)["elapsed"] == 12
    assert "(12 s in all)" in analyst.get(f"/jobs/{job.pk}/").content.decode()
