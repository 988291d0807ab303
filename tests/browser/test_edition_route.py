"""An edition's route in a real browser: recorded step by step to "published", then on the
public page without signing in; a comment answered by its owner appears in the next
edition's "Responding to Scrutiny's feedback" table. The new pages pass axe-core's serious
rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from saferplan.editions import comments, steps
from saferplan.editions.tests.samples import editions_in, keep_sample
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The Strategic Assessment's declared route after draft, with the meeting of each step.
DECISIONS = [
    ("Overview and Scrutiny", "2019-06-12", "Item 6"),
    ("Board approved", "2019-06-20", "Item 4"),
    ("Published", "2019-06-28", ""),
]


@pytest.fixture
def edition(demo_scope, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    editions_in(monkeypatch, tmp_path / "editions")
    return keep_sample(tmp_path / "first", "Harrow")


def _record(page, label: str, date: str, item: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=f"Record: {label}").click()
    page.get_by_label("Meeting date").fill(date)
    page.get_by_label("Agenda item").fill(item)
    page.get_by_label("Resolution").fill(f"{label}: agreed")
    page.get_by_role("button", name="Record the decision").click()
    page.locator("#route").wait_for()


def test_an_edition_moves_along_its_route_to_the_public_page(
    page, live_server, artifacts, edition
) -> None:
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/editions/{edition.pk}/")
    for label, date, item in DECISIONS:
        _record(page, label, date, item)
        assert page.locator("[aria-current=step]").inner_text().startswith(label)
    history = page.get_by_role("region", name="Route history").inner_text()
    assert "Item 4" in history and "Board approved: agreed" in history
    page.screenshot(path=str(artifacts / "edition-route.png"), full_page=True)

    page.context.clear_cookies()  # a visitor who is not signed in
    page.goto(f"{live_server.url}/published/")
    page.get_by_role("link", name="Harrow Strategic Assessment 2018").click()
    assert page.locator("h1").inner_text() == "Harrow Strategic Assessment 2018"
    body = page.locator("main").inner_text()
    assert "28 June 2019" in body and "Overview and Scrutiny" in body and "Board approved" in body
    frame = page.frame_locator("iframe.app-document-frame")
    assert "crime rose 6.8%" in frame.locator("#summary").inner_text()
    page.screenshot(path=str(artifacts / "published-edition.png"), full_page=True)


def test_a_comment_answered_by_its_owner_is_in_the_next_editions_table(
    page, live_server, artifacts, edition, tmp_path: Path
) -> None:
    owner = get_user_model().objects.get(username="council-lead")
    sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/editions/{edition.pk}/comments/")
    page.get_by_label("A committee or board").check()
    page.get_by_label("Their name").fill("Scrutiny")
    page.get_by_label("Comment", exact=True).fill("Say more about repeat burglary victims.")
    page.get_by_label("Date made").fill("2019-06-12")
    page.get_by_label("Response owner").select_option(str(owner.pk))
    page.get_by_label("Response due").fill("2019-06-30")
    page.get_by_role("button", name="Record the comment").click()
    assert "Say more about repeat burglary victims." in page.locator("main").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "council-lead")
    page.goto(f"{live_server.url}/editions/{edition.pk}/comments/")
    page.get_by_role("link", name="Respond").first.click()
    page.get_by_label("Response", exact=True).fill("Added a paragraph on repeat victims.")
    page.get_by_label("Yes").check()
    page.get_by_label("The change made, or why none was").fill("New paragraph in Burglary.")
    page.get_by_label("Date of the response").fill("2019-07-01")
    page.get_by_role("button", name="Save the response").click()

    later = keep_sample(tmp_path / "second", "Harrow")
    page.goto(f"{live_server.url}/editions/{later.pk}/")
    table = page.get_by_role("table", name="Responding to Scrutiny's feedback")
    text = table.inner_text()
    assert "Say more about repeat burglary victims." in text
    assert "Added a paragraph on repeat victims." in text
    assert "Changed: New paragraph in Burglary." in text
    page.screenshot(path=str(artifacts / "edition-feedback.png"), full_page=True)


@pytest.mark.parametrize(
    "path",
    ["/editions/{id}/advance/", "/editions/{id}/comments/", "/editions/{id}/changes/",
     "/editions/routes/strategic-assessment/", "/published/", "/published/{p}/{published}/"],
)  # fmt: skip
def test_route_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, demo_scope, edition, tmp_path: Path, path: str
) -> None:
    published = keep_sample(tmp_path / "published", "Harrow")
    for day, state in ((12, "overview-and-scrutiny"), (20, "board-approved"), (28, "published")):
        steps.advance(published, state, steps.Decision("Board", dt.date(2019, 6, day)))
    owner = get_user_model().objects.get(username="analyst")
    comments.add_comment(edition, comments.Raised("committee", "Scrutiny", "Why?",
                         dt.date(2019, 6, 12), dt.date(2019, 6, 30), owner))  # fmt: skip
    sign_in(a11y_page, live_server.url, "admin")
    url = path.format(id=edition.pk, p=demo_scope.pk, published=published.pk)
    response = a11y_page.goto(live_server.url + url)
    assert response is not None and response.status == 200
    assert serious_violations(a11y_page) == []


def test_the_public_route_as_adopted_with_a_return_passes_axe(
    a11y_page, live_server, demo_scope, edition, tmp_path: Path
) -> None:
    published = keep_sample(tmp_path / "returned", "Harrow")
    steps.advance(
        published, "overview-and-scrutiny", steps.Decision("Scrutiny", dt.date(2019, 6, 1))
    )
    steps.return_for_changes(published, "draft", steps.Decision("Board", dt.date(2019, 6, 5)))
    for day, state in ((12, "overview-and-scrutiny"), (20, "board-approved"), (28, "published")):
        steps.advance(published, state, steps.Decision("Board", dt.date(2019, 6, day)))
    response = a11y_page.goto(f"{live_server.url}/published/{demo_scope.pk}/{published.pk}/")
    assert response is not None and response.status == 200
    assert "returned for changes on 5 June 2019 (Board)" in a11y_page.content()
    assert serious_violations(a11y_page) == []
