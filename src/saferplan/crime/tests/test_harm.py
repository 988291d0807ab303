"""Harm beside volume: weights from a user-supplied table, checked against the raw file."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from saferplan.core.errors import InputError
from saferplan.core.periods import parse_period
from saferplan.crime.harm import load_harm_table, theme_harm
from saferplan.crime.themes import load_themes
from saferplan.demo import DATA

TABLE = """# name: Test harm table
# source: invented weights for this test only
source,major,minor,weight
mps,Burglary,Domestic Burglary,40
mps,Burglary,,10
mps,Robbery,,365
"""


def test_harm_is_count_times_weight(demo_warehouse, tmp_path: Path) -> None:
    path = tmp_path / "harm.csv"
    path.write_text(TABLE)
    table = load_harm_table(path)
    assert (table.name, table.source_note) == (
        "Test harm table",
        "invented weights for this test only",
    )
    counts: dict[str, int] = {}
    with open(DATA / "mps_borough_monthly_2010-04_2021-11.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["LookUp_BoroughName"] == "Harrow" and r["MajorText"] == "Burglary":
                counts[r["MinorText"]] = sum(int(r[f"2018{m:02d}"]) for m in range(1, 13))
    expected = 40 * counts["Domestic Burglary"] + 10 * counts["Burglary Business and Community"]
    figures = theme_harm(demo_warehouse.connect(), table, load_themes().get("burglary"), "mps",
                         "borough", "Harrow", parse_period("2018"), parse_period("2017"))  # fmt: skip
    assert figures is not None
    assert figures.harm_period == Decimal(expected)
    assert figures.coverage == Decimal("100.0")
    total = theme_harm(demo_warehouse.connect(), table, load_themes().get("total"), "mps",
                       "borough", "Harrow", parse_period("2018"), parse_period("2017"))  # fmt: skip
    assert total is not None and total.coverage < 20  # most categories have no weight here


def test_bad_harm_tables(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("source,major,minor,weight\nmps,Robbery,,lots\n")
    with pytest.raises(InputError, match="'lots' is not a number") as caught:
        load_harm_table(path)
    assert (caught.value.row, caught.value.column) == (2, "weight")
    path.write_text("source,major,weight\nmps,Robbery,1\n")
    with pytest.raises(InputError, match="missing column 'minor'"):
        load_harm_table(path)


def test_report_shows_volume_and_harm(demo_warehouse, tmp_path: Path) -> None:
    import json

    from saferplan.reports.assessment import build_assessment
    from saferplan.reports.build import write_report
    from saferplan.reports.check import check_bundle_data, check_directory
    from saferplan.reports.tests.helpers import demo_provenance

    path = tmp_path / "harm.csv"
    path.write_text(TABLE)
    a = build_assessment(demo_warehouse.connect(), load_themes(), "Harrow", "2018", [],
                         themes=["total", "burglary", "robbery"],
                         harm_table=load_harm_table(path))  # fmt: skip
    write_report(a, tmp_path / "out", pdf=False, records=demo_provenance(demo_warehouse))
    html = (tmp_path / "out" / "strategic-assessment.html").read_text()
    assert "Volume and harm" in html and "Test harm table" in html
    assert "Weighted by harm (Test harm table)" in html
    assert check_directory(tmp_path / "out") == []
    # The shares are figures of the bundle, worked from its counts and harm, and checked.
    data = json.loads((tmp_path / "out" / "figures.json").read_text())
    burglary = next(h for h in data["harm"] if h["key"] == "burglary")
    themes = {t["key"]: t for t in data["themes"]}
    count, total = (
        themes["burglary"]["table"][0]["count_period"],
        themes["total"]["table"][0]["count_period"],
    )
    assert Decimal(burglary["count_share"]) == (Decimal(count * 100) / total).quantize(
        Decimal("0.1")
    )
    harm, all_harm = (
        Decimal(themes["burglary"]["harm"]["period"]),
        Decimal(themes["total"]["harm"]["period"]),
    )
    assert Decimal(burglary["harm_share"]) == (harm * 100 / all_harm).quantize(Decimal("0.1"))
    burglary["harm_share"] = str(Decimal(burglary["harm_share"]) + 1)
    assert any("Harm: Burglary's shares" in p for p in check_bundle_data(data))
