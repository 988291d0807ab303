"""Issue #11, items 21 and 22, as quoted: the partnership's series as sections, each year's
wards with their names on lists and maps, each rate on its own year's estimate, and
anti-social behaviour with hot spot change from two whole years of police.uk records.
Expected figures are worked here from the raw files with plain Python."""

from __future__ import annotations

import base64
import csv
import json
import re
from collections import Counter
from pathlib import Path

from saferplan.demo import DATA
from saferplan.reports.charts import read_png_labels
from saferplan.reports.check import check_directory

WARDS_2018 = DATA / "ward_2018" / "london_wards_2018_bng.csv"
WARDS_2022 = DATA / "mps_ward_monthly_2021-12_2023-11.csv"
SERIES = DATA / "synthetic" / "harrow-police-extract-SYNTHETIC.csv"
YEARLY = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _bundle(folder: Path) -> dict:
    return json.loads((folder / "figures.json").read_text())


def _theme(data: dict, key: str) -> dict:
    return next(t for t in data["themes"] if t["key"] == key)


def _images(folder: Path) -> dict[str, dict]:
    """What each image of the HTML page records, by its title."""
    html = (folder / "strategic-assessment.html").read_text()
    out = {}
    for data in re.findall(r'base64,([^"]+)"', html):
        recorded = read_png_labels(base64.b64decode(data)) or {}
        out[str(recorded.get("title"))] = recorded
    return out


def test_a_2018_assessment_lists_and_maps_the_2018_wards_by_name(built_reports) -> None:
    folder = built_reports("Harrow", "2018", "public")
    data = _bundle(folder)
    names = sorted(r["WD18NM"] for r in _rows(WARDS_2018) if r["LAD18NM"] == "Harrow")
    assert len(names) == 21 and data["wards"] == {"vintage": "2018", "places": names}
    total = _theme(data, "total")
    child = total["child_areas"]
    assert (child["level"], child["vintage"]) == ("ward", "2018")
    assert sorted(a["name"] for a in child["areas"]) == names
    assert any(s["text"].startswith("By ward (the 2018 wards), the highest") for s in
               total["sentences"])  # fmt: skip
    images = _images(folder)
    for kind in ("ward-map", "lsoa-map", "hotspots"):
        chart = next(c for c in total["charts"] if c["kind"] == kind)
        drawn = images[chart["title"]["text"]]["labels"]
        assert set(names) <= set(drawn), kind  # every ward named on the map
    ward_map = next(c for c in total["charts"] if c["kind"] == "ward-map")
    assert ward_map["title"]["text"] == "Total notifiable crime: rate by ward (the 2018 wards), " \
        "Harrow, 2018"  # fmt: skip
    assert "Each ward is labelled with its name." in ward_map["alt"]["text"]


def test_a_2022_assessment_lists_the_2022_wards(built_reports) -> None:
    data = _bundle(built_reports("Harrow", "2022", themes=["total", "domestic-abuse"]))
    names = sorted(
        {r["WardName"] for r in _rows(WARDS_2022) if r["LookUp_BoroughName"] == "Harrow"}
    )
    assert len(names) == 22
    for key, source in (("total", "mps"), ("domestic-abuse", "series")):
        child = _theme(data, key)["child_areas"]
        assert (child["vintage"], child["source"]) == ("2022", source)
        assert sorted(a["name"] for a in child["areas"]) == names
        # No 2022 ward boundaries or lookup were imported: no ward map, no 2018 ward names.
        assert _theme(data, key)["ward_map"] is None
    assert data["wards"] == {"vintage": "2022", "places": []}


def test_the_partnerships_series_are_sections_of_their_own(built_reports) -> None:
    data = _bundle(built_reports("Harrow", "2018", "public"))
    extract = [r for r in _rows(SERIES) if r["level"] == "borough"]
    for key, measure in (("domestic-abuse", "Domestic abuse violence with injury"),
                         ("knife-crime", "Knife crime"), ("asb-calls", "ASB calls")):  # fmt: skip
        t = _theme(data, key)
        counts = [sum(int(r["count"]) for r in extract if r["measure"] == measure
                      and r["month"].startswith(y)) for y in ("2018", "2017")]  # fmt: skip
        assert [(r["area"], r["count_period"], r["count_baseline"]) for r in t["table"]] == [
            ("Harrow", *counts)]  # fmt: skip
        assert t["ranked"] is False and t["rank_table"] == []
        assert t["comparators_left_out"] == ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]
        assert not any(s["text"].startswith("Among") for s in t["sentences"])
    calls = _theme(data, "asb-calls")
    assert calls["unit"] == "calls" and calls["sentences"][0]["text"].startswith(
        "In 2018 Harrow recorded 7,299 calls")  # fmt: skip
    assert "harrow-police-extract-SYNTHETIC.csv" in {p["file"] for p in data["provenance"]}
    html = (built_reports("Harrow", "2018", "public") / "strategic-assessment.html").read_text()
    assert "Barnet, Brent, Ealing, Hillingdon and London have no figures in the partnership" in html


def test_each_rate_says_which_years_estimate_it_uses(built_reports) -> None:
    """2017's London rate sums every borough's mid-2017 estimate, but the yearly file has
    none for Hackney, Merton and Sutton in 2012-2017: by the rule they use their 2011 one."""
    missing = Counter(r["area_name"] for r in _rows(YEARLY) if r["age_band"] == "all")
    short = sorted(a for a, n in missing.items() if n < 13 and a != "City of London")
    assert short == ["Hackney", "Merton", "Sutton"]
    html = (built_reports("Harrow", "2018", "public") / "strategic-assessment.html").read_text()
    assert (
        "Population: 2017 rates use mid-2017 estimates (London&#x27;s Hackney, Merton and Sutton: "
        "mid-2011); 2018 rates use mid-2018 estimates."
    ) in html


def test_anti_social_behaviour_and_hot_spot_change_from_two_whole_years(built_reports) -> None:
    """The City of London Police's 2018 and 2019 records: an ASB section, and hot spot change
    between the two years; its records in Camden's or Westminster's LSOAs are not the City's."""
    folder = built_reports("City of London", "2019", "public", themes=["total", "asb"])
    assert check_directory(folder) == []
    data = _bundle(folder)
    city = {r["LSOA11CD"] for r in _rows(DATA / "lsoa_population_mid2019.csv")
            if r["LAD11NM"] == "City of London"}  # fmt: skip
    asb = _theme(data, "asb")
    for year, key in (("2019", "count_period"), ("2018", "count_baseline")):
        records = _rows(DATA / "police_uk" / f"city-of-london-{year}-street.csv")
        mine = [r for r in records if r["LSOA code"] in city]
        assert asb["table"][0][key] == sum(r["Crime type"] == "Anti-social behaviour" for r in mine)
        assert len(mine) < len(records)  # some fall in neighbouring boroughs
    assert asb["unit"] == "incidents" and asb["source"] == "police-uk"
    for key in ("total", "asb"):
        kinds = [c["kind"] for c in _theme(data, key)["charts"]]
        assert {"hotspots", "density", "hotspot-change"} <= set(kinds)
        change = next(c for c in _theme(data, key)["charts"] if c["kind"] == "hotspot-change")
        assert change["caption"]["text"] == "Hot spots in Jan 2019 to Dec 2019 compared with " \
            "Jan 2018 to Dec 2018."  # fmt: skip
    assert data["wards"]["places"] == []  # the City is one polygon in the 2018 ward file
