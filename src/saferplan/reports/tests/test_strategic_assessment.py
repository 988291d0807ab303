"""The Strategic Assessment: built from the bundled data, consistent, and readable."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from saferplan.crime.themes import load_themes
from saferplan.reports.assessment import build_assessment
from saferplan.reports.build import write_report
from saferplan.reports.check import check_bundle_data, check_directory
from saferplan.reports.suppression import SuppressionRule

COMPARATORS = ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]
THEMES = ["total", "burglary", "sexual-offences", "asb"]


@pytest.fixture(scope="module")
def built(demo_warehouse, tmp_path_factory) -> Path:
    a = build_assessment(demo_warehouse.connect(), load_themes(), "Harrow", "2018", COMPARATORS,
                         themes=THEMES)  # fmt: skip
    out = tmp_path_factory.mktemp("report")
    write_report(a, out, "Safer Harrow")
    return out


def test_outputs_exist_and_pass_the_check(built: Path) -> None:
    for name in ("strategic-assessment.html", "strategic-assessment.docx",
                 "strategic-assessment.pdf", "figures.json", "figures.csv"):  # fmt: skip
        assert (built / name).stat().st_size > 1000, name
    assert check_directory(built) == []


def test_figures_and_words_agree(built: Path) -> None:
    data = json.loads((built / "figures.json").read_text())
    total = next(t for t in data["themes"] if t["key"] == "total")
    harrow = total["table"][0]
    assert (harrow["area"], harrow["count_baseline"], harrow["count_period"]) == (
        "Harrow",
        13939,
        14888,
    )
    assert total["sentences"][0]["claims"][0]["word"] == "rose"
    assert "rose 6.8% (+949) from 13,939" in total["sentences"][0]["text"]
    sexual = next(t for t in data["themes"] if t["key"] == "sexual-offences")
    assert sexual["direction"] == "up"  # under-reported: a rise is the desired direction
    assert [u["key"] for u in data["unavailable"]] == ["asb"]  # no borough-level ASB data bundled


def test_check_catches_a_wrong_figure_and_a_wrong_word(built: Path) -> None:
    data = json.loads((built / "figures.json").read_text())
    data["themes"][0]["table"][1]["rate_change"] = "2.87"
    data["themes"][0]["sentences"][0]["claims"][0]["word"] = "fell"
    problems = check_bundle_data(data)
    assert any("rate_change is 2.87" in p for p in problems)
    assert any("says 'fell'" in p for p in problems)


def test_a_failing_check_writes_nothing(demo_warehouse, tmp_path: Path, monkeypatch) -> None:
    from saferplan.core.errors import SaferplanError
    from saferplan.reports import narrative

    real = narrative.theme_sentences

    def wrong_word(section):
        sentences = real(section)
        sentences[0].claims[0].word = "fell" if section.subject.count_change > 0 else "rose"
        return sentences

    monkeypatch.setattr(narrative, "theme_sentences", wrong_word)
    a = build_assessment(demo_warehouse.connect(), load_themes(), "Harrow", "2018", [],
                         themes=["total"])  # fmt: skip
    with pytest.raises(SaferplanError, match="failed the consistency check"):
        write_report(a, tmp_path / "out")
    assert not list((tmp_path / "out").glob("strategic-assessment.*"))


def test_word_document_has_real_headings_and_tables(built: Path) -> None:
    doc = Document(str(built / "strategic-assessment.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for expected in ("Key findings", "Total notifiable crime", "Burglary", "Data and methods"):
        assert expected in headings
    comparison = next(t for t in doc.tables if t.rows[0].cells[0].text == "Area")
    assert [c.text for c in comparison.rows[1].cells][:4] == ["Harrow", "13,939", "55.50", "14,888"]


def test_public_edition_suppresses_small_area_counts() -> None:
    rule = SuppressionRule()
    assert [rule.apply(n) for n in (0, 1, 4, 5, 7, 8, 1234)] == [
        "0",
        "<5",
        "<5",
        "5",
        "5",
        "10",
        "1,235",
    ]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_are_not_blank(built: Path, tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "6",
                    str(built / "strategic-assessment.pdf"), str(tmp_path / "page")], check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 6
    for page in pages:
        stat = ImageStat.Stat(Image.open(page).convert("L"))
        assert stat.stddev[0] > 5, f"{page.name} looks blank"


def test_maps_are_in_the_document(built: Path) -> None:
    html = (built / "strategic-assessment.html").read_text()
    assert "Map of Harrow&#x27;s LSOAs shaded by the rate of total notifiable crime" in html
    assert "hot and cold spots of total notifiable crime in Harrow, June 2018" in html
    assert "only June 2018 of 2018 has street-level data imported" in html


def test_maps_render_without_network(demo_warehouse) -> None:
    from io import BytesIO

    from PIL import Image, ImageStat

    from saferplan.geography.boundaries import boundaries_frame
    from saferplan.reports.maps import choropleth

    frame = boundaries_frame(demo_warehouse.connect(), "lsoa", "Harrow")
    frame["value"] = [float(i % 7) if i % 11 else None for i in range(len(frame))]
    png = choropleth(frame, "value", "Test map", "units", "Source: test.")
    image = Image.open(BytesIO(png)).convert("L")
    assert image.size[0] > 800 and ImageStat.Stat(image).stddev[0] > 10


def test_density_and_change_maps(demo_warehouse) -> None:
    from io import BytesIO

    import numpy as np
    import shapely
    from PIL import Image, ImageStat

    from saferplan.crime.hotspots import Grid, find_hotspots, hotspot_change
    from saferplan.geography.boundaries import boundaries_frame
    from saferplan.reports.maps import change_map, density_map

    outline = boundaries_frame(demo_warehouse.connect(), "borough", "Harrow")
    minx, miny, maxx, maxy = outline.total_bounds
    grid = Grid.covering(minx, miny, maxx, maxy, 100.0)
    cx, cy = grid.centres()
    mask = shapely.contains_xy(outline.union_all(), cx, cy)
    rng = np.random.default_rng(4)
    centre = outline.union_all().centroid
    before = find_hotspots(rng.normal(centre.x, 800, 3000), rng.normal(centre.y, 800, 3000),
                           grid=grid, mask=mask)  # fmt: skip
    after = find_hotspots(rng.normal(centre.x + 1500, 800, 3000), rng.normal(centre.y, 800, 3000),
                          grid=grid, mask=mask)  # fmt: skip
    for png in (
        density_map(after, outline, "Density", "Source: test."),
        change_map(hotspot_change(before, after), after, outline, "Change", "Source: test."),
    ):
        image = Image.open(BytesIO(png)).convert("L")
        assert ImageStat.Stat(image).stddev[0] > 10
