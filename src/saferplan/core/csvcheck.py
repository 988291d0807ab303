"""Checks shared by the CSV importers: reading records, headers, numbers and months, and
quoting what a file holds in a message.

Vectorised importers check whole columns at once and only come here, on the error path, to
find which line a bad value sits on, so the fast path stays fast and the message stays exact.
Patterns say ``[0-9]``, never ``\\d``: Python's ``\\d`` also matches Arabic-Indic digits.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from saferplan.core.errors import InputError

MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
YYYYMM_RE = re.compile(r"^([0-9]{4})(0[1-9]|1[0-2])$")

# The longest cell a reader accepts unless told otherwise (the csv module's own default):
# longer is a damaged file. The module's limit itself is raised so that the readers here
# can say which cell is too long.
MAX_FIELD = 128 << 10
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


def suggest(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate a mistyped column name most likely meant, if any is close enough."""
    folded = {c.strip().lower(): c for c in candidates}
    if name.strip().lower() in folded:
        return folded[name.strip().lower()]
    match = difflib.get_close_matches(name.strip().lower(), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def read_header(file: str, text_head: str) -> list[str]:
    """Parse the first CSV record of ``text_head`` (the start of a decoded file)."""
    reader = csv.reader(io.StringIO(text_head, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputError(file, f"the header row cannot be read ({exc})", row=1) from exc
    if not any(h.strip() for h in header):
        raise InputError(file, "the first row is blank; expected the column names", row=1)
    long = next((h for h in header if len(h) > 200), None)
    if long is not None:
        raise InputError(file, f"a column name is {len(long):,} characters long", row=1,
                         hint="The first row should hold the column names.")  # fmt: skip
    return header


def check_header(file: str, found: Sequence[str], expected: Sequence[str]) -> None:
    """Require every expected column; name each missing one and what it may have become."""
    present = set(found)
    missing = [c for c in expected if c not in present]
    if not missing:
        duplicates = sorted({c for c in found if list(found).count(c) > 1 and c in expected})
        if duplicates:
            raise InputError(file, f"column '{duplicates[0]}' appears more than once", row=1)
        return
    unexpected = [c for c in found if c not in set(expected)]
    column = missing[0]
    guess = suggest(column, unexpected)
    if guess is not None:
        raise InputError(
            file,
            f"expected a column '{column}' but found {quoted(guess)} — was it renamed?",
            row=1,
            column=column_label(guess),
            hint=f"Rename the column {quoted(guess)} to '{column}'.",
        )
    listing = ", ".join(f"'{c}'" for c in missing)
    raise InputError(
        file,
        f"missing column{'s' if len(missing) > 1 else ''} {listing}",
        row=1,
        hint=f"The file's columns are: {listing_of(found)}.",
    )


# ONS code and name columns (LSOA11CD, MSOA11NM, LAD22NMW...): known, even when not used.
ONS_COLUMN = re.compile(r"^[A-Z]{2,6}[0-9]{2}(CD|NM|NMW)$", re.IGNORECASE)


def ignored_columns(header: Sequence[str], used: Callable[[str], bool]) -> list[str]:
    """The columns an importer leaves out that are not ONS code or name columns: an import
    may ignore a column only if it says so (the import summary lists these)."""
    return [h for h in header if h.strip() and not used(h) and not ONS_COLUMN.match(h.strip())]


def listing_of(values: Sequence[str], most: int = 12) -> str:
    """Values from a file for a message: each quoted and capped, and not too many of them."""
    shown = ", ".join(quoted(v, 40) for v in values[:most])
    return shown + (f" and {len(values) - most:,} more" if len(values) > most else "")


# Escape sequences (CSI, OSC and two-character ones) and control characters, which a
# terminal would act on, and the Unicode controls that reorder text (bidirectional).
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_]?)")
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_OR_LINE = re.compile(f"[{_CONTROLS}\t\n]")
QUOTE_LIMIT = 60


def printable(text: str) -> str:
    """``text`` safe for a terminal: escape sequences and control characters removed."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def column_label(name: str) -> str:
    """A column name from a file, fit for an error's ``column`` (see :func:`shortened`)."""
    return shortened(name.strip(), 40)


def shortened(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Text (from a file or a library's error) cut short when longer than ``limit``, saying
    how long it was, with control characters shown as escapes (``\\x1b``)."""
    text = "" if value is None else str(value)
    shown = _visible(text[:limit])
    return f"{shown}… ({len(text):,} characters)" if len(text) > limit else shown


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value from a file, fit to quote in a message: in quotes, and as :func:`shortened`."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        return f"'{_visible(text[:limit])}…' ({len(text):,} characters)"
    return f"'{_visible(text)}'"


def _visible(text: str) -> str:
    return _CONTROL_OR_LINE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


class CheckedReader:
    """``csv.reader`` over ``text`` whose errors are InputErrors naming the row, and that
    refuses a cell longer than ``max_field`` (or its column's entry in ``column_limits``,
    by lower-case name) naming its row and column.

    ``line_num`` and ``dialect`` are the csv reader's, so csv.DictReader can use it.
    """

    def __init__(
        self,
        file: str,
        text: str,
        max_field: int = MAX_FIELD,
        column_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.file = file
        self.max_field = max_field
        self.column_limits = column_limits or {}
        self._reader = csv.reader(io.StringIO(text, newline=""))
        self._header: list[str] = []
        self._limits: list[int] = []
        self.record_start = 0  # the line the record last returned starts on

    def __iter__(self) -> CheckedReader:
        return self

    def __next__(self) -> list[str]:
        start = self._reader.line_num + 1
        try:
            record = next(self._reader)
        except csv.Error as exc:
            raise InputError(
                self.file, f"the row cannot be read as CSV ({exc})", row=start
            ) from exc
        self.record_start = start
        if start == 1:
            self._header = record
            self._limits = [
                self.column_limits.get(h.strip().lower(), self.max_field) for h in record
            ]
        if record and max(map(len, record)) > self.max_field:
            self._check_lengths(record, start)
        return record

    def _check_lengths(self, record: list[str], row: int) -> None:
        for index, cell in enumerate(record):
            limit = self._limits[index] if index < len(self._limits) else self.max_field
            if len(cell) > limit:
                header = self._header if row > 1 else []
                raise InputError(
                    self.file,
                    f"the cell is {len(cell):,} characters long; at most {limit:,} are allowed "
                    "(is the file damaged?)",
                    row=row,
                    column=column_label(header[index])
                    if index < len(header)
                    else f"field {index + 1}",
                )

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    @property
    def dialect(self) -> Any:
        return self._reader.dialect


def records(file: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """Every record of ``text`` (the header too) with the line it starts on; see
    :class:`CheckedReader` for the errors."""
    reader = CheckedReader(file, text)
    for record in reader:
        yield reader.record_start, record


if TYPE_CHECKING:
    _DictReaderBase = csv.DictReader[str]
else:  # not subscriptable at run time before Python 3.12
    _DictReaderBase = csv.DictReader


class DictReader(_DictReaderBase):
    """``csv.DictReader`` over ``text`` with :class:`CheckedReader`'s errors: the way to read
    a CSV file with the csv module (``DictReader(file, text)`` for
    ``csv.DictReader(io.StringIO(text, newline=""))``)."""

    def __init__(
        self,
        file: str,
        text: str,
        max_field: int = MAX_FIELD,
        column_limits: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(io.StringIO(text, newline=""))
        self.reader = CheckedReader(file, text, max_field, column_limits)  # type: ignore[assignment]


def locate(text: str, offset: int) -> tuple[int, str | None]:
    """The row (line) and column name of the character at ``offset`` of CSV ``text``."""
    row = text.count("\n", 0, offset) + 1
    reader = csv.reader(io.StringIO(text[: offset + 1], newline=""))
    header: list[str] | None = None
    last: list[str] = []
    try:
        for record in reader:
            header = record if header is None else header
            last = record
    except csv.Error:
        return row, None
    if header is None or last is header or not last:
        return row, None
    index = len(last) - 1
    return row, (column_label(header[index]) or None) if index < len(header) else None


def record_lines(text: str) -> list[int]:
    """The starting line number of every record after the header (quoted newlines allowed)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts: list[int] = []
    previous_end = 0
    try:
        for _ in reader:
            starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error:
        pass  # the lines found so far are still right
    return starts[1:]


def line_of_record(text: str, index: int) -> int:
    """The line on which record ``index`` (0-based, after the header) starts."""
    lines = record_lines(text)
    return lines[index] if index < len(lines) else len(lines) + 2


def find_ragged_record(file: str, text: str, width: int) -> None:
    """Raise an InputError for the first record whose field count differs from ``width``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line_start = 1
    try:
        records = list(_numbered(reader))
    except csv.Error as exc:
        raise InputError(
            file, f"the row cannot be read as CSV ({exc})", row=reader.line_num
        ) from exc
    for line_start, end_line, record in records:
        if record and len(record) != width:
            truncated = len(record) < width
            last = not text[_offset_after(text, end_line) :].strip()
            detail = (
                "the file ends part-way through this row (truncated?)"
                if truncated and last
                else f"this row has {len(record)} fields but the header has {width}"
            )
            raise InputError(file, detail, row=line_start)


def _numbered(reader: Any) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of each record."""
    start = 1
    for record in reader:
        yield start, reader.line_num, record
        start = reader.line_num + 1


def _offset_after(text: str, line_num: int) -> int:
    pos = 0
    for _ in range(line_num):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos


INT64_MAX = 2**63 - 1
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")


def _number(value: str) -> Decimal | None:
    """The number ``value`` writes in ASCII digits (``1,234``, ``12.0``, ``1e3``), exactly."""
    cleaned = value.strip().replace(",", "")
    return Decimal(cleaned) if _NUMBER.fullmatch(cleaned) else None


def parse_count(value: str) -> int | None:
    """A whole number from 0 to 2**63 - 1 written as ``12``, ``12.0`` or ``1,234``; else None.

    Exact (no float on the way: 9007199254740993 stays itself), and in ASCII digits only.
    """
    number = _number(value)
    if number is None or number < 0 or number > INT64_MAX or number != number.to_integral():
        return None
    return int(number)


def count_problem(value: str) -> str:
    """Why ``value`` is not a count, in words for a message ("'1.5' is not a whole number")."""
    if not value.strip():
        return "is empty"
    number = _number(value)
    if number is None:
        digits = any(c.isdigit() and not c.isascii() for c in value)
        suffix = " (write numbers with the digits 0-9)" if digits else ""
        return f"{quoted(value)} is not a whole number{suffix}"
    if number < 0:
        return f"{quoted(value)} is negative"
    if number != number.to_integral():
        return f"{quoted(value)} is not a whole number"
    return f"{quoted(value)} is too large (the largest count allowed is {INT64_MAX:,})"


def check_count(file: str, value: str, row: int, column: str, what: str = "count") -> int:
    """``value`` as a count, or an InputError naming the row and column and saying why."""
    number = parse_count(value)
    if number is None:
        raise InputError(file, f"the {what} {count_problem(value)}", row=row, column=column)
    return number
