"""Imports from the browser in a real Chromium, with a real worker process: an analyst
uploads a police.uk file and watches the job's progress bar reach done (the page polls the
server every second); a bad file's errors; and axe-core on every new page."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from saferplan.jobs.models import Job
from saferplan.jobs.tests import conftest as jobs_fixtures
from saferplan.jobs.tests.helpers import HARROW, Processes
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# A worker process sharing the test's database and data directory, as the jobs tests have.
worker_env = jobs_fixtures.worker_env
processes = jobs_fixtures.processes


def _upload(page, base: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/imports/new/")
    page.get_by_label("police-uk: police.uk street-level crime").check()
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))


def test_an_analyst_uploads_a_police_uk_file_and_watches_it_reach_done(
    page,
    live_server,
    processes: Processes,
    artifacts,
) -> None:
    load_demo_partnership()
    base = live_server.url
    sign_in(page, base, "analyst")
    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Upload files").click()
    page.get_by_role("button", name="Upload and import").click()  # nothing chosen: errors
    summary = page.locator(".govuk-error-summary")
    assert "Select what the files hold" in summary.inner_text()
    assert "Choose one or more files to upload" in summary.inner_text()
    page.screenshot(path=str(artifacts / "import-upload-errors.png"), full_page=True)
    _upload(page, base, HARROW)
    job = Job.objects.get()
    assert page.locator("#job-state").inner_text() == "Queued"  # no worker yet
    for _ in range(2):  # the page asks the server, every second, without reloading
        page.wait_for_event("request", lambda r: "progress.json" in r.url, timeout=5000)
    assert page.locator("#job-state").inner_text() == "Queued"
    page.screenshot(path=str(artifacts / "import-job-queued.png"), full_page=True)
    processes.worker()  # a worker starts: the page sees the job through to the end
    page.locator("#job-state", has_text="Succeeded").wait_for(timeout=60_000)
    assert page.locator("#job-progress").get_attribute("value") == "100"
    assert "done: 100%" in page.locator("#job-progress-text").inner_text()
    page.screenshot(path=str(artifacts / "import-job-done.png"), full_page=True)
    job.refresh_from_db()
    page.get_by_role("link", name="harrow-2018-06-street.csv").click()
    listed = page.locator(f"#import-{job.result['imported'][0]['import']}").inner_text()
    assert hashlib.sha256(HARROW.read_bytes()).hexdigest() in listed
    assert "analyst" in listed


def test_a_running_jobs_page_counts_the_seconds_it_has_run(page, live_server, worker_env) -> None:
    """Through a step that reports nothing (one long database statement) the page still
    moves: the seconds the job has run, from the server, at each poll."""
    from datetime import timedelta

    from django.utils import timezone

    load_demo_partnership()
    sign_in(page, live_server.url, "analyst")
    _upload(page, live_server.url, HARROW)
    started = timezone.now() - timedelta(seconds=40)
    Job.objects.update(state="running", started_at=started, phase="building the rollup")
    elapsed = page.locator("#job-elapsed")
    elapsed.filter(has_text=re.compile(r"\(\d+ s so far\)")).wait_for(timeout=10_000)
    first = int(re.findall(r"\d+", elapsed.inner_text())[0])
    assert first >= 40 and "building the rollup" in page.locator("#job-phase").inner_text()
    page.wait_for_function(
        "n => parseInt(document.getElementById('job-elapsed').textContent.match(/\\d+/)) > n",
        arg=first,
        timeout=10_000,
    )


def test_a_bad_upload_shows_its_errors_in_the_browser(
    page,
    live_server,
    processes: Processes,
    tmp_path: Path,
    artifacts,
) -> None:
    load_demo_partnership()
    lines = HARROW.read_text(encoding="utf-8").split("\n")
    lines[4] = lines[4].replace("2018-06", "June 2018", 1)
    bad = tmp_path / "june-street.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    processes.worker()
    sign_in(page, live_server.url, "analyst")
    _upload(page, live_server.url, bad)
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(timeout=60_000)  # shown once the job has failed, the page reloaded
    assert "june-street.csv, row 5, column ‘Month’" in summary.inner_text()
    assert "Nothing was stored" in summary.inner_text()
    page.screenshot(path=str(artifacts / "import-job-failed.png"), full_page=True)


def _jobs() -> dict[str, int]:
    """A finished import job and a failed one, for the pages that show them."""
    made = {}
    for name, state in (("done", "succeeded"), ("failed", "failed")):
        result = {"imported": [{"import": 1, "file": "a-street.csv", "rows_read": 2,
                                "rows_kept": 2, "rows_rejected": 0}], "skipped": []}  # fmt: skip
        if state == "failed":
            result = {"errors": [{"file": "a-street.csv", "row": 3, "column": "Month",
                                  "message": "'x' is not a month", "hint": None}]}  # fmt: skip
        made[name] = Job.objects.create(
            kind="import", arguments={"kind": "police-uk", "paths": []}, state=state,
            partnership=demo_partnership(), requested_by="analyst", result=result,
            phase="done", percent=100, log=[{"at": "2026-12-01T09:00:00", "line": "started"}],
        ).pk  # fmt: skip
    made["queued"] = Job.objects.create(
        kind="import", arguments={"kind": "police-uk", "paths": []},
        partnership=demo_partnership(), requested_by="analyst",
    ).pk  # fmt: skip
    return made


IMPORT_PAGES = ["/imports/", "/imports/new/", "/jobs/", "/jobs/{done}/", "/jobs/{failed}/",
                "/jobs/{queued}/", "/jobs/{queued}/cancel/", "/imports/?since=2026-13-01"]  # fmt: skip


@pytest.mark.parametrize("path", IMPORT_PAGES)
def test_import_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, path: str
) -> None:
    page = a11y_page
    load_demo_partnership()
    jobs = _jobs()
    sign_in(page, live_server.url, "analyst")
    page.goto(live_server.url + path.format(**jobs))
    assert serious_violations(page) == []


def test_the_upload_form_with_errors_has_no_serious_accessibility_violations(
    a11y_page, live_server
) -> None:
    page = a11y_page
    load_demo_partnership()
    sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_role("button", name="Upload and import").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
