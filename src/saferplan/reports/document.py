"""The assessment as a document: headings, paragraphs, tables and figures, from the bundle.

One list of blocks, built from ``figures.json`` alone, is what both the HTML page and the
Word file lay out, so the two cannot say different things (the methods annex is written once,
here). ``report check`` builds it again from the bundle and compares each output with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from saferplan.crime.statistics import MONTH_NAMES
from saferplan.reports.methods import licences, methods, population_note
from saferplan.reports.sentences import FORMATS

__all__ = ["Document", "build", "flatten", "methods"]


@dataclass
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    level: int  # 1: a section, 2: a part of one
    anchor: str | None = None


@dataclass
class Para:
    kind: ClassVar[str] = "para"
    text: str
    style: str = "body"  # body | definition | meta


@dataclass
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: list[str]


@dataclass
class Table:
    kind: ClassVar[str] = "table"
    caption: str
    header: list[str]
    rows: list[list[str]]
    subject_first: bool = False  # the first row is the assessed area, in bold
    links: list[str | None] = field(default_factory=list)  # anchors for the first column


@dataclass
class Facts:
    kind: ClassVar[str] = "facts"
    title: str
    items: list[tuple[str, str]]
    note: str


@dataclass
class Figure:
    kind: ClassVar[str] = "figure"
    chart_id: str
    alt: str
    caption: str


Block = Heading | Para | Bullets | Table | Facts | Figure


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Block]


@dataclass
class Document:
    title: str
    partnership: str
    intro: str
    edition: str
    contents: list[tuple[str, str]]  # (anchor, title)
    sections: list[Section]


def fmt(value: Any, signed: bool = False) -> str:
    """A figure as every table prints it: thousands separated, signed changes, – for none."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:+,}" if signed else f"{value:,}"
    number = Decimal(str(value))
    return f"{number:+}" if signed and number else f"{number}"


def judgement(direction: str, change: int) -> str:
    if change == 0:
        return "No change"
    return "Better" if (change < 0) == (direction == "down") else "Worse"


def _summary(data: Mapping[str, Any]) -> Section:
    period, baseline = data["period"]["label"], data["baseline"]["label"]
    blocks: list[Block] = [Heading("Key findings", 1, "summary")]
    blocks.append(Bullets([f["text"] for f in data["findings"]]))
    rows, links = [], []
    for t in data["themes"]:
        r = t["table"][0]
        rows.append(
            [
                t["title"],
                fmt(r["count_baseline"]),
                fmt(r["count_period"]),
                fmt(r["count_change"], True),
                fmt(r["pct_change"], True),
                fmt(r["rate_period"]),
                judgement(t["direction"], r["count_change"]),
            ]
        )
        links.append(t["key"])
    header = ["Theme", baseline, period, "Change", "% change", "Rate per 1,000", "Direction"]
    blocks.append(Table(f"All themes: {baseline} and {period}", header, rows, links=links))
    if data.get("harm"):
        titles = {t["key"]: t["title"] for t in data["themes"]}
        h = data["harm_table"]
        blocks.append(Heading("Volume and harm", 2))
        blocks.append(
            Para(
                f"Offences weighted by harm ({h['name']}; source: {h['source']}), beside "
                "their number, as shares of total notifiable crime in "
                f"{period}."
            )
        )
        harm_rows = [
            [
                titles[x["key"]],
                fmt(x["count"]),
                f"{x['count_share']}%",
                FORMATS["thousands"](x["harm"]),
                f"{x['harm_share']}%",
                f"{x['coverage']}%",
            ]
            for x in data["harm"]
        ]
        blocks.append(
            Table(
                f"Volume and harm, {period}",
                ["Theme", "Offences", "Share of offences", "Harm", "Share of harm", "Weighted"],
                harm_rows,
            )
        )
    return Section("summary", "Key findings", blocks)


def _theme(data: Mapping[str, Any], t: Mapping[str, Any]) -> Section:
    period, baseline, area = data["period"]["label"], data["baseline"]["label"], data["area"]
    subject = t["table"][0]
    direction = (
        "A fall is the desired direction."
        if t["direction"] == "down"
        else "A rise in reporting is the desired direction (under-reported crime)."
    )

    def fact(count: int, rate: Any) -> str:
        shown = "no rate" if rate is None else rate
        return f"{fmt(count)} {t['unit']}, {shown} per 1,000 residents"

    blocks: list[Block] = [
        Heading(t["title"], 1, t["key"]),
        Para(f"{t['definition']} Group: {t['group']}. {direction}", "definition"),
        Facts(
            "Quick facts",
            [
                (period, fact(subject["count_period"], subject["rate_period"])),
                (baseline, fact(subject["count_baseline"], subject["rate_baseline"])),
            ],
            t["headline"]["text"],
        ),
    ]
    blocks += [Para(x["text"]) for x in t["sentences"]]
    rows = [
        [
            r["area"],
            fmt(r["count_baseline"]),
            fmt(r["rate_baseline"]),
            fmt(r["count_period"]),
            fmt(r["rate_period"]),
            fmt(r["count_change"], True),
            fmt(r["pct_change"], True),
            fmt(r["rate_change"], True),
        ]
        for r in t["table"]
    ]
    header = ["Area", baseline, "Rate", period, "Rate", "Change", "% change", "Rate change"]
    blocks.append(
        Table(
            f"{t['title']}: {area} and comparators (rate per 1,000 residents)",
            header,
            rows,
            subject_first=True,
        )
    )
    blocks.append(Para(f"{population_note(t, data)} Source: {t['source_label']}.", "meta"))
    blocks += [Figure(c["id"], c["alt"]["text"], c["caption"]["text"]) for c in t["charts"]]
    return Section(t["key"], t["title"], blocks)


def _provenance(p: Mapping[str, Any]) -> str:
    return (
        f"#{p['import_id']} {p['kind']}: {p['file']}, {p['rows']:,} rows, imported "
        f"{p['imported_at'][:10]} by {p['imported_by']}; SHA-256 {p['sha256']}"
    )


def _annex(data: Mapping[str, Any]) -> Section:
    blocks: list[Block] = [Heading("Data and methods", 1, "annex"), Heading("Definitions", 2)]
    blocks.append(Bullets(methods(data)))
    if data["unavailable"]:
        blocks.append(Heading("Themes without data", 2))
        blocks.append(Bullets([f"{u['title']}: {u['reason']}" for u in data["unavailable"]]))
    blocks.append(Heading("Sources and provenance", 2))
    blocks.append(Para("Every import whose rows give a figure of this document:"))
    blocks.append(Bullets([_provenance(p) for p in data["provenance"]]))
    blocks.append(Para(licences(data), "meta"))
    return Section("annex", "Data and methods", blocks)


def _day(iso: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {MONTH_NAMES[month - 1]} {year}"


def build(data: Mapping[str, Any]) -> Document:
    """The document, from the bundle alone."""
    period, baseline, area = data["period"]["label"], data["baseline"]["label"], data["area"]
    sections = [_summary(data)] + [_theme(data, t) for t in data["themes"]] + [_annex(data)]
    return Document(
        f"{area} Strategic Assessment {period}",
        data["partnership"],
        f"Crime and anti-social behaviour in {area}, {period} compared with {baseline}. "
        f"Generated {_day(data['generated'])} by saferplan from the data listed in the annex.",
        f"{str(data['edition']).capitalize()} edition",
        [(s.anchor, s.title) for s in sections],
        sections,
    )


def flatten(doc: Document, flavour: str) -> list[tuple[str, str]]:
    """Every piece of text in reading order, as the HTML (``html``) or Word (``docx``)
    reader of ``check`` finds it: what each output must contain, and nothing else."""
    html = flavour == "html"
    out: list[tuple[str, str]] = [
        ("p", doc.partnership),
        ("h1" if html else "heading", doc.title),
        ("p", doc.intro),
        ("p", doc.edition),
    ]
    out.append(("h2" if html else "heading", "Contents"))
    out += [("li" if html else "p", title) for _, title in doc.contents]
    for section in doc.sections:
        for block in section.blocks:
            out += _flat_block(block, html)
    return out


def _flat_block(block: Block, html: bool) -> list[tuple[str, str]]:
    if isinstance(block, Heading):
        return [((f"h{block.level + 1}" if html else "heading"), block.text)]
    if isinstance(block, Para):
        return [("p", block.text)]
    if isinstance(block, Bullets):
        return [("li" if html else "p", item) for item in block.items]
    if isinstance(block, Facts):
        head = [("h3" if html else "heading", block.title)]
        if html:
            items = [x for term, value in block.items for x in (("dt", term), ("dd", value))]
        else:
            items = [("p", f"{term}: {value}") for term, value in block.items]
        return head + items + [("p", block.note)]
    if isinstance(block, Table):
        cells = [("th" if html else "cell", h) for h in block.header]
        cells += [("td" if html else "cell", c) for row in block.rows for c in row]
        return [("caption" if html else "p", block.caption), *cells]
    return [("img", block.alt), ("figcaption" if html else "p", block.caption)]


def flat_block(block: Block, flavour: str) -> list[tuple[str, str]]:
    """One block's pieces of text as the ``flavour`` reader of ``check`` finds them (for
    other documents laid out from the same blocks)."""
    return _flat_block(block, flavour == "html")
