"""Every kind of job, declared once: its name, what people call it, and its work function.

A new kind (a document build, say) is one more function here, taking the job's context
and its arguments; the worker finds it by name.
"""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from saferplan import config
from saferplan.core.errors import SaferplanError
from saferplan.jobs.context import Cancelled, JobContext
from saferplan.jobs.registry import register

READING = "reading files"
STORING = "storing in the warehouse"
ROLLUP = "building the rollup"
PUBLISHING = "publishing the catalog"
# Each step of an import: the phase shown, what is counted, and the share of the bar it
# ends at (roughly its share of a large police.uk import's time).
IMPORT_STEPS = {
    "writing": (STORING, "rows written", 88.0),
    "placing": (STORING, "files placed", 90.0),
    "rollup": (ROLLUP, "steps done", 99.0),
    "catalog": (PUBLISHING, "", 100.0),
}
READ_SHARE = 80.0  # of the bar, for reading the files


@register("import", "Import data files")
def import_files(
    context: JobContext,
    *,
    kind: str,
    paths: list[str],
    options: dict[str, Any] | None = None,
    uploaded: str | None = None,
    digests: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``saferplan import KIND PATHS`` as a job: all of it stored, or (on any error) none.

    Progress is the share of the input's bytes read; the import is stored (atomically)
    once every file has been read, and a cancellation or a stopping worker before then
    leaves nothing stored. ``uploaded`` is the folder of ``<data>/uploads/`` that the web
    app kept an upload's files in: removed once the job has ended for good (stored,
    refused or cancelled), kept while it may run again (its worker stopped) and after an
    internal error (for whoever looks into it). ``digests``: the SHA-256 of each uploaded
    file, computed as it arrived, used while the file's size and modification time are still
    those it was kept with (see :func:`unchanged`).
    """
    from saferplan.datastore.sources import known_digests

    try:
        with known_digests(unchanged(digests or {})):
            result = _import(context, kind, paths, options)
    except (SaferplanError, Cancelled):
        remove_upload(uploaded)
        raise
    remove_upload(uploaded)
    return result


def unchanged(digests: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Path -> SHA-256 for the files still as they were kept (same size, modified at the
    same moment); any other file is hashed again by the import."""
    found = {}
    for path, kept in digests.items():
        try:
            now = os.stat(path)
        except OSError:
            continue
        if (now.st_size, now.st_mtime_ns) == (kept.get("size"), kept.get("mtime_ns")):
            found[path] = str(kept["sha256"])
    return found


def remove_upload(folder: str | None) -> None:
    """Delete an upload's folder; nothing outside the data directory's ``uploads``."""
    if folder is None:
        return
    path = Path(folder).resolve()
    if path.parent == (config.data_dir() / "uploads").resolve():
        shutil.rmtree(path, ignore_errors=True)


def _import(
    context: JobContext, kind: str, paths: list[str], options: dict[str, Any] | None
) -> dict[str, Any]:
    from saferplan.datastore.importing import importers, run_import
    from saferplan.datastore.kinds import BY_KIND

    if kind not in importers():
        raise SaferplanError(
            f"unknown import kind '{kind}'", hint=f"Choose one of: {', '.join(importers())}."
        )
    total = input_bytes(paths, importers()[kind].suffixes)
    done = 0

    def read(n: int) -> None:
        nonlocal done
        done += n
        phase = STORING if total and done >= total else READING
        context.progress(phase, percent=READ_SHARE * done / total if total else None)

    # A partnership's job imports open data for everyone (ADR 0004): only a restricted
    # kind's records are the partnership's own.
    declared = BY_KIND.get(kind)
    owner = context.partnership if declared is not None and declared.restricted else None
    context.progress(READING, percent=0)
    outcome = run_import(
        kind,
        paths,
        options=options,
        user=context.requested_by,
        progress=read,
        partnership=owner,
        storing=lambda step, n, of: report_step(context, step, n, of, bool(total) and done < total),
    )
    context.settled()  # stored: from here on nothing may undo the job
    imported = [
        {
            "import": r.pk,
            "file": r.file_name,
            "rows_read": r.rows_read,
            "rows_kept": r.rows_kept,
            "rows_rejected": r.rows_rejected,
        }
        for r in outcome.imported
    ]
    skipped = [
        {"file": name, "import": earlier.pk if earlier is not None else None}
        for name, earlier in outcome.skipped
    ]
    for row in imported:
        context.log(f"imported {row['file']}: {row['rows_kept']:,} rows kept")
    for row in skipped:
        context.log(f"skipped {row['file']}: imported before")
    context.progress("done", percent=100, rows=sum(r["rows_kept"] for r in imported))
    return {"imported": imported, "skipped": skipped}


def report_step(
    context: JobContext, step: str, done: float, total: int, reading: bool = False
) -> None:
    """A step of storing an import as the job's phase ("storing in the warehouse: 3 of 8
    files written") and its share of the bar. While files are still to be read (each file
    is stored as soon as it is read), the reading share is the bar: storing names itself and
    leaves the bar where reading has brought it."""
    phase, counted, ends_at = IMPORT_STEPS.get(step, (STORING, "", 100.0))
    starts_at = max([READ_SHARE, *(e for _, _, e in IMPORT_STEPS.values() if e < ends_at)])
    share = done / total if total else 1.0
    shown = f"{phase}: {int(done):,} of {total:,} {counted}" if counted else phase
    percent = starts_at + (ends_at - starts_at) * share
    now = context.snapshot().percent or 0
    context.progress(shown, percent=now if reading else max(percent, now))


def input_bytes(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> int:
    """The bytes an import of ``paths`` will read (zip members uncompressed), for progress."""
    total = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = [p for p in path.rglob("*") if p.is_file()]
            total += input_bytes(
                [p for p in inside if _wanted(p.name, (*suffixes, ".zip"))], suffixes
            )
        elif path.suffix.lower() == ".zip" and ".zip" not in suffixes:
            try:
                with zipfile.ZipFile(path) as archive:
                    total += sum(
                        i.file_size for i in archive.infolist() if _wanted(i.filename, suffixes)
                    )
            except (OSError, zipfile.BadZipFile):
                continue  # the import itself says what is wrong with it
        elif path.is_file():  # named on its own, it is read whatever its name
            total += path.stat().st_size
    return total


def _wanted(name: str, suffixes: tuple[str, ...]) -> bool:
    return not name.endswith("/") and name.lower().endswith(suffixes)


@register("test-sleep", "Sleep in steps (for tests, and to check that a worker runs)")
def sleep_in_steps(
    context: JobContext, *, steps: int = 10, seconds: float = 0.1, fail_at: int | None = None
) -> dict[str, Any]:
    """Report progress ``steps`` times, ``seconds`` apart; fail at step ``fail_at`` if given."""
    for step in range(steps):
        context.progress(f"step {step + 1} of {steps}", percent=100 * step / steps, rows=step)
        if fail_at is not None and step + 1 == fail_at:
            raise SaferplanError(f"step {step + 1} failed, as asked")
        time.sleep(seconds)
    context.progress("done", percent=100, rows=steps)
    context.log(f"slept {steps} steps of {seconds} s")
    return {"steps": steps}


@register("build-document", "Build a plan (Youth Justice, Community Safety or Knife Crime)")
def build_plan_document(
    context: JobContext, *, document: str, year: str, edition: str = "draft"
) -> dict[str, Any]:
    """``documents.build.build_document`` as the requesting user, in the job's partnership.

    The files are written in a private temporary folder and kept as an edition in one
    step at the end; a cancellation (or a stopping worker) before then stores nothing,
    and a final edition that cannot be built fails the job with every reason.
    """
    import tempfile

    from django.contrib.auth import get_user_model

    from saferplan.accounts import permissions
    from saferplan.documents.build import build_document

    user = get_user_model().objects.filter(username=context.requested_by).first()
    if user is None or not permissions.can_edit_document(user, document):
        raise SaferplanError(
            f"{context.requested_by or 'nobody'} may not build the {document}",
            hint="Only the roles that write a document build it.",
        )

    def report(phase: str, percent: float) -> None:
        context.progress(phase, percent=percent)

    report("computing the figures and charts", 0)
    with tempfile.TemporaryDirectory(prefix="saferplan-document-") as out:
        built = build_document(document, year, Path(out), edition, None, user, progress=report)
    context.settled()  # kept: from here on nothing may undo the job
    kept = built.edition
    context.log(f"kept as edition {kept.pk}: {kept.title}")
    context.progress("done", percent=100)
    return {"edition": kept.pk, "title": kept.title, "check_passed": kept.check_passed}
