"""police.uk street-level crime and ASB files (``YYYY-MM-<force>-street.csv``).

Parsing and checks are vectorised with Arrow so a two-million-row month of a large force
imports in seconds; the exact line of a bad value is only looked up when there is one.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore import arrays
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import (
    UTF8_BOM,
    SourceFile,
    is_blank,
    refuse_non_csv,
    refuse_nul,
    windows_1252_text,
)
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
# Files at least this large are read in pieces, one per core (see _read_in_pieces).
PIECES_FROM_BYTES = 16 << 20
PIECE_BYTES = 32 << 20  # about the most read before progress is reported
NUMBER_PATTERN = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
LSOA_RE = re.compile(r"^[EW]01[0-9]{6}$")


@register
class PoliceUkImporter:
    kind: ClassVar[str] = "police-uk"
    # Archives from police.uk also hold outcomes and stop-and-search files: only street files.
    suffixes: ClassVar[tuple[str, ...]] = ("-street.csv",)
    describes: ClassVar[str] = "a police.uk street-level crime file"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        return len(set(header) & set(COLUMNS)) >= 6

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        data, encoding = _utf8(source)
        head = bytes(data[:65536]).decode("utf-8", errors="replace")
        header = csvcheck.read_header(name, head)
        csvcheck.check_header(name, header, COLUMNS)
        extra = [c for c in header if c not in COLUMNS]
        reported = 0

        def read(n: int) -> None:
            nonlocal reported
            reported += n
            progress(n)

        try:
            table = _read_in_pieces(source.data, source.size - len(data), header, read)
            if table is None:
                table = _read(name, data, header)
        except _NotUtf8:
            # Arrow checks UTF-8 as it parses; only a file that fails is re-read as cp1252.
            data, encoding = _as_windows_1252(name, data), "windows-1252"
            header = csvcheck.read_header(
                name, bytes(data[:65536]).decode("utf-8", errors="replace")
            )
            table = _read(name, data, header)
        progress(source.size - reported)
        if table.num_rows == 0:
            raise InputError(name, "the file has a header but no rows", row=2)
        text_for_errors = _LazyText(data)
        out = _convert(name, table, text_for_errors)
        notes: dict[str, Any] = {
            "months": sorted(_values(table["Month"]))  # distinct, each checked YYYY-MM
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
    """The file's bytes (a zero-copy view), without any BOM; refused if it is not CSV text
    or holds a NUL byte (found without decoding: a search for one byte is fast)."""
    data = source.data
    refuse_non_csv(source)
    if is_blank(memoryview(data)[len(UTF8_BOM) :] if data[:3] == UTF8_BOM else data):
        raise InputError(source.display_name, "the file is empty")
    if data.find(b"\x00") >= 0:
        refuse_nul(source.display_name, _decode(data))
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


def _as_windows_1252(name: str, data: Any) -> bytes:
    """The file, which Arrow found is not UTF-8, as UTF-8 (see windows_1252_text)."""
    raw = bytes(data)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return windows_1252_text(name, raw, exc.start).encode("utf-8")
    return raw


# Columns with few distinct values are read as Arrow dictionaries: each distinct value is
# checked once, and the Parquet writer stores the dictionaries without hashing every row.
_FREE_TEXT = {"Crime ID", "Longitude", "Latitude"}
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
_COORDINATES = ("Longitude", "Latitude")


def _convert_options(header: list[str]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(
        column_types={
            c: _DICTIONARY if c in COLUMNS and c not in _FREE_TEXT else pa.string() for c in header
        },
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
        include_columns=COLUMNS,
    )


_PARSE = pacsv.ParseOptions(newlines_in_values=False)
_BLOCK = 8 << 20


def _read(name: str, data: bytes, header: list[str]) -> pa.Table:
    read = pacsv.ReadOptions(use_threads=True, block_size=_BLOCK)
    try:
        table = pacsv.read_csv(pa.py_buffer(data), read, _PARSE, _convert_options(header))
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc):
            raise _NotUtf8 from exc
        text = _decode(data)
        csvcheck.find_ragged_record(name, text, len(header))
        raise InputError(name, f"the file cannot be read as CSV ({exc})") from exc
    # One dictionary per column rather than one per block, in order of first appearance.
    return table.unify_dictionaries()


def _read_in_pieces(
    raw: bytes | mmap.mmap,
    start: int,
    header: list[str],
    progress: ProgressCallback | None = None,
) -> pa.Table | None:
    """A large file read as one piece per core, each on its own thread; None if it cannot be.

    Arrow's multi-threaded reader parses blocks well ahead of converting them, so it holds
    twice the memory of single-threaded readers, and fresh memory costs a process page
    faults and zeroing as it is touched (about as much as the parse, for two million rows).
    Line ends are record ends only when no value is quoted: a file with a quote character,
    or one Arrow cannot read, is left to ``_read`` (same table, same errors). Pieces are
    about PIECE_BYTES, so ``progress`` is told of each as it is read (a single read of a
    whole file could not say how far it was).
    """
    size = len(raw)
    cores = min(os.cpu_count() or 1, size // _BLOCK)  # a block or more each
    pieces = min(max(cores, size // PIECE_BYTES), size // _BLOCK)
    body = raw.find(b"\n", start) + 1  # after the header
    if cores < 2 or size < PIECES_FROM_BYTES or body == 0:
        return None
    cuts = [start]
    for i in range(1, pieces):
        cut = raw.find(b"\n", body + (size - body) * i // pieces) + 1
        if not cuts[-1] < cut < size:
            return None
        cuts.append(cut)
    cuts.append(size)
    view = memoryview(raw)

    def read(i: int) -> tuple[pa.Table, dict[str, Any]] | None:
        begin, end = cuts[i], cuts[i + 1]
        if raw.find(b'"', begin, end) >= 0:
            return None
        # The first piece starts with the header; the others take its names.
        options = pacsv.ReadOptions(
            use_threads=False, block_size=_BLOCK, column_names=header if i else None
        )
        try:
            table = pacsv.read_csv(
                pa.py_buffer(view[begin:end]), options, _PARSE, _convert_options(header)
            )
        except pa.ArrowInvalid:
            return None
        # Coordinates are converted here, on this thread; _convert checks what fails.
        numbers: dict[str, Any] = {}
        for column in _COORDINATES:
            try:
                numbers[column] = pc.cast(table[column], pa.float64())
            except pa.ArrowInvalid:
                numbers[column] = None
        return table, numbers

    results = []
    with ThreadPoolExecutor(max_workers=cores) as pool:
        try:
            for i, result in enumerate(pool.map(read, range(pieces))):
                results += [result] if result is not None else []
                if progress is not None:
                    progress(cuts[i + 1] - cuts[i])
        except BaseException:  # e.g. a job cancelled at that report: the rest is not read
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    if len(results) < pieces:
        return None
    tables = [table for table, _ in results]
    for column in _COORDINATES:
        converted = [numbers[column] for _, numbers in results]
        if all(c is not None for c in converted):
            position = tables[0].schema.get_field_index(column)
            tables = [
                t.set_column(position, column, c) for t, c in zip(tables, converted, strict=True)
            ]
    return pa.concat_tables(tables).unify_dictionaries()


def _to_float(raw: Any) -> Any:
    """Numbers from text; a number padded with spaces (hand-edited files) is still one."""
    try:
        return pc.cast(raw, pa.float64())
    except pa.ArrowInvalid:
        return pc.cast(pc.utf8_trim_whitespace(raw), pa.float64())


def _first_bad(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Index of the first true value of ``mask`` (nulls count as false)."""
    hits = pc.indices_nonzero(mask)
    return int(hits[0].as_py()) if len(hits) else None


def _fail(
    name: str, text: _LazyText, index: int, column: str, message: str, hint: str | None = None
) -> None:
    row = csvcheck.line_of_record(text.text, index)
    raise InputError(name, message, row=row, column=column, hint=hint)


def _values(column: pa.ChunkedArray) -> list[str]:
    """The distinct values of a dictionary column (its nulls aside)."""
    return column.chunk(0).dictionary.to_pylist() if column.num_chunks else []


def _first_row_with(column: pa.ChunkedArray, bad: Callable[[str | None], bool]) -> int | None:
    """The first row of a dictionary column whose value is ``bad``; each value is tested once."""
    codes = [i for i, value in enumerate(_values(column)) if bad(value)]
    empty = column.null_count > 0 and bad(None)
    if not codes and not empty:
        return None
    value_set = arrays.int32s(codes)
    masks = []
    for chunk in column.chunks:
        mask = pc.is_in(chunk.indices, value_set=value_set)
        masks.append(pc.or_(mask, pc.is_null(chunk)) if empty else mask)
    return _first_bad(pa.chunked_array(masks, pa.bool_()))


def _check_cell_lengths(name: str, table: pa.Table, text: _LazyText) -> None:
    """A cell longer than csvcheck.MAX_FIELD is a damaged file, as for every CSV importer."""
    for column in COLUMNS:
        values = table[column]
        if pa.types.is_dictionary(values.type):
            bad = _first_row_with(values, lambda v: v is not None and len(v) > csvcheck.MAX_FIELD)
        elif (
            pa.types.is_string(values.type)
            and values.null_count < len(values)
            and pc.max(pc.utf8_length(values)).as_py() > csvcheck.MAX_FIELD
        ):
            bad = _first_bad(pc.greater(pc.utf8_length(values), csvcheck.MAX_FIELD))
        else:
            continue
        if bad is not None:
            size = len(values[bad].as_py())
            _fail(name, text, bad, column, f"the cell is {size:,} characters long; at most "
                  f"{csvcheck.MAX_FIELD:,} are allowed (is the file damaged?)")  # fmt: skip


def _coordinates(name: str, table: pa.Table, text: _LazyText) -> dict[str, Any]:
    """Longitude and latitude as numbers: finite, inside the UK, both or neither."""
    coords = {}
    for column, (low, high) in zip(_COORDINATES, (LON_RANGE, LAT_RANGE), strict=True):
        raw = table[column]
        try:
            values = raw if raw.type == pa.float64() else _to_float(raw)
        except pa.ArrowInvalid:
            bad = _first_bad(pc.invert(pc.match_substring_regex(raw, NUMBER_PATTERN)))
            if bad is None:
                raise
            _fail(name, text, bad, column, f"{csvcheck.quoted(raw[bad].as_py())} is not a number")
        bad = _first_bad(pc.invert(pc.is_finite(values)))
        if bad is not None:  # NaN would pass the bounds check: it compares false with both
            shown = csvcheck.quoted(raw[bad].as_py())
            _fail(name, text, bad, column, f"{shown} is not a coordinate (not a finite number)")
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
    return coords


def _convert(name: str, table: pa.Table, text: _LazyText) -> pa.Table:
    # Low-cardinality columns are dictionaries: checked once per distinct value, not per row;
    # a bad value is reported on the first row that holds any bad value.
    _check_cell_lengths(name, table, text)
    month = table["Month"]
    bad = _first_row_with(month, lambda v: v is None or not csvcheck.MONTH_RE.match(v))
    if bad is not None:
        value = month[bad].as_py()
        shown = (
            "the month is empty" if value is None else f"{csvcheck.quoted(value)} is not a month"
        )
        _fail(name, text, bad, "Month", f"{shown} (expected YYYY-MM, e.g. 2018-06)")

    bad = _first_row_with(table["Crime type"], lambda v: v is None or not v.strip())
    if bad is not None:
        _fail(name, text, bad, "Crime type", "the crime type is empty")

    lsoa = table["LSOA code"]
    bad = _first_row_with(lsoa, lambda v: v is not None and not LSOA_RE.match(v))
    if bad is not None:
        _fail(
            name, text, bad, "LSOA code",
            f"{csvcheck.quoted(lsoa[bad].as_py())} is not an LSOA code (e.g. E01002112)",
        )  # fmt: skip

    coords = _coordinates(name, table, text)
    columns: dict[str, Any] = {target: table[src] for src, target in TARGET.items()}
    columns["month"], columns["partition_key"] = _month_and_partition(
        table["Month"], table["Falls within"]
    )
    columns["longitude"] = coords["Longitude"]
    columns["latitude"] = coords["Latitude"]
    return pa.table(columns)


def _month_and_partition(
    month: pa.ChunkedArray, force: pa.ChunkedArray
) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """Each row's month (first day) and partition key ``police-uk|<force>|<YYYY-MM>``.

    Both are looked up from the distinct months and (force, month) pairs, not built per row.
    A row without a force has the key ``police-uk||<YYYY-MM>``.
    """
    months = _values(month)  # every one valid: checked before
    forces = _values(force)
    epoch = date(1970, 1, 1).toordinal()
    first_days = arrays.int32s(
        [date(int(m[:4]), int(m[5:7]), 1).toordinal() - epoch for m in months], pa.date32()
    )
    # Pair code: force code (the force's count for no force) times the months, plus month.
    no_force, width = arrays.int32_scalar(len(forces)), arrays.int32_scalar(len(months))
    batches = pa.table({"force": force, "month": month}).to_batches()
    pairs = [
        pc.add(pc.multiply(pc.coalesce(b["force"].indices, no_force), width), b["month"].indices)
        for b in batches
    ]
    used = sorted(pc.unique(pa.chunked_array(pairs, pa.int32())).to_pylist())
    position = [0] * ((len(forces) + 1) * len(months))
    for i, pair in enumerate(used):
        position[pair] = i
    names = [*forces, ""]
    keys = arrays.strings(
        [f"police-uk|{names[p // len(months)]}|{months[p % len(months)]}" for p in used]
    )
    lookup = arrays.int32s(position)
    return (
        pa.chunked_array([pc.take(first_days, b["month"].indices) for b in batches], pa.date32()),
        pa.chunked_array(
            [pa.DictionaryArray.from_arrays(pc.take(lookup, p), keys) for p in pairs],
            _DICTIONARY,
        ),
    )
