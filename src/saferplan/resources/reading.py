"""Reading a resources or risk file as text rows: a CSV file (through the shared reader,
``core.csvcheck.records``) or an Excel workbook (checked against zip bombs first), each
row with the line or sheet row a person finds it on.

Column names are compared as people write them (``Staffing Costs (£)`` is
``staffing_costs``), and each format may name others it takes for its own (the printed
tables' ``Payments in kind - revenue``). A column the format does not know is refused,
never dropped; a row with more or fewer cells than the header is refused too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from saferplan.core.csvcheck import check_header, column_label, quoted, records
from saferplan.core.errors import InputError
from saferplan.datastore.sources import SourceFile, check_archive, decoded_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Layout:
    """What a format's files hold: for reading and for messages."""

    describes: str  # "a youth justice budget file"
    sheet: str  # the sheet looked for in a workbook of several
    columns: tuple[str, ...]  # every column it takes
    required: tuple[str, ...]
    aliases: Mapping[str, str]  # another name (normalised) -> the column


@dataclass
class Sheet:
    """A file's rows as text: (line or sheet row, {column: text}), blank rows left out."""

    where: str  # the file (and sheet) named in errors
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str = ""


def column_name(text: str) -> str:
    """``Staffing Costs (£)`` -> ``staffing_costs``; ``total_gbp`` -> ``total``."""
    name = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    return name.removesuffix("_gbp")


def read(source: SourceFile, layout: Layout) -> Sheet:
    if source.name.lower().endswith(WORKBOOK_SUFFIXES):
        return read_workbook(source, layout)
    return read_csv(source, layout)


def _names(where: str, header: Sequence[str], layout: Layout) -> list[str]:
    """The header as the format's column names, every one known and the required present."""
    names = []
    for raw in header:
        name = column_name(raw)
        name = layout.aliases.get(name, name)
        if name and name not in layout.columns:
            raise InputError(
                where, f"{quoted(raw.strip())} is not a column of {layout.describes}", row=1,
                column=column_label(raw), hint=f"Its columns are: {', '.join(layout.columns)}.",
            )  # fmt: skip
        names.append(name)
    if not any(names):
        raise InputError(where, "the first row is blank; expected the column names", row=1)
    check_header(where, names, layout.required)
    doubled = next((n for n in names if n and names.count(n) > 1), None)
    if doubled is not None:
        raise InputError(where, f"column '{doubled}' appears more than once", row=1)
    return names


def _cells(where: str, line: int, names: list[str], cells: list[str]) -> dict[str, str]:
    """A record's cells by column: as many as the header has (empty cells after the last
    column, as spreadsheets leave them, aside), and none in a column without a name."""
    if len(cells) > len(names) and not any(c.strip() for c in cells[len(names) :]):
        cells = cells[: len(names)]
    if len(cells) != len(names):
        raise InputError(
            where, f"this row has {len(cells)} cells but the header has {len(names)}", row=line
        )
    for name, cell in zip(names, cells, strict=True):
        if not name and cell.strip():
            raise InputError(
                where, f"{quoted(cell.strip())} is in a column with no name in the header",
                row=line,
            )  # fmt: skip
    return {n: c.strip() for n, c in zip(names, cells, strict=True) if n}


def read_csv(source: SourceFile, layout: Layout) -> Sheet:
    where = source.display_name
    text, encoding = decoded_text(source)
    found = records(where, text)
    first = next(found, None)
    if first is None:
        raise InputError(where, "the file has no header row", row=1)
    names = _names(where, first[1], layout)
    rows = [
        (line, _cells(where, line, names, cells))
        for line, cells in found
        if any(c.strip() for c in cells)
    ]
    return Sheet(where, names, rows, encoding)


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV export would hold (numbers exactly as stored)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{Decimal(repr(value)):f}" if value == value and abs(value) != float("inf") else ""
    return str(value).strip()


def read_workbook(source: SourceFile, layout: Layout) -> Sheet:
    """The format's sheet of a workbook: the only one, or the one named after the table."""
    from openpyxl import load_workbook

    where = source.display_name
    data = bytes(source.data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(where, archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a damaged file
        raise InputError(where, f"cannot be read as an Excel workbook ({exc})") from None
    try:
        sheet = _sheet(where, book, layout)
        return _sheet_rows(f"{where} [sheet {sheet.title}]", sheet, layout)
    except InputError:
        raise
    except Exception as exc:  # a sheet's XML damaged past its first rows
        raise InputError(where, f"cannot be read as an Excel workbook ({exc})") from None
    finally:
        book.close()


def _sheet(where: str, book: Any, layout: Layout) -> Any:
    if len(book.sheetnames) == 1:
        return book[book.sheetnames[0]]
    for name in book.sheetnames:
        if column_name(name) == column_name(layout.sheet):
            return book[name]
    raise InputError(
        where,
        f"the workbook has several sheets and none is called '{layout.sheet}'",
        hint=f"Its sheets: {', '.join(book.sheetnames)}. Name the sheet '{layout.sheet}', or "
        "save that sheet alone.",
    )


def _sheet_rows(where: str, sheet: Any, layout: Layout) -> Sheet:
    rows = sheet.iter_rows(values_only=True)
    names = _names(where, [cell_text(v) for v in next(rows, ())], layout)
    body = []
    for line, values in enumerate(rows, start=2):
        cells = [cell_text(v) for v in values]
        if any(cells):
            cells += [""] * (len(names) - len(cells))  # a row ends at its last value
            body.append((line, _cells(where, line, names, cells)))
    return Sheet(where, names, body)
