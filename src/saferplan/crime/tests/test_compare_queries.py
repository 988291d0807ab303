"""A compare asks the warehouse little: one grouped query once a catalog's lookups are known,
a handful the first time; and the grouped counts give the same figures and provenance.

Expected figures are read from the raw bundled CSVs with the csv module, not saferplan code.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

import pytest

from saferplan.core.periods import parse_period
from saferplan.crime import queries
from saferplan.crime.comparisons import compare, ranking
from saferplan.crime.themes import load_themes
from saferplan.datastore import snapshots
from saferplan.demo import DATA

OLDER = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
NEWER = DATA / "mps_borough_monthly_2021-12_2023-11.csv"
YEARLY = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"


class Counting:
    """A connection that counts the statements run on it (and is found in the caches of the
    connection it wraps, as that connection)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, *params: Any) -> Any:
        self.statements.append(sql)
        return self.con.execute(sql, *params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)

    def __hash__(self) -> int:
        return hash(self.con)

    def __eq__(self, other: object) -> bool:
        return self.con == (other.con if isinstance(other, Counting) else other)


def _boroughs() -> list[str]:
    with open(OLDER, newline="", encoding="utf-8") as handle:
        return sorted({r["LookUp_BoroughName"] for r in csv.DictReader(handle)})


def _raw_counts(year: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for path in (OLDER, NEWER):
        with open(path, newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                months = [k for k in r if k[:4] == str(year) and k[4:].isdigit()]
                name = r["LookUp_BoroughName"]
                out[name] = out.get(name, 0) + sum(int(r[k]) for k in months)
    return out


def test_a_compare_over_every_borough_runs_one_query_once_the_catalog_is_known(
    demo_warehouse,
) -> None:
    snapshots.forget()  # a new snapshot: nothing of this catalog known yet
    others = [b for b in _boroughs() if b != "Harrow"]
    assert len(others) >= 32  # every London area the MPS counts, the airports too
    total = load_themes().get("total")
    periods = parse_period("12M-2023-11"), parse_period("12M-2011-03")  # the first and last

    first = Counting(demo_warehouse.connect())
    table = compare(first, "Harrow", total, *periods, [*others, "London"])
    assert len(first.statements) <= 8, first.statements

    again = Counting(demo_warehouse.connect())
    assert compare(again, "Harrow", total, *periods, [*others, "London"]) == table
    assert len(again.statements) == 1, again.statements

    assert [r.area for r in table.rows] == ["Harrow", *others, "London"]

    for most in (2, 1):  # the months the source has at all, the first time only
        ranked = Counting(demo_warehouse.connect())
        rows, source = ranking(ranked, "borough", total, periods[0], "rate")
        assert len(ranked.statements) <= most, ranked.statements
    assert source == "mps" and len(rows) == 32  # the boroughs with residents, not the airports


@pytest.fixture
def two_imports(import_into, warehouse):
    older = import_into("mps", OLDER).imported[0]
    newer = import_into("mps", NEWER).imported[0]
    population = import_into("population", YEARLY, name="ONS yearly").imported[0]
    return warehouse, older.pk, newer.pk, population.pk


def test_the_imports_behind_a_compare_are_those_with_rows_in_its_periods(two_imports) -> None:
    warehouse, older, newer, population = two_imports
    total = load_themes().get("total")
    both = compare(warehouse.connect(), "Harrow", total, parse_period("2022"),
                   parse_period("2018"), ["Brent", "London"])  # fmt: skip
    assert both.import_ids == sorted([older, newer])
    assert both.population_import_ids == [population]
    old = compare(warehouse.connect(), "Harrow", total, parse_period("2018"),
                  parse_period("2017"), ["Brent"])  # fmt: skip
    assert old.import_ids == [older]
    raw22, raw18 = _raw_counts(2022), _raw_counts(2018)
    got = {r.area: (r.count_period, r.count_baseline) for r in both.rows}
    assert got["Harrow"] == (raw22["Harrow"], raw18["Harrow"])
    assert got["Brent"] == (raw22["Brent"], raw18["Brent"])
    assert got["London"] == (sum(raw22.values()), sum(raw18.values()))


def _raw_months(area: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for path in (OLDER, NEWER):
        with open(path, newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                if r["LookUp_BoroughName"] == area:
                    for k, v in r.items():
                        if k.isdigit():
                            out[k] = out.get(k, 0) + int(v)
    return out


def test_imports_of_several_periods_and_a_history_in_one_query_each(two_imports) -> None:
    warehouse, older, newer, _ = two_imports
    total = load_themes().get("total")
    con = warehouse.connect()
    years = {y: parse_period(y) for y in ("2017", "2018", "2022")}

    def ids(*names: str) -> list[int]:
        found = queries.contributing_imports(con, total, "mps", "borough",
                                             [years[n] for n in names], area="Harrow")  # fmt: skip
        return found

    assert ids("2022", "2018") == sorted([older, newer])
    assert ids("2018", "2017") == [older]
    assert ids("2022") == [newer]

    first, last = date(2021, 6, 1), date(2022, 3, 1)
    series, found = queries.history(con, total, "borough", "Harrow", first, last, "mps")
    raw = _raw_months("Harrow")
    months = [date(2021, m, 1) for m in range(6, 13)] + [date(2022, m, 1) for m in (1, 2, 3)]
    assert series == [(m, raw[f"{m:%Y%m}"]) for m in months]
    assert found == {older, newer}  # the months span both files
