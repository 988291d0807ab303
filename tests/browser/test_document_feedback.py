"""A plan's Build button in a real browser: the build runs as a job (run here as a worker
would), its page links the edition; a comment raised on edition 1 is answered in the app,
and the next build's edition shows it in the "Responding to Scrutiny's feedback" table, in
the HTML page (read in Chromium) and in the Word file (read with python-docx). The job page
passes axe-core's serious rules."""

from __future__ import annotations

import re

import docx
import pytest
from django.contrib.auth import get_user_model

from saferplan.documents.tests.conftest import demo  # noqa: F401 (a fixture)
from saferplan.documents.tests.test_build_jobs import run
from saferplan.editions.models import Edition
from saferplan.editions.store import folder_of
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PLAN = "/plans-to-write/youth-justice-plan/2019-20/"
TABLE = "Responding to Scrutiny's feedback"


def build_a_draft(page, url: str) -> Edition:  # type: ignore[no-untyped-def]
    """Press Build a draft, run the job it queued, and follow the job page to the edition."""
    page.goto(url + PLAN)
    page.get_by_role("button", name="Build a draft").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = run(int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert job.state == "succeeded", job.error
    link = page.locator("#job-edition a")
    link.wait_for(timeout=30_000)  # the page reloads itself when the job has finished
    assert serious_violations(page) == []
    link.click()
    return Edition.objects.get(pk=job.result["edition"])


def test_a_comment_answered_in_the_app_is_in_the_next_editions_table(
    a11y_page,
    live_server,
    artifacts,
    demo,  # noqa: F811
) -> None:
    page = a11y_page
    owner = get_user_model().objects.get(username="yot")
    sign_in(page, live_server.url, "yot")
    first = build_a_draft(page, live_server.url)
    page.goto(f"{live_server.url}/editions/{first.pk}/comments/")
    page.get_by_label("A committee or board").check()
    page.get_by_label("Their name").fill("Scrutiny")
    page.get_by_label("Comment", exact=True).fill("Say how many board meetings were held.")
    page.get_by_label("Date made").fill("2026-11-02")
    page.get_by_label("Response owner").select_option(str(owner.pk))
    page.get_by_label("Response due").fill("2026-11-30")
    page.get_by_role("button", name="Record the comment").click()
    page.get_by_role("link", name="Respond").first.click()
    page.get_by_label("Response", exact=True).fill("The governance section now counts them.")
    page.get_by_label("Yes").check()
    page.get_by_label("The change made, or why none was").fill("Meetings added to section 3.")
    page.get_by_label("Date of the response").fill("2026-11-10")
    page.get_by_role("button", name="Save the response").click()

    second = build_a_draft(page, live_server.url)
    assert second.pk != first.pk
    frame = page.frame_locator("iframe.app-document-frame")
    text = frame.get_by_role("table", name=TABLE).inner_text()
    for expected in ("Say how many board meetings were held.",
                     "The governance section now counts them.",
                     "Changed: Meetings added to section 3.", "Answered"):  # fmt: skip
        assert expected in text, (expected, text)
    page.screenshot(path=str(artifacts / "plan-feedback.png"), full_page=True)
    word = docx.Document(str(folder_of(second) / "youth-justice-plan.docx"))
    cells = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    header = ["Raised by", "Comment", "Response", "Change made", "Owner", "Due", "Status"]
    at = cells.index(header)
    row = cells[at + 1]
    assert row[1:4] == ["Say how many board meetings were held.",
                        "The governance section now counts them.",
                        "Changed: Meetings added to section 3."]  # fmt: skip
    assert (row[5], row[6]) == ("30 Nov 2026", "Answered")
