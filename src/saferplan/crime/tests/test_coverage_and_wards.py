"""Which source covers which area, and wards of a vintage: the cases issue #11 (items 21 and
22) brought, each worked here from the raw files with plain Python."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from conftest import write

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import parse_period
from saferplan.crime import queries
from saferplan.crime.comparisons import compare
from saferplan.crime.themes import load_themes
from saferplan.demo import DATA
from saferplan.geography.population import populations
from saferplan.geography.wards import ward_vintage

POP = DATA / "lsoa_population_mid2019.csv"
CITY_2019 = DATA / "police_uk" / "city-of-london-2019-street.csv"
LOOKUP = DATA / "ward_2018" / "lsoa2011_ward2018_best_fit.csv"
BURGLARY = DATA / "lsoa_annual_by_major_category" / "london-2011-2021-major-burglary.csv"
YEARLY = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _borough_of() -> dict[str, str]:
    return {r["LSOA11CD"]: r["LAD11NM"] for r in _rows(POP)}


def test_a_forces_stray_records_do_not_cover_its_neighbour(warehouse, import_into) -> None:
    """The City of London Police's records include some in Camden's and Westminster's LSOAs:
    they are not those boroughs' figures, so police.uk does not cover them, and the City's
    anti-social behaviour is the records in its own LSOAs."""
    import_into("population", POP)
    import_into("population", YEARLY, name="ONS yearly")  # names the City a borough
    import_into("police-uk", CITY_2019)
    con = warehouse.connect()
    asb = load_themes().get("asb")
    where = _borough_of()
    rows = _rows(CITY_2019)
    strays = {where[r["LSOA code"]] for r in rows if r["LSOA code"] in where} - {"City of London"}
    assert {"Camden", "Westminster"} <= strays
    months = queries.months_covered(con, asb, "police-uk", "borough", "City of London")
    assert len(months) == 12
    for other in strays:
        assert queries.months_covered(con, asb, "police-uk", "borough", other) == set()
    later, earlier = parse_period("2019-07..2019-12"), parse_period("2019-01..2019-06")
    table = compare(con, "City of London", asb, later, earlier, ["Camden", "London"])
    assert table.source == "police-uk" and [r.area for r in table.rows] == ["City of London"]
    assert table.left_out == ["Camden", "London"]
    mine = [r for r in rows if where.get(r["LSOA code"]) == "City of London"
            and r["Crime type"] == "Anti-social behaviour"]  # fmt: skip
    assert table.rows[0].count_period == sum(r["Month"] >= "2019-07" for r in mine)
    assert table.rows[0].count_baseline == sum(r["Month"] < "2019-07" for r in mine)
    with pytest.raises(NotFoundError) as refused:
        queries.choose_source(con, asb, "borough", [later], area="Camden")
    assert refused.value.hint == "no police-uk borough data for Camden."


WARD_HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,"


def test_a_periods_wards_are_the_newest_that_began_by_its_first_month(
    warehouse, import_into, tmp_path
) -> None:
    """2018 wards before December 2021, 2022 wards from then (the months the MPS's 2022-ward
    series begins), the oldest before any begins."""
    import_into("mps", write(tmp_path / "w18.csv", WARD_HEADER + "201908,202112\n"
                "Burglary,Domestic Burglary,Pinner,E05000297,Harrow,1,2\n"))  # fmt: skip
    import_into("mps", write(tmp_path / "w22.csv", WARD_HEADER + "202112,202201\n"
                "Burglary,Domestic Burglary,Pinner,E05013555,Harrow,3,4\n"))  # fmt: skip
    con = warehouse.connect()
    picks = {p: ward_vintage(con, parse_period(p)) for p in ("2017", "2021", "2021-22", "2022",
                                                            "12m-2022-11")}  # fmt: skip
    assert picks == {"2017": "2018", "2021": "2018", "2021-22": "2018", "2022": "2022",
                     "12m-2022-11": "2022"}  # fmt: skip
    theme = load_themes().get("burglary")
    december = parse_period("2021-12")
    by_vintage = {
        v: [(c.code, c.count) for c in queries.area_counts(con, theme, "ward", december, "mps",
                                                           vintage=v)]
        for v in ("2018", "2022")
    }  # fmt: skip
    assert by_vintage == {"2018": [("E05000297", 2)], "2022": [("E05013555", 3)]}


def test_lsoa_counts_and_populations_sum_into_the_wards_of_a_lookup(warehouse, import_into) -> None:
    """Wards of the 2018 lookup, their 2019 burglaries summed from the LSOA file and their
    residents from the LSOA estimates."""
    import_into("population", POP)
    import_into("lsoa-annual", BURGLARY)
    import_into("lookup", LOOKUP)
    con = warehouse.connect()
    ward_of = {r["LSOA11CD"]: r["WD18CD"] for r in _rows(LOOKUP)}
    counts: dict[str, int] = defaultdict(int)
    for r in _rows(BURGLARY):
        if r["LAD11NM"] == "Harrow":
            counts[ward_of[r["LSOA11CD"]]] += int(float(r["2019"]))
    residents: dict[str, int] = defaultdict(int)
    for r in _rows(POP):
        residents[ward_of[r["LSOA11CD"]]] += int(r["Persons_All-Ages"])
    theme = load_themes().get("burglary")
    found = queries.area_counts(con, theme, "ward", parse_period("2019"), "lsoa-annual",
                                borough="Harrow", vintage="2018")  # fmt: skip
    assert {c.code: c.count for c in found} == counts and len(counts) == 21
    pops = populations(con, "ward", sorted(counts), 2019)
    assert {code: p.value for code, p in pops.items()} == {c: residents[c] for c in counts}
    assert queries.choose_source(con, theme, "ward", [parse_period("2019")], area="Harrow",
                                 vintage="2018") == "lsoa-annual"  # fmt: skip


def test_the_import_command_names_a_files_wards(tmp_path) -> None:
    """`saferplan import mps FILE --vintage 2018`: a 2018-ward file cut to begin in 2022
    would otherwise be taken for the 2022 wards."""
    import os
    import subprocess
    import sys

    from saferplan.datastore.warehouse import Warehouse

    path = write(tmp_path / "cut.csv", WARD_HEADER + "202201\n"
                 "Burglary,Domestic Burglary,Pinner,E05000297,Harrow,3\n")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")
    done = subprocess.run([sys.executable, "-m", "saferplan", "import", "mps", str(path),
                           "--vintage", "2018"], capture_output=True, text=True, env=env,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    con = Warehouse(tmp_path / "data" / "warehouse").connect()
    assert con.execute("SELECT DISTINCT vintage FROM crime_counts").fetchall() == [("2018",)]
