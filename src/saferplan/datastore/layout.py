"""The warehouse's tables as a reader needs them: names, who may read them, and each
column's DuckDB type, without pyarrow (which costs a command ~100 ms to import).

``tables`` declares the same tables as Arrow schemas for the writers; a test keeps the two
the same.
"""

from __future__ import annotations

_BOOKKEEPING = (("import_id", "BIGINT"), ("partition_key", "VARCHAR"))

# Table name -> (column, DuckDB type), in the schema's order.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "crime_counts": (
        ("source", "VARCHAR"), ("level", "VARCHAR"), ("area_code", "VARCHAR"),
        ("area_name", "VARCHAR"), ("borough", "VARCHAR"), ("major", "VARCHAR"),
        ("minor", "VARCHAR"), ("period_start", "DATE"), ("period_grain", "VARCHAR"),
        ("count", "BIGINT"), ("vintage", "VARCHAR"), *_BOOKKEEPING,
    ),
    "police_uk_records": (
        ("crime_id", "VARCHAR"), ("month", "DATE"), ("reported_by", "VARCHAR"),
        ("falls_within", "VARCHAR"), ("longitude", "DOUBLE"), ("latitude", "DOUBLE"),
        ("location", "VARCHAR"), ("lsoa_code", "VARCHAR"), ("lsoa_name", "VARCHAR"),
        ("crime_type", "VARCHAR"), ("last_outcome", "VARCHAR"), ("context", "VARCHAR"),
        *_BOOKKEEPING,
    ),
    "population": (
        ("population_set", "VARCHAR"), ("source", "VARCHAR"), ("level", "VARCHAR"),
        ("area_code", "VARCHAR"), ("area_name", "VARCHAR"), ("year", "INTEGER"),
        ("sex", "VARCHAR"), ("age_band", "VARCHAR"), ("population", "BIGINT"), *_BOOKKEEPING,
    ),
    "area_lookup": (
        ("lsoa_code", "VARCHAR"), ("lsoa_name", "VARCHAR"), ("ward_code", "VARCHAR"),
        ("ward_name", "VARCHAR"), ("lad_code", "VARCHAR"), ("lad_name", "VARCHAR"),
        ("vintage", "VARCHAR"), *_BOOKKEEPING,
    ),
    "boundaries": (
        ("level", "VARCHAR"), ("area_code", "VARCHAR"), ("area_name", "VARCHAR"),
        ("geometry", "BLOB"), ("vintage", "VARCHAR"), *_BOOKKEEPING,
    ),
    "series": (
        ("partnership_id", "BIGINT"), ("measure", "VARCHAR"), ("level", "VARCHAR"),
        ("area_code", "VARCHAR"), ("area_name", "VARCHAR"), ("period_start", "DATE"),
        ("count", "BIGINT"), *_BOOKKEEPING,
    ),
}  # fmt: skip

# A partnership's own rows (``partnership_id``): read only in its scope (ADR 0007).
RESTRICTED = frozenset({"series"})
