"""Any table of figures as CSV or an Excel workbook, for the pages' download links.

Plain values in, bytes out: the same rows the page shows, so a download never disagrees
with the screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from saferplan.core.cells import csv_row, excel_row


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row(headers))
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = ()
) -> bytes:
    """One sheet: a bold header row, frozen, columns sized to fit; notes on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    excel_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        excel_row(sheet, row)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:500]])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 60)
    if notes:
        about = book.create_sheet("About")
        for note in notes:
            excel_row(about, [note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
