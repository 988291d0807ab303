"""A resources table as CSV or an Excel workbook, every cell formula-neutral: text a
spreadsheet would run as a formula (``=HYPERLINK(...)`` typed into a budget line's note) is
written as text, and amounts stay numbers.

The neutralising is the shared writer's (``saferplan.core.cells``).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from saferplan.core.cells import csv_row, excel_row
from saferplan.resources.tables import Table


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def _rows(table: Table) -> list[tuple[Any, ...]]:
    return [*table.rows, *([table.total] if table.total else [])]


def to_csv(table: Table) -> bytes:
    """The table's columns by key, its rows and its Total row (UTF-8 with BOM, for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.keys)
    for row in _rows(table):
        writer.writerow(csv_row(_plain(v) for v in row))
    return buffer.getvalue().encode("utf-8-sig")


MONEY_FORMAT = '"£"#,##0.00'


def to_xlsx(table: Table) -> bytes:
    """One sheet of the table (amounts as numbers in pounds), and one about it: its notes,
    warnings and sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\\/*?:\[\]]", " ", table.title)[:31]
    excel_row(sheet, [c.label for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(table):
        excel_row(sheet, list(row))
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(1, index).column_letter
        if column.kind == "money":
            for cell in sheet[letter][1:]:
                cell.number_format = MONEY_FORMAT
        width = max([len(column.label)] + [len(str(_plain(r[index - 1]))) for r in _rows(table)])
        sheet.column_dimensions[letter].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("About")
    for heading, lines in (("Warnings", table.warnings), ("Notes", table.notes),
                           ("Sources", table.sources)):  # fmt: skip
        for line in lines:
            excel_row(about, [heading, line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
