"""The warehouse's tables, declared once: their columns and what each column means.

Every Parquet file of a table carries two bookkeeping columns besides these:
``import_id`` (the import that wrote it) and ``partition_key`` (the slice of the world the
row belongs to, e.g. ``mps|borough|2018-06``). For each partition key only the newest import
is live, so a re-issued file (police.uk and the MPS revise past months) replaces the slice
it covers and leaves every other slice as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    schema: pa.Schema
    # Columns whose values are nearly all distinct: dictionary encoding would only cost time.
    high_cardinality: tuple[str, ...] = ()
    # A partnership's own rows (``partnership_id``), never open data: a reader sees only
    # those of the partnership whose scope is active (ADR 0007).
    restricted: bool = False


BOOKKEEPING = [
    pa.field("import_id", pa.int64(), nullable=False),
    pa.field("partition_key", pa.string(), nullable=False),
]


def _spec(
    name: str,
    description: str,
    *fields: pa.Field,
    high_cardinality: tuple[str, ...] = (),
    restricted: bool = False,
) -> TableSpec:
    schema = pa.schema([*fields, *BOOKKEEPING])
    return TableSpec(name, description, schema, high_cardinality, restricted)


# The year of the ward boundaries a ward figure, lookup or boundary belongs to ("2018",
# "2022"); null where the level has one vintage only. Files written before it read as null.
VINTAGE = pa.field("vintage", pa.string())


CRIME_COUNTS = _spec(
    "crime_counts",
    "Recorded crime counts for an area and category over a month or a year (MPS, LSOA files).",
    pa.field("source", pa.string(), nullable=False),  # 'mps' | 'lsoa-annual'
    pa.field("level", pa.string(), nullable=False),  # 'borough' | 'ward' | 'lsoa'
    pa.field("area_code", pa.string()),  # ONS code where the source gives one
    pa.field("area_name", pa.string(), nullable=False),
    pa.field("borough", pa.string()),  # the borough the area lies in, as the source names it
    pa.field("major", pa.string(), nullable=False),  # MPS major category
    pa.field("minor", pa.string()),  # MPS minor category; null when the source has none
    pa.field("period_start", pa.date32(), nullable=False),  # first day of the month or year
    pa.field("period_grain", pa.string(), nullable=False),  # 'month' | 'year'
    pa.field("count", pa.int64(), nullable=False),
    VINTAGE,
)

POLICE_UK_RECORDS = _spec(
    "police_uk_records",
    "police.uk street-level records: one row per crime or ASB incident.",
    pa.field("crime_id", pa.string()),  # null for ASB
    pa.field("month", pa.date32(), nullable=False),
    pa.field("reported_by", pa.string()),
    pa.field("falls_within", pa.string()),
    pa.field("longitude", pa.float64()),
    pa.field("latitude", pa.float64()),
    pa.field("location", pa.string()),
    pa.field("lsoa_code", pa.string()),
    pa.field("lsoa_name", pa.string()),
    pa.field("crime_type", pa.string(), nullable=False),
    pa.field("last_outcome", pa.string()),
    pa.field("context", pa.string()),
    high_cardinality=("crime_id",),
)

POPULATION = _spec(
    "population",
    "Resident population estimates by area, year, sex and age band, in named sets.",
    pa.field("population_set", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("level", pa.string(), nullable=False),
    pa.field("area_code", pa.string(), nullable=False),
    pa.field("area_name", pa.string()),
    pa.field("year", pa.int32(), nullable=False),
    pa.field("sex", pa.string(), nullable=False),  # 'persons' | 'males' | 'females'
    pa.field("age_band", pa.string(), nullable=False),  # 'all' or e.g. '0-15', '65+', '10-17'
    pa.field("population", pa.int64(), nullable=False),
)

AREA_LOOKUP = _spec(
    "area_lookup",
    "Which ward and local authority each LSOA lies in.",
    pa.field("lsoa_code", pa.string(), nullable=False),
    pa.field("lsoa_name", pa.string()),
    pa.field("ward_code", pa.string()),
    pa.field("ward_name", pa.string()),
    pa.field("lad_code", pa.string()),
    pa.field("lad_name", pa.string()),
    VINTAGE,  # of its wards
)

BOUNDARIES = _spec(
    "boundaries",
    "Area boundary polygons as WKB in British National Grid (EPSG:27700).",
    pa.field("level", pa.string(), nullable=False),
    pa.field("area_code", pa.string(), nullable=False),
    pa.field("area_name", pa.string()),
    pa.field("geometry", pa.binary(), nullable=False),
    VINTAGE,
    high_cardinality=("geometry",),
)

SERIES = _spec(
    "series",
    "A partnership's own monthly counts (police and partners' extracts): one measure, area "
    "and month a row.",
    pa.field("partnership_id", pa.int64(), nullable=False),  # whose rows these are
    pa.field("measure", pa.string(), nullable=False),  # as the extract names it
    pa.field("level", pa.string(), nullable=False),  # 'borough' | 'ward' | 'lsoa'
    pa.field("area_code", pa.string(), nullable=False),
    pa.field("area_name", pa.string(), nullable=False),
    pa.field("period_start", pa.date32(), nullable=False),  # first day of the month
    pa.field("count", pa.int64(), nullable=False),
    restricted=True,
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (CRIME_COUNTS, POLICE_UK_RECORDS, POPULATION, AREA_LOOKUP, BOUNDARIES, SERIES)
}

STORAGE_CRS = "EPSG:27700"
