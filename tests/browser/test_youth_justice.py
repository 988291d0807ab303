"""Youth justice pages in a real browser: the dashboard's trend charts render, the period
form works, downloads are offered, definitions open beside the figures, a bad parameter
gets a page saying which, and every page passes axe-core's serious rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.youthjustice.files import write_tables
from saferplan.youthjustice.store import import_extract
from saferplan.youthjustice.synth import generate_cohort
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service(demo_scope, tmp_path: Path) -> None:
    write_tables(generate_cohort(children=200, seed=3).tables(), tmp_path / "extract")
    import_extract(tmp_path / "extract")


def test_dashboard_charts_render_and_the_period_can_be_changed(
    page, live_server, artifacts, service
) -> None:
    sign_in(page, live_server.url, "yot")
    page.goto(f"{live_server.url}/youth-justice/?period=2019-20&population=20000")
    images = page.locator(".app-chart img")
    assert images.count() == 4
    for i in range(4):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(artifacts / "youth-justice-dashboard.png"), full_page=True)
    page.get_by_label("Period", exact=True).fill("2018-19")
    page.get_by_role("button", name="Show").click()
    assert "2018/19" in page.locator("h1").inner_text() or "2018-19" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    first = page.locator("#national-heading + div details").first
    first.locator("summary").click()
    assert "first ever youth caution" in first.inner_text()


def test_a_bad_parameter_gets_a_page_saying_which(page, live_server, service) -> None:
    sign_in(page, live_server.url, "yot")
    response = page.goto(f"{live_server.url}/youth-justice/tracker/?period=garbage")
    assert response is not None and response.status == 400
    assert "The period 'garbage' cannot be read" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="go to the home page").is_visible()


@pytest.mark.parametrize(
    "path",
    ["/youth-justice/?population=20000", "/youth-justice/tracker/",
     "/youth-justice/disproportionality/", "/youth-justice/profile/",
     "/youth-justice/?population=abc"],
)  # fmt: skip
def test_youth_justice_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, artifacts, service, path: str
) -> None:
    sign_in(a11y_page, live_server.url, "yot")
    a11y_page.goto(live_server.url + path)
    assert serious_violations(a11y_page) == []
    name = path.strip("/").split("?")[0].replace("/", "-") + ("-400" if "abc" in path else "")
    a11y_page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_the_dashboards_call_outs_pass_axe(
    a11y_page, live_server, artifacts, service, tmp_path: Path, monkeypatch
) -> None:
    from saferplan.youthjustice import service as figures
    from saferplan.youthjustice.tests.test_callouts import TRENDS, comparators

    comparators(tmp_path)
    monkeypatch.setattr(figures, "trends_for", lambda *args, **kwargs: TRENDS)
    sign_in(a11y_page, live_server.url, "yot")
    a11y_page.goto(f"{live_server.url}/youth-justice/?period=2019-20&population=20000")
    assert a11y_page.locator(".govuk-warning-text").count() == 2
    assert serious_violations(a11y_page) == []
    a11y_page.screenshot(path=str(artifacts / "youth-justice-callouts.png"), full_page=True)
