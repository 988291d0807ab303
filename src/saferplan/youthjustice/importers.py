"""The youth justice import kinds, run by the one import pipeline (``datastore.importing``)
as every kind is: each file hashed and recorded (rows read and kept, who, when, the
partnership), the same file twice changing nothing, everything or nothing stored.

Each kind parses its files here and stores their rows in the database (never in the shared
warehouse) through ``store``, which the pipeline calls inside the transaction that creates
the files' import records. No Django at module level: the pipeline loads this module while
Django may still be starting.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, StoreBatch, register
from saferplan.datastore.sources import SourceFile
from saferplan.youthjustice.files import normalise_period
from saferplan.youthjustice.reading import (
    WORKBOOK_SUFFIXES,
    RawTable,
    read_csv,
    read_workbook,
    table_of,
)
from saferplan.youthjustice.spec import (
    COMPARATORS,
    POPULATION_BY_ETHNICITY,
    REQUIRED_TABLES,
    SPEC,
    Table,
)
from saferplan.youthjustice.store import IMPORT_KIND, TypedTable, store_tables


def _parsed(
    typed: dict[str, TypedTable], encoding: str, notes: dict[str, Any], dataset: str = ""
) -> ParsedSource:
    rows = sum(len(t.rows) for t in typed.values())
    return ParsedSource([], rows, rows, 0, encoding, dataset, notes, payload=typed)


def _records(table: Table, typed: TypedTable) -> int:
    """Records in a table: rows, or (a table of links) distinct keys."""
    if not table.many:
        return len(typed.rows)
    return len({tuple(v[k] for k in table.key) for _, v in typed.rows})


@register
class ExtractImporter:
    """A case management extract: a CSV file per table, or a workbook with a sheet each."""

    kind: ClassVar[str] = IMPORT_KIND
    suffixes: ClassVar[tuple[str, ...]] = (".csv", *WORKBOOK_SUFFIXES)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        columns = options.get("columns") or {}
        if source.name.lower().endswith(WORKBOOK_SUFFIXES):
            raw, encoding = read_workbook(source, columns), ""
        else:
            one, encoding = read_csv(source, table_of(source), columns)
            raw = {one.table: one}
        typed = {name: TypedTable.checked(table) for name, table in raw.items()}
        progress(source.size)
        notes: dict[str, Any] = {"tables": {t: _records(SPEC[t], typed[t]) for t in typed}}
        if mapped := {t: columns[t] for t in typed if t in columns}:
            notes["column_map"] = mapped
        return _parsed(typed, encoding, notes)

    def store(self, batch: StoreBatch) -> None:
        tables: dict[str, TypedTable] = {}
        for _, parsed in batch.files:
            for name, table in parsed.payload.items():
                if name in tables:
                    raise InputError(
                        table.where,
                        f"the {name} table is also in {tables[name].where}",
                        hint="An extract holds each table once.",
                    )
                tables[name] = table
        _require_tables(batch, tables)
        store_tables(tables)


def _require_tables(batch: StoreBatch, tables: dict[str, TypedTable]) -> None:
    """The extract's required tables are all there (or were imported from these very files
    before)."""
    present = set(tables)
    for name, _ in batch.skipped:
        if name.lower().endswith(WORKBOOK_SUFFIXES):
            return
        present.add(Path(name.rsplit(":", 1)[-1]).name.rsplit(".", 1)[0].strip().lower())
    record, _ = batch.files[0]
    for table in REQUIRED_TABLES:
        if table not in present:
            if record.file_name.lower().endswith(WORKBOOK_SUFFIXES):
                where = f"{record.file_name} [sheet {table}]"
            else:
                where = str(Path(record.file_name).parent / f"{table}.csv")
            raise InputError(where, "missing: a youth justice extract needs this table")


class _FileOfFigures:
    """A CSV of published figures or populations: one table, every row checked."""

    table: ClassVar[Table]
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        raw, encoding = read_csv(source, self.table, {})
        if not raw.rows:
            raise InputError(source.display_name, "the file has a header but no rows", row=2)
        typed = TypedTable.checked(self.adjusted(raw))
        progress(source.size)
        notes = {"tables": {self.table.name: len(typed.rows)}}
        if options.get("source"):
            notes["source"] = options["source"]
        return _parsed({self.table.name: typed}, encoding, notes, options.get("name") or "")

    def adjusted(self, raw: RawTable) -> RawTable:
        return raw

    def store(self, batch: StoreBatch) -> None:
        for record, parsed in batch.files:
            extra = {"source_import": record, "source_file": Path(record.file_name).name[:300]}
            store_tables(parsed.payload, extra)


@register
class ComparatorsImporter(_FileOfFigures):
    """Published comparator figures: CSV ``indicator, area, period, value``."""

    kind: ClassVar[str] = "yj-comparators"
    table = COMPARATORS

    def adjusted(self, raw: RawTable) -> RawTable:
        """Periods as the local indicators label them (2018-19 -> 2018/19)."""
        for _, row in raw.rows:
            row["period"] = normalise_period(row.get("period", ""))
        return raw


@register
class PopulationByEthnicityImporter(_FileOfFigures):
    """Children aged 10-17 by ethnic group: CSV ``area, year, ethnic_group, population``."""

    kind: ClassVar[str] = "yj-population-by-ethnicity"
    table = POPULATION_BY_ETHNICITY
