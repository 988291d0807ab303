"""Building a plan: compute its one structure, refuse a final edition that is not ready,
check the figures, lay out HTML and Word, read them back, print the PDF, then move every
file into place and keep the build as an edition; a failure at any step writes nothing."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from saferplan.accounts.tenancy import require_partnership
from saferplan.core.errors import SaferplanError
from saferplan.documents import layout, render, structure
from saferplan.documents.check import check_bundle, check_directory, check_outputs, output_names
from saferplan.documents.context import Context, plan_year
from saferplan.documents.service import current_texts
from saferplan.documents.template import choose

EDITIONS = ("draft", "final")
STORING = "storing the edition"  # the last phase: a cancellation before it stores nothing
Progress = Callable[[str, float], None]


@dataclass
class Built:
    folder: Path
    files: list[Path]
    data: dict[str, Any]
    edition: Any = None  # the kept Edition


def _say(progress: Progress | None, phase: str, percent: float) -> None:
    if progress is not None:
        progress(phase, percent)


def prepare(
    document: str,
    year: str,
    edition: str = "draft",
    template: str | None = None,
    generated: date | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The checked bundle of the document and its images; a final edition that cannot be
    built is refused, every reason named."""
    from saferplan.reports.provenance import provenance

    if edition not in EDITIONS:
        raise SaferplanError(
            f"'{edition}' is not an edition of a plan", hint="Build a draft or a final edition."
        )
    year = plan_year(year)
    chosen = choose(document, year, template)
    ctx = Context(require_partnership(), chosen, year, generated or date.today(), edition)
    _say(progress, "computing the figures and charts", 10)
    data = structure.compute(ctx, current_texts(document, year))
    data["provenance"] = provenance(sorted(ctx.import_ids))
    if edition == "final" and (why := structure.refusals(data)):
        raise SaferplanError(
            f"the final edition of the {data['title']} was not built:\n  " + "\n  ".join(why),
            hint="Build a draft to see what is missing, and put it right first.",
        )
    if problems := check_bundle(data):
        raise SaferplanError(
            "the document was not written: its figures failed the check:\n  "
            + "\n  ".join(problems[:40])
        )
    return data, ctx.images


def write(
    document: str,
    year: str,
    out: Path,
    edition: str = "draft",
    template: str | None = None,
    generated: date | None = None,
    pdf: bool = True,
    progress: Progress | None = None,
) -> Built:
    """Write HTML, Word, PDF and figures.json into ``out`` (staged, then moved into place)."""
    data, images = prepare(document, year, edition, template, generated, progress)
    doc = layout.build(data)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
    try:
        html_name, docx_name = output_names(data)
        (staging / "figures.json").write_text(
            json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        _say(progress, "writing the web page", 45)
        html = render.render_html(doc, images)
        (staging / html_name).write_text(html, encoding="utf-8")
        _say(progress, "writing the Word file", 55)
        render.render_docx(doc, images, staging / docx_name)
        _say(progress, "checking the pages against the figures", 65)
        if problems := check_outputs(staging, data):
            raise SaferplanError(
                "the document was not written: its pages disagree with its "
                "figures:\n  " + "\n  ".join(problems[:40])
            )
        names = [html_name, docx_name, "figures.json"]
        if pdf:
            _say(progress, "printing the PDF", 75)
            render.render_pdf(html, staging / f"{document}.pdf")
            names.insert(2, f"{document}.pdf")
        files = []
        for name in names:
            (staging / name).replace(out / name)
            files.append(out / name)
        return Built(out, files, data)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def keep(built: Built, user: Any = None) -> Any:
    """Keep a written document as an edition of the partnership in scope."""
    from saferplan.editions.store import Build, keep_edition

    data = built.data
    parameters = {
        "template": data["template"]["key"],
        "edition": data["edition"],
        "year": data["year"],
        "as_at": data["as_at"],
        "sample_text": data["sample_text"],
    }
    title = data["title"] + (" (draft)" if data["edition"] == "draft" else "")
    build = Build(
        document=data["document"],
        period=data["year_label"],
        edition="public",
        title=title,
        imports=list(data["provenance"]),
        parameters=parameters,
        check_problems=check_directory(built.folder),
    )
    built.edition = keep_edition(build, built.files, user)
    return built.edition


def build_document(
    document: str,
    year: str,
    out: Path,
    edition: str = "draft",
    template: str | None = None,
    user: Any = None,
    generated: date | None = None,
    progress: Progress | None = None,
) -> Built:
    """Build, write and keep: what the command line and the app's build both do."""
    built = write(document, year, out, edition, template, generated, progress=progress)
    _say(progress, STORING, 90)
    keep(built, user)
    return built
