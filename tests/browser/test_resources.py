"""Resources and risk register pages in a real browser: a line changed through the form
changes the computed total, a bad amount is refused with the error summary linking to its
field, and every page passes axe-core's serious rules."""

from __future__ import annotations

import pytest

from saferplan.resources.demo import load_demo_resources
from saferplan.resources.models import BudgetLine, Risk
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def resources(demo_scope) -> None:
    load_demo_resources(demo_scope)


def test_a_changed_line_changes_the_total_and_a_bad_amount_is_refused(
    page, live_server, artifacts, resources
) -> None:
    base = live_server.url
    sign_in(page, base, "yot")
    police = BudgetLine.objects.get(year="2019-20", agency="police")
    page.goto(f"{base}/resources/budget/{police.pk}/")
    page.get_by_label("Payments in kind").fill("£91,86x")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "payments_in_kind"
    page.get_by_label("Payments in kind").fill("£100,000")
    with page.expect_navigation(url=f"{base}/resources/2019-20/budget/"):
        page.get_by_role("button", name="Save").click()
    # In kind 100,000 + 49,173 + 72,885; with the cash of 963,884.
    total = page.locator("caption + thead + tbody tr").last.inner_text()
    assert "£222,058" in total and "£1,185,942" in total
    page.screenshot(path=str(artifacts / "resources-budget.png"), full_page=True)


@pytest.mark.parametrize(
    "path",
    ["/resources/", "/resources/2019-20/budget/", "/resources/2017-18/grant-allocation/",
     "/resources/2017-18/staffing/", "/resources/2019-20/funding/", "/resources/2019-20/budget/add/",
     "/resources/2019-20/funding/add/", "/risks/", "/risks/{risk}/", "/risks/{risk}/edit/",
     "/risks/add/"],
)  # fmt: skip
def test_resources_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, artifacts, resources, path: str
) -> None:
    sign_in(a11y_page, live_server.url, "admin")
    risk = Risk.objects.order_by("id").first()
    assert risk is not None
    a11y_page.goto(live_server.url + path.format(risk=risk.pk))
    assert serious_violations(a11y_page) == []
    name = "resources-" + path.strip("/").replace("/", "-").replace("{risk}", "risk")
    a11y_page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
