"""Reading the HTML page and the Word file back, and comparing them with the bundle.

The document the bundle implies (``document.build``) is flattened into its pieces of text in
reading order; each output is read the same way (HTML with lxml, Word with python-docx:
paragraphs, headings, every table cell, every picture's alternative text) and the two lists
must be equal. Images must carry the labels the bundle records for them. So "fell 6.8%" for
"rose 6.8%", or 14,999 for 14,888, in a page, a cell or a caption is found.

A build checks its files in its staging folder and again once they are kept; each check
reads the files' bytes, and parses them only if this process has not parsed the very same
bytes (by SHA-256) already: the second check of an unchanged file costs a hash, not a parse.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import io
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from saferplan.reports import document
from saferplan.reports.charts import read_png_labels

HTML_NAME = "strategic-assessment.html"
DOCX_NAME = "strategic-assessment.docx"
HTML_TEXT = ("h1", "h2", "h3", "h4", "p", "li", "caption", "th", "td", "dt", "dd", "figcaption")
NUMBER = re.compile(r"[+-]?\d[\d,.]*%?")
MAX_REPORTED = 25
Item = tuple[str, str]
Parsed = tuple[list[Item], list[bytes]]
PARSES_KEPT = 4  # a build's HTML page and Word file, and the last build's
_parsed: OrderedDict[tuple[str, str], Parsed] = OrderedDict()


def _norm(text: str) -> str:
    return " ".join(text.split())


def html_items(html: str) -> tuple[list[Item], list[bytes]]:
    """Every piece of text of the page's main element, in order, and its images."""
    import lxml.html

    root = lxml.html.fromstring(html)
    main = root.find(".//main")
    items: list[Item] = []
    images: list[bytes] = []
    for element in [] if main is None else main.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in HTML_TEXT:
            items.append((tag, _norm(element.text_content())))
        elif tag == "img":
            items.append(("img", _norm(element.get("alt", ""))))
            source = element.get("src", "")
            _, _, data = source.partition("base64,")
            images.append(base64.b64decode(data) if data else b"")
    return items, images


def docx_items(path: Path) -> tuple[list[Item], list[bytes]]:
    """Every paragraph, heading and table cell of the Word file in order, and its pictures."""
    return docx_content_items(path.read_bytes())


def docx_content_items(content: bytes) -> tuple[list[Item], list[bytes]]:
    """``docx_items`` of a Word file's bytes."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(content))
    items: list[Item] = []
    images: list[bytes] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            items += [("cell", _norm(c.text)) for row in block.rows for c in row.cells]
            continue
        assert isinstance(block, Paragraph)
        for drawing in block._p.iter(qn("w:drawing")):
            for properties in drawing.iter(qn("wp:docPr")):
                items.append(("img", _norm(properties.get("descr", ""))))
            for blip in drawing.iter(qn("a:blip")):
                part = doc.part.related_parts.get(blip.get(qn("r:embed")) or "")
                images.append(part.blob if part is not None else b"")
        text = _norm(block.text)
        if text:
            style = block.style.name if block.style is not None else ""
            heading = style.startswith("Heading") or style == "Title"
            items.append(("heading" if heading else "p", text))
    return items, images


def _numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def _describe(name: str, want: Item | None, got: Item | None) -> str:
    def show(item: Item) -> str:
        text = item[1] if len(item[1]) <= 160 else item[1][:157] + "…"
        return f"{item[0]} \u201c{text}\u201d"

    if want and got:
        extra = [n for n in _numbers(got[1]) if n not in _numbers(want[1])]
        hint = f" (figures not in the bundle: {', '.join(extra)})" if extra else ""
        return f"{name}: {show(got)} where figures.json gives {show(want)}{hint}"
    if want:
        return f"{name}: {show(want)} is missing"
    assert got is not None
    return f"{name}: {show(got)} is not in figures.json"


def compare(name: str, expected: list[Item], found: list[Item]) -> list[str]:
    """Every difference between what an output must say and what it says."""
    expected = [(k, _norm(t)) for k, t in expected if _norm(t) or k == "img"]
    problems = []
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        wants, gots = expected[i1:i2], found[j1:j2]
        for k in range(max(len(wants), len(gots))):
            problems.append(
                _describe(
                    name, wants[k] if k < len(wants) else None, gots[k] if k < len(gots) else None
                )
            )
    if len(problems) > MAX_REPORTED:
        problems = [*problems[:MAX_REPORTED], f"{name}: and {len(problems) - MAX_REPORTED} more"]
    return problems


def _charts(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for t in data["themes"] for c in t["charts"]]


def compare_images(name: str, data: Mapping[str, Any], images: list[bytes]) -> list[str]:
    """Each image says what the bundle records for it: its title and every label."""
    charts = _charts(data)
    if len(images) != len(charts):
        return [f"{name}: {len(images)} images where figures.json has {len(charts)} charts"]
    problems = []
    for chart, png in zip(charts, images, strict=True):
        recorded = read_png_labels(png)
        wanted = {"title": chart["title"]["text"], "labels": chart["labels"]}
        if recorded is None:
            problems.append(f"{name}: the image of {chart['id']} does not record its labels")
        elif recorded != wanted:
            problems.append(
                f"{name}: the image of {chart['id']} says {recorded}, figures.json {wanted}"
            )
    return problems


def _parse_once(kind: str, content: bytes, parse: Callable[[bytes], Parsed]) -> Parsed:
    """``parse(content)``, remembered by the content's SHA-256 for the next check."""
    key = (kind, hashlib.sha256(content).hexdigest())
    if key in _parsed:
        _parsed.move_to_end(key)
    else:
        _parsed[key] = parse(content)
        while len(_parsed) > PARSES_KEPT:
            _parsed.popitem(last=False)
    items, images = _parsed[key]
    return list(items), list(images)


def _html_content_items(content: bytes) -> Parsed:
    return html_items(content.decode("utf-8"))


def check_html(html: str, data: Mapping[str, Any], name: str = HTML_NAME) -> list[str]:
    items, images = _parse_once("html", html.encode("utf-8"), _html_content_items)
    expected = document.flatten(document.build(data), "html")
    return compare(name, expected, items) + compare_images(name, data, images)


def check_docx(path: Path, data: Mapping[str, Any], name: str = DOCX_NAME) -> list[str]:
    items, images = _parse_once("docx", path.read_bytes(), docx_content_items)
    expected = document.flatten(document.build(data), "docx")
    return compare(name, expected, items) + compare_images(name, data, images)


def check_outputs(folder: Path, data: Mapping[str, Any]) -> list[str]:
    """The HTML page and the Word file beside a bundle, each against it."""
    problems: list[str] = []
    html = folder / HTML_NAME
    if html.exists():
        problems += check_html(html.read_text(encoding="utf-8"), data)
    else:
        problems.append(f"{HTML_NAME} is missing from {folder}")
    docx = folder / DOCX_NAME
    if docx.exists():
        problems += check_docx(docx, data)
    else:
        problems.append(f"{DOCX_NAME} is missing from {folder}")
    return problems
