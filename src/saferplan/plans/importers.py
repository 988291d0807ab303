"""The delivery plan as a kind of the one import pipeline (``datastore.importing``): each
plan file hashed and recorded for its partnership (rows read and kept, who, when), the same
file twice changing nothing, the plan and its record stored together or not at all.

Nothing but the class at module level: the pipeline loads this module for every import of
any kind (while Django may still be starting), so the plan reader is loaded when it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, StoreBatch, register
from saferplan.datastore.sources import SourceFile

IMPORT_KIND = "delivery-plan"


@register
class DeliveryPlanImporter:
    """A delivery plan in the spreadsheet shape: CSV, or an Excel workbook's first sheet.

    Options: ``label`` (the plan year, else the file's), ``title``, ``leads`` (lead as
    written -> Organisation, each remembered as an alias), ``actor`` (the user audited) and
    ``previewed`` (the SHA-256 of the file as previewed: a file changed since is refused).
    """

    kind: ClassVar[str] = IMPORT_KIND
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".xlsx", ".xlsm")

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        from saferplan.plans.importing import plan_label
        from saferplan.plans.planfile import read_plan_source

        previewed = options.get("previewed")
        if previewed is not None and previewed != source.sha256:
            raise InputError(
                source.display_name,
                "the file has changed since it was previewed",
                hint="Nothing was imported: preview it again, then import it.",
            )
        plan, encoding = read_plan_source(source)
        label = plan_label(plan, options.get("label"))
        progress(source.size)
        notes: dict[str, Any] = {
            "plan_year": label,
            "actions": len(plan.rows),
            "updates": sum(len(r.updates) for r in plan.rows),
        }
        if plan.ignored:
            notes["ignored_columns"] = list(plan.ignored)
        rows = len(plan.rows)
        return ParsedSource(
            [], rows, rows, 0, encoding, f"{label} delivery plan", notes, payload=(plan, label)
        )

    def store(self, batch: StoreBatch) -> None:
        """Write each plan year (refused, with nothing stored, if the partnership has it)."""
        from saferplan.plans.importing import import_plan_file

        options = batch.options
        for record, parsed in batch.files:
            plan, label = parsed.payload
            year = import_plan_file(
                plan,
                batch.partnership,
                label,
                options.get("title") or "",
                options.get("actor"),
                options.get("leads"),
                provenance=f" (import #{record.pk}, SHA-256 {record.sha256[:12]})",
            )
            record.notes = {**record.notes, "plan": year.pk}
            record.save(update_fields=["notes"])
