"""The safe subset of Markdown people write plans in: headings, paragraphs, bulleted and
numbered lists, links and emphasis; no raw HTML, no images, no code.

Parsed by markdown-it-py (CommonMark) with HTML off and every other construct disabled, so
what is not in the subset stays as the text it was typed. Links may only go to http(s)
and mailto addresses. A figure is never typed: ``{{ fte.rate }}`` inserts the document's
computed figure of that name, checked like every other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

LINK_SCHEMES = ("http", "https", "mailto")
REFERENCE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
REFERENCE_NAME = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$")
_MARK = re.compile("\ue000(\\d+)\ue001")  # a reference's place while the text is parsed
DISABLED = [
    "code",
    "fence",
    "blockquote",
    "hr",
    "reference",
    "html_block",
    "image",
    "html_inline",
    "backticks",
    "autolink",
]
MAX_LENGTH = 50_000


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis and link; ``ref`` names a figure to print instead."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Line:
    """One block of the text: a paragraph, a heading, or an item of a list."""

    style: str  # para | heading | bullet | number
    spans: tuple[Span, ...]
    level: int = 0  # headings: 2 or 3 (the section's own heading is level 1)

    @property
    def text(self) -> str:
        return "".join(s.text if s.ref is None else "{{ " + s.ref + " }}" for s in self.spans)


@cache
def _parser(check: bool) -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": check})
    if check:
        md.disable([r for r in DISABLED if r not in ("html_block", "html_inline")])
        md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link
    else:
        md.disable(DISABLED)
    return md


def _protect(markdown: str) -> tuple[str, list[str]]:
    refs: list[str] = []

    def mark(m: re.Match[str]) -> str:
        refs.append(m.group(1))
        return f"\ue000{len(refs) - 1}\ue001"

    return REFERENCE.sub(mark, markdown.replace("\ue000", "").replace("\ue001", "")), refs


def references(markdown: str) -> list[str]:
    """The figure names the text refers to, in order."""
    return [m.group(1) for m in REFERENCE.finditer(markdown)]


def problems(markdown: str) -> list[str]:
    """Why the text cannot be saved: raw HTML, links that are not http(s) or mailto,
    references that are not figure names (empty: it can be)."""
    found: list[str] = []
    if len(markdown) > MAX_LENGTH:
        found.append(f"The text is longer than {MAX_LENGTH:,} characters.")
    protected, refs = _protect(markdown)
    for ref in refs:
        if not REFERENCE_NAME.match(ref):
            found.append(
                f"'{{{{ {ref[:40]} }}}}' is not the name of a figure (names look like fte.rate)."
            )
    if "{{" in REFERENCE.sub("", markdown):
        found.append("A figure reference is not closed: write {{ name }}.")
    for token in _walk(_parser(True).parse(protected)):
        if token.type in ("html_block", "html_inline"):
            html = " ".join(token.content.split())[:60]
            found.append(
                f"HTML is not allowed in the text ({html}): use Markdown, e.g. "
                "**bold**, *emphasis*, [a link](https://example.org)."
            )
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if not _safe_link(href):
                found.append(
                    f"The link '{href[:60]}' is not allowed: links go to http, "
                    "https or mailto addresses."
                )
    return list(dict.fromkeys(found))


def _safe_link(href: str) -> bool:
    scheme, colon, _ = href.partition(":")
    return bool(colon) and scheme.strip().lower() in LINK_SCHEMES and not re.search(r"\s", scheme)


def _walk(tokens: list[Any]) -> list[Any]:
    out = []
    for token in tokens:
        out.append(token)
        if token.children:
            out += _walk(token.children)
    return out


def parse(markdown: str) -> list[Line]:
    """The text as lines of spans. Safe whatever it holds: raw HTML stays text and a link
    to anything but http(s) or mailto stays its words."""
    protected, refs = _protect(markdown)
    lines: list[Line] = []
    lists: list[str] = []
    style, level = "para", 0
    for token in _parser(False).parse(protected):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("bullet" if token.type == "bullet_list_open" else "number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "heading_open":
            style, level = "heading", 2 if token.tag == "h1" else 3
        elif token.type == "paragraph_open":
            style, level = (lists[-1] if lists else "para"), 0
        elif token.type == "inline":
            spans = _spans(token.children or [], refs)
            if spans:
                lines.append(Line(style, tuple(spans), level))
    return lines


def _spans(children: list[Any], refs: list[str]) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind == "link_open":
            target = str(child.attrGet("href") or "")
            href = target if _safe_link(target) else None
        elif kind == "link_close":
            href = None
        elif kind in ("text", "softbreak", "hardbreak"):
            content = child.content if kind == "text" else " "
            spans += _split(content, bold > 0, italic > 0, href, refs)
    return _merged(spans)


def _split(text: str, bold: bool, italic: bool, href: str | None, refs: list[str]) -> list[Span]:
    out, last = [], 0
    for m in _MARK.finditer(text):
        if m.start() > last:
            out.append(Span(text[last : m.start()], bold, italic, href))
        out.append(Span("", bold, italic, href, refs[int(m.group(1))]))
        last = m.end()
    if last < len(text):
        out.append(Span(text[last:], bold, italic, href))
    return out


def _merged(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of the same kind as one (so the text reads as it was typed)."""
    out: list[Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if (
            prev
            and s.ref is None
            and prev.ref is None
            and (prev.bold, prev.italic, prev.href) == (s.bold, s.italic, s.href)
        ):
            out[-1] = Span(prev.text + s.text, s.bold, s.italic, s.href)
        else:
            out.append(s)
    return out
