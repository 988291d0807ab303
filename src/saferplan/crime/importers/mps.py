"""Metropolitan Police monthly recorded-crime counts at borough, ward or LSOA level.

The London Datastore publishes these wide: label columns, then one column per month
(``YYYYMM``). The level is recognised from the label columns. Each month of each level is
a partition, so a newer download replaces the months it covers and keeps the others; ward
figures are on the wards of one vintage (2018 or 2022), each its own partition, so the
two series overlap without one replacing the other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.crime.importers import wide
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable
from saferplan.geography import codes

# level -> (label columns, how each maps to area name / code / borough / major / minor)
SHAPES: dict[str, dict[str, str | None]] = {
    "ward": {
        "major": "MajorText",
        "minor": "MinorText",
        "area_name": "WardName",
        "area_code": "WardCode",
        "borough": "LookUp_BoroughName",
    },
    "lsoa": {
        "major": "Major Category",
        "minor": "Minor Category",
        "area_name": "LSOA Name",
        "area_code": "LSOA Code",
        "borough": "Borough",
    },
    "borough": {
        "major": "MajorText",
        "minor": "MinorText",
        "area_name": "LookUp_BoroughName",
        "area_code": None,
        "borough": "LookUp_BoroughName",
    },
}
# The ONS code each level's code column must hold (the borough file has none).
CODE_PATTERNS = {
    "ward": (re.compile(r"^[EW]05[0-9]{6}$"), "a ward code (e.g. E05013554)"),
    "lsoa": (re.compile(r"^[EW]01[0-9]{6}$"), "an LSOA code (e.g. E01002112)"),
}
# The MPS published ward figures on the 2018 wards until its series moved to the 2022 wards
# in December 2021 (its 2022-ward files begin then); a ward file whose import does not name
# its wards (option ``vintage``) is on the vintage in force at its first month.
WARD_VINTAGES = ((date(2021, 12, 1), "2022"), (date.min, "2018"))
# Other spellings seen in MPS files over the years, mapped to the names above.
ALIASES = {
    "MajorText": "Major Category",
    "MinorText": "Minor Category",
    "LSOA": "LSOA Code",
    "LSOACode": "LSOA Code",
    "Borough Name": "Borough",
    "LookUp_BoroughName": "Borough",
}


def detect_level(file: str, header: list[str]) -> tuple[str, dict[str, str | None]]:
    names = {h.strip() for h in header}
    if "WardCode" in names or "WardName" in names:
        return "ward", SHAPES["ward"]
    if names & {"LSOA Code", "LSOA", "LSOACode"}:
        shape = dict(SHAPES["lsoa"])
        for key, column in list(shape.items()):
            if column is not None and column not in names:
                alias = next(
                    (a for a, target in ALIASES.items() if target == column and a in names), None
                )
                if alias:
                    shape[key] = alias
        return "lsoa", shape
    if "LookUp_BoroughName" in names or "MajorText" in names:
        return "borough", SHAPES["borough"]
    csvcheck.check_header(file, header, ["MajorText", "MinorText", "LookUp_BoroughName"])
    raise InputError(file, "not an MPS count file", row=1)  # pragma: no cover


def ward_vintage(file: str, options: Mapping[str, Any], first: date) -> str:
    """The year of the wards a ward file is on: as the import names it, else by its first
    month (``WARD_VINTAGES``)."""
    given = codes.vintage_option(file, options)
    return given or next(vintage for start, vintage in WARD_VINTAGES if first >= start)


def _check_code(file: str, level: str, code: str, line: int, column: str) -> None:
    pattern, example = CODE_PATTERNS[level]
    if not pattern.match(code):
        raise InputError(file, f"{csvcheck.quoted(code)} is not {example}", row=line, column=column)


@register
class MpsImporter:
    kind: ClassVar[str] = "mps"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    describes: ClassVar[str] = "an MPS monthly count file"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        labels = {"MajorText", "MinorText", "Major Category", "Minor Category"}
        return bool(labels & set(header)) and any(wide.YYYYMM.match(h) for h in header)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        text, encoding = decoded_text(source)
        header = csvcheck.read_header(name, text[:65536])
        level, shape = detect_level(name, [h.strip() for h in header])
        labels = [c for c in shape.values() if c is not None]
        labels = list(dict.fromkeys(labels))
        table = wide.read_wide(name, text, labels, wide.YYYYMM, wide.month_start, "month")
        progress(source.size)

        first, last = table.periods[0][1], table.periods[-1][1]
        vintage = ward_vintage(name, options, first) if level == "ward" else None
        columns = _columns(name, level, shape, table, vintage)
        n = len(columns["count"])
        data = pa.table(
            {
                "source": pa.array(["mps"] * n, pa.string()),
                "level": pa.array([level] * n, pa.string()),
                **{k: v for k, v in columns.items() if k != "period_start"},
                "period_start": pa.array(columns["period_start"], pa.date32()),
                "period_grain": pa.array(["month"] * n, pa.string()),
                "vintage": pa.array([vintage] * n, pa.string()),
            }
        )
        notes: dict[str, Any] = {"level": level, "first_month": f"{first:%Y-%m}",
                                 "last_month": f"{last:%Y-%m}"}  # fmt: skip
        if vintage:
            notes["vintage"] = vintage
        return ParsedSource(
            tables=[StagedTable("crime_counts", data)],
            rows_read=len(table.rows),
            rows_kept=len(table.rows),
            encoding=encoding,
            notes=notes,
        )


def _columns(
    name: str,
    level: str,
    shape: dict[str, str | None],
    table: wide.WideTable,
    vintage: str | None = None,
) -> dict[str, list[Any]]:
    """One value per area, category and month, each row's labels checked."""
    seen: dict[tuple[str, ...], int] = {}
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "area_code", "area_name", "borough", "major", "minor",
            "period_start", "count", "partition_key",
        )
    }  # fmt: skip
    slice_of = f"{level}|{vintage}" if vintage else level
    keys = [f"mps|{slice_of}|{d:%Y-%m}" for _, d in table.periods]
    for line, row, counts in table.rows:
        for key in ("area_name", "major"):
            column = shape[key]
            assert column is not None
            if not row[column]:
                raise InputError(name, "this cell is empty", row=line, column=column)
        code_col = shape["area_code"]
        if code_col is not None:
            _check_code(name, level, row[code_col], line, code_col)
        identity = (
            row[code_col] if code_col else row[str(shape["area_name"])],
            row[str(shape["borough"])],
            row[str(shape["major"])],
            row[str(shape["minor"])],
        )
        if identity in seen:
            raise InputError(
                name,
                f"the same area and category appear again (first on row {seen[identity]})",
                row=line,
                hint="Each area should have one row per minor category.",
            )
        seen[identity] = line
        for (_, start), count, key in zip(table.periods, counts, keys, strict=True):
            columns["area_code"].append(row[code_col] if code_col else None)
            columns["area_name"].append(row[str(shape["area_name"])])
            columns["borough"].append(row[str(shape["borough"])] or None)
            columns["major"].append(row[str(shape["major"])])
            columns["minor"].append(row[str(shape["minor"])] or None)
            columns["period_start"].append(start)
            columns["count"].append(count)
            columns["partition_key"].append(key)
    return columns
