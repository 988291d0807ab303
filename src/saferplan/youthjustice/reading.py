"""Reading youth justice files as text rows: a CSV file per table, or a workbook with a
sheet per table, each row with the line (or sheet row) an editor shows for it.

Only the columns the SPEC declares are accepted: a column it does not know is an error, not
silently dropped. A case management system's own column names are mapped with a column map
(``table,source_column,column``). Blank lines are skipped but still counted, and a cell
holding a line break is one row, so every message names the line a person will find.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from saferplan.core.csvcheck import check_header, column_label, quoted, records
from saferplan.core.errors import InputError
from saferplan.datastore.sources import SourceFile, decoded_text, read_regular_file
from saferplan.youthjustice.spec import ALL_TABLES, SPEC, Table

# {table: {column in the source system's extract: column here}}
ColumnMap = dict[str, dict[str, str]]
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class RawTable:
    """One table's text rows as read: (line or sheet row, {column: text})."""

    table: str
    where: str  # the file (and sheet) named in errors
    rows: list[tuple[int, dict[str, str]]]


def csv_records(where: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of every record, blank lines skipped, read by the shared reader
    (``core.csvcheck.records``: a record the csv module cannot read, or a cell longer than
    any file should hold, is an InputError naming its row and column)."""
    for line, record in records(where, text):
        if any(cell.strip() for cell in record):
            yield line, record


def _header(where: str, header: list[str], table: Table, columns: ColumnMap) -> list[str]:
    """The header in this format's names; every column known, each required one present."""
    mapping = columns.get(table.name, {})
    names = [mapping.get(h.strip(), h.strip()) for h in header]
    check_header(where, names, table.columns)
    for name in names:
        if name and name not in table.columns:
            raise InputError(
                where, f"{quoted(name)} is not a column of {table.name}", row=1,
                column=column_label(name),
                hint=f"Its columns are: {', '.join(table.columns)}. Remove the column, or map "
                "it to one of these with --columns.",
            )  # fmt: skip
    return names


def _row(where: str, line: int, names: list[str], cells: list[str]) -> dict[str, str]:
    """A record's cells by column; a record with more or fewer cells than the header is
    refused (a shifted or truncated row would put values in the wrong columns)."""
    if len(cells) > len(names) and not any(c.strip() for c in cells[len(names) :]):
        cells = cells[: len(names)]  # empty cells after the last column, as Excel leaves
    if len(cells) != len(names):
        raise InputError(
            where, f"this row has {len(cells)} cells but the header has {len(names)}", row=line
        )
    for n, c in zip(names, cells, strict=True):
        if not n and c.strip():
            raise InputError(
                where, f"{quoted(c.strip())} is in a column with no name in the header", row=line
            )
    return {n: c.strip() for n, c in zip(names, cells, strict=True) if n}


def read_csv(source: SourceFile, table: Table, columns: ColumnMap) -> tuple[RawTable, str]:
    """One CSV file of ``table``, and the encoding it was found in."""
    where = source.display_name
    text, encoding = decoded_text(source)
    records = csv_records(where, text)
    first = next(records, None)
    if first is None:
        raise InputError(where, "the file has no header row", row=1)
    names = _header(where, first[1], table, columns)
    rows = [(line, _row(where, line, names, cells)) for line, cells in records]
    return RawTable(table.name, where, rows), encoding


def table_of(source: SourceFile) -> Table:
    """The extract table a CSV file holds, from its name (any case: Offences.CSV)."""
    stem = Path(source.name).name.rsplit(".", 1)[0].strip().lower()
    if stem not in SPEC:
        names = ", ".join(f"{t}.csv" for t in SPEC)
        raise InputError(
            source.display_name,
            "is not a table of a youth justice extract",
            hint=f"An extract is a CSV file per table, named after it ({names}), or one Excel "
            "workbook with a sheet per table.",
        )
    return SPEC[stem]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_workbook(source: SourceFile, columns: ColumnMap) -> dict[str, RawTable]:
    """Every sheet of the workbook named after an extract table (any case)."""
    from openpyxl import load_workbook

    from saferplan.datastore.sources import check_workbook

    data = io.BytesIO(bytes(source.data))
    check_workbook(source.display_name, data)
    try:
        book = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise InputError(
            source.display_name, f"cannot be read as an Excel workbook ({exc})"
        ) from None
    out: dict[str, RawTable] = {}
    try:
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        for name, table in SPEC.items():
            if name in sheets:
                where = f"{source.display_name} [sheet {sheets[name]}]"
                out[name] = _sheet(where, book[sheets[name]], table, columns)
    finally:
        book.close()
    return out


def _sheet(where: str, sheet: Any, table: Table, columns: ColumnMap) -> RawTable:
    rows = sheet.iter_rows(values_only=True)
    names = _header(where, [_cell(h) for h in next(rows, ())], table, columns)
    body = []
    for n, values in enumerate(rows, start=2):
        cells = [_cell(v) for v in values]
        if any(cells):
            # A sheet's row ends at its last value: the empty cells after it are still cells.
            cells += [""] * (len(names) - len(cells))
            body.append((n, _row(where, n, names, cells)))
    return RawTable(table.name, where, body)


def read_column_map(path: Path) -> ColumnMap:
    """A CSV ``table, source_column, column`` naming this format's column for each of a case
    management system's, so its extract imports as exported."""
    text, _ = decoded_text(SourceFile(str(path), read_regular_file(path)))
    records = csv_records(str(path), text)
    first = next(records, None)
    header = [h.strip() for h in (first[1] if first else [])]
    check_header(str(path), header, ["table", "source_column", "column"])
    out: ColumnMap = {}
    for n, cells in records:
        row = _row(str(path), n, header, cells)
        if row["table"] not in ALL_TABLES:
            raise InputError(
                str(path), f"{quoted(row['table'])} is not a table", row=n, column="table",
                hint=f"Tables: {', '.join(ALL_TABLES)}.",
            )  # fmt: skip
        table = ALL_TABLES[row["table"]]
        if row["column"] not in table.columns:
            raise InputError(
                str(path), f"{quoted(row['column'])} is not a column of {table.name}", row=n,
                column="column", hint=f"Columns: {', '.join(table.columns)}.",
            )  # fmt: skip
        out.setdefault(table.name, {})[row["source_column"]] = row["column"]
    return out
