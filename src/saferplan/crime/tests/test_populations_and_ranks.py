"""Populations of groups and user files, ward ranks, unrounded ranks, seasonality, coverage.

Each case is one reported by a re-computation of the Strategic Assessment from the raw
files (issue #11); the expected figures are worked here from the CSVs with plain Python.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import write

from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.core.periods import parse_period
from saferplan.crime import statistics
from saferplan.crime.comparisons import PopulationOverride, compare, ranking
from saferplan.crime.themes import load_themes
from saferplan.demo import DATA

BOROUGH = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
WARDS = DATA / "mps_ward_monthly_2021-12_2023-11.csv"
YEARLY = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"
AIRPORTS = "London Heathrow and London City Airports"


def _borough_counts(path: Path, months: list[str], major: str | None = None) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    with open(path, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if major is None or r["MajorText"] == major:
                out[r["LookUp_BoroughName"]] += sum(int(r[m]) for m in months)
    return out


def _year(year: int) -> list[str]:
    return [f"{year}{m:02d}" for m in range(1, 13)]


def _rate(count: int, population: int) -> Decimal:
    return (Decimal(count) * 1000 / population).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _yearly_populations() -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = defaultdict(dict)
    with open(YEARLY, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["age_band"] == "all":
                out[r["area_name"]][int(r["year"])] = int(r["population"])
    return out


def _nearest(years: dict[int, int], year: int) -> int:
    """The stated rule: that year, else the nearest earlier, else the nearest later."""
    if year in years:
        return years[year]
    earlier = [y for y in years if y < year]
    return years[max(earlier)] if earlier else years[min(years)]


def test_population_file_alone_gives_every_figure(import_into, warehouse, tmp_path) -> None:
    """#11.4: `stats compare --population FILE` with no estimates imported, and London's rate
    on the file's London population, not on the members' sum."""
    import_into("mps", BOROUGH)
    override = write(tmp_path / "pop.csv", "area,year,population\nHarrow,2017,248880\n"
                     "Harrow,2018,250149\nLondon,2017,8825001\nLondon,2018,8908081\n")  # fmt: skip
    table = compare(warehouse.connect(), "Harrow", load_themes().get("total"),
                    parse_period("2018"), parse_period("2017"), ["London"],
                    population_override=PopulationOverride(override))  # fmt: skip
    now, before = _borough_counts(BOROUGH, _year(2018)), _borough_counts(BOROUGH, _year(2017))
    harrow, london = table.rows
    assert (harrow.count_period, harrow.rate_period) == (14888, _rate(14888, 250149))
    assert harrow.rate_baseline == _rate(13939, 248880)
    assert london.count_period == sum(now.values())
    assert london.rate_period == _rate(sum(now.values()), 8908081)
    assert london.rate_baseline == _rate(sum(before.values()), 8825001)


def test_population_file_missing_an_area_names_it(import_into, warehouse, tmp_path) -> None:
    import_into("mps", BOROUGH)
    override = write(tmp_path / "pop.csv", "area,year,population\nHarrow,2018,250149\n")
    with pytest.raises(
        NotFoundError, match="London's population for 2018 cannot be given"
    ) as caught:
        compare(warehouse.connect(), "Harrow", load_themes().get("total"), parse_period("2018"),
                parse_period("2017"), ["London"], population_override=PopulationOverride(override))  # fmt: skip
    assert "pop.csv" in caught.value.message


def test_population_file_overrides_a_group_when_estimates_are_imported(
    demo_warehouse, tmp_path
) -> None:
    override = write(tmp_path / "pop.csv",
                     "area,year,population\nLondon,2017,8900000\nLondon,2018,9000000\n")  # fmt: skip
    table = compare(demo_warehouse.connect(), "Harrow", load_themes().get("total"),
                    parse_period("2018"), parse_period("2017"), ["London"],
                    population_override=PopulationOverride(override))  # fmt: skip
    london = table.rows[1]
    assert london.population_period.value == 9000000
    assert london.rate_period == _rate(840589, 9000000)
    assert london.rate_baseline == _rate(823381, 8900000)


@pytest.fixture
def yearly(import_into, warehouse):
    import_into("mps", BOROUGH)
    import_into("population", YEARLY, name="ONS yearly borough estimates")
    return warehouse.connect()


def test_a_group_population_comes_from_every_member(yearly) -> None:
    """#11.5: the 2017 estimates lack the City, Hackney, Merton and Sutton; London's 2017
    population must still include Hackney, Merton and Sutton (each by the nearest-year rule),
    never be summed over whichever members have a 2017 figure (101.25 per 1,000)."""
    table = compare(yearly, "Harrow", load_themes().get("total"), parse_period("2018"),
                    parse_period("2017"), ["London"])  # fmt: skip
    pops = _yearly_populations()
    counts = _borough_counts(BOROUGH, _year(2017))
    members = [a for a in counts if a != AIRPORTS]
    assert {"Hackney", "Merton", "Sutton"} <= set(members)
    expected = sum(_nearest(pops[a], 2017) for a in members)
    london = table.rows[1]
    assert london.population_baseline.value == expected
    assert london.rate_baseline == _rate(sum(counts.values()), expected)
    assert Decimal(93) < london.rate_baseline < Decimal(95)
    parts = {p.area: p.year for p in london.population_baseline.parts}
    assert (parts["Hackney"], parts["Harrow"]) == (2011, 2017)
    assert "Hackney 2011" in table.population_note


def test_a_group_with_a_member_without_population_is_refused(
    import_into, warehouse, tmp_path
) -> None:
    import_into("mps", BOROUGH)
    with open(YEARLY, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if ",Hackney," not in line and ",Sutton," not in line]
    import_into("population", write(tmp_path / "no-hackney.csv", "".join(lines)), name="Partial")
    with pytest.raises(SaferplanError, match="London's population for 2018") as caught:
        compare(warehouse.connect(), "Harrow", load_themes().get("total"), parse_period("2018"),
                parse_period("2017"), ["London"])  # fmt: skip
    assert "Hackney and Sutton" in caught.value.message


def test_ward_ranks_keep_a_ward_listed_under_two_boroughs(demo_warehouse) -> None:
    """#11.9: Heathrow Villages is under Hillingdon and under "Aviation Security (SO18)";
    the airport's rows must not overwrite Hillingdon's (count 0, rank 679 for 5,028, rank 5)."""
    rows, _ = ranking(demo_warehouse.connect(), "ward", load_themes().get("total"),
                      parse_period("2022"), "count")  # fmt: skip
    raw: dict[tuple[str, str], int] = defaultdict(int)
    with open(WARDS, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            raw[(r["WardCode"], r["LookUp_BoroughName"])] += sum(int(r[m]) for m in _year(2022))
    assert len(rows) == len(raw) == 680
    heathrow = next(r for r in rows if r.area == "E05013570")
    assert (heathrow.count, heathrow.rank) == (raw[("E05013570", "Hillingdon")], 5) == (5028, 5)
    airport = next(r for r in rows if r.area == "E05013570 (Aviation Security (SO18))")
    assert airport.count == raw[("E05013570", "Aviation Security (SO18)")]
    by_area = {r.area: r for r in rows}
    for (code, borough), count in raw.items():
        key = code if borough != "Aviation Security (SO18)" else f"{code} ({borough})"
        assert by_area[key].count == count, key
        assert by_area[key].rank == 1 + sum(1 for c in raw.values() if c > count), key


def test_ranks_use_unrounded_rates(import_into, warehouse) -> None:
    """#11.13: on the mid-2019 estimates (the demo's only ones when it was reported), Harrow's
    2022 hate crime rate rounds to Bexley's 0.83, but is lower: 30th."""
    newer = DATA / "mps_borough_monthly_2021-12_2023-11.csv"
    import_into("mps", newer)
    import_into("population", DATA / "lsoa_population_mid2019.csv", name="mid-2019", year=2019)
    theme = load_themes().get("hate-crime-public-order")
    rows, _ = ranking(warehouse.connect(), "borough", theme, parse_period("2022"), "rate")
    counts = _borough_counts(newer, _year(2022), "Public Order Offences")
    with open(newer, newline="", encoding="utf-8") as handle:
        counts = defaultdict(int)
        for r in csv.DictReader(handle):
            if r["MinorText"].startswith("Racially or Religiously Aggravated Public Fear"):
                counts[r["LookUp_BoroughName"]] += sum(int(r[m]) for m in _year(2022))
    pops: dict[str, int] = defaultdict(int)
    with open(DATA / "lsoa_population_mid2019.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            pops[r["LAD11NM"]] += int(r["Persons_All-Ages"])
    exact = {a: Fraction(n * 1000, pops[a]) for a, n in counts.items() if a in pops}
    ordered = sorted(exact, key=lambda a: exact[a], reverse=True)
    ranks = {r.area: r.rank for r in rows}
    assert ranks["Harrow"] == ordered.index("Harrow") + 1 == 30
    assert ranks["Bexley"] == 29
    assert {r.rate for r in rows if r.area in ("Harrow", "Bexley")} == {Decimal("0.83")}


def test_seasonality_average_is_rounded_once() -> None:
    """#11.10: Lambeth's 2018 total averaged 105,461 / 36 = 2,929.47 a month: 2,929, not 2,930
    (half-up to one decimal, 2,929.5, then half-even to none)."""
    with open(BOROUGH, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["LookUp_BoroughName"] == "Lambeth"]
    months = [m for y in (2016, 2017, 2018) for m in _year(y)]
    series = [(date(int(m[:4]), int(m[4:]), 1), sum(int(r[m]) for r in rows)) for m in months]
    assert sum(v for _, v in series) == 105461
    season = statistics.seasonality(series)
    assert season.average == Decimal(2929)
    assert season.sentence().startswith("average 2,929 a month")


def test_seasonality_window_ends_with_the_period() -> None:
    """#11.11: a financial year's window is the 36 months to its March, not to December."""
    series = [(date(2015 + i // 12, i % 12 + 1, 1), i) for i in range(72)]
    window = statistics.seasonality_window(series, parse_period("2018-19").last)
    assert (window[0][0], window[-1][0], len(window)) == (date(2016, 4, 1), date(2019, 3, 1), 36)
    short = statistics.seasonality_window(series[:20], date(2016, 8, 1))
    assert len(short) == 20 and short[-1][0] == date(2016, 8, 1)


@pytest.mark.parametrize(
    ("quartile", "change", "phrase"),
    [
        (1, Decimal("2.1"), "in the top quarter: among the largest increases"),
        (4, Decimal("1.94"), "in the bottom quarter: among the smallest increases"),
        (4, Decimal("-3.5"), "in the bottom quarter: among the largest falls"),
        (1, Decimal("-0.2"), "in the top quarter: among the smallest falls"),
        (2, Decimal("1.73"), "in the second quarter (an increase)"),
        (3, Decimal("0"), "in the third quarter (no change)"),
    ],
)
def test_quartile_words_follow_the_change(quartile, change, phrase) -> None:
    """#11.7: a rise of 1.94 in the bottom quarter is among the smallest increases."""
    assert statistics.quartile_phrase(quartile, change) == phrase


def test_a_period_outside_the_data_names_only_what_is_missing(demo_warehouse) -> None:
    """#11.1: for 2023 (data to November) the message must not say 2022 has no data."""
    total = load_themes().get("total")
    with pytest.raises(NotFoundError) as caught:
        compare(demo_warehouse.connect(), "Harrow", total, parse_period("2023"),
                parse_period("2022"), [])  # fmt: skip
    assert caught.value.message == (
        "no data for total notifiable crime by borough for 2023 (2023-12 missing)"
    )
    assert "covers 2010-04 to 2023-11" in (caught.value.hint or "")


def test_cli_population_file_without_imported_estimates(tmp_path) -> None:
    """#11.4 as a user meets it: only crime imported, every population from the file."""
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "saferplan", *args], capture_output=True,
                              text=True, env=env, check=False)  # fmt: skip

    assert cli("import", "mps", str(BOROUGH)).returncode == 0
    override = write(tmp_path / "pop.csv", "area,year,population\nHarrow,2018,250149\n"
                     "Harrow,2017,248880\nLondon,2018,8908081\nLondon,2017,8825001\n")  # fmt: skip
    result = cli("stats", "compare", "--area", "Harrow", "--period", "2018", "--comparators",
                 "London", "--population", str(override), "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [r["population_period"]["value"] for r in rows] == [250149, 8908081]
    assert rows[1]["rate_period"] == float(
        _rate(sum(_borough_counts(BOROUGH, _year(2018)).values()), 8908081)
    )
