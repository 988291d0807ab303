"""The statutory plans in a real browser: a built Youth Justice Plan renders self-contained,
with its contents, sections and charts, and the plan and the pages that write it pass
axe-core's serious rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.documents import build
from saferplan.documents.demo import load_demo_text
from saferplan.documents.tests.conftest import demo  # noqa: F401 (a fixture)
from saferplan.documents.tests.test_build import AS_AT, YEAR
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_built_plan_renders_with_its_contents_and_charts(a11y_page, demo, tmp_path: Path) -> None:  # noqa: F811
    load_demo_text(YEAR)
    built = build.write("youth-justice-plan", YEAR, tmp_path, generated=AS_AT, pdf=False)
    page = a11y_page
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto((tmp_path / "youth-justice-plan.html").as_uri())
    assert built.data["title"] in page.title()
    headings = page.locator("h2").all_inner_texts()
    for s in built.data["sections"]:
        assert any(f"{s['number']}. {s['heading']}" in h for h in headings), (
            s["heading"],
            headings,
        )
    widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
    assert widths and all(w > 300 for w in widths), widths
    assert "Sample text, written for the demonstration" in page.content()
    assert failed == []
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/plans-to-write/",
        "/plans-to-write/youth-justice-plan/2019-20/",
        "/plans-to-write/youth-justice-plan/2019-20/sections/introduction/",
        "/plans-to-write/community-safety-plan/2024-25/",
    ],
)
def test_plan_pages_have_no_serious_accessibility_violations(a11y_page, live_server, path) -> None:
    from saferplan.plans.demo import load_demo_partnership

    load_demo_partnership()
    sign_in(a11y_page, live_server.url, "admin")
    a11y_page.goto(live_server.url + path)
    assert serious_violations(a11y_page) == []
