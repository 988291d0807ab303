"""ONS area codes: what level a code belongs to, and how code columns are named."""

from __future__ import annotations

import re

# GSS code entity prefixes (first three characters) by saferplan's area level.
LEVEL_PREFIXES = {
    "lsoa": ("E01", "W01"),
    "msoa": ("E02", "W02"),
    "ward": ("E05", "W05"),
    # Local authority districts: unitary, non-metropolitan, metropolitan, London boroughs.
    "borough": ("E06", "E07", "E08", "E09", "W06"),
}
CODE_COLUMN = re.compile(r"^(LSOA|MSOA|WD|LAD|LA|CTY)(\d{2})?CD$", re.IGNORECASE)
COLUMN_LEVEL = {"LSOA": "lsoa", "MSOA": "msoa", "WD": "ward", "LAD": "borough", "LA": "borough"}
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


def level_of_code(code: str) -> str | None:
    for level, prefixes in LEVEL_PREFIXES.items():
        if code[:3] in prefixes:
            return level
    return None


def level_of_column(column: str) -> str | None:
    match = CODE_COLUMN.match(column.strip())
    return COLUMN_LEVEL.get(match.group(1).upper()) if match else None


def name_column_for(code_column: str, header: list[str]) -> str | None:
    """``LSOA11CD`` -> ``LSOA11NM`` if the header has it."""
    wanted = code_column[:-2] + "NM"
    return next((h for h in header if h.upper() == wanted.upper()), None)
