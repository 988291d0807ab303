"""Built assessments shared by the report tests: one build per area, period and edition."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from saferplan.reports.tests.helpers import demo_provenance

COMPARATORS = ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]
# Three areas, both editions, every theme: LSOA maps and hot spots (Harrow 2018), LSOA maps
# elsewhere (Havering 2019), wards (Lambeth 2022).
FULL = [("Harrow", "2018"), ("Havering", "2019"), ("Lambeth", "2022")]
EDITIONS = ("public", "restricted")

Build = Callable[..., Path]


@pytest.fixture(scope="session")
def built_reports(demo_warehouse, tmp_path_factory) -> Build:
    """``built_reports(area, year, edition, themes=None)``: the report folder, built once."""
    from saferplan.crime.themes import load_themes
    from saferplan.reports.assessment import build_assessment
    from saferplan.reports.build import write_report

    folders: dict[tuple[str, str, str, tuple[str, ...] | None], Path] = {}
    records = demo_provenance(demo_warehouse)

    def build(area: str, year: str, edition: str = "public", themes: list[str] | None = None,
              pdf: bool = False) -> Path:  # fmt: skip
        key = (area, year, edition, tuple(themes) if themes else None)
        if key not in folders:
            a = build_assessment(demo_warehouse.connect(), load_themes(), area, year,
                                 COMPARATORS, edition=edition, themes=themes)  # fmt: skip
            out = tmp_path_factory.mktemp(f"report-{area}-{year}-{edition}")
            write_report(a, out, "Safer Harrow", pdf=pdf, records=records)
            folders[key] = out
        folder = folders[key]
        if pdf and not (folder / "strategic-assessment.pdf").exists():
            from saferplan.reports.html import render_pdf

            html = (folder / "strategic-assessment.html").read_text(encoding="utf-8")
            render_pdf(html, folder / "strategic-assessment.pdf")
        return folder

    return build
