"""``saferplan report check`` for the plans: re-derive every figure, total and direction word
of the bundle, rebuild every generated sentence, work out again what is missing and what
the plan covers, then compare the HTML page and the Word file with the document the bundle
lays out (the assessment's readers, ``reports.outputs``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.documents import layout
from saferplan.documents.blocks import literal_numbers
from saferplan.documents.charts import labels
from saferplan.documents.figures import check_figures
from saferplan.documents.structure import (
    BUNDLE,
    BUNDLE_VERSION,
    coverage_of,
    missing,
    refusals,
    section_state,
)

Data = Mapping[str, Any]


def _cells(data: Data) -> list[str]:
    figures, problems = data["figures"], []
    for s in data["sections"]:
        for part in s["parts"]:
            where = f"Section {s['number']}, {part.get('title') or part['kind']}"
            cells = [c for row in part.get("rows", []) for c in row]
            ids = [c["fig"] for c in cells if "fig" in c]
            ids += [fid for series in part.get("series", []) for _, fid in series["points"]]
            problems += [
                f"{where}: prints figure {fid}, not in figures.json"
                for fid in ids
                if fid not in figures
            ]
            for item in part.get("items", []):
                problems += _sentence(where, item, figures)
            drawn = part["kind"] == "chart" and all(i in figures for i in ids)
            if drawn and part.get("labels") != labels(part, figures):
                problems.append(f"{where}: the chart's labels are not its figures'")
    return problems


def _sentence(where: str, item: Data, figures: Data) -> list[str]:
    fields = item.get("figs", {})
    if any(fid not in figures for fid in fields.values()):
        return [f"{where}: \u201c{item.get('text')}\u201d names a figure not in figures.json"]
    shown = {**item.get("words", {}), **{k: figures[v]["shown"] for k, v in fields.items()}}
    try:
        rebuilt = str(item["template"]).format(**shown)
    except (KeyError, IndexError, ValueError) as exc:
        return [f"{where}: the sentence \u201c{item.get('text')}\u201d is broken ({exc})"]
    problems = []
    if rebuilt != item.get("text"):
        problems.append(
            f"{where}: \u201c{item.get('text')}\u201d is not what its figures say: "
            f"\u201c{rebuilt}\u201d"
        )
    for number in literal_numbers(str(item["template"])):
        problems.append(
            f"{where}: \u201c{item.get('text')}\u201d prints {number} without "
            "saying where it comes from"
        )
    return problems


def _states(data: Data) -> list[str]:
    problems = []
    for s in data["sections"]:
        state = section_state(s, data["figures"])
        if state != s.get("state"):
            problems.append(
                f"Section {s['number']}. {s['heading']}: recorded as {s.get('state')}, "
                f"its text and figures give {state}"
            )
    if missing(data["sections"]) != data["missing"]:
        problems.append("The sections still to be written are not the ones recorded")
    if coverage_of(data["template"]["requirements"], data["sections"]) != data["coverage"]:
        problems.append("The statutory coverage recorded is not what the sections give")
    if data["edition"] == "final":
        problems += [f"A final edition, but {why}" for why in refusals(data)]
    return problems


def _provenance(data: Data) -> list[str]:
    import re

    return [
        f"Provenance: import #{p.get('import_id')} has no SHA-256"
        for p in data["provenance"]
        if not re.fullmatch(r"[0-9a-f]{64}", str(p.get("sha256", "")))
    ]


def check_bundle(data: Data) -> list[str]:
    """Every problem with a plan's bundle (empty: it is consistent)."""
    if data.get("bundle") != BUNDLE or data.get("bundle_version") != BUNDLE_VERSION:
        return [f"figures.json is not a plan bundle of version {BUNDLE_VERSION}"]
    problems = check_figures(data["figures"], data["as_at"])
    problems += _cells(data) + _states(data) + _provenance(data)
    return problems


def output_names(data: Data) -> tuple[str, str]:
    return f"{data['document']}.html", f"{data['document']}.docx"


def _images(name: str, data: Data, images: list[bytes]) -> list[str]:
    from saferplan.reports.charts import read_png_labels

    charts = [p for s in data["sections"] for p in s["parts"] if p["kind"] == "chart"]
    if len(images) != len(charts):
        return [f"{name}: {len(images)} images where figures.json has {len(charts)} charts"]
    problems = []
    for chart, png in zip(charts, images, strict=True):
        wanted = {"title": chart["title"], "labels": chart["labels"]}
        if read_png_labels(png) != wanted:
            problems.append(
                f"{name}: the image of {chart['id']} does not draw what figures.json records for it"
            )
    return problems


def _said(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What an output says: empty cells say nothing (as ``compare`` takes the expected)."""
    return [(kind, t) for kind, t in items if t or kind == "img"]


def check_outputs(folder: Path, data: Data) -> list[str]:
    """The HTML page and the Word file, each against the document the bundle lays out."""
    from saferplan.reports.outputs import compare, docx_items, html_items

    doc = layout.build(data)
    html_name, docx_name = output_names(data)
    problems: list[str] = []
    html = folder / html_name
    if html.exists():
        items, images = html_items(html.read_text(encoding="utf-8"))
        problems += compare(html_name, layout.flatten(doc, "html"), _said(items))
        problems += _images(html_name, data, images)
    else:
        problems.append(f"{html_name} is missing from {folder}")
    docx = folder / docx_name
    if docx.exists():
        items, images = docx_items(docx)
        problems += compare(docx_name, layout.flatten(doc, "docx"), _said(items))
        problems += _images(docx_name, data, images)
    else:
        problems.append(f"{docx_name} is missing from {folder}")
    return problems


def load(folder: Path) -> dict[str, Any]:
    path = folder / "figures.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise SaferplanError(f"{path} not found: is {folder} a document folder?") from None
    except json.JSONDecodeError as exc:
        raise SaferplanError(f"{path} is not valid JSON ({exc})") from exc


def is_plan(folder: Path) -> bool:
    return load(folder).get("bundle") == BUNDLE


def check_directory(folder: Path) -> list[str]:
    """A plan's bundle and its documents; or, for an assessment's folder, its own check."""
    data = load(folder)
    if data.get("bundle") != BUNDLE:
        from saferplan.reports.check import check_directory as check_assessment

        return check_assessment(folder)
    problems = check_bundle(data)
    if data.get("bundle_version") == BUNDLE_VERSION:
        problems += check_outputs(folder, data)
    return problems
