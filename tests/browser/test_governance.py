"""Governance in a real browser: a person without an account answers a questionnaire by
its open link (and stops being contacted by their own link); the analyst sees the result;
the public and staff pages pass axe-core's serious rules."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches

from saferplan.accounts.tenancy import partnership_scope
from saferplan.governance.models import Answer, Response
from saferplan.governance.tests.samples import harrow_questionnaire
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def questionnaire(settings):  # type: ignore[no-untyped-def]
    settings.GOVERNANCE_ANSWER_MIN_SECONDS = 1
    caches["throttle"].clear()
    load_demo_partnership()
    with partnership_scope(demo_partnership()):
        return harrow_questionnaire(demo_partnership())


def test_a_person_without_an_account_answers_a_questionnaire(
    page, live_server, artifacts, questionnaire
) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    page.goto(f"{live_server.url}/answer/{questionnaire.slug}/")
    assert page.locator("h1").inner_text() == questionnaire.title
    assert page.get_by_role("link", name="Sign out").count() == 0
    objectives = page.get_by_role("group", name="1. Are the strategic objectives the right ones?")
    objectives.get_by_label("Partially").check()
    page.get_by_label("Comment or suggestion").first.fill("More about prevention, please.")
    page.get_by_role(
        "group", name="3. Is Harrow's YOT Partnership Board effectively established?"
    ).get_by_label("Yes").check()
    page.get_by_label("4. How could it be improved?").fill("Invite young people to the board.")
    involved = page.get_by_role("group", name="7. Would you like to be involved", exact=False)
    involved.get_by_label("Maybe: keep me informed").check()
    page.get_by_role("button", name="Send my answers").click()  # no email yet: an error
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address, or choose No" in summary.inner_text()
    assert page.get_by_label("Partially").first.is_checked()  # answers kept on the page
    page.get_by_label("Email address").fill("young.person@example.org")
    channels = page.get_by_role("group", name="8. How should we publicise", exact=False)
    channels.get_by_label("Website").check()
    channels.get_by_label("Other").check()
    page.get_by_label("Other: please specify").fill("School assemblies")
    page.screenshot(path=str(artifacts / "questionnaire-answer.png"), full_page=True)
    time.sleep(1)  # the form refuses what is sent faster than a person could
    page.get_by_role("button", name="Send my answers").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Thank you"
    stored = Response.objects.get()
    assert stored.contact_email == "young.person@example.org"
    answers = {a.item.number: a for a in Answer.objects.select_related("item")}
    assert (answers[1].choice, answers[1].text) == ("partially", "More about prevention, please.")
    assert answers[8].choices == ["Website", "other"] and answers[8].text == "School assemblies"
    page.get_by_role("link", name="Stop contacting me").click()
    page.get_by_role("button", name="Remove my email address").click()
    assert "your email address has been removed" in page.locator("main").inner_text()
    stored.refresh_from_db()
    assert stored.contact_email == ""
    assert refused == []


@pytest.mark.parametrize("path", ["/answer/{slug}/", "/questionnaires/{pk}/results/",
                                  "/questions/", "/consultations/", "/bodies/",
                                  "/questionnaires/{pk}/"])  # fmt: skip
def test_governance_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, questionnaire, path: str
) -> None:
    page = a11y_page
    if not path.startswith("/answer/"):
        sign_in(page, live_server.url, "analyst")
    page.goto(live_server.url + path.format(slug=questionnaire.slug, pk=questionnaire.pk))
    assert serious_violations(page) == []
