"""ONS area codes: what level a code belongs to, and how code columns are named."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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


VINTAGE = re.compile(r"^(19|20)[0-9]{2}$")
# The ONS pattern of each level's codes, and an example, for messages.
CODE_PATTERNS = {
    "borough": (re.compile(r"^(E0[6-9]|W06)[0-9]{6}$"), "a local authority code (e.g. E09000015)"),
    "ward": (re.compile(r"^[EW]05[0-9]{6}$"), "a ward code (e.g. E05013554)"),
    "lsoa": (re.compile(r"^[EW]01[0-9]{6}$"), "an LSOA code (e.g. E01002112)"),
}


def vintage_option(file: str, options: Mapping[str, Any]) -> str | None:
    """The import's ``vintage`` option (the year of the boundaries its areas are on), checked."""
    from saferplan.core import csvcheck
    from saferplan.core.errors import InputError

    given = options.get("vintage")
    if given is None:
        return None
    text = str(given).strip()
    if not VINTAGE.match(text):
        raise InputError(
            file,
            f"the vintage {csvcheck.quoted(text)} is not a year",
            hint="Name the year of the boundaries the areas are on, e.g. 2018 or 2022.",
        )
    return text
