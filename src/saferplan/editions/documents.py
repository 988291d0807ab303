"""What each document records in its edition: its inputs, its parameters, its check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferplan.accounts.tenancy import current_partnership
from saferplan.editions.models import Document, Edition
from saferplan.editions.store import Build, keep_edition, sha256_of

if TYPE_CHECKING:
    from saferplan.reports.assessment import Assessment
    from saferplan.reports.build import BuiltReport


def keep_strategic_assessment(
    a: Assessment, built: BuiltReport, user: Any = None
) -> Edition | None:
    """Keep a written Strategic Assessment as an edition of the partnership in scope.

    None when no partnership is in scope (a build before any partnership was set up).
    The check result is the consistency check run again on the files as written.
    """
    from pathlib import Path

    from saferplan.reports.check import check_directory

    if current_partnership() is None:
        return None
    harm = None
    if a.harm_table is not None:
        path = Path(a.harm_table.path)
        harm = {"name": a.harm_table.name, "file": path.name,
                "sha256": sha256_of(path) if path.is_file() else None}  # fmt: skip
    parameters = {
        "area": a.area,
        "area_code": a.area_code,
        "period": a.period.label,
        "baseline": a.baseline.label,
        "comparators": list(a.comparators),
        "themes": [s.theme.key for s in a.sections] + [t.key for t, _ in a.unavailable],
        "harm_table": harm,
    }
    build = Build(
        document=Document.STRATEGIC_ASSESSMENT,
        period=a.period.label,
        edition=a.edition,
        title=f"{a.area} Strategic Assessment {a.period.label}",
        imports=list(a.provenance),
        parameters=parameters,
        check_problems=check_directory(built.folder),
    )
    return keep_edition(build, built.files, user)
