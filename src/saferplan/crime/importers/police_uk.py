"""police.uk street-level crime and ASB files (``YYYY-MM-<force>-street.csv``).

Parsing and checks are vectorised with Arrow so a two-million-row month of a large force
imports in seconds; the exact line of a bad value is only looked up when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferplan.crime.importers import csvcheck
from saferplan.datastore.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import UTF8_BOM, SourceFile, is_blank
from saferplan.datastore.warehouse import StagedTable

COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
TARGET = {
    "Crime ID": "crime_id",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome",
    "Context": "context",
}
# Generous bounds for England, Wales, Scotland and Northern Ireland.
LON_RANGE = (-8.7, 1.9)
LAT_RANGE = (49.8, 61.0)
NUMBER_PATTERN = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
LSOA_RE = re.compile(r"^[EW]01\d{6}$")


@register
class PoliceUkImporter:
    kind: ClassVar[str] = "police-uk"
    help: ClassVar[str] = "police.uk street-level crime and ASB CSVs, folders or zip archives."
    # Archives from police.uk also hold outcomes and stop-and-search files: only street files.
    suffixes: ClassVar[tuple[str, ...]] = ("-street.csv",)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        data, encoding = _utf8(source)
        head = bytes(data[:65536]).decode("utf-8", errors="replace")
        header = csvcheck.read_header(name, head)
        csvcheck.check_header(name, header, COLUMNS)
        extra = [c for c in header if c not in COLUMNS]
        try:
            table = _read(name, data, header)
        except _NotUtf8:
            # Arrow checks UTF-8 as it parses; only a file that fails is re-read as cp1252.
            data, encoding = _as_windows_1252(data), "windows-1252"
            header = csvcheck.read_header(
                name, bytes(data[:65536]).decode("utf-8", errors="replace")
            )
            table = _read(name, data, header)
        progress(source.size)
        if table.num_rows == 0:
            raise InputError(name, "the file has a header but no rows", row=2)
        text_for_errors = _LazyText(data)
        out = _convert(name, table, text_for_errors)
        notes: dict[str, Any] = {
            "months": sorted({str(m)[:7] for m in pc.unique(out["month"]).to_pylist()})
        }
        if extra:
            notes["ignored_columns"] = extra
        return ParsedSource(
            tables=[StagedTable("police_uk_records", out)],
            rows_read=table.num_rows,
            rows_kept=out.num_rows,
            encoding=encoding,
            notes=notes,
        )


class _NotUtf8(Exception):
    pass


class _LazyText:
    """The decoded file, made only when an error needs a line number."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _decode(self._data)
        return self._text


def _utf8(source: SourceFile) -> tuple[Any, str]:
    """The file's bytes (a zero-copy view), without any BOM."""
    data = source.data
    if is_blank(data):
        raise InputError(source.display_name, "the file is empty")
    view = memoryview(data)
    if bytes(view[:3]) == UTF8_BOM:
        return view[3:], "utf-8-sig"
    return view, "utf-8"


def _decode(data: Any) -> str:
    """Text for locating an error: UTF-8 if it is, else Windows-1252 (never raises)."""
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return bytes(data).decode("cp1252", errors="replace")


def _as_windows_1252(data: bytes) -> bytes:
    return bytes(data).decode("cp1252", errors="replace").encode("utf-8")


def _read(name: str, data: bytes, header: list[str]) -> pa.Table:
    read = pacsv.ReadOptions(use_threads=True, block_size=8 << 20)
    parse = pacsv.ParseOptions(newlines_in_values=False)
    convert = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in header},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
        include_columns=COLUMNS,
    )
    try:
        return pacsv.read_csv(pa.py_buffer(data), read, parse, convert)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc):
            raise _NotUtf8 from exc
        text = _decode(data)
        csvcheck.find_ragged_record(name, text, len(header))
        raise InputError(name, f"the file cannot be read as CSV ({exc})") from exc


def _first_bad(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Index of the first true value of ``mask`` (nulls count as false)."""
    filled = pc.fill_null(mask, False)
    if not pc.any(filled).as_py():
        return None
    return int(pc.index(filled, True).as_py())


def _fail(
    name: str, text: _LazyText, index: int, column: str, message: str, hint: str | None = None
) -> None:
    row = csvcheck.line_of_record(text.text, index)
    raise InputError(name, message, row=row, column=column, hint=hint)


def _first_equal(column: pa.ChunkedArray, value: Any) -> int:
    mask = pc.is_null(column) if value is None else pc.equal(column, value)
    index = _first_bad(mask)
    assert index is not None
    return index


def _convert(name: str, table: pa.Table, text: _LazyText) -> pa.Table:
    # Low-cardinality columns are checked once per distinct value, not once per row.
    month = table["Month"]
    month_values = pc.unique(month).to_pylist()
    for value in month_values:
        if value is None or not csvcheck.MONTH_RE.match(value):
            shown = "the month is empty" if value is None else f"'{value}' is not a month"
            _fail(
                name, text, _first_equal(month, value), "Month",
                f"{shown} (expected YYYY-MM, e.g. 2018-06)",
            )  # fmt: skip
    first_days = pa.array([date(int(v[:4]), int(v[5:7]), 1) for v in month_values], pa.date32())
    months = pc.take(first_days, pc.index_in(month, pa.array(month_values, pa.string())))

    crime_type = table["Crime type"]
    for value in pc.unique(crime_type).to_pylist():
        if value is None or not value.strip():
            _fail(
                name, text, _first_equal(crime_type, value), "Crime type", "the crime type is empty"
            )

    lsoa = table["LSOA code"]
    for value in pc.unique(lsoa).to_pylist():
        if value is not None and not LSOA_RE.match(value):
            _fail(
                name, text, _first_equal(lsoa, value), "LSOA code",
                f"'{value}' is not an LSOA code (e.g. E01002112)",
            )  # fmt: skip

    coords = {}
    for column, (low, high) in (("Longitude", LON_RANGE), ("Latitude", LAT_RANGE)):
        raw = table[column]
        try:
            values = pc.cast(raw, pa.float64())
        except pa.ArrowInvalid:
            bad = _first_bad(pc.invert(pc.match_substring_regex(raw, NUMBER_PATTERN)))
            if bad is None:
                raise
            _fail(name, text, bad, column, f"'{raw[bad].as_py()}' is not a number")
        bounds = pc.min_max(values).as_py()
        if bounds["min"] is not None and (bounds["min"] < low or bounds["max"] > high):
            bad = _first_bad(pc.or_(pc.less(values, low), pc.greater(values, high)))
            assert bad is not None
            _fail(
                name, text, bad, column,
                f"{values[bad].as_py()} is outside the United Kingdom "
                f"({column.lower()} {low} to {high})",
                hint="Longitude and latitude may be swapped, or in another coordinate system.",
            )  # fmt: skip
        coords[column] = values
    nulls = {c: v.null_count for c, v in coords.items()}
    if nulls["Longitude"] != nulls["Latitude"] or nulls["Longitude"]:
        bad = _first_bad(pc.xor(pc.is_null(coords["Longitude"]), pc.is_null(coords["Latitude"])))
        if bad is not None:
            missing = "Longitude" if coords["Longitude"][bad].as_py() is None else "Latitude"
            _fail(name, text, bad, missing, "one coordinate is given without the other")

    columns: dict[str, Any] = {target: table[src] for src, target in TARGET.items()}
    columns["month"] = months
    columns["longitude"] = coords["Longitude"]
    columns["latitude"] = coords["Latitude"]
    force = pc.fill_null(table["Falls within"], "")
    columns["partition_key"] = pc.binary_join_element_wise("police-uk", force, month, "|")
    return pa.table(columns)
