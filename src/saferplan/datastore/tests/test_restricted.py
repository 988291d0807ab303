"""A partnership's own rows in the warehouse: visible only in that partnership's scope.

And a column added to a table (``vintage``) reads as null from files written before it.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq

from saferplan.accounts.tenancy import across_partnerships, partnership_scope
from saferplan.datastore.tests.test_warehouse import _publish
from saferplan.datastore.warehouse import CatalogEntry, StagedTable, Warehouse


def _series(partnership_id: int, count: int) -> StagedTable:
    return StagedTable(
        "series",
        pa.table(
            {
                "partnership_id": pa.array([partnership_id], pa.int64()),
                "measure": ["Knife crime"],
                "level": ["borough"],
                "area_code": ["E09000015"],
                "area_name": ["Harrow"],
                "period_start": pa.array([date(2022, 1, 1)], pa.date32()),
                "count": pa.array([count], pa.int64()),
                "partition_key": [f"series|{partnership_id}|Knife crime|borough|2022-01"],
            }
        ),
    )


def _counts(warehouse: Warehouse) -> list[tuple[int, int]]:
    con = warehouse.connect()
    both = "SELECT partnership_id, count FROM {} ORDER BY 1"
    live = con.execute(both.format("series")).fetchall()
    assert live == con.execute(both.format("series_all")).fetchall()
    return live


def test_a_partnerships_series_is_seen_only_in_its_scope(warehouse: Warehouse) -> None:
    _publish(warehouse, 1, _series(1, 10))
    _publish(warehouse, 2, _series(2, 20))
    with partnership_scope(SimpleNamespace(pk=1)):
        assert _counts(warehouse) == [(1, 10)]
    with partnership_scope(SimpleNamespace(pk=2)):
        assert _counts(warehouse) == [(2, 20)]
    with partnership_scope(None):
        assert _counts(warehouse) == []
    with across_partnerships():  # no scope is no partnership's
        assert _counts(warehouse) == []
    assert _counts(warehouse) == []


def test_files_from_before_a_column_read_it_as_null(warehouse: Warehouse) -> None:
    """A lookup file written before ``vintage`` existed, beside one with it."""
    old = pa.table(
        {
            "lsoa_code": ["E01000001"], "lsoa_name": ["a"], "ward_code": ["E05000001"],
            "ward_name": ["w"], "lad_code": ["E09000001"], "lad_name": ["City of London"],
            "import_id": pa.array([1], pa.int64()), "partition_key": ["lookup|E01000001"],
        }
    )  # fmt: skip
    path = warehouse.root / "tables" / "area_lookup" / f"import-{1:032x}-0.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(old, path)
    entry = CatalogEntry(1, "area_lookup", path.relative_to(warehouse.root).as_posix(), 1,
                         ["lookup|E01000001"], f"{1:032x}")  # fmt: skip
    warehouse._write_catalog([entry])
    from saferplan.datastore.tests.test_warehouse import _lookup_rows

    new = _lookup_rows(["E01000002"], "Harrow", "lookup|2018|E01000002")
    new = StagedTable(new.table, new.data.set_column(6, "vintage", pa.array(["2018"])))
    _publish(warehouse, 2, new)
    rows = (
        warehouse.connect()
        .execute("SELECT lsoa_code, vintage FROM area_lookup ORDER BY 1")
        .fetchall()
    )
    assert rows == [("E01000001", None), ("E01000002", "2018")]
