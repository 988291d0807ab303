"""The rollup: each import publishes it with its catalog; queries answer from it; a stale or
missing one is rebuilt from the records, so it never changes an answer.

Expected figures are worked with pandas from the raw bundled CSVs, not with saferplan code.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from saferplan.core.periods import parse_period
from saferplan.crime.comparisons import compare, ranking
from saferplan.crime.themes import load_themes
from saferplan.datastore import rollup
from saferplan.datastore.publishing import refresh_rollup
from saferplan.datastore.warehouse import Warehouse
from saferplan.demo import DATA

BOROUGH = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
YEARLY = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"
HARROW = DATA / "police_uk" / "harrow-2018-06-street.csv"


def _current(wh: Warehouse) -> bool:
    entries, record = wh.catalog()
    return rollup.is_current(record, entries, wh.root)


def _attached(wh: Warehouse) -> bool:
    """Whether a fresh reader reads the rollup's files (rather than building its tables)."""
    con = Warehouse(wh.root).connect()
    return con in rollup._READY


def _pandas_counts(year: int) -> pd.Series:
    wide = pd.read_csv(BOROUGH)
    long = wide.melt(id_vars=["MajorText", "MinorText", "LookUp_BoroughName"],
                     var_name="month", value_name="count")  # fmt: skip
    long = long[long["month"].str[:4] == str(year)]
    return long.groupby("LookUp_BoroughName")["count"].sum()


def _pandas_population(year: int) -> pd.Series:
    pop = pd.read_csv(YEARLY)
    pop = pop[(pop["age_band"] == "all") & (pop["year"] == year)]
    return pop.set_index("area_name")["population"]


def _rate(count: int, population: int) -> Decimal:
    return (Decimal(int(count)) * 1000 / int(population)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.fixture
def boroughs(import_into, warehouse):
    import_into("mps", BOROUGH)
    import_into("population", YEARLY, name="ONS yearly borough estimates")
    return warehouse


def test_compare_and_rank_from_the_rollup_equal_pandas(boroughs) -> None:
    assert _current(boroughs) and _attached(boroughs)
    total = load_themes().get("total")
    table = compare(boroughs.connect(), "Harrow", total, parse_period("2018"),
                    parse_period("2017"), ["Barnet", "Brent"])  # fmt: skip
    now, before = _pandas_counts(2018), _pandas_counts(2017)
    pop_now, pop_before = _pandas_population(2018), _pandas_population(2017)
    got = [(r.area, r.count_baseline, r.count_period, r.rate_baseline, r.rate_period)
           for r in table.rows]  # fmt: skip
    assert got == [
        (a, before[a], now[a], _rate(before[a], pop_before[a]), _rate(now[a], pop_now[a]))
        for a in ("Harrow", "Barnet", "Brent")
    ]

    rows, source = ranking(boroughs.connect(), "borough", total, parse_period("2018"), "rate")
    rates = (now[now.index.isin(pop_now.index)] * 1000 / pop_now).dropna()
    expected = rates.sort_values(ascending=False)
    assert source == "mps"
    assert [r.area for r in rows] == list(expected.index)
    assert [r.rate for r in rows] == [_rate(now[a], pop_now[a]) for a in expected.index]
    assert [r.count for r in rows] == [now[a] for a in expected.index]


def test_police_records_rolled_up_by_lsoa_month_and_type_equal_pandas(import_into, warehouse):
    import_into("police-uk", HARROW)
    assert _current(warehouse)
    con = warehouse.connect()
    assert con in rollup._READY
    got = con.execute(
        "SELECT area_code, strftime(period_start, '%Y-%m'), crime_type, sum(n) "
        "FROM _saferplan_police_lsoa GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    raw = pd.read_csv(HARROW).dropna(subset=["LSOA code"])
    counted = raw.groupby(["LSOA code", "Month", "Crime type"]).size().sort_index()
    assert got == [(*key, int(n)) for key, n in counted.items()]


def test_a_stale_rollup_is_never_read_and_is_rebuilt(boroughs) -> None:
    total = load_themes().get("total")
    period, baseline = parse_period("2018"), parse_period("2017")

    def figures() -> list[tuple[str, int, int]]:
        table = compare(boroughs.connect(), "Harrow", total, period, baseline, ["Barnet"])
        return [(r.area, r.count_baseline, r.count_period) for r in table.rows]

    expected = figures()
    catalog = json.loads(boroughs.catalog_path.read_text())
    # As if the rollup were of other inputs (an import listed by recovery, say).
    catalog["rollup"]["inputs"] = "0" * 64
    boroughs.catalog_path.write_text(json.dumps(catalog))
    assert not _current(boroughs) and not _attached(boroughs)
    assert figures() == expected  # built from the records instead
    assert refresh_rollup(boroughs)
    assert _current(boroughs) and _attached(boroughs)
    assert figures() == expected
    assert not refresh_rollup(boroughs)  # current: nothing to do

    # A rollup file gone missing makes it stale too.
    record = boroughs.catalog()[1]
    assert record is not None
    (boroughs.root / record.files["_saferplan_borough_counts"]).unlink()
    assert not _current(boroughs) and not _attached(boroughs)
    assert figures() == expected


def test_a_failed_rollup_build_keeps_the_import(import_into, warehouse, monkeypatch) -> None:
    """The rollup only makes answers fast: failing to build it stores the import anyway."""
    import_into("mps", BOROUGH)
    before = warehouse.catalog()[1]

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(rollup, "write", broken)
    import_into("population", YEARLY, name="ONS yearly borough estimates")
    entries, record = warehouse.catalog()
    assert {e.table for e in entries} == {"crime_counts", "population"}
    assert record == before and not _current(warehouse)
    table = compare(warehouse.connect(), "Harrow", load_themes().get("total"),
                    parse_period("2018"), parse_period("2017"), [])  # fmt: skip
    assert table.rows[0].rate_period == _rate(_pandas_counts(2018)["Harrow"],
                                              _pandas_population(2018)["Harrow"])  # fmt: skip


def test_superseded_rollups_are_deleted_bar_the_newest(boroughs, import_into) -> None:
    import_into("police-uk", HARROW)
    folders = sorted((boroughs.root / rollup.ROLLUP_DIR).iterdir())
    record = boroughs.catalog()[1]
    assert record is not None and len(folders) == 2  # three imports: the first's is gone
    assert (boroughs.root / next(iter(record.files.values()))).parent in folders


def test_each_rollup_file_holds_what_a_reader_builds_from_the_records(boroughs, import_into):
    """The files are written query by query (no table held in memory); a reader without
    them builds the same rows. (Compared as sets of rows: a table's ORDER BY sorts by
    period and area, and rows tied on those may come in any order from a parallel scan.)"""
    import_into("police-uk", HARROW)
    entries, record = boroughs.catalog()
    assert record is not None and rollup.is_current(record, entries, boroughs.root)
    built = boroughs.connect_entries(entries)  # no rollup attached: built from the records
    rollup.ensure(built)
    assert set(record.files) == {name for name, _ in rollup.DEFINITIONS} - rollup.VIEWS
    rows = {}
    for name, file in record.files.items():
        path = str(boroughs.root / file).replace("'", "''")
        written = built.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
        expected = built.execute(f"SELECT * FROM {name}").fetchall()
        assert sorted(written, key=repr) == sorted(expected, key=repr), name
        rows[name] = len(written)
    for name in ("_saferplan_population", "_saferplan_borough_counts", "_saferplan_police_lsoa"):
        assert rows[name] > 0, name
