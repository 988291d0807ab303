"""Files for the committee and the analysts: the questions log as Word and Excel, a
questionnaire's results as CSV and Excel, and the single-use links and consented contacts
as CSV.

Every cell is formula-neutral and every text one an XML file can hold, through the shared
``core.cells`` functions that all of saferplan's downloads use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from saferplan.core.cells import csv_row, is_formula_like, xml_text
from saferplan.governance.results import ItemResult
from saferplan.governance.tables import QuestionRecord

LOG_HEADINGS = ["Raised", "Meeting or committee", "Raised by", "Question or challenge",
                "Who answers", "Due by", "Status", "Answer", "Answered"]  # fmt: skip
RESULT_HEADINGS = ["Question", "Asked", "Answer", "Count", "Share of those answering (%)",
                   "Answered", "Not answered"]  # fmt: skip
STATUS_LABELS = {"open": "Awaiting an answer", "answered": "Answered", "withdrawn": "Withdrawn"}


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def log_rows(questions: Iterable[QuestionRecord], today: date) -> list[list[str]]:
    rows = []
    for q in questions:
        status = STATUS_LABELS.get(q.status, q.status)
        if q.status == "open" and q.due_on and q.due_on < today:
            status += f" (overdue by {(today - q.due_on).days} days)"
        rows.append([_day(q.raised_on), q.forum, q.raised_by, q.question, q.answerer,
                     _day(q.due_on), status, q.answer, _day(q.answered_on)])  # fmt: skip
    return rows


def result_rows(results: Sequence[ItemResult]) -> list[list[Any]]:
    """A row per answer offered (free text: a row per text given), question by question."""
    rows: list[list[Any]] = []
    for r in results:
        question = f"Q{r.number}. {r.text}"
        for c in r.counts:
            share = "" if c.share is None else float(c.share)
            rows.append([question, r.kind, c.label, c.count, share, r.answered, r.not_answered])
        for text in r.texts:
            rows.append([question, r.kind, text, "", "", r.answered, r.not_answered])
    return rows


def to_csv(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow(csv_row(row))
    return out.getvalue().encode("utf-8-sig")  # Excel reads the BOM as UTF-8


def _text_cell(cell: Any, value: Any) -> None:
    """Set a cell; text stays text, even when it looks like a formula."""
    if isinstance(value, str):
        cell.value = xml_text(value)
        cell.data_type = "s"
        cell.quotePrefix = is_formula_like(value)
    else:
        cell.value = value


def to_xlsx(title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]],
            widths: Sequence[int]) -> bytes:  # fmt: skip
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31].strip() or "Sheet"
    _text_cell(sheet.cell(row=1, column=1), title)
    sheet["A1"].font = Font(bold=True, size=14)
    for column, heading in enumerate(headings, start=1):
        _text_cell(sheet.cell(row=2, column=column), heading)
        sheet.cell(row=2, column=column).font = Font(bold=True)
    for r, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=column)
            _text_cell(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def log_xlsx(questions: Iterable[QuestionRecord], title: str, today: date) -> bytes:
    return to_xlsx(title, LOG_HEADINGS, log_rows(questions, today),
                   (12, 24, 20, 60, 24, 12, 22, 60, 12))  # fmt: skip


def log_docx(questions: Iterable[QuestionRecord], title: str, today: date) -> bytes:
    """The log for the committee's papers: landscape, a header row repeated on each page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_heading(title, level=0)
    doc.add_paragraph(f"Questions and promises log as at {today:%d %B %Y}. Generated by saferplan.")
    rows = log_rows(questions, today)
    table = doc.add_table(rows=1, cols=len(LOG_HEADINGS))
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, text in zip(header.cells, LOG_HEADINGS, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = xml_text(text)
    if not rows:
        doc.add_paragraph("No questions have been logged.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
