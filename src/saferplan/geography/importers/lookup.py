"""LSOA -> ward -> local authority lookups (ONS style ``LSOA11CD, WD22CD, LAD22CD`` or plain).

An explicit lookup always wins over the LSOA -> authority pairs a population file implies.
Its wards are of one vintage, the year in the ONS column name (``WD18CD``: 2018) or, for
plain files, as the import names it (option ``vintage``); lookups of different vintages
are kept side by side, each LSOA once in each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable
from saferplan.geography import codes

PLAIN = ["lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "lad_name"]
# What each code column must hold, when a row gives it.
CODE_PATTERNS = {
    "lsoa_code": (re.compile(r"^[EW]01[0-9]{6}$"), "an LSOA code"),
    "ward_code": (re.compile(r"^[EW]05[0-9]{6}$"), "a ward code"),
    "lad_code": (re.compile(r"^(E0[6-9]|W06)[0-9]{6}$"), "a local authority code"),
}
# The columns a lookup holds besides: codes and names of areas (or an id).
OTHER_COLUMN = re.compile(
    r"^([A-Z]{2,5}[0-9]{2}(CD|NM|NMW)|(lsoa|ward|lad)_(code|name)|FID|ObjectId)?$", re.I
)
ONS = {
    "lsoa_code": r"^LSOA\d\dCD$",
    "lsoa_name": r"^LSOA\d\dNM$",
    "ward_code": r"^WD\d\dCD$",
    "ward_name": r"^WD\d\dNM$",
    "lad_code": r"^LAD\d\dCD$",
    "lad_name": r"^LAD\d\dNM$",
}


def _columns(file: str, header: list[str]) -> dict[str, int]:
    if "lsoa_code" in header:
        csvcheck.check_header(file, header, ["lsoa_code", "lad_code"])
        return {k: header.index(k) for k in PLAIN if k in header}
    found: dict[str, int] = {}
    for key, pattern in ONS.items():
        for i, h in enumerate(header):
            if re.match(pattern, h, re.IGNORECASE):
                found[key] = i
                break
    if "lsoa_code" not in found or ("ward_code" not in found and "lad_code" not in found):
        raise InputError(
            file,
            "expected LSOA and ward or local authority code columns (e.g. LSOA11CD, WD22CD, "
            "LAD22CD) or the plain form lsoa_code, ward_code, lad_code",
            row=1,
        )
    return found


def _vintage(
    file: str, header: list[str], columns: dict[str, int], options: Mapping[str, Any]
) -> str | None:
    """The year of the lookup's wards: the import's ``vintage`` option, else the ONS ward
    column's year (WD18CD: 2018); none for a lookup without wards."""
    given = codes.vintage_option(file, options)
    if given is not None:
        return given
    if "ward_code" not in columns:
        return None
    match = re.match(r"^WD([0-9]{2})CD$", header[columns["ward_code"]], re.IGNORECASE)
    return f"20{match.group(1)}" if match else None


@register
class LookupImporter:
    kind: ClassVar[str] = "lookup"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    describes: ClassVar[str] = "an LSOA to ward and local authority lookup"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        """LSOA and ward or authority code columns, and nothing but codes and names."""
        plain = {"lsoa_code", "lad_code"} <= set(header)
        ons = {k for k, pattern in ONS.items() for h in header if re.match(pattern, h, re.I)}
        coded = plain or ("lsoa_code" in ons and bool({"ward_code", "lad_code"} & ons))
        return coded and all(OTHER_COLUMN.match(h) for h in header)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        text, encoding = decoded_text(source)
        records = csvcheck.records(name, text)
        header = [h.strip() for h in next(records)[1]]
        columns = _columns(name, header)
        out: dict[str, list[str | None]] = {k: [] for k in PLAIN}
        seen: dict[str, int] = {}
        for line, record in records:
            if not any(c.strip() for c in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    name, f"this row has {len(record)} fields but the header has {len(header)}",
                    row=line,
                )  # fmt: skip
            for key, (pattern, what) in CODE_PATTERNS.items():
                value = record[columns[key]].strip() if key in columns else ""
                if (value or key == "lsoa_code") and not pattern.match(value):
                    raise InputError(name, f"{csvcheck.quoted(value)} is not {what}", row=line,
                                     column=header[columns[key]])  # fmt: skip
            code = record[columns["lsoa_code"]].strip()
            if code in seen:
                raise InputError(name, f"LSOA {code} appears again (first on row {seen[code]})",
                                 row=line)  # fmt: skip
            seen[code] = line
            for key in PLAIN:
                value = record[columns[key]].strip() if key in columns else ""
                out[key].append(value or None)
        progress(source.size)
        if not seen:
            raise InputError(name, "the file has a header but no rows", row=2)
        vintage = _vintage(name, header, columns, options)
        slice_of = f"lookup|{vintage}|" if vintage else "lookup|"
        data = pa.table(
            {
                **out,
                "vintage": pa.array([vintage] * len(seen), pa.string()),
                "partition_key": [f"{slice_of}{c}" for c in out["lsoa_code"]],
            }
        )
        return ParsedSource(
            tables=[StagedTable("area_lookup", data)],
            rows_read=len(seen),
            rows_kept=len(seen),
            encoding=encoding,
            notes={
                "ignored_columns": csvcheck.ignored_columns(
                    header, lambda h: bool(OTHER_COLUMN.match(h))
                )
            },
        )
