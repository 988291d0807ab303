"""A plan as a document, from its bundle alone: a title page, the contents, numbered
sections of written text and generated tables, charts and lists, and the annexes.

The blocks are the assessment's (``reports.document``) and two more: ``Prose``, written
text with its emphasis and links (a referenced figure printed as the bundle shows it),
and ``Gap``, what a draft still lacks. The HTML page and the Word file are laid out from
this one list, and ``report check`` builds it again to compare them with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from saferplan.documents import markdown
from saferplan.reports.document import Block, Bullets, Figure, Heading, Para, Table, flat_block

Data = Mapping[str, Any]
SAMPLE = "Sample text, written for the demonstration: not a real partnership's words."


@dataclass
class Prose:
    kind: ClassVar[str] = "prose"
    style: str  # para | heading | bullet | number
    spans: list[dict[str, Any]]  # text, bold, italic, href, gap
    level: int = 0

    @property
    def text(self) -> str:
        return "".join(s["text"] for s in self.spans)


@dataclass
class Gap:
    """What is not there yet (a draft only): 'To be written: Voice of the child'."""

    kind: ClassVar[str] = "gap"
    text: str


PlanBlock = Block | Prose | Gap


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[PlanBlock]


@dataclass
class PlanDocument:
    title: str
    partnership: str
    cover: list[str]  # the lines under the title
    edition: str
    contents: list[tuple[str, str]]
    sections: list[Section] = field(default_factory=list)


def _prose(lines: list[markdown.Line], figures: Data) -> list[PlanBlock]:
    out: list[PlanBlock] = []
    for line in lines:
        spans = []
        for s in line.spans:
            if s.ref is None:
                spans.append(
                    {
                        "text": s.text,
                        "bold": s.bold,
                        "italic": s.italic,
                        "href": s.href,
                        "gap": False,
                    }
                )
            elif s.ref in figures:
                spans.append(
                    {
                        "text": str(figures[s.ref]["shown"]),
                        "bold": s.bold,
                        "italic": s.italic,
                        "href": s.href,
                        "gap": False,
                    }
                )
            else:
                spans.append(
                    {
                        "text": f"[no figure called {s.ref}]",
                        "bold": False,
                        "italic": False,
                        "href": None,
                        "gap": True,
                    }
                )
        out.append(Prose(line.style, spans, line.level))
    return out


def _part(part: Data, figures: Data) -> list[PlanBlock]:
    kind = part["kind"]
    if kind == "note":
        return [Para(part["text"], "meta")]
    if kind == "chart":
        alt = f"{part['title']}. " + "; ".join(part["labels"][:-1])
        return [Figure(part["id"], alt, part["caption"])]
    if kind == "list":
        head: list[PlanBlock] = [Heading(part["title"], 2)] if part["title"] else []
        if not part["items"]:
            return [*head, Para(part["empty"], "meta")]
        return [*head, Bullets([i["text"] for i in part["items"]])]
    rows = [
        [str(figures[c["fig"]]["shown"]) if "fig" in c else c["text"] for c in row]
        for row in part["rows"]
    ]
    blocks: list[PlanBlock] = []
    if rows:
        blocks.append(Table(part["title"], list(part["columns"]), rows))
    else:
        blocks += [Heading(part["title"], 2), Para(part["empty"] or "No figures.", "meta")]
    if part["note"]:
        blocks.append(Para(part["note"], "meta"))
    return blocks


def _section(s: Data, figures: Data, draft: bool) -> Section:
    title = f"{s['number']}. {s['heading']}"
    blocks: list[PlanBlock] = [Heading(title, 1, s["key"])]
    authored = s["authored"] or {}
    if s["content"] in ("text", "both"):
        if authored.get("markdown", "").strip():
            if authored.get("sample"):
                blocks.append(Para(SAMPLE, "sample"))
            blocks += _prose(markdown.parse(authored["markdown"]), figures)
        elif draft or not s["required"]:
            what = "To be written" if s["required"] else "Not written (optional)"
            blocks.append(Gap(f"{what}: {s['heading']}."))
    for part in s["parts"]:
        blocks += _part(part, figures)
    return Section(s["key"], title, blocks)


def _first_pages(data: Data) -> list[Section]:
    """A draft opens with what is still to be written and the figures to put right."""
    if data["edition"] != "draft" or not (data["missing"] or data["warnings"]):
        return []
    blocks: list[PlanBlock] = [Heading("Still to do before the final edition", 1, "to-do")]
    if data["missing"]:
        blocks.append(Para("Required sections without content:"))
        blocks.append(
            Bullets([f"{m['what']}: {m['number']}. {m['heading']}" for m in data["missing"]])
        )
    if data["warnings"]:
        blocks.append(Para("Figures to put right:"))
        blocks.append(Bullets(list(data["warnings"])))
    return [Section("to-do", "Still to do before the final edition", blocks)]


def _annexes(data: Data) -> list[Section]:
    out = []
    if data["coverage"]:
        rows = [
            [c["requirement"], "; ".join(c["met_by"]) or "none", "Met" if c["met"] else "Not met"]
            for c in data["coverage"]
        ]
        out.append(
            Section(
                "coverage",
                "Statutory requirements",
                [
                    Heading("Statutory requirements", 1, "coverage"),
                    Para(
                        f"What the plan must contain ({data['template']['guidance']}), and the "
                        "sections that contain it."
                    ),
                    Table(
                        "The plan's requirements and the sections meeting them",
                        ["Requirement", "Met by", ""],
                        rows,
                    ),
                ],
            )
        )
    sources = [
        f"#{p['import_id']} {p['kind']}: {p['file']}, {p['rows']:,} rows, imported "
        f"{p['imported_at'][:10]} by {p['imported_by']}; SHA-256 {p['sha256']}"
        for p in data["provenance"]
    ]
    out.append(
        Section(
            "sources",
            "Data and sources",
            [
                Heading("Data and sources", 1, "sources"),
                Para(
                    f"Template: {data['template']['title']} ({data['template']['key']}), after "
                    f"{data['template']['guidance']}."
                ),
                Para(
                    "Every figure in this document is computed by saferplan from the records "
                    "below, is in the accompanying figures.json with its period and the date of "
                    "its data, "
                    "and can be checked again with saferplan report check. Ages of published "
                    f"figures are counted to {data['as_at']}."
                ),
                Bullets(sources or ["No imported data gives a figure of this document."]),
            ],
        )
    )
    return out


def build(data: Data) -> PlanDocument:
    """The document, from the bundle alone."""
    figures = data["figures"]
    draft = data["edition"] == "draft"
    sections = _first_pages(data)
    sections += [_section(s, figures, draft) for s in data["sections"]]
    sections += _annexes(data)
    cover = [
        f"{data['template']['title']} for {data['year_label']}, looking back on "
        f"{data['review_label']}.",
        f"Generated {data['generated']} by saferplan.",
    ]
    if data["sample_text"]:
        cover.append("Sections marked as sample hold sample text, not a partnership's own.")
    edition = "Draft: not for publication" if draft else "Final edition"
    return PlanDocument(
        data["title"],
        data["partnership"],
        cover,
        edition,
        [(s.anchor, s.title) for s in sections],
        sections,
    )


def flatten(doc: PlanDocument, flavour: str) -> list[tuple[str, str]]:
    """Every piece of text in reading order, as the HTML or Word reader finds it."""
    html = flavour == "html"
    out = [("p", doc.partnership), ("h1" if html else "heading", doc.title)]
    out += [("p", line) for line in doc.cover]
    out += [("p", doc.edition), ("h2" if html else "heading", "Contents")]
    out += [("li" if html else "p", title) for _, title in doc.contents]
    for section in doc.sections:
        for block in section.blocks:
            out += flat(block, html)
    return out


def flat(block: PlanBlock, html: bool) -> list[tuple[str, str]]:
    if isinstance(block, Gap):
        return [("p", block.text)]
    if isinstance(block, Prose):
        if block.style == "heading":
            return [((f"h{block.level + 1}" if html else "heading"), block.text)]
        return [("li" if html and block.style in ("bullet", "number") else "p", block.text)]
    return flat_block(block, "html" if html else "docx")
