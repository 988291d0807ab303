"""Series extracts (``saferplan import series``): a partnership's own, all or nothing, with
the usual errors naming file, row and column."""

from __future__ import annotations

import re

import pytest
from conftest import write
from hypothesis import given

from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.importing import run_import
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.tests.fuzzing import FUZZ, check_refused_or_whole, mutated_csv, snapshot
from saferplan.datastore.warehouse import Warehouse

HEADER = "area_code,area_name,level,month,measure,count\n"
GOOD = (
    HEADER
    + "E09000015,Harrow,borough,2022-01,Knife crime,14\n"
    + "E09000015,Harrow,borough,2022-02,Knife crime,9\n"
    + "E05013566,Pinner,ward,2022-01,Knife crime,0\n"
    + "E09000015,Harrow,borough,2022-01,Domestic abuse violence with injury,61\n"
)


@pytest.fixture
def owners(db):
    from saferplan.accounts.models import Partnership

    return [Partnership.objects.create(name=n, areas=["Harrow"]) for n in ("A", "B")]


def _import(warehouse, owner, *paths):
    return run_import("series", paths, user="t", warehouse=warehouse, partnership=owner)


def _rows(warehouse, owner) -> list[tuple]:
    with partnership_scope(owner):
        con = warehouse.connect()
    return con.execute(
        "SELECT partnership_id, measure, level, area_code, period_start::VARCHAR, count "
        "FROM series ORDER BY level, measure, period_start"
    ).fetchall()


def test_an_extract_is_stored_as_its_partnerships(warehouse, owners, tmp_path) -> None:
    a, b = owners
    path = write(tmp_path / "extract.csv", GOOD)
    (record,) = _import(warehouse, a, path).imported
    assert record.partnership_id == a.pk and record.rows_kept == 4
    assert record.notes["measures"] == ["Domestic abuse violence with injury", "Knife crime"]
    assert record.notes["levels"] == ["borough", "ward"]
    assert _rows(warehouse, a) == [
        (a.pk, "Domestic abuse violence with injury", "borough", "E09000015", "2022-01-01", 61),
        (a.pk, "Knife crime", "borough", "E09000015", "2022-01-01", 14),
        (a.pk, "Knife crime", "borough", "E09000015", "2022-02-01", 9),
        (a.pk, "Knife crime", "ward", "E05013566", "2022-01-01", 0),
    ]
    assert _rows(warehouse, b) == []
    # The same file is B's too if B imports it, and the same file twice changes nothing.
    assert len(_import(warehouse, b, path).imported) == 1
    assert len(_import(warehouse, a, path).skipped) == 1
    assert [r[5] for r in _rows(warehouse, b)] == [61, 14, 9, 0]


def test_a_reissued_extract_replaces_the_months_it_covers(warehouse, owners, tmp_path) -> None:
    a, _ = owners
    _import(warehouse, a, write(tmp_path / "first.csv", GOOD))
    later = HEADER + "E09000015,Harrow,borough,2022-02,Knife crime,11\n"
    _import(warehouse, a, write(tmp_path / "later.csv", later))
    knife = [r[4:] for r in _rows(warehouse, a) if r[1] == "Knife crime" and r[2] == "borough"]
    assert knife == [("2022-01-01", 14), ("2022-02-01", 11)]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("E09000015,Harrow,county,2022-01,Knife crime,1", "level",
         "the level 'county' is not borough, ward or lsoa"),
        ("E05013566,Harrow,borough,2022-01,Knife crime,1", "area_code",
         "'E05013566' is not a local authority code"),
        ("E09000015,Harrow,ward,2022-01,Knife crime,1", "area_code", "is not a ward code"),
        ("E09000015,Harrow,borough,2022-13,Knife crime,1", "month",
         "'2022-13' is not a month (expected YYYY-MM"),
        ("E09000015,Harrow,borough,Jan 2022,Knife crime,1", "month", "'Jan 2022' is not a month"),
        ("E09000015,Harrow,borough,2022-01,Knife crime,-1", "count", "the count '-1' is negative"),
        ("E09000015,Harrow,borough,2022-01,Knife crime,2.5", "count",
         "'2.5' is not a whole number"),
        ("E09000015,Harrow,borough,2022-01,,3", "measure", "this cell is empty"),
        ("E09000015,,borough,2022-01,Gun crime,3", "area_name", "this cell is empty"),
        ("E09000015,Harrow,borough,2022-01,knife crime,3", None,
         "the same area, month and measure appear again (first on row 2)"),
        ("E09000015,Harrow LB,borough,2022-03,Knife crime,3", "area_name",
         "E09000015 is named 'Harrow LB' here and 'Harrow' on row 2"),
        ("E09000015,Harrow,borough,2022-03,Knife crime", None, "this row has 5 fields"),
    ],
)  # fmt: skip
def test_bad_rows_are_refused_by_row_and_column(
    warehouse, owners, tmp_path, line, column, message
) -> None:
    good = HEADER + "E09000015,Harrow,borough,2022-01,Knife crime,14\n"
    path = write(tmp_path / "extract.csv", good + line + "\n")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        _import(warehouse, owners[0], write(tmp_path / "fine.csv", GOOD), path)
    assert (caught.value.file, caught.value.row, caught.value.column) == (str(path), 3, column)
    assert _rows(warehouse, owners[0]) == []  # all or nothing: the good file is not stored


def test_a_renamed_column_is_named_and_extra_ones_listed(warehouse, owners, tmp_path) -> None:
    renamed = GOOD.replace("measure", "measures", 1)
    with pytest.raises(InputError, match="expected a column 'measure' but found 'measures'"):
        _import(warehouse, owners[0], write(tmp_path / "a.csv", renamed))
    extra = GOOD.replace("count\n", "count,notes\n", 1).replace("\n", ",x\n").replace(
        "count,notes,x\n", "count,notes\n")  # fmt: skip
    (record,) = _import(warehouse, owners[0], write(tmp_path / "b.csv", extra)).imported
    assert record.notes["ignored_columns"] == ["notes"]


def test_an_extract_needs_a_partnership(warehouse, db, tmp_path) -> None:
    with pytest.raises(SaferplanError, match="a partnership's own data"):
        run_import("series", [write(tmp_path / "x.csv", GOOD)], user="t", warehouse=warehouse)


@FUZZ
@given(data=mutated_csv(GOOD))
def test_damaged_extracts_are_refused_naming_the_file(owners, tmp_path, data: bytes) -> None:
    warehouse = Warehouse(tmp_path / "fuzz")

    def run(path):
        return _import(warehouse, owners[0], path)

    check_refused_or_whole(
        run, "extract.csv", data, lambda: snapshot(warehouse.root, ImportRecord.objects.count)
    )
