"""Reading wide count tables (one column per month or year), shared by the MPS and LSOA files.

Both publishers lay figures out the same way: a few label columns, then one column per
period. Labels are checked per row and counts per cell, so an error names the exact cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from saferplan.core import csvcheck
from saferplan.core.errors import InputError


@dataclass(frozen=True)
class WideTable:
    """Label columns by name, the period columns, and each record's values, with line numbers."""

    labels: list[str]
    periods: list[tuple[str, date]]  # (header text, first day of the period)
    rows: list[tuple[int, dict[str, str], list[int]]]  # (line, labels, counts)


def read_wide(
    file: str,
    text: str,
    label_columns: Sequence[str],
    period_pattern: re.Pattern[str],
    period_start: Callable[[str], date],
    period_word: str,
    ignored_columns: Sequence[str] = (),
) -> WideTable:
    """Parse ``text`` whose header is ``label_columns`` followed by period columns."""
    reader = csvcheck.records(file, text)
    first = next(reader, None)
    if first is None:
        raise InputError(file, "the file is empty")
    header = [h.strip() for h in first[1]]
    csvcheck.check_header(file, header, label_columns)
    positions = {name: header.index(name) for name in label_columns}
    periods: list[tuple[int, str, date]] = []
    for index, name in enumerate(header):
        if name in positions or name in ignored_columns or not name:
            continue
        if not period_pattern.match(name):
            raise InputError(
                file,
                f"{csvcheck.quoted(name)} is not a {period_word} column heading",
                row=1,
                column=csvcheck.column_label(name),
                hint=f"Period columns must be headed like {period_word_example(period_word)}.",
            )
        periods.append((index, name, period_start(name)))
    if not periods:
        raise InputError(file, f"the file has no {period_word} columns", row=1)
    starts = [p[2] for p in periods]
    if len(set(starts)) != len(starts):
        raise InputError(file, f"a {period_word} column appears twice", row=1)

    rows: list[tuple[int, dict[str, str], list[int]]] = []
    width = len(header)
    for line, record in reader:
        if not record or not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            raise InputError(
                file,
                (
                    f"this row has {len(record)} fields but the header has {width}"
                    + (" (is the file truncated?)" if len(record) < width else "")
                ),
                row=line,
            )
        labels = {name: record[pos].strip() for name, pos in positions.items()}
        counts = [
            csvcheck.check_count(file, record[index], line, name) for index, name, _ in periods
        ]
        rows.append((line, labels, counts))
    if not rows:
        raise InputError(file, "the file has a header but no rows", row=2)
    return WideTable(list(label_columns), [(n, d) for _, n, d in periods], rows)


def period_word_example(word: str) -> str:
    return "201806 (June 2018)" if word == "month" else "2018"


def month_start(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), 1)


def year_start(text: str) -> date:
    return date(int(text[:4]), 1, 1)


YYYYMM = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")
YYYY = re.compile(r"^(19|20)[0-9]{2}$")
