"""Themes over the real categories, and comparison tables checked against the raw files."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.core.periods import parse_period
from saferplan.crime.comparisons import compare, ranking
from saferplan.crime.themes import ASB, load_themes
from saferplan.demo import DATA

BOROUGH = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
NEIGHBOURS = ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]


def _raw_borough_counts(year: int, majors: set[str] | None = None) -> dict[str, int]:
    out: dict[str, int] = {}
    with open(BOROUGH, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if majors is None or r["MajorText"] in majors:
                total = sum(int(r[f"{year}{m:02d}"]) for m in range(1, 13))
                out[r["LookUp_BoroughName"]] = out.get(r["LookUp_BoroughName"], 0) + total
    return out


def _raw_populations(year: int) -> dict[str, int]:
    """Each borough's mid-year estimate for the year, read from the bundled yearly file."""
    out: dict[str, int] = {}
    path = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["year"] == str(year) and r["age_band"] == "all":
                out[r["area_name"]] = int(r["population"])
    return out


def test_every_bundled_category_is_known_and_asb_never_in_crime(demo_warehouse) -> None:
    book = load_themes()
    con = demo_warehouse.connect()
    majors = {r[0] for r in con.execute("SELECT DISTINCT major FROM crime_counts").fetchall()}
    named = {
        s.split("/")[0].strip()
        for t in book.themes.values() for f in (t.filters.get("mps"),) if f for s in f.include
    } - {"*"}  # fmt: skip
    assert named <= majors
    for theme in book.themes.values():
        police = theme.filters.get("police-uk")
        if police and not theme.is_asb:
            where, params = police.sql("police-uk")
            n = con.execute(
                f"SELECT count(*) FROM police_uk_records WHERE crime_type = ? AND {where}",
                [ASB, *params],
            ).fetchone()
            assert n == (0,), theme.key
    total = con.execute(
        "SELECT count(*) FROM police_uk_records WHERE crime_type <> ?", [ASB]
    ).fetchone()[0]
    where, params = book.get("total").filters["police-uk"].sql("police-uk")
    assert con.execute(
        f"SELECT count(*) FROM police_uk_records WHERE {where}", params
    ).fetchone() == (total,)


def test_a_themes_file_that_mixes_asb_into_crime_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "themes.toml"
    bad.write_text(
        '[themes.all]\ntitle = "All"\ngroup = "overall"\ndirection = "down"\n'
        'definition = "x"\npolice-uk = { include = ["*"] }\n'
    )
    with pytest.raises(SaferplanError, match="anti-social behaviour as crime"):
        load_themes(bad)


def test_compare_matches_the_raw_file(demo_warehouse) -> None:
    con = demo_warehouse.connect()
    table = compare(con, "Harrow", load_themes().get("total"), parse_period("2018"),
                    parse_period("2017"), NEIGHBOURS)  # fmt: skip
    raw18, raw17, pops = (
        _raw_borough_counts(2018),
        _raw_borough_counts(2017),
        _raw_populations(2018),
    )
    london_pop = sum(v for k, v in pops.items() if k in raw18)  # City of London not in MPS data
    assert [r.area for r in table.rows] == ["Harrow", *NEIGHBOURS]
    for row in table.rows:
        areas = list(raw18) if row.area == "London" else [row.area]
        assert row.count_period == sum(raw18[a] for a in areas)
        assert row.count_baseline == sum(raw17[a] for a in areas)
        population = london_pop if row.area == "London" else pops[row.area]
        assert row.population_period.value == population
        assert row.area == "London" or row.population_period.year == 2018  # its own year's
        expected_rate = (Decimal(row.count_period) * 1000 / population).quantize(Decimal("0.01"))
        assert abs(row.rate_period - expected_rate) <= Decimal("0.005")
    harrow = table.rows[0]
    assert (harrow.count_period, harrow.count_baseline) == (14888, 13939)
    assert table.rows[-1].count_period == 840589  # includes the airports
    assert table.source == "mps"


def test_burglary_theme_counts_only_burglary(demo_warehouse) -> None:
    con = demo_warehouse.connect()
    table = compare(con, "Harrow", load_themes().get("burglary"), parse_period("2018"),
                    parse_period("2017"), [])  # fmt: skip
    assert table.rows[0].count_period == _raw_borough_counts(2018, {"Burglary"})["Harrow"]


def test_financial_year_and_lsoa_level(demo_warehouse) -> None:
    con = demo_warehouse.connect()
    total = load_themes().get("total")
    fy = compare(con, "Harrow", total, parse_period("2018-19"), parse_period("2017-18"), [])
    with open(BOROUGH, newline="", encoding="utf-8") as handle:
        months = [f"2018{m:02d}" for m in range(4, 13)] + [f"2019{m:02d}" for m in range(1, 4)]
        expected = sum(int(r[m]) for r in csv.DictReader(handle)
                       if r["LookUp_BoroughName"] == "Harrow" for m in months)  # fmt: skip
    assert fy.rows[0].count_period == expected
    lsoa = compare(con, "E01002112", total, parse_period("2018-06"), parse_period("2018-06"), [])
    assert lsoa.source == "police-uk" and lsoa.level == "lsoa"


def test_ranks_exclude_the_airports_by_rate(demo_warehouse) -> None:
    con = demo_warehouse.connect()
    total = load_themes().get("total")
    by_count, _ = ranking(con, "borough", total, parse_period("2018"), "count")
    by_rate, _ = ranking(con, "borough", total, parse_period("2018"), "rate")
    airports = "London Heathrow and London City Airports"
    assert len(by_count) == 33 and airports in [r.area for r in by_count]
    assert len(by_rate) == 32 and airports not in [r.area for r in by_rate]
    raw = _raw_borough_counts(2018)
    top = max(raw, key=lambda k: raw[k])
    assert by_count[0].area == top and by_count[0].rank == 1
    rates = [r.rate for r in by_rate]
    assert rates == sorted(rates, reverse=True)


def test_no_data_for_a_period_is_a_clear_error(demo_warehouse) -> None:
    with pytest.raises(NotFoundError) as caught:
        compare(demo_warehouse.connect(), "Harrow", load_themes().get("total"),
                parse_period("2030"), parse_period("2029"), [])  # fmt: skip
    assert "covers 2010-04 to 2023-11" in (caught.value.hint or "")


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as people run it: no DJANGO_SETTINGS_MODULE from the test run."""
    unwanted = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env["SAFERPLAN_DATA"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "saferplan", *args], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory) -> Path:
    """A data directory loaded by the real ``saferplan demo`` command."""
    data = tmp_path_factory.mktemp("cli-data")
    result = _cli(data, "demo")
    assert result.returncode == 0, result.stderr
    assert "Harrow ranks" in result.stdout
    loaded = re.search(r"Demo data: (\d+) files imported, 0 already present", result.stdout)
    assert loaded, result.stdout
    again = _cli(data, "demo")
    assert f"0 files imported, {loaded.group(1)} already present" in again.stdout
    return data


def test_cli_compare_csv_contract_and_arithmetic(cli_data: Path) -> None:
    result = _cli(cli_data, "stats", "compare", "--area", "Harrow", "--theme", "total",
                  "--period", "2018", "--baseline", "2017", "--comparators", ",".join(NEIGHBOURS),
                  "--format", "csv")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert list(rows[0]) == ["area", "count_baseline", "rate_baseline", "count_period",
                             "rate_period", "count_change", "pct_change", "rate_change"]  # fmt: skip
    assert [r["area"] for r in rows] == ["Harrow", *NEIGHBOURS]
    pops = _raw_populations(2018)
    for r in rows:
        cb, cp = int(r["count_baseline"]), int(r["count_period"])
        assert int(r["count_change"]) == cp - cb
        pct = (Decimal(cp - cb) * 100 / cb).quantize(Decimal("0.1"), "ROUND_HALF_UP")
        assert Decimal(r["pct_change"]) == abs(pct) if pct == 0 else Decimal(r["pct_change"]) == pct
        assert Decimal(r["rate_change"]) == Decimal(r["rate_period"]) - Decimal(r["rate_baseline"])
        assert len(r["rate_period"].split(".")[1]) == 2
        if r["area"] != "London":
            rate = (Decimal(cp) * 1000 / pops[r["area"]]).quantize(Decimal("0.01"), "ROUND_HALF_UP")
            assert Decimal(r["rate_period"]) == rate


def test_cli_json_carries_provenance_and_population_override(
    cli_data: Path, tmp_path: Path
) -> None:
    override = tmp_path / "pop.csv"
    override.write_text("area,year,population\nHarrow,2017,248880\nHarrow,2018,248880\n")
    result = _cli(cli_data, "stats", "compare", "--area", "Harrow", "--period", "2018",
                  "--comparators", "London", "--population", str(override), "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    harrow = payload["rows"][0]
    assert harrow["population_period"] == {"value": 248880, "year": 2018,
                                           "set": "user file pop.csv", "source": str(override)}  # fmt: skip
    assert harrow["rate_period"] == 59.82  # 14888 / 248880 x 1000
    assert payload["theme"]["key"] == "total"
    files = {i["file"] for i in payload["imports"]}
    assert any(f.endswith("mps_borough_monthly_2010-04_2021-11.csv") for f in files)
    assert all(len(i["sha256"]) == 64 for i in payload["imports"])


def test_cli_rank_contract(cli_data: Path) -> None:
    result = _cli(cli_data, "stats", "rank", "--level", "borough", "--theme", "total",
                  "--period", "2018", "--by", "rate", "--format", "csv")  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == "rank,area,count,rate"
    assert len(lines) == 33 and "Airports" not in result.stdout


def test_cli_errors_are_friendly(cli_data: Path) -> None:
    result = _cli(cli_data, "stats", "compare", "--area", "Harow", "--period", "2018")
    assert result.returncode == 1
    assert "no area called 'Harow'" in result.stderr and "Harrow" in result.stderr
    assert "Traceback" not in result.stderr
