"""The warehouse publishes all or nothing, and the newest import of a partition wins."""

from __future__ import annotations

import pyarrow as pa
import pytest

from saferplan.datastore.publishing import Publication
from saferplan.datastore.warehouse import StagedTable, Warehouse


def _lookup_rows(codes: list[str], lad: str, partition: str) -> StagedTable:
    return StagedTable(
        "area_lookup",
        pa.table(
            {
                "lsoa_code": codes,
                "lsoa_name": codes,
                "ward_code": [None] * len(codes),
                "ward_name": [None] * len(codes),
                "lad_code": ["E09000015"] * len(codes),
                "lad_name": [lad] * len(codes),
                "vintage": pa.nulls(len(codes), pa.string()),
                "partition_key": [partition] * len(codes),
            }
        ),
    )


def _publish(wh: Warehouse, import_id: int, staged: StagedTable) -> None:
    with wh.lock():
        pub = Publication(wh)
        try:
            pub.add(import_id, f"{import_id:032x}", [staged])
            pub.place()
            pub.publish()
        finally:
            pub.cleanup()


def test_empty_warehouse_has_every_table(warehouse: Warehouse) -> None:
    con = warehouse.connect()
    assert con.execute("SELECT count(*) FROM crime_counts").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM boundaries_all").fetchone() == (0,)


def test_newest_import_of_a_partition_wins(warehouse: Warehouse) -> None:
    _publish(warehouse, 1, _lookup_rows(["A", "B"], "Old", "p1"))
    _publish(warehouse, 2, _lookup_rows(["C"], "Other", "p2"))
    _publish(warehouse, 3, _lookup_rows(["A"], "New", "p1"))
    con = warehouse.connect()
    rows = con.execute("SELECT lsoa_code, lad_name FROM area_lookup ORDER BY 1").fetchall()
    assert rows == [("A", "New"), ("C", "Other")]
    assert con.execute("SELECT count(*) FROM area_lookup_all").fetchone() == (4,)


def test_discarded_publication_leaves_no_trace(warehouse: Warehouse) -> None:
    _publish(warehouse, 1, _lookup_rows(["A"], "Kept", "p1"))
    before = warehouse.catalog_path.read_bytes()
    files = sorted(warehouse.root.rglob("*"))
    with warehouse.lock():
        pub = Publication(warehouse)
        pub.add(2, "2" * 32, [_lookup_rows(["Z"], "Lost", "p1")])
        pub.place()
        pub.discard()
        pub.cleanup()
    assert warehouse.catalog_path.read_bytes() == before
    assert sorted(warehouse.root.rglob("*")) == files
    con = warehouse.connect()
    assert con.execute("SELECT lad_name FROM area_lookup").fetchall() == [("Kept",)]


def test_staged_rows_must_fit_the_schema(warehouse: Warehouse) -> None:
    bad = StagedTable("area_lookup", pa.table({"lsoa_code": ["A"], "partition_key": ["p"]}))
    with warehouse.lock():
        pub = Publication(warehouse)
        with pytest.raises(KeyError):
            pub.add(1, "1" * 32, [bad])
        pub.cleanup()
    assert warehouse.entries() == []
