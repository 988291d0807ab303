"""Building the Strategic Assessment: compute, check, then write every output or none.

The bundle is checked before anything is laid out, and the HTML page and the Word file are
read back and compared with it before anything is moved into place: a document whose
figures, words or small numbers disagree with the bundle is never written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.reports import bundle, document, figures, outputs
from saferplan.reports.assessment import Assessment
from saferplan.reports.check import check_bundle_data
from saferplan.reports.html import render_html, render_pdf
from saferplan.reports.word import render_docx

OUTPUTS = (
    "strategic-assessment.html",
    "strategic-assessment.docx",
    "strategic-assessment.pdf",
    "figures.json",
    "figures.csv",
)
Provenance = Callable[[list[int]], list[dict[str, Any]]]


@dataclass
class BuiltReport:
    folder: Path
    files: list[Path]


def provenance(import_ids: list[int]) -> list[dict[str, Any]]:
    """The database's record of each import (file, SHA-256, who, when); every one must exist."""
    from saferplan.datastore.models import ImportRecord

    return provenance_from(list(ImportRecord.objects.filter(pk__in=import_ids)), import_ids)


def provenance_from(records: list[Any], import_ids: list[int]) -> list[dict[str, Any]]:
    """The provenance entries of ``import_ids`` from import records; a missing one is an error."""
    chosen = sorted((r for r in records if r.pk in set(import_ids)), key=lambda r: r.pk)
    missing = sorted(set(import_ids) - {r.pk for r in chosen})
    if missing:
        raise SaferplanError(
            f"the warehouse has rows of import(s) {missing} that the database has no record "
            "of, so their files cannot be named: the report was not written",
            hint="Is SAFERPLAN_DATA (or DATABASE_URL) the one the data was imported with?",
        )
    return [
        {
            "import_id": r.pk,
            "kind": r.kind,
            "file": Path(r.file_name).name,
            "sha256": r.sha256,
            "imported_at": r.finished_at.isoformat(),
            "imported_by": r.imported_by,
            "rows": r.rows_kept,
        }
        for r in chosen
    ]


def _refuse(problems: list[str], what: str) -> None:
    if problems:
        raise SaferplanError(
            f"the report was not written: {what}:\n  " + "\n  ".join(problems[:40])
        )


def prepare(
    a: Assessment, partnership: str, records: Provenance | None = None
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The checked bundle and the images of every chart and map (provenance from the
    database's import records unless ``records`` says otherwise)."""
    a.provenance = (records or provenance)(a.import_ids)
    data = bundle.to_dict(a, partnership)
    images: dict[str, bytes] = {}
    for section, theme in zip(a.sections, data["themes"], strict=True):
        charts = figures.section_charts(a, section, theme, data)
        theme["charts"] = [c.as_dict() for c in charts]
        images.update({c.id: c.png for c in charts})
    _refuse(check_bundle_data(data), "its figures failed the consistency check")
    return data, images


def write_report(
    a: Assessment,
    out: Path,
    partnership: str = "Community Safety Partnership",
    pdf: bool = True,
    records: Provenance | None = None,
) -> BuiltReport:
    """Check the figures, then write HTML, Word, PDF and the bundle into ``out``.

    Written into a temporary folder first and moved into place, so a failed build never
    leaves a half-written report where the last good one was.
    """
    data, images = prepare(a, partnership, records)
    doc = document.build(data)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
    try:
        bundle.write_bundle(data, staging)
        html = render_html(doc, images)
        (staging / "strategic-assessment.html").write_text(html, encoding="utf-8")
        render_docx(doc, images, staging / "strategic-assessment.docx")
        _refuse(outputs.check_outputs(staging, data), "its documents disagree with its figures")
        if pdf:
            render_pdf(html, staging / "strategic-assessment.pdf")
        files = []
        for name in OUTPUTS:
            if (staging / name).exists():
                (staging / name).replace(out / name)
                files.append(out / name)
        return BuiltReport(out, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
