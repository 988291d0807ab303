"""Manage > Themes and Comparator groups in a real browser: an admin's bad save shows the
file's own error (its line) and keeps nothing, a good one is in force; axe-core's serious
rules pass on both pages, with and without the error summary."""

from __future__ import annotations

import pytest

from saferplan.definitions import service
from saferplan.definitions.models import DefinitionVersion
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_sees_the_error_of_a_bad_theme_then_saves_a_good_one(
    page, live_server, artifacts
) -> None:
    load_demo_partnership()
    sign_in(page, live_server.url, "admin")
    page.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("link", name="Themes").click()
    assert "Residential burglary" in page.locator("table").first.inner_text()
    box = page.get_by_label("TOML")
    shipped = box.input_value()
    box.fill(shipped.replace('title = "Burglary"', 'title = "Burglary'))
    page.get_by_role("button", name="Check and save").click()
    summary = page.locator(".govuk-error-summary")
    assert "is not valid TOML" in summary.inner_text() and "line" in summary.inner_text()
    assert not DefinitionVersion.objects.exists()
    page.screenshot(path=str(artifacts / "manage-themes-error.png"), full_page=True)
    page.get_by_label("TOML").fill(
        shipped.replace('title = "Burglary"', 'title = "Burglary (all)"')
    )
    page.get_by_label("What changed").fill("Clearer title")
    page.get_by_role("button", name="Check and save").click()
    assert "The themes are saved" in page.locator("main").inner_text()
    assert "Burglary (all)" in page.locator("table").first.inner_text()
    assert "Clearer title" in page.locator("table").last.inner_text()
    assert service.themes_for(demo_partnership()).get("burglary").title == "Burglary (all)"


@pytest.mark.parametrize("path", ["/manage/themes/", "/manage/comparators/"])
def test_the_pages_have_no_serious_accessibility_violations(a11y_page, live_server, path) -> None:
    page = a11y_page
    load_demo_partnership()
    sign_in(page, live_server.url, "admin")
    page.goto(live_server.url + path)
    assert serious_violations(page) == []
    page.get_by_label("TOML").fill("[groups\n")
    page.get_by_role("button", name="Check and save").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
