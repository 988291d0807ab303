"""A plan laid out as a self-contained HTML page (PDF is printed from it by WeasyPrint) and
as an editable Word file: a title page, the contents, real headings, lists and tables that
keep their header with their rows. Only layout here: every word comes from ``layout``."""

from __future__ import annotations

import base64
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from saferplan.documents.layout import Gap, PlanBlock, PlanDocument, Prose
from saferplan.reports.document import Para, Table

TEMPLATES = Path(__file__).with_name("templates")
REPORT_TEMPLATES = Path(__file__).parent.parent / "reports" / "templates"
WIDE_COLUMNS = 8  # tables with more columns are set in smaller type
# A cell that is a figure (set right-aligned): 1,234  12.5%  £1,000  +3  –  <5
FIGURE_CELL = re.compile(r"[£+\-−<]?\d[\d,.]*%?|[–-]|<5|")


def _view(block: PlanBlock, images: dict[str, bytes]) -> dict[str, Any]:
    out = {"kind": block.kind, **asdict(block)}
    if isinstance(block, Table):
        out["rows"] = [
            {"first": row[0], "rest": row[1:], "link": None, "subject": False} for row in block.rows
        ]
        out["wide"] = len(block.header) > WIDE_COLUMNS
        # Tables of words (actions, leads, updates) read left to right, not as figures.
        out["words"] = any(
            not FIGURE_CELL.fullmatch(c.strip()) for row in block.rows for c in row[1:]
        )
    if block.kind == "figure":
        out["data"] = base64.b64encode(images[out["chart_id"]]).decode("ascii")
    return out


def _grouped(blocks: list[PlanBlock], images: dict[str, bytes]) -> list[dict[str, Any]]:
    """Neighbouring list items of written text as one list (so numbering runs on)."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, Prose) and block.style in ("bullet", "number"):
            last = out[-1] if out else None
            if last and last["kind"] == "prose_list" and last["style"] == block.style:
                last["items"].append({"spans": block.spans})
            else:
                out.append(
                    {"kind": "prose_list", "style": block.style, "items": [{"spans": block.spans}]}
                )
            continue
        out.append(_view(block, images))
    return out


def render_html(doc: PlanDocument, images: dict[str, bytes]) -> str:
    from django.template import Context, Engine

    view = {
        **asdict(doc),
        "css_title": re.sub(r'[\\"<>]', "", doc.title),
        "sections": [
            {"anchor": s.anchor, "blocks": _grouped(s.blocks, images)} for s in doc.sections
        ],
    }
    engine = Engine(dirs=[str(TEMPLATES), str(REPORT_TEMPLATES)], autoescape=True)
    return engine.get_template("documents/plan.html").render(Context({"doc": view}))


def render_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)


def _hyperlink(paragraph: Any, text: str, url: str, bold: bool, italic: bool) -> None:
    """A real link in Word (python-docx has no call for one): a w:hyperlink run."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, on in (("w:b", bold), ("w:i", italic), ("w:u", True)):
        if on:
            element = OxmlElement(tag)
            if tag == "w:u":
                element.set(qn("w:val"), "single")
            props.append(element)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D70B8")
    props.append(colour)
    run.append(props)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _prose(doc: Any, block: Prose) -> None:
    from docx.shared import RGBColor

    if block.style == "heading":
        paragraph = doc.add_heading("", level=block.level)
    else:
        style = {"bullet": "List Bullet", "number": "List Number"}.get(block.style)
        paragraph = doc.add_paragraph(style=style)
    for span in block.spans:
        if span["href"]:
            _hyperlink(paragraph, span["text"], span["href"], span["bold"], span["italic"])
            continue
        run = paragraph.add_run(span["text"])
        run.bold, run.italic = span["bold"] or None, span["italic"] or None
        if span["gap"]:
            run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)


def _note(doc: Any, text: str, colour: tuple[int, int, int], italic: bool = False) -> None:
    from docx.shared import RGBColor

    run = doc.add_paragraph().add_run(text)
    run.bold = not italic
    run.italic = italic
    run.font.color.rgb = RGBColor(*colour)


def _cover(doc: Any, document: PlanDocument) -> None:
    from docx.shared import Pt, RGBColor

    for _ in range(8):
        doc.add_paragraph()
    doc.add_paragraph(document.partnership).runs[0].font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
    title = doc.add_heading(document.title, level=0)
    for run in title.runs:
        run.font.size = Pt(30)
    for line in document.cover:
        doc.add_paragraph(line)
    doc.add_paragraph(document.edition).runs[0].bold = True
    doc.add_page_break()


def render_docx(document: PlanDocument, images: dict[str, bytes], path: Path) -> None:
    from docx import Document as NewDocument
    from docx.shared import Cm, Pt, RGBColor

    from saferplan.reports.word import MARGIN_CM, PAGE_WIDTH_CM, write_block, write_contents

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
    footer = section.footer.paragraphs[0]
    footer.text = document.title
    _cover(doc, document)
    write_contents(doc, document.contents)
    for s in document.sections:
        doc.add_page_break()
        for block in s.blocks:
            if isinstance(block, Prose):
                _prose(doc, block)
            elif isinstance(block, Gap):
                _note(doc, block.text, (0xD4, 0x35, 0x1C))
            elif isinstance(block, Para) and block.style == "sample":
                _note(doc, block.text, (0x50, 0x5A, 0x5F), italic=True)
            else:
                write_block(doc, block, images)
    doc.save(str(path))
