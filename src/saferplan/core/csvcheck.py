"""Checks shared by the CSV importers: headers, record line numbers, numbers and months.

Vectorised importers check whole columns at once and only come here, on the error path, to
find which line a bad value sits on, so the fast path stays fast and the message stays exact.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

from saferplan.core.errors import InputError

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
YYYYMM_RE = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")


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
            f"expected a column '{column}' but found '{guess}' — was it renamed?",
            row=1,
            column=guess,
            hint=f"Rename the column '{guess}' to '{column}'.",
        )
    listing = ", ".join(f"'{c}'" for c in missing)
    raise InputError(
        file,
        f"missing column{'s' if len(missing) > 1 else ''} {listing}",
        row=1,
        hint=f"The file's columns are: {', '.join(repr(c) for c in found)}.",
    )


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


def parse_count(value: str) -> int | None:
    """A non-negative whole number written as ``12``, ``12.0`` or ``1,234``; else None."""
    cleaned = value.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if number < 0 or not number.is_integer():
        return None
    return int(number)
