"""Building the Strategic Assessment: compute, check, then write every output or none."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.reports import bundle, render
from saferplan.reports.assessment import Assessment
from saferplan.reports.check import check_bundle_data

OUTPUTS = (
    "strategic-assessment.html",
    "strategic-assessment.docx",
    "strategic-assessment.pdf",
    "figures.json",
    "figures.csv",
)


@dataclass
class BuiltReport:
    folder: Path
    files: list[Path]


def provenance(import_ids: list[int]) -> list[dict[str, Any]]:
    from saferplan.datastore.models import ImportRecord

    return [
        {
            "import_id": r.pk,
            "kind": r.kind,
            "file": r.file_name,
            "sha256": r.sha256,
            "imported_at": r.finished_at.isoformat(),
            "imported_by": r.imported_by,
            "rows": r.rows_kept,
        }
        for r in ImportRecord.objects.filter(pk__in=import_ids).order_by("pk")
    ]


def write_report(
    a: Assessment, out: Path, partnership: str = "Community Safety Partnership", pdf: bool = True
) -> BuiltReport:
    """Check the figures, then write HTML, Word, PDF and the bundle into ``out``.

    Written into a temporary folder first and moved into place, so a failed build never
    leaves a half-written report where the last good one was.
    """
    data = bundle.to_dict(a)
    problems = check_bundle_data(data)
    if problems:
        raise SaferplanError(
            "the report was not written: its figures failed the consistency check:\n  "
            + "\n  ".join(problems)
        )
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
    try:
        bundle.write_bundle(a, staging)
        all_charts = {
            s.theme.key: render.section_charts(a, s) + render.section_maps(a, s) for s in a.sections
        }
        ctx = render.context(a, all_charts, partnership)
        html = render.render_html(ctx)
        (staging / "strategic-assessment.html").write_text(html, encoding="utf-8")
        render.render_docx(ctx, staging / "strategic-assessment.docx")
        if pdf:
            render.render_pdf(html, staging / "strategic-assessment.pdf")
        files = []
        for name in OUTPUTS:
            if (staging / name).exists():
                (staging / name).replace(out / name)
                files.append(out / name)
        return BuiltReport(out, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
