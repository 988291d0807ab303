"""The youth justice import kinds, run by the one import pipeline (``datastore.importing``)
as every kind is: each file hashed and recorded (rows read and kept, who, when, the
partnership), the same file twice changing nothing, everything or nothing stored.

Each kind parses its files here and stores their rows in the database (never in the shared
warehouse) through ``store``, which the pipeline calls inside the transaction that creates
the files' import records. Nothing but the classes at module level: the pipeline loads
this module for every import of any kind (while Django may still be starting), so what the
kinds need is loaded when one of them runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, StoreBatch, register
from saferplan.datastore.sources import SourceFile

if TYPE_CHECKING:
    from saferplan.youthjustice.reading import RawTable
    from saferplan.youthjustice.spec import Table
    from saferplan.youthjustice.store import TypedTable

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # as reading.WORKBOOK_SUFFIXES (a test checks)


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

    kind: ClassVar[str] = "youth-justice"  # as store.IMPORT_KIND (a test checks)
    suffixes: ClassVar[tuple[str, ...]] = (".csv", *WORKBOOK_SUFFIXES)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        from saferplan.youthjustice.reading import read_csv, read_workbook, table_of
        from saferplan.youthjustice.spec import SPEC
        from saferplan.youthjustice.store import TypedTable

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
        from saferplan.youthjustice.store import store_tables

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
    from saferplan.youthjustice.spec import REQUIRED_TABLES

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

    table_name: ClassVar[str]  # in spec.ALL_TABLES
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    describes: ClassVar[str]
    columns: ClassVar[frozenset[str]]  # as the table's (a test checks)

    @classmethod
    def recognises(cls, header: Sequence[str]) -> bool:
        """A file with this table's columns (so given as another kind, it is pointed here)."""
        return cls.columns <= {h.strip().lower() for h in header}

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        from saferplan.youthjustice.reading import read_csv
        from saferplan.youthjustice.spec import ALL_TABLES
        from saferplan.youthjustice.store import TypedTable

        raw, encoding = read_csv(source, ALL_TABLES[self.table_name], {})
        if not raw.rows:
            raise InputError(source.display_name, "the file has a header but no rows", row=2)
        typed = TypedTable.checked(self.adjusted(raw))
        progress(source.size)
        notes = {"tables": {self.table_name: len(typed.rows)}}
        if options.get("source"):
            notes["source"] = options["source"]
        return _parsed({self.table_name: typed}, encoding, notes, options.get("name") or "")

    def adjusted(self, raw: RawTable) -> RawTable:
        return raw

    def store(self, batch: StoreBatch) -> None:
        from saferplan.youthjustice.store import store_tables

        for record, parsed in batch.files:
            extra = {"source_import": record, "source_file": Path(record.file_name).name[:300]}
            store_tables(parsed.payload, extra)


@register
class ComparatorsImporter(_FileOfFigures):
    """Published comparator figures: CSV ``indicator, area, period, value``."""

    kind: ClassVar[str] = "yj-comparators"
    table_name = "comparators"
    describes = "a file of published youth justice figures"
    columns = frozenset(("indicator", "area", "period", "value"))

    def adjusted(self, raw: RawTable) -> RawTable:
        """Periods as the local indicators label them (2018-19 -> 2018/19)."""
        from saferplan.youthjustice.files import normalise_period

        for _, row in raw.rows:
            row["period"] = normalise_period(row.get("period", ""))
        return raw


@register
class PopulationByEthnicityImporter(_FileOfFigures):
    """Children aged 10-17 by ethnic group: CSV ``area, year, ethnic_group, population``."""

    kind: ClassVar[str] = "yj-population-by-ethnicity"
    table_name = "population_by_ethnicity"
    describes = "a file of the population aged 10-17 by ethnic group"
    columns = frozenset(("area", "year", "ethnic_group", "population"))
