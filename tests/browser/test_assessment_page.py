"""The Strategic Assessment's HTML renders in a real browser, self-contained and navigable."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.crime.themes import load_themes
from saferplan.reports.assessment import build_assessment
from saferplan.reports.build import write_report
from saferplan.reports.tests.helpers import demo_provenance

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(demo_warehouse, tmp_path_factory) -> Path:
    a = build_assessment(demo_warehouse.connect(), load_themes(), "Harrow", "2018",
                         ["Barnet", "London"], themes=["total", "burglary"])  # fmt: skip
    out = tmp_path_factory.mktemp("browser-report")
    write_report(a, out, "Safer Harrow", pdf=False, records=demo_provenance(demo_warehouse))
    return out / "strategic-assessment.html"


def test_assessment_renders_with_every_image(page, report: Path, artifacts: Path) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(report.as_uri())
    assert page.title() == "Harrow Strategic Assessment 2018"
    headings = page.locator("h2").all_inner_texts()
    assert {"Key findings", "Total notifiable crime", "Burglary", "Data and methods"} <= set(
        headings
    )
    images = page.locator("img")
    assert images.count() >= 5
    widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
    assert all(w > 300 for w in widths), widths
    assert failed == []  # self-contained: nothing fetched
    page.get_by_role("link", name="Burglary").first.click()
    assert page.url.endswith("#burglary")
    harrow_row = page.locator("#total table tbody tr").first.inner_text()
    assert "13,939" in harrow_row and "14,888" in harrow_row
    assert page.locator("#total table tbody tr.subject").count() == 1
    contents = page.get_by_role("navigation", name="Contents").locator("li").all_inner_texts()
    assert contents == ["Key findings", "Total notifiable crime", "Burglary", "Data and methods"]
    alts = page.evaluate("Array.from(document.images).map(i => i.alt)")
    assert all(alt.strip() for alt in alts), alts
    page.screenshot(path=str(artifacts / "strategic-assessment.png"), full_page=False)
