"""The Build buttons queue a ``build-document`` job, run here by the real runner in this
process: the job page follows it and links the edition, a refused final lists every
reason and keeps nothing, a cancellation before the edition is stored keeps nothing, and
the document's page lists its builds."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.documents.build import STORING
from saferplan.editions.models import Edition
from saferplan.editions.store import editions_root
from saferplan.jobs.context import Cancelled, JobContext
from saferplan.jobs.models import Job
from saferplan.jobs.registry import call
from saferplan.jobs.runner import execute

pytestmark = pytest.mark.django_db
YEAR = "2019-20"
PAGE = f"/plans-to-write/youth-justice-plan/{YEAR}/"


class _Monitor:
    def attach(self, context: JobContext) -> None: ...

    def detach(self) -> None: ...


def run(job_id: int) -> Job:
    """Run a queued job as a worker would, in this process, and read how it ended."""
    process = SimpleNamespace(worker_id="test", stopping=threading.Event(), monitor=_Monitor())
    execute(job_id, process)
    return Job.objects.get(pk=job_id)


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    return client


def queued(client: Client, edition: str) -> Job:
    response = client.post(f"{PAGE}build/", {"edition": edition})
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.state, job.requested_by) == ("build-document", "queued", "yot")
    return job


def test_a_draft_build_is_a_job_that_keeps_an_edition_linked_from_its_page(demo) -> None:
    yot = signed_in("yot")
    job = queued(yot, "draft")
    assert not Edition.objects.exists()  # nothing is built in the request
    done = run(job.pk)
    assert done.state == "succeeded", done.error
    edition = Edition.objects.get()
    assert done.result["edition"] == edition.pk
    assert (edition.document, edition.check_passed, edition.built_by_name) == (
        "youth-justice-plan",
        True,
        "yot",
    )
    assert done.phase == "done" and any("kept as edition" in line["line"] for line in done.log)
    page = yot.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/editions/{edition.pk}/"' in page
    listing = yot.get(PAGE).content.decode()
    assert f'href="/jobs/{job.pk}/"' in listing and f'href="/editions/{edition.pk}/"' in listing
    assert "Succeeded" in listing


def test_a_refused_final_lists_every_reason_on_the_job_page_and_keeps_nothing(demo) -> None:
    yot = signed_in("yot")
    job = queued(yot, "final")
    done = run(job.pk)
    assert done.state == "failed" and not Edition.objects.exists()
    page = yot.get(f"/jobs/{job.pk}/").content.decode()
    assert "govuk-error-summary" in page
    reasons = page.count('class="app-job-reason"')
    assert reasons >= 2  # each empty required section is a reason of its own
    assert '<li class="app-job-reason">required section 1. Introduction is empty' in page
    assert "upload it again" not in page  # not an import
    assert "Failed" in yot.get(PAGE).content.decode()


def test_cancelled_before_the_edition_is_stored_keeps_nothing(demo) -> None:
    """Asked to stop at the last step before storing: no edition, no files."""
    job = Job.objects.create(
        kind="build-document",
        arguments={"document": "youth-justice-plan", "year": YEAR, "edition": "draft"},
        partnership=demo,
        requested_by="yot",
    )
    context = JobContext(job.pk, job.kind, job.arguments, partnership=demo, requested_by="yot")
    report = context.progress

    def cancelled_at_storing(phase: str | None = None, **how: float | None) -> None:
        if phase == STORING:
            context.cancel_requested.set()
        report(phase, **how)  # type: ignore[arg-type]

    context.progress = cancelled_at_storing  # type: ignore[method-assign]
    folder = editions_root() / str(demo.pk)
    before = set(folder.iterdir()) if folder.exists() else set()  # earlier tests' files
    with pytest.raises(Cancelled):
        call(context)
    assert not Edition.objects.exists()
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_only_the_documents_owners_queue_a_build_and_nonsense_is_refused(demo) -> None:
    assert signed_in("analyst").post(f"{PAGE}build/", {"edition": "draft"}).status_code == 403
    refused = signed_in("yot").post(f"{PAGE}build/", {"edition": "nonsense"})
    assert refused.status_code == 400 and not Job.objects.exists()


def test_a_job_asked_for_by_someone_who_may_not_build_fails(demo) -> None:
    job = Job.objects.create(
        kind="build-document",
        arguments={"document": "youth-justice-plan", "year": YEAR},
        partnership=demo,
        requested_by="analyst",
    )
    done = run(job.pk)
    assert done.state == "failed" and "may not build" in done.error
    assert not Edition.objects.exists()
