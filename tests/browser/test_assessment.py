"""Building a Strategic Assessment from the app in a real browser: the form, the builds page
reloading itself until the build has finished, the edition it kept; axe on the new pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.editions.tests.samples import editions_in
from saferplan.jobs.models import Job
from saferplan.jobs.monitor import Monitor
from saferplan.jobs.runner import execute
from saferplan.jobs.worker import WorkerProcess
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_data(demo_warehouse, demo_scope, monkeypatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo partnership over the demo warehouse (provenance from its import records)."""
    from saferplan.reports import build

    editions_in(monkeypatch, tmp_path / "editions")
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    records = demo_warehouse.import_records
    monkeypatch.setattr(build, "provenance", lambda ids: build.provenance_from(records, ids))
    return demo_scope


def _run_queued_build() -> None:
    """What the worker beside the web server does, here in the test's own thread."""
    job = Job.objects.get(state="queued")
    assert execute(job.pk, WorkerProcess("test:1", Monitor("test:1"))) == "succeeded"


def test_an_analyst_builds_the_assessment_and_watches_it_finish(
    page, live_server, artifacts, app_data
) -> None:
    base = live_server.url
    sign_in(page, base, "analyst")
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="Build a Strategic Assessment").click()
    assert page.locator("h1").inner_text() == "Build a Strategic Assessment"
    assert page.get_by_label("Area").input_value() == "Harrow"
    page.get_by_label("Year or period").fill("2018")
    for box in page.locator("input[name=themes]").all():
        box.uncheck()
    page.get_by_label("Burglary", exact=True).check()
    page.screenshot(path=str(artifacts / "assessment-new.png"), full_page=True)
    page.get_by_role("button", name="Build the assessment").click()
    page.wait_for_url(f"{base}/assessment/builds/")
    assert "Queued" in page.locator("table").inner_text()
    _run_queued_build()
    # The page reloads itself (every 2 s while a build is unfinished) and links the edition.
    link = page.get_by_role("link", name="Harrow Strategic Assessment 2018")
    link.wait_for(timeout=15_000)
    page.screenshot(path=str(artifacts / "assessment-builds.png"), full_page=True)
    link.click()
    assert page.locator("h1").inner_text() == "Harrow Strategic Assessment 2018"
    frame = page.frame_locator("iframe.app-document-frame")
    assert "Harrow" in frame.locator("h1").inner_text()


def test_a_bad_year_is_shown_in_the_error_summary(page, live_server, app_data) -> None:
    sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/assessment/new/")
    page.get_by_label("Year or period").fill("2031")
    page.get_by_role("button", name="Build the assessment").click()
    summary = page.locator(".govuk-error-summary")
    assert "No crime data by borough for Harrow for 2031" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_year"
    assert not Job.objects.exists()


@pytest.mark.parametrize("what", ["form", "form with errors", "builds"])
def test_the_assessment_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, app_data, what: str
) -> None:
    from saferplan.jobs.queue import enqueue
    from saferplan.reports.jobs import KIND

    enqueue(KIND, {"area": "Harrow", "year": "2018", "comparators": ["London"]},
            requested_by="analyst", partnership=app_data)  # fmt: skip
    sign_in(a11y_page, live_server.url, "admin")
    if what == "builds":
        a11y_page.goto(f"{live_server.url}/assessment/builds/")
    else:
        a11y_page.goto(f"{live_server.url}/assessment/new/")
        if what == "form with errors":
            a11y_page.get_by_label("Year or period").fill("not a year")
            a11y_page.get_by_role("button", name="Build the assessment").click()
            a11y_page.locator(".govuk-error-summary").wait_for()
    assert serious_violations(a11y_page) == []
