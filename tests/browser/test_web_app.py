"""The web app in a real browser: sign in, record progress, see the roll-up change; and
every main page passes axe-core's accessibility rules with no serious violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.plans.demo import DEMO_PASSWORD, load_demo_partnership
from saferplan.plans.models import Action, StrategyYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]  # fmt: skip


def test_action_lead_records_progress_and_the_roll_up_changes(page, live_server, artifacts) -> None:
    load_demo_partnership()
    base = live_server.url
    year = StrategyYear.objects.get()
    action = Action.objects.filter(lead_organisation__name__startswith="Metropolitan").first()
    assert action is not None
    sign_in(page, base, "police-lead")
    page.screenshot(path=str(artifacts / "web-home-action-lead.png"), full_page=True)
    page.goto(f"{base}/plans/{year.pk}/")
    green_before = page.locator(".app-rag", has_text="Green:").first.inner_text()
    assert green_before == "Green: 0"
    page.goto(f"{base}/actions/{action.pk}/")
    page.get_by_role("link", name="Record progress").click()
    page.get_by_role("button", name="Save update").click()  # empty: errors shown
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Select a RAG rating" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Green").check()
    page.get_by_label("Update on progress").fill("Be Safe programme delivered in all wards.")
    page.screenshot(path=str(artifacts / "web-record-progress.png"), full_page=True)
    page.get_by_role("button", name="Save update").click()
    page.wait_for_url(f"{base}/actions/{action.pk}/")
    assert "Be Safe programme delivered in all wards." in page.content()
    page.goto(f"{base}/plans/{year.pk}/")
    assert page.locator(".app-rag", has_text="Green:").first.inner_text() == "Green: 1"
    page.screenshot(path=str(artifacts / "web-plan.png"), full_page=False)


@pytest.mark.parametrize("path", ["/sign-in/", "/", "/plans/{year}/", "/plans/{year}/overdue/",
                                  "/plans/{year}/by-organisation/", "/actions/{action}/",
                                  "/actions/{action}/update/", "/audit/",
                                  "/plans/{year}/quality/", "/plans/{year}/year-end/",
                                  "/plans/{year}/leads/"])  # fmt: skip
def test_pages_have_no_serious_accessibility_violations(a11y_page, live_server, path: str) -> None:
    page = a11y_page
    load_demo_partnership()
    year = StrategyYear.objects.get()
    action = Action.objects.first()
    assert action is not None
    if path != "/sign-in/":
        sign_in(page, live_server.url, "admin")
    page.goto(live_server.url + path.format(year=year.pk, action=action.pk))
    assert serious_violations(page) == []


def test_the_refusal_page_has_no_serious_accessibility_violations(a11y_page, live_server) -> None:
    page = a11y_page
    load_demo_partnership()
    year = StrategyYear.objects.get()
    sign_in(page, live_server.url, "board")
    response = page.goto(f"{live_server.url}/plans/{year.pk}/year-end/")
    assert response is not None and response.status == 403
    assert "Only analysts and partnership admins" in page.content()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Go back to the page you were on").click()
    page.wait_for_url(f"{live_server.url}/plans/{year.pk}/")


def test_an_analyst_settles_an_unmatched_lead(page, live_server, artifacts) -> None:
    load_demo_partnership()
    base = live_server.url
    year = StrategyYear.objects.get()
    sign_in(page, base, "analyst")
    page.goto(f"{base}/plans/{year.pk}/")
    page.get_by_role("link", name="Lead organisations").click()
    row = page.locator("tr", has_text="Tanya Sprunks Inspector")
    row.get_by_label("Organisation of Tanya Sprunks Inspector").select_option(
        label="Metropolitan Police: Harrow"
    )
    page.screenshot(path=str(artifacts / "web-settle-lead.png"), full_page=True)
    row.get_by_role("button").click()
    page.wait_for_url(f"{base}/plans/{year.pk}/leads/")
    assert "2 actions updated" in page.locator(".govuk-notification-banner").inner_text()
    assert (
        Action.objects.filter(
            lead_text="Tanya Sprunks Inspector",
            lead_organisation__name="Metropolitan Police: Harrow",
        ).count()
        == 2
    )
