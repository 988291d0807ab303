"""The document as one self-contained HTML page (images inline), and as PDF from that page."""

from __future__ import annotations

import base64
from dataclasses import asdict
from pathlib import Path
from typing import Any

from saferplan.reports.document import Block, Document, Figure, Table

TEMPLATES = Path(__file__).with_name("templates")


def _view(block: Block, images: dict[str, bytes]) -> dict[str, Any]:
    """A block as the template reads it: table rows split for links, images as base64."""
    out = {"kind": block.kind, **asdict(block)}
    if isinstance(block, Table):
        out["rows"] = [
            {
                "first": row[0],
                "rest": row[1:],
                "link": block.links[i] if block.links else None,
                "subject": block.subject_first and i == 0,
            }
            for i, row in enumerate(block.rows)
        ]
    if isinstance(block, Figure):
        out["data"] = base64.b64encode(images[block.chart_id]).decode("ascii")
    return out


def render_html(doc: Document, images: dict[str, bytes]) -> str:
    from django.template import Context, Engine

    view = {
        **asdict(doc),
        "sections": [
            {"anchor": s.anchor, "blocks": [_view(b, images) for b in s.blocks]}
            for s in doc.sections
        ],
    }
    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    return engine.get_template("reports/assessment.html").render(Context({"doc": view}))


def render_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)
