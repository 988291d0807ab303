"""Provenance of a document's figures: the database's record of each import they came from
(its file, SHA-256, who imported it and when), every one of them required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError


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
