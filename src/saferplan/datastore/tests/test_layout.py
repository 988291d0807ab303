"""The readers' pyarrow-free table layout is the writers' Arrow schemas, column for column."""

from __future__ import annotations

from saferplan.datastore.layout import COLUMNS, RESTRICTED
from saferplan.datastore.tables import TABLES

ARROW_TO_DUCKDB = {
    "string": "VARCHAR", "int64": "BIGINT", "int32": "INTEGER", "double": "DOUBLE",
    "date32[day]": "DATE", "binary": "BLOB",
}  # fmt: skip


def test_layout_matches_the_arrow_schemas() -> None:
    assert list(COLUMNS) == list(TABLES)
    for name, spec in TABLES.items():
        assert COLUMNS[name] == tuple((f.name, ARROW_TO_DUCKDB[str(f.type)]) for f in spec.schema)
    assert {name for name, spec in TABLES.items() if spec.restricted} == RESTRICTED
