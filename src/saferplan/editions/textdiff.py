"""Which sections' text changed between two editions, side by side. Pure.

The text compared is the authored text where the bundle holds it (the sections people
write, as Markdown), else the document's HTML, read section by section (each ``<section>``
with its heading, or the runs between ``<h2>`` headings): its paragraphs, list items and
headings, leaving out tables (their figures are compared as figures). Sections are matched
by their id or heading; paragraphs by difflib; words within a changed paragraph too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "figcaption", "dt", "dd", "blockquote")
HEADINGS = ("h1", "h2", "h3")
FRONT = "Before the first section"
WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool  # deleted (before) or inserted (after)


@dataclass(frozen=True)
class Line:
    kind: str  # changed | added | removed
    before: tuple[Segment, ...]
    after: tuple[Segment, ...]


@dataclass(frozen=True)
class SectionChange:
    key: str
    heading: str
    status: str  # changed | added | removed
    lines: tuple[Line, ...]
    unchanged: int  # paragraphs the same in both


def _clean(text: str) -> str:
    return " ".join(text.split())


def html_sections(html: bytes | str) -> list[Section]:
    """The text of an HTML document, section by section."""
    import lxml.html

    root = lxml.html.fromstring(html)
    body = root.find("body")
    body = root if body is None else body
    outer = [
        s for s in body.iter("section") if not any(a.tag == "section" for a in s.iterancestors())
    ]
    if outer:
        front = _blocks(
            e for e in body.iter(*BLOCKS) if not any(a in outer for a in e.iterancestors())
        )
        found = [Section("", FRONT, front)] if front else []
        return found + [_section(s) for s in outer]
    return _by_h2(body)


def _section(element: Any) -> Section:
    heading = next((h for h in element.iter(*HEADINGS)), None)
    title = _clean(heading.text_content()) if heading is not None else ""
    key = element.get("id") or title
    return Section(key, title or key, _blocks(element.iter(*BLOCKS)))


def _by_h2(body: Any) -> list[Section]:
    sections: list[Section] = []
    key, heading = "", FRONT
    blocks: list[str] = []
    for element in _leaves(body.iter(*BLOCKS)):
        if element.tag == "h2":
            if blocks:
                sections.append(Section(key, heading, tuple(blocks)))
            heading = _clean(element.text_content())
            key, blocks = element.get("id") or heading, []
        text = _clean(element.text_content())
        if text:
            blocks.append(text)
    if blocks:
        sections.append(Section(key, heading, tuple(blocks)))
    return sections


def _leaves(elements: Iterable[Any]) -> Iterable[Any]:
    """Blocks outside tables that hold no other block (a list item holding paragraphs is
    read through them), in document order."""
    for element in elements:
        if any(a.tag == "table" for a in element.iterancestors()):
            continue
        if any(d is not element and d.tag in BLOCKS for d in element.iter()):
            continue
        yield element


def _blocks(elements: Iterable[Any]) -> tuple[str, ...]:
    return tuple(t for t in (_clean(e.text_content()) for e in _leaves(elements)) if t)


def authored_sections(bundle: Any) -> list[Section] | None:
    """The authored sections, where the bundle holds their Markdown: a list ``sections`` of
    objects with a ``heading`` (or ``title``) and the text as ``authored.markdown`` (the
    statutory plans' bundles), or as ``markdown`` or ``authored`` itself."""
    if not isinstance(bundle, dict) or not isinstance(bundle.get("sections"), list):
        return None
    found = []
    for item in bundle["sections"]:
        if not isinstance(item, dict):
            continue
        text = item.get("markdown", item.get("authored"))
        if isinstance(text, dict):
            text = text.get("markdown")
        if not isinstance(text, str):
            continue
        heading = str(item.get("heading") or item.get("title") or item.get("key") or "")
        paragraphs = tuple(_clean(p) for p in re.split(r"\n\s*\n", text) if _clean(p))
        found.append(Section(str(item.get("key") or heading), heading, paragraphs))
    return found or None


def _words(before: str, after: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    a, b = WORDS.findall(before), WORDS.findall(after)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), op != "equal"))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), op != "equal"))
    return tuple(left), tuple(right)


def block_changes(before: Sequence[str], after: Sequence[str]) -> tuple[list[Line], int]:
    """The paragraphs that differ, paired side by side, and how many are the same."""
    lines: list[Line] = []
    same = 0
    matcher = difflib.SequenceMatcher(None, list(before), list(after), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same += i2 - i1
            continue
        old, new = list(before[i1:i2]), list(after[j1:j2])
        for k in range(max(len(old), len(new))):
            if k < len(old) and k < len(new):
                left, right = _words(old[k], new[k])
                lines.append(Line("changed", left, right))
            elif k < len(old):
                lines.append(Line("removed", (Segment(old[k], True),), ()))
            else:
                lines.append(Line("added", (), (Segment(new[k], True),)))
    return lines, same


def text_changes(old: Sequence[Section], new: Sequence[Section]) -> list[SectionChange]:
    """Every section whose text differs (added and removed sections too), in the new order."""
    olds = {s.key: s for s in old}
    news = {s.key: s for s in new}
    changes = []
    for section in new:
        earlier = olds.get(section.key)
        if earlier is None:
            lines, _ = block_changes((), section.blocks)
            changes.append(SectionChange(section.key, section.heading, "added", tuple(lines), 0))
            continue
        lines, same = block_changes(earlier.blocks, section.blocks)
        if lines:
            changes.append(
                SectionChange(section.key, section.heading, "changed", tuple(lines), same)
            )
    for section in old:
        if section.key not in news:
            lines, _ = block_changes(section.blocks, ())
            changes.append(SectionChange(section.key, section.heading, "removed", tuple(lines), 0))
    return changes
