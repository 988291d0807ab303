"""The resources and risk import kinds, run by the one import pipeline (``datastore.importing``)
as every kind is: each file hashed and recorded, the same file twice changing nothing, all
or nothing stored, restricted to the partnership (ADR 0003).

Only the classes at module level: the pipeline loads this module for an import of any kind,
so what the kinds need is loaded when one of them runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from saferplan.datastore.importing import ParsedSource, ProgressCallback, StoreBatch, register
from saferplan.datastore.sources import SourceFile


class _ResourceFile:
    """One file of a resources table (or the risk register): CSV or an Excel workbook."""

    table: ClassVar[str]  # a key of formats.FORMATS
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".xlsx", ".xlsm")
    describes: ClassVar[str]
    recognised_by: ClassVar[frozenset[str]]  # columns only this kind's files hold

    @classmethod
    def recognises(cls, header: Sequence[str]) -> bool:
        from saferplan.resources.reading import column_name

        return cls.recognised_by <= {column_name(h) for h in header}

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        from saferplan.resources.formats import FORMATS, parse

        parsed = parse(source, FORMATS[self.table], options)
        progress(source.size)
        notes: dict[str, Any] = {"table": self.table, "lines": len(parsed.lines)}
        if parsed.year:
            notes["year"] = parsed.year
        if parsed.total_row is not None:
            notes["total_row"] = parsed.total_row  # checked against the lines, not kept
        return ParsedSource([], parsed.rows_read, len(parsed.lines), 0, parsed.encoding, "",
                            notes, payload=parsed)  # fmt: skip

    def store(self, batch: StoreBatch) -> None:
        from saferplan.resources.store import store_batch

        store_batch(batch)


@register
class BudgetImporter(_ResourceFile):
    kind: ClassVar[str] = "resources-budget"
    table = "budget"
    describes = "a youth justice budget file"
    recognised_by = frozenset(("agency", "staffing_costs"))


@register
class GrantAllocationImporter(_ResourceFile):
    kind: ClassVar[str] = "resources-grant-allocation"
    table = "grant-allocation"
    describes = "a YJB grant allocation file"
    recognised_by = frozenset(("area_of_delivery",))


@register
class StaffingImporter(_ResourceFile):
    kind: ClassVar[str] = "resources-staffing"
    table = "staffing"
    describes = "a staffing file"
    recognised_by = frozenset(("post", "contract"))


@register
class FundingImporter(_ResourceFile):
    kind: ClassVar[str] = "resources-funding"
    table = "funding"
    describes = "a funding streams file"
    recognised_by = frozenset(("stream", "cash", "in_kind"))


@register
class RisksImporter(_ResourceFile):
    kind: ClassVar[str] = "resources-risks"
    table = "risks"
    describes = "a risk register file"
    recognised_by = frozenset(("risk", "likelihood", "impact"))
