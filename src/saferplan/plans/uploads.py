"""A delivery plan uploaded in the web app: kept, previewed, then imported or cancelled.

An upload is a folder of ``<data>/uploads/`` (named by the server, as every upload is)
holding the plan file and ``preview.json``: whose it is (partnership, who uploaded it) and
the SHA-256 of the file as it was read for the preview. Nothing reaches the database until
the person confirms; the import then goes through the same pipeline as ``saferplan plans
import`` (provenance, all or nothing, audited) and is refused if the file's SHA-256 is no
longer the one previewed. Another partnership's upload is, to everyone, not there.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import InputError, NotFoundError
from saferplan.plans.importing import PlanPreview, preview_plan
from saferplan.plans.leads import LeadMatch
from saferplan.plans.models import Disposition
from saferplan.plans.planfile import PlanFile, plan_source, read_plan_source

MANIFEST = "preview.json"
UPLOAD_ID = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{16}$")  # as ``web.uploads.keep`` names folders
SUGGEST_CUTOFF = 0.6  # difflib ratio from which an organisation's name is worth suggesting

# How a lead was matched, in the order the preview lists them (the unmatched first).
NOT_MATCHED = "not matched"
SUGGESTED = "nearest-name suggestion"
ALIAS = "alias"
NAME = "organisation's name"
ORDER = {NOT_MATCHED: 0, SUGGESTED: 1, ALIAS: 2, NAME: 3}


@dataclass(frozen=True)
class PlanUpload:
    """An uploaded plan file waiting to be confirmed or cancelled."""

    id: str
    folder: Path
    path: Path
    partnership_id: int
    uploaded_by: str
    sha256: str
    label: str  # the plan year asked for, or "" for the file's own

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class LeadRow:
    """One action of the file, with its lead as written and how it was matched."""

    row: int
    reference: str
    action: str
    lead: str
    organisation: Organisation | None  # the lead the import sets (None: not matched)
    how: str  # NAME, ALIAS, SUGGESTED or NOT_MATCHED
    detail: str  # the alias or the name that matched; the suggested organisation
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadPreview:
    upload: PlanUpload
    preview: PlanPreview
    rows: list[LeadRow]

    @property
    def to_create(self) -> int:
        """Actions the import creates (none when the plan year exists: it is refused)."""
        return 0 if self.preview.exists else self.preview.actions

    @property
    def decisions(self) -> list[tuple[str, int]]:
        """Year-end decisions the file records, by decision (a Counter, for templates)."""
        labels = dict(Disposition.choices)
        return [(labels.get(d, d), n) for d, n in sorted(self.preview.dispositions.items())]

    @property
    def unmatched(self) -> int:
        return sum(1 for r in self.rows if r.organisation is None)


def stage(
    folder: Path, path: Path, partnership: Partnership, user: str, label: str = ""
) -> PlanUpload:
    """Read the kept file as the preview will (so a bad one is refused now, its folder
    deleted) and record whose it is and its SHA-256."""
    try:
        source = plan_source(str(path))
        plan, _ = read_plan_source(source)
        with partnership_scope(partnership):
            preview_plan(plan, partnership, label or None)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest = {
        "partnership": partnership.pk,
        "uploaded_by": user,
        "file": path.name,
        "sha256": source.sha256,
        "label": label,
        "uploaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return PlanUpload(folder.name, folder, path, partnership.pk, user, source.sha256, label)


def find(uploads: Path, upload_id: str, partnership: Partnership) -> PlanUpload:
    """The partnership's upload ``upload_id``; another partnership's is not found."""
    folder = uploads / upload_id
    manifest = folder / MANIFEST
    if not UPLOAD_ID.match(upload_id) or not manifest.is_file():
        raise NotFoundError(f"no plan upload '{upload_id[:40]}'")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if data.get("partnership") != partnership.pk:
        raise NotFoundError(f"no plan upload '{upload_id[:40]}'")
    path = folder / Path(str(data["file"])).name
    return PlanUpload(upload_id, folder, path, data["partnership"], data["uploaded_by"],
                      data["sha256"], data.get("label") or "")  # fmt: skip


def read(upload: PlanUpload) -> tuple[PlanFile, str]:
    """The plan as the file now holds it, and its SHA-256 (refused if the file is gone)."""
    if not upload.path.is_file():
        raise InputError(upload.name, "the uploaded file is no longer there",
                         hint="Upload it again.")  # fmt: skip
    source = plan_source(str(upload.path))
    return read_plan_source(source)[0], source.sha256


def check_unchanged(upload: PlanUpload) -> PlanFile:
    """The plan, if the file is still the one previewed (else an error: start again)."""
    plan, sha256 = read(upload)
    if sha256 != upload.sha256:
        raise InputError(upload.name, "the file has changed since it was previewed",
                         hint="Nothing was imported: upload it again.")  # fmt: skip
    return plan


def preview(upload: PlanUpload, partnership: Partnership) -> UploadPreview:
    """What confirming would do, and each row's lead: the unmatched rows first."""
    plan = check_unchanged(upload)
    with partnership_scope(partnership):
        found = preview_plan(plan, partnership, upload.label or None)
        names = {o.name: o for o in Organisation.objects.all()}
    matches = {m.lead: m for m in found.leads}
    rows = []
    for row in plan.rows:
        lead = " ".join(row.lead_text.split())
        how, detail = how_matched(matches[lead], names)
        rows.append(LeadRow(row.row, row.reference, row.action, row.lead_text,
                            matches[lead].organisation, how, detail, row.tags))  # fmt: skip
    rows.sort(key=lambda r: (ORDER[r.how], r.row))
    return UploadPreview(upload, found, rows)


def how_matched(match: LeadMatch, names: dict[str, Organisation]) -> tuple[str, str]:
    """(how, detail): the organisation's own name, an alias (or a lead remembered as one),
    else the nearest organisation name to suggest, else not matched."""
    if match.organisation is not None:
        word = match.how.removeprefix("name or alias ").strip("'")
        if match.how.startswith("name or alias") and word == match.organisation.name.lower():
            return NAME, match.organisation.name
        return ALIAS, "a lead remembered as its alias" if match.how == "remembered lead" else word
    if match.lead:
        by_lower = {n.lower(): n for n in names}
        near = difflib.get_close_matches(match.lead.lower(), by_lower, n=1, cutoff=SUGGEST_CUTOFF)
        if near:
            return SUGGESTED, by_lower[near[0]]
    return NOT_MATCHED, ""


def confirm(user: Any, upload: PlanUpload, partnership: Partnership) -> Any:
    """Import exactly the previewed file through the pipeline (``plans.service``), then
    delete the upload; a changed or missing file is refused and nothing is stored."""
    from saferplan.plans import service

    check_unchanged(upload)
    done = service.import_plan(user, upload.path, partnership, upload.label or None,
                               previewed=upload.sha256)  # fmt: skip
    cancel(upload)
    return done


def cancel(upload: PlanUpload) -> None:
    """Delete the upload's folder (its file and manifest)."""
    shutil.rmtree(upload.folder, ignore_errors=True)
