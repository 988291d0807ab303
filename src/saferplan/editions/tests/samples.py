"""Small real documents (HTML, Word, PDF, figures) to keep as editions in tests, so the
tests that need an edition need not build a whole Strategic Assessment."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

from saferplan.editions.models import Document, Edition
from saferplan.editions.store import Build, keep_edition

NAMES = ("strategic-assessment.html", "strategic-assessment.docx", "strategic-assessment.pdf",
         "figures.json")  # fmt: skip


def _html(text: str, body: str = "") -> str:
    body = body or f'<p id="summary">{text}: crime rose 6.8%.</p>'
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{text}</title>'
            f'<style>h1 {{ color: #1d70b8; }}</style></head><body><main><h1>{text}</h1>'
            f'{body}</main></body></html>')  # fmt: skip


@functools.cache
def _docx(text: str) -> bytes:
    from docx import Document as WordDocument

    doc = WordDocument()
    doc.add_heading(text, level=0)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@functools.cache
def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=_html(text)).write_pdf()


def write_documents(
    folder: Path, text: str, bundle: dict[str, Any] | None = None, body: str = ""
) -> list[Path]:
    """The four files of a built document, each saying ``text`` (the HTML's body and the
    bundle as given, if they are)."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "strategic-assessment.html": _html(text, body).encode(),
        "strategic-assessment.docx": _docx(text),
        "strategic-assessment.pdf": _pdf(text),
        "figures.json": json.dumps(bundle or {"area": text, "themes": []}).encode(),
    }
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in NAMES]


SAMPLE_IMPORTS = [{"import_id": 1, "kind": "mps", "file": "mps_borough.csv", "sha256": "ab" * 32}]


def keep_sample(
    folder: Path,
    text: str,
    edition: str = "public",
    user: object = None,
    *,
    bundle: dict[str, Any] | None = None,
    body: str = "",
    imports: list[dict[str, Any]] | None = None,
    parameters: dict[str, Any] | None = None,
    document: str = Document.STRATEGIC_ASSESSMENT,
    check_problems: list[str] | None = None,
) -> Edition:
    """A sample document kept as an edition of the partnership in scope."""
    build = Build(
        document=document,
        period="2018",
        edition=edition,
        title=f"{text} Strategic Assessment 2018",
        imports=SAMPLE_IMPORTS if imports is None else imports,
        parameters=parameters or {"area": text, "comparators": ["London"], "themes": ["total"]},
        check_problems=check_problems or [],
    )
    return keep_edition(build, write_documents(folder, text, bundle, body), user)


def editions_in(monkeypatch: Any, folder: Path) -> Path:
    """Keep the test's editions in ``folder`` instead of the session's data directory,
    without moving the rest of the data directory (the warehouse the pages read)."""
    from saferplan.editions import store

    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(store, "editions_root", lambda: folder)
    return folder
