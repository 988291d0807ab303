"""The document as an editable Word file that holds together in any word processor.

Real headings and tables; column widths set from their content (a figure never wraps and the
first column fits the longest name), header rows repeated on every page, rows never split
across pages, pictures with their alternative text, and the contents written out (inside a
contents field that Word can refresh), so LibreOffice and Word show the same document.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

from saferplan.reports.document import Block, Bullets, Document, Facts, Figure, Heading, Para, Table

PAGE_WIDTH_CM = 21.0  # A4
MARGIN_CM = 1.8
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
CELL_PADDING_CM = 0.5  # Word's default cell margins (0.19 cm a side) and a little air
TABLE_SIZES_PT = (9.0, 8.5, 8.0, 7.5, 7.0)


@cache
def _font(bold: bool) -> Any:
    """DejaVu Sans (shipped with matplotlib, and what LibreOffice falls back to without
    Arial): it is wider than Arial, so a column wide enough for it fits in either."""
    from matplotlib import font_manager
    from PIL import ImageFont

    path = font_manager.findfont(
        font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    )
    return ImageFont.truetype(path, 1000)


def text_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """How wide ``text`` is at ``size_pt``, measured with the font's own advance widths."""
    return float(_font(bold).getlength(text)) / 1000 * size_pt / 72 * 2.54


def column_widths(header: list[str], rows: list[list[str]], size_pt: float) -> list[float]:
    """Each column as wide as its widest cell (figures never wrap); headers may wrap at
    spaces but never inside a word."""
    widths = []
    for j, head in enumerate(header):
        cells = [row[j] for row in rows]
        widest = max([text_cm(c, size_pt, bold=True) for c in cells] or [0.0])
        word = max(text_cm(w, size_pt, bold=True) for w in head.split() or [""])
        widths.append(max(widest, word) + CELL_PADDING_CM)
    return widths


def fitted_widths(header: list[str], rows: list[list[str]]) -> tuple[float, list[float]]:
    """The largest type size at which the table fits the page, and its column widths."""
    for size in TABLE_SIZES_PT:
        widths = column_widths(header, rows, size)
        if sum(widths) <= TEXT_WIDTH_CM:
            return size, widths
    size = TABLE_SIZES_PT[-1]
    widths = column_widths(header, rows, size)
    others = sum(widths[1:])
    widths[0] = max(TEXT_WIDTH_CM - others, text_cm("W" * 8, size))  # the names wrap, at spaces
    return size, widths


def _set(element: Any, tag: str, **attributes: str) -> Any:
    """Add (or reuse) a child element ``w:tag`` with ``w:`` attributes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    child = element.find(qn(f"w:{tag}"))
    if child is None:
        child = OxmlElement(f"w:{tag}")
        element.append(child)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    return child


def _write_table(doc: Any, block: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc.add_paragraph(block.caption, style="Caption")
    size, widths = fitted_widths(block.header, block.rows)
    t = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    t.style = "Light List Accent 1"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _set(t._tbl.tblPr, "tblW", w=str(int(sum(widths) / 2.54 * 1440)), type="dxa")
    for column, width in zip(t.columns, widths, strict=True):
        column.width = Cm(width)
    for i, (row, values) in enumerate(zip(t.rows, [block.header, *block.rows], strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        _set(tr_pr, "cantSplit")
        if i == 0:
            _set(tr_pr, "tblHeader")
        for j, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Cm(widths[j])
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            run.font.size = Pt(size)
            run.bold = i == 0 or (block.subject_first and i == 1)
            if j:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if i:
                    _set(cell._tc.get_or_add_tcPr(), "noWrap")
    doc.add_paragraph()


def _field_run(paragraph: Any, kind: str, instruction: str | None = None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if instruction is None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run.append(mark)
    else:
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = instruction
        run.append(text)
    paragraph._p.append(run)


def _contents(doc: Any, entries: list[tuple[str, str]]) -> None:
    """The contents, written out; they are also the result of a TOC field Word can refresh."""
    doc.add_heading("Contents", level=1)
    for i, (_, title) in enumerate(entries):
        paragraph = doc.add_paragraph()
        if i == 0:
            _field_run(paragraph, "begin")
            _field_run(paragraph, "", 'TOC \\o "1-1" \\h \\z \\u')
            _field_run(paragraph, "separate")
        paragraph.add_run(title)
        if i == len(entries) - 1:
            _field_run(paragraph, "end")


def _picture(doc: Any, block: Figure, png: bytes) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Cm

    paragraph = doc.add_paragraph()
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png), width=Cm(16))
    for properties in run._r.iter(qn("wp:docPr")):
        properties.set("descr", block.alt)
    doc.add_paragraph(block.caption, style="Caption")


def _block(doc: Any, block: Block, images: dict[str, bytes]) -> None:
    if isinstance(block, Heading):
        doc.add_heading(block.text, level=block.level)
    elif isinstance(block, Para):
        paragraph = doc.add_paragraph(block.text)
        if block.style == "definition":
            paragraph.runs[0].italic = True
    elif isinstance(block, Bullets):
        for item in block.items:
            doc.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Facts):
        doc.add_heading(block.title, level=2)
        for term, value in block.items:
            doc.add_paragraph(f"{term}: {value}", style="List Bullet")
        doc.add_paragraph(block.note)
    elif isinstance(block, Table):
        _write_table(doc, block)
    else:
        _picture(doc, block, images[block.chart_id])


def render_docx(document: Document, images: dict[str, bytes], path: Path) -> None:
    from docx import Document as NewDocument
    from docx.shared import Cm, Pt, RGBColor

    doc = NewDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(29.7)
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    for level in (1, 2, 3):
        heading = doc.styles[f"Heading {level}"]
        heading.font.name = "Arial"
        heading.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    doc.add_paragraph(document.partnership).runs[0].font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
    doc.add_heading(document.title, level=0)
    doc.add_paragraph(document.intro)
    doc.add_paragraph(document.edition)
    _contents(doc, document.contents)
    for s in document.sections:
        doc.add_page_break()
        for block in s.blocks:
            _block(doc, block, images)
    doc.save(str(path))


def write_block(doc: Any, block: Block, images: dict[str, bytes]) -> None:
    """One block into a python-docx document (for other documents laid out from the same
    blocks: tables fitted and repeating their headers, pictures with their text)."""
    _block(doc, block, images)


def write_contents(doc: Any, entries: list[tuple[str, str]]) -> None:
    """The contents, written out, inside a field Word can refresh."""
    _contents(doc, entries)
