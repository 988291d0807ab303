"""Editions in a real browser: a built Strategic Assessment shown in its sandboxed frame
with every image, downloads offered, an altered file refused, and every page passing
axe-core's serious rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.crime.themes import load_themes
from saferplan.editions import store
from saferplan.editions.documents import keep_strategic_assessment
from saferplan.editions.tests.samples import editions_in, keep_sample
from saferplan.reports.assessment import build_assessment
from saferplan.reports.build import provenance_from, write_report
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def assessment(demo_warehouse):  # type: ignore[no-untyped-def]
    return build_assessment(demo_warehouse.connect(), load_themes(), "Harrow", "2018",
                            ["Barnet", "London"], themes=["total", "burglary"])  # fmt: skip


@pytest.fixture
def edition(assessment, demo_warehouse, demo_scope, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    editions_in(monkeypatch, tmp_path / "editions")
    built = write_report(
        assessment, tmp_path / "out", "Safer Harrow (demo)", pdf=False,
        records=lambda ids: provenance_from(demo_warehouse.import_records, ids),
    )  # fmt: skip
    return keep_strategic_assessment(assessment, built)


def test_the_document_shows_in_its_frame_and_downloads_are_offered(
    page, live_server, artifacts, edition
) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    sign_in(page, live_server.url, "board")
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="Harrow Strategic Assessment 2018").click()
    assert page.locator("h1").inner_text() == "Harrow Strategic Assessment 2018"
    frame = page.frame_locator("iframe.app-document-frame")
    assert frame.locator("h1").inner_text() == "Harrow Strategic Assessment 2018"
    frame.locator("img").first.wait_for()
    widths = frame.locator("img").evaluate_all("images => images.map(i => i.naturalWidth)")
    assert len(widths) >= 4 and all(w > 300 for w in widths), widths
    # Its own styles apply (inline, allowed by the frame's policy): the cover's blue rule.
    border = frame.locator("header.cover").evaluate("e => getComputedStyle(e).borderBottomWidth")
    assert border == "10px"
    assert refused == []
    page.screenshot(path=str(artifacts / "edition.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Word").click()
    assert download.value.suggested_filename == f"edition-{edition.pk}-strategic-assessment.docx"
    page.locator("iframe").scroll_into_view_if_needed()  # full-page shots leave frames blank
    page.screenshot(path=str(artifacts / "edition-document.png"))


def test_an_altered_file_is_refused_in_the_browser(page, live_server, artifacts, edition) -> None:
    path = store.folder_of(edition) / "figures.json"
    path.chmod(0o600)
    path.write_text("{}")
    sign_in(page, live_server.url, "analyst")
    response = page.goto(f"{live_server.url}/editions/{edition.pk}/files/figures.json")
    assert response is not None and response.status == 409
    assert "altered since the edition was made" in page.locator("h1").inner_text()
    page.screenshot(path=str(artifacts / "edition-altered.png"), full_page=True)


@pytest.mark.parametrize("path", ["/editions/", "/editions/{id}/",
                                  "/editions/{id}/files/strategic-assessment.html"])  # fmt: skip
def test_edition_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, demo_scope, tmp_path: Path, monkeypatch, path: str
) -> None:
    editions_in(monkeypatch, tmp_path / "editions")
    edition = keep_sample(tmp_path / "out", "Harrow")
    keep_sample(tmp_path / "restricted", "Harrow", edition="restricted")
    if path.endswith(".html"):  # the page saying a file was altered
        html = store.folder_of(edition) / "strategic-assessment.html"
        html.chmod(0o600)
        html.write_text("altered")
    sign_in(a11y_page, live_server.url, "admin")
    a11y_page.goto(live_server.url + path.format(id=edition.pk))
    assert serious_violations(a11y_page) == []
