"""Building the Strategic Assessment: compute, check, then write every output or none.

The bundle is checked before anything is laid out, and the HTML page and the Word file are
read back and compared with it before anything is moved into place: a document whose
figures, words or small numbers disagree with the bundle is never written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.reports import bundle, document, figures, outputs, render
from saferplan.reports.assessment import Assessment
from saferplan.reports.check import check_bundle_data
from saferplan.reports.html import render_html, render_pdf
from saferplan.reports.provenance import provenance
from saferplan.reports.provenance import provenance_from as provenance_from
from saferplan.reports.word import render_docx

OUTPUTS = (
    "strategic-assessment.html",
    "strategic-assessment.docx",
    "strategic-assessment.pdf",
    "figures.json",
    "figures.csv",
)
Provenance = Callable[[list[int]], list[dict[str, Any]]]
# Told the phase a build is in and how far through it (0 to 1), for a job's progress bar.
Step = Callable[[str, float], None]


def _no_step(phase: str, share: float) -> None:
    pass


class _Own:
    """``write_report`` is to open its own pool of drawing workers."""


OWN_POOL = _Own()


@dataclass
class BuiltReport:
    folder: Path
    files: list[Path]


def _refuse(problems: list[str], what: str) -> None:
    if problems:
        raise SaferplanError(
            f"the report was not written: {what}:\n  " + "\n  ".join(problems[:40])
        )


def prepare(
    a: Assessment,
    partnership: str,
    records: Provenance | None = None,
    step: Step = _no_step,
    pool: Executor | None = None,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The checked bundle and the images of every chart and map (provenance from the
    database's import records unless ``records`` says otherwise), drawn in ``pool``'s
    worker processes if given, else here."""
    a.provenance = (records or provenance)(a.import_ids)
    data = bundle.to_dict(a, partnership)
    planned = []
    for section, theme in zip(a.sections, data["themes"], strict=True):
        planned.append(figures.section_drawings(a, section, theme, data))
    jobs = [job for charts in planned for _, job in charts]
    started = render.submit(pool, jobs)
    step("charts", 0)
    images = render.collect(jobs, started, lambda share: step("charts", share))
    for theme, charts in zip(data["themes"], planned, strict=True):
        drawn = [figures.with_image(chart, images[chart.id]) for chart, _ in charts]
        theme["charts"] = [c.as_dict() for c in drawn]
    _refuse(check_bundle_data(data), "its figures failed the consistency check")
    return data, images


def write_report(
    a: Assessment,
    out: Path,
    partnership: str = "Community Safety Partnership",
    pdf: bool = True,
    records: Provenance | None = None,
    step: Step = _no_step,
    pool: Executor | _Own | None = OWN_POOL,
) -> BuiltReport:
    """Check the figures, then write HTML, Word, PDF and the bundle into ``out``.

    Written into a temporary folder first and moved into place, so a failed build never
    leaves a half-written report where the last good one was. ``step`` hears each phase.
    The charts are drawn in ``pool`` (from ``render.workers()``, opened before the figures
    were computed so that its workers start meanwhile), else in a pool of its own.
    """
    with render.workers() if isinstance(pool, _Own) else nullcontext(pool) as drawers:
        data, images = prepare(a, partnership, records, step, drawers)
        step("documents", 0)
        doc = document.build(data)
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
        pdf_started: Future[None] | None = None
        try:
            bundle.write_bundle(data, staging)
            html = render_html(doc, images)
            (staging / "strategic-assessment.html").write_text(html, encoding="utf-8")
            if pdf and drawers is not None:  # laid out in a worker while Word is written here
                pdf_started = drawers.submit(render_pdf, html, staging / "strategic-assessment.pdf")
            step("documents", 1 / 3)
            render_docx(doc, images, staging / "strategic-assessment.docx")
            _refuse(outputs.check_outputs(staging, data), "its documents disagree with its figures")
            if pdf:
                step("documents", 2 / 3)
                _finish_pdf(pdf_started, html, staging / "strategic-assessment.pdf")
            return BuiltReport(out, _move_into_place(staging, out))
        finally:
            if pdf_started is not None and not pdf_started.cancel():
                wait([pdf_started])  # nothing may still be writing into the staging folder
            shutil.rmtree(staging, ignore_errors=True)


def _finish_pdf(started: Future[None] | None, html: str, path: Path) -> None:
    """The PDF, rendered here unless a worker has it in hand (then waited for)."""
    if started is None:
        render_pdf(html, path)
    else:
        started.result()


def _move_into_place(staging: Path, out: Path) -> list[Path]:
    files = []
    for name in OUTPUTS:
        if (staging / name).exists():
            (staging / name).replace(out / name)
            files.append(out / name)
    return files
