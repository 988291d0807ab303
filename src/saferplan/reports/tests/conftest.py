"""Built assessments shared by the report tests: one build per area, period and edition."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from saferplan.reports.tests.helpers import demo_provenance

COMPARATORS = ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]
# Three areas, both editions, every theme: 2018 wards with ward maps, LSOA maps, hot spots
# and the partnership's series (Harrow 2018), wards summed from LSOAs (Havering 2019), the
# 2022 wards (Lambeth 2022).
FULL = [("Harrow", "2018"), ("Havering", "2019"), ("Lambeth", "2022")]
EDITIONS = ("public", "restricted")
# The partnership owning the demo's synthetic police extract in the shared demo warehouse:
# an id no test's partnership gets, and no row in the database once it is imported.
SERIES_OWNER = 900_001

Build = Callable[..., Path]


@pytest.fixture(scope="session")
def series_owner(demo_warehouse, django_db_blocker) -> Any:
    """The partnership whose scope sees the synthetic extract (imported once, as the demo
    does): an unsaved stand-in with the id its rows carry."""
    from saferplan.accounts.models import Partnership
    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.datastore.models import ImportRecord
    from saferplan.demo.load import load_demo_series

    with django_db_blocker.unblock(), across_partnerships():
        owner = Partnership.objects.create(pk=SERIES_OWNER, name="Series owner (tests)")
        load_demo_series(owner, warehouse=demo_warehouse)
        records = list(ImportRecord.objects.filter(partnership=owner))
        demo_warehouse.import_records = [*demo_warehouse.import_records, *records]
        ImportRecord.objects.filter(partnership=owner).delete()
        owner.delete()
    return Partnership(pk=SERIES_OWNER, name="Series owner (tests)")


@pytest.fixture(scope="session")
def built_reports(demo_warehouse, series_owner, tmp_path_factory) -> Build:
    """``built_reports(area, year, edition, themes=None)``: the report folder, built once,
    by the partnership that owns the series (so its themes are in it)."""
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.crime.themes import load_themes
    from saferplan.reports.assessment import build_assessment
    from saferplan.reports.build import write_report

    folders: dict[tuple[str, str, str, tuple[str, ...] | None], Path] = {}
    records = demo_provenance(demo_warehouse)

    def build(area: str, year: str, edition: str = "public", themes: list[str] | None = None,
              pdf: bool = False) -> Path:  # fmt: skip
        key = (area, year, edition, tuple(themes) if themes else None)
        if key not in folders:
            with partnership_scope(series_owner):
                con = demo_warehouse.connect()
            a = build_assessment(con, load_themes(), area, year, COMPARATORS, edition=edition,
                                 themes=themes)  # fmt: skip
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
