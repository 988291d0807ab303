"""A document's one computed structure (its ``figures.json``): the template's sections in
order, each with the text written for it and the parts of its generated blocks; every
figure in one book; what is still to be written; the statutory coverage; and what stops a
final edition. HTML, Word and PDF are all laid out from this alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from saferplan.documents import markdown
from saferplan.documents.blocks import registry
from saferplan.documents.charts import draw, labels
from saferplan.documents.context import Context
from saferplan.documents.coverage import coverage
from saferplan.documents.figures import Book

BUNDLE = "saferplan-plan"
BUNDLE_VERSION = 1
Data = Mapping[str, Any]


def _has_data(parts: Sequence[Data]) -> bool:
    return any(
        (p["kind"] == "table" and p["rows"])
        or (p["kind"] == "list" and p["items"])
        or p["kind"] == "chart"
        for p in parts
    )


def section_state(section: Data, figures: Mapping[str, Any]) -> dict[str, Any]:
    """Whether a section has its text and figures, and the references in its text that
    name no figure of the document (worked out from the bundle, by the build and check)."""
    text = (section["authored"] or {}).get("markdown", "")
    refs = markdown.references(text)
    has_text = bool(text.strip())
    has_data = _has_data(section["parts"])
    needs_text = section["content"] in ("text", "both")
    return {
        "has_text": has_text,
        "filled": (has_text if needs_text else has_data),
        "has_content": has_text or has_data,
        "unknown_refs": sorted({r for r in refs if r not in figures}),
    }


def missing(sections: Sequence[Data]) -> list[dict[str, Any]]:
    """The required sections without content, in order: a draft lists them first."""
    return [
        {
            "number": s["number"],
            "key": s["key"],
            "heading": s["heading"],
            "what": "To be written" if s["content"] != "blocks" else "No figures",
        }
        for s in sections
        if s["required"] and not s["state"]["filled"]
    ]


def coverage_of(requirements: Sequence[Data], sections: Sequence[Data]) -> list[dict[str, Any]]:
    """The coverage of the bundle's requirements by its sections, from the bundle alone."""
    filled = {s["key"]: s["state"]["has_content"] for s in sections}
    found = coverage(
        [(r["key"], r["text"]) for r in requirements],
        [(s["key"], s["heading"], s["covers"]) for s in sections],
        filled,
    )
    return [
        {
            "key": c.key,
            "requirement": c.requirement,
            "sections": list(c.sections),
            "met_by": list(c.met_by),
            "met": c.met,
        }
        for c in found
    ]


def _authored(revision: Any) -> dict[str, Any] | None:
    if revision is None:
        return None
    return {
        "markdown": revision.text,
        "revision": revision.pk,
        "saved_at": revision.saved_at.isoformat(),
        "saved_by": revision.saved_by_name,
        "sample": revision.sample,
        "carried_from": revision.carried_from_id,
    }


def _parts(ctx: Context, spec: Any, book: Book) -> list[dict[str, Any]]:
    blocks = registry()
    parts: list[dict[str, Any]] = []
    for use in spec.blocks:
        for part in blocks[use.name].function(ctx, use, book):
            parts.append({**part, "block": use.name})
    return parts


def _draw_charts(ctx: Context, sections: list[dict[str, Any]], figures: Data) -> None:
    for s in sections:
        for part in s["parts"]:
            if part["kind"] == "chart":
                part["labels"] = labels(part, figures)
                ctx.images[part["id"]] = draw(part, figures)


def compute(ctx: Context, texts: Mapping[str, Any]) -> dict[str, Any]:
    """The document's bundle (``texts``: section key -> its latest revision)."""
    book = Book(ctx.as_at)
    sections = []
    for number, spec in enumerate(ctx.template.sections, start=1):
        sections.append(
            {
                "key": spec.key,
                "number": number,
                "heading": spec.heading,
                "required": spec.required,
                "content": spec.content,
                "guidance": spec.guidance,
                "covers": list(spec.covers),
                "authored": _authored(texts.get(spec.key)) if spec.authored else None,
                "parts": _parts(ctx, spec, book),
            }
        )
    for s in sections:
        s["state"] = section_state(s, book.figures)
    _draw_charts(ctx, sections, book.figures)
    return _bundle(ctx, sections, book)


def _bundle(ctx: Context, sections: list[dict[str, Any]], book: Book) -> dict[str, Any]:
    t = ctx.template
    return {
        "bundle": BUNDLE,
        "bundle_version": BUNDLE_VERSION,
        "document": t.document,
        "title": document_title(ctx),
        "template": {
            "key": t.key,
            "title": t.title,
            "guidance": t.guidance,
            "applies_from": t.applies_from,
            "source": t.source,
            "own": t.own,
            "requirements": [{"key": r.key, "text": r.text} for r in t.requirements],
        },
        "partnership": ctx.partnership.name,
        "year": ctx.year,
        "year_label": ctx.year_label,
        "review_label": ctx.review_label,
        "edition": ctx.edition,
        "generated": ctx.generated.isoformat(),
        "as_at": ctx.as_at,
        "sample_text": any((s["authored"] or {}).get("sample") for s in sections),
        "sections": sections,
        "figures": book.figures,
        "missing": missing(sections),
        "coverage": coverage_of([{"key": r.key, "text": r.text} for r in t.requirements], sections),
        "warnings": list(dict.fromkeys(ctx.warnings)),
        "quoted_editions": ctx.cache.get("quoted_editions", []),
        "provenance": [],
    }


def document_title(ctx: Context) -> str:
    """'Harrow Youth Justice Plan 2019/20' (the area the document is for, else the
    partnership); a Knife Crime Action Plan update is dated."""
    p = ctx.partnership
    area = (p.youth_justice_area if ctx.document == "youth-justice-plan" else "") or p.area
    title = f"{area or p.name} {ctx.template.title} {ctx.year_label}"
    if ctx.document == "knife-crime-action-plan":
        title += f": update of {ctx.generated.day} {ctx.generated:%B %Y}"
    return title


def refusals(data: Data) -> list[str]:
    """Why a final edition cannot be built, each reason saying which (empty: it can)."""
    out = [
        f"required section {m['number']}. {m['heading']} is empty ({m['what'].lower()})"
        for m in data["missing"]
    ]
    out += [
        f"the plan does not meet {c['requirement']} (no content in "
        f"{', '.join(c['sections']) or 'any section'})"
        for c in data["coverage"]
        if not c["met"]
    ]
    out += [f"a total is inconsistent: {w}" for w in data["warnings"]]
    for s in data["sections"]:
        for ref in s["state"]["unknown_refs"]:
            out.append(
                f"section {s['number']}. {s['heading']} refers to {{{{ {ref} }}}}, which "
                "is not a figure of this document"
            )
    return out
