"""A delivery plan uploaded in a real Chromium: the preview shows a lead that matched no
organisation before anything is stored, Confirm imports it and shows the plan; axe-core
on the upload page (with its errors) and on the preview."""

from __future__ import annotations

import re

import pytest

from saferplan.plans.demo import FIXTURES, load_demo_partnership
from saferplan.plans.models import StrategyYear
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAST_YEAR = FIXTURES / "delivery_plan_2018_19.csv"
PREVIEW = re.compile(r"/plans/import/\d{8}T\d{6}-[0-9a-f]{16}/$")


def test_an_analyst_previews_then_imports_the_demo_plan(page, live_server, artifacts) -> None:
    load_demo_partnership()  # the 2019/20 plan: last year's is uploaded here
    base = live_server.url
    sign_in(page, base, "analyst")
    page.goto(f"{base}/plans/{StrategyYear.objects.get().pk}/")
    page.get_by_role("link", name="Upload a delivery plan").click()
    page.get_by_label("Delivery plan file").set_input_files(str(LAST_YEAR))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(PREVIEW)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Check the 2018/19 plan before importing it"
    )
    first = page.locator("tbody tr").first.inner_text()
    assert "Not matched" in first
    assert not StrategyYear.objects.filter(label="2018/19").exists()
    page.screenshot(path=str(artifacts / "plan-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    year = StrategyYear.objects.get(label="2018/19")
    assert page.url.endswith(f"/plans/{year.pk}/")
    banner = page.locator(".govuk-notification-banner--success").inner_text()
    assert "The 2018/19 plan was imported from delivery_plan_2018_19.csv." in banner


def test_the_plan_upload_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server
) -> None:
    page = a11y_page
    load_demo_partnership()
    sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/plans/import/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Upload and preview").click()  # nothing chosen
    assert "Choose the plan file to upload" in page.locator(".govuk-error-summary").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Delivery plan file").set_input_files(str(LAST_YEAR))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(PREVIEW)
    assert serious_violations(page) == []


def test_an_analyst_tags_an_action_on_its_edit_page(a11y_page, live_server) -> None:
    """The tags and measures checkboxes, ticked and saved; axe-core on the edit page."""
    from saferplan.plans.models import Action

    page = a11y_page
    load_demo_partnership()
    action = Action.objects.order_by("id").first()
    assert action is not None
    sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    assert serious_violations(page) == []
    page.get_by_label("knife-crime-action-plan").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/actions/{action.pk}/")
    action.refresh_from_db()
    assert action.tags == ["knife-crime-action-plan"]
