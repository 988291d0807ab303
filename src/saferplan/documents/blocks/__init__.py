"""Generated blocks: named tables, charts and lists a template's sections place, each a
function from the document's context to its parts, recording every figure in the book.

A block returns parts as plain data for ``figures.json``: a table's cells name figures of
the book (or are labels), a sentence is a template whose fields name figures, a chart names
the figures it draws. Nothing is formatted here that the check could not format again.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saferplan.documents.context import Context
    from saferplan.documents.figures import Book
    from saferplan.documents.template import BlockUse

Part = dict[str, Any]
BlockFunction = Callable[["Context", "BlockUse", "Book"], list[Part]]
BLOCK_MODULES = (
    "saferplan.documents.blocks.youthjustice",
    "saferplan.documents.blocks.local",
    "saferplan.documents.blocks.caseload",
    "saferplan.documents.blocks.resources",
    "saferplan.documents.blocks.plans",
    "saferplan.documents.blocks.measures",
    "saferplan.documents.blocks.crime",
    "saferplan.documents.blocks.governance",
)
# Numbers a sentence's template may print itself (never a figure): 12 months, 3 in a row.
TEMPLATE_NUMBERS = {"12", "1,000", "100,000", "10-17", "10", "17"}
NUMBER = re.compile(r"\d[\d,.\-]*")


@dataclass(frozen=True)
class BlockSpec:
    name: str
    title: str  # what people call it: "National indicators against comparators"
    source: str  # where its figures come from, in words
    params: tuple[str, ...]
    function: BlockFunction


_BLOCKS: dict[str, BlockSpec] = {}


def block(
    name: str, title: str, source: str, params: Sequence[str] = ()
) -> Callable[[BlockFunction], BlockFunction]:
    """Decorator: register ``function(context, use, book) -> parts`` as block ``name``."""

    def register(function: BlockFunction) -> BlockFunction:
        _BLOCKS[name] = BlockSpec(name, title, source, tuple(params), function)
        return function

    return register


def registry() -> dict[str, BlockSpec]:
    for module in BLOCK_MODULES:
        importlib.import_module(module)
    return dict(_BLOCKS)


def slug(text: str) -> str:
    """A figure id's part from a label: 'YOT family' -> 'yot-family'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[dict[str, Any]]],
    note: str = "",
    empty: str = "",
) -> Part:
    """A table: ``rows`` of cells (``figures.cell`` or ``figures.text``); ``empty`` is what
    the document says instead when there are no rows."""
    return {
        "kind": "table",
        "title": title,
        "columns": list(columns),
        "rows": [list(r) for r in rows],
        "note": note,
        "empty": empty,
    }


def sentence(
    book: Book, template: str, words: dict[str, str] | None = None, **fields: str
) -> dict[str, Any]:
    """A sentence whose every figure is a field naming a figure of the book; ``words`` fill
    the fields that are not figures (a label, a period), which the check takes as written."""
    shown = {**(words or {}), **{name: book.shown(fid) for name, fid in fields.items()}}
    return {
        "template": template,
        "figs": dict(fields),
        "words": dict(words or {}),
        "text": template.format(**shown),
    }


def items(title: str, sentences: Sequence[dict[str, Any]], empty: str = "") -> Part:
    """A list of sentences (``title`` may be empty)."""
    return {"kind": "list", "title": title, "items": list(sentences), "empty": empty}


def note(text: str) -> Part:
    """Words without figures: what a table counts, where its data come from."""
    return {"kind": "note", "text": text}


def chart(
    chart_id: str,
    title: str,
    unit: str,
    series: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    caption: str,
) -> Part:
    """A line chart of one or more series, each (name, [(period label, figure id)])."""
    return {
        "kind": "chart",
        "id": chart_id,
        "title": title,
        "unit": unit,
        "caption": caption,
        "series": [{"name": name, "points": [list(p) for p in points]} for name, points in series],
    }


def literal_numbers(template: str) -> list[str]:
    """Numbers a sentence's template prints itself rather than from a figure."""
    literal = re.sub(r"\{[^{}]*\}", " ", template)
    return [n for n in NUMBER.findall(literal) if n.rstrip(".,") not in TEMPLATE_NUMBERS]
