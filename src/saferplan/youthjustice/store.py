"""Youth justice records between checked rows, the database and the indicator tables, all
as ``spec.SPEC`` declares them: no table's columns are written out here.

Rows are stored by the import pipeline (``importers.py``), inside its transaction, so an
extract is stored whole or not at all with its provenance. Identifiers (a child's
reference, an offence's id) name one record of the partnership for good: imported again,
they are refused, while references may name records of earlier imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saferplan.core.errors import InputError
from saferplan.youthjustice.files import check_row
from saferplan.youthjustice.reading import ColumnMap, RawTable
from saferplan.youthjustice.spec import ALL_TABLES, DATE_COLUMNS, MONTH_ONLY, SPEC, Field, Table

if TYPE_CHECKING:
    import pandas as pd

IMPORT_KIND = "youth-justice"

Row = tuple[int, dict[str, Any]]  # (line, typed values)


@dataclass
class TypedTable:
    """One table's rows, each checked and typed by ``files.check_row``."""

    table: str
    where: str
    rows: list[Row]

    @classmethod
    def checked(cls, raw: RawTable) -> TypedTable:
        return cls(
            raw.table, raw.where, [(n, check_row(raw.where, raw.table, n, r)) for n, r in raw.rows]
        )


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=dict)
    already_imported: bool = False

    def __getitem__(self, table: str) -> int:
        return self.counts[table]


def import_extract(
    path: Path, user: str | None = None, columns: ColumnMap | None = None
) -> ImportSummary:
    """Import a case management extract (a folder of CSV files, or a workbook) into the
    partnership in scope, through the import pipeline: every table and row, or nothing.

    ``columns`` renames a source system's columns to this format's (``read_column_map``).
    """
    from saferplan.accounts.tenancy import require_partnership
    from saferplan.datastore.importing import run_import

    outcome = run_import(
        IMPORT_KIND, [path], options={"columns": columns or {}}, user=user,
        partnership=require_partnership(),
    )  # fmt: skip
    counts = {table: 0 for table in SPEC}
    for record in outcome.imported:
        for table, n in record.notes.get("tables", {}).items():
            counts[table] += n
    return ImportSummary(counts, already_imported=not outcome.imported)


def _model(table: Table) -> Any:
    from django.apps import apps

    return apps.get_model("youthjustice", table.model)


def _key_attributes(table: Table) -> list[str]:
    return [table.field(k).model_field for k in table.key]


class _Known:
    """Each table's records in the partnership by key: {key values: primary key}."""

    def __init__(self) -> None:
        self._by_table: dict[str, dict[tuple[Any, ...], int]] = {}

    def of(self, table: Table, refresh: bool = False) -> dict[tuple[Any, ...], int]:
        if refresh or table.name not in self._by_table:
            rows = _model(table).objects.values_list(*_key_attributes(table), "pk")
            self._by_table[table.name] = {tuple(r[:-1]): r[-1] for r in rows}
        return self._by_table[table.name]

    def pk(self, where: str, line: int, f: Field, value: Any) -> int | None:
        """The record a reference names, in this import or an earlier one."""
        if value is None:
            return None
        target = SPEC[f.refers_to]
        found = self.of(target).get((value,))
        if found is None:
            raise InputError(
                where, f"no {target.noun} {value} in {target.name}.csv or an earlier import",
                row=line, column=f.name,
            )  # fmt: skip
        return found


def store_tables(
    typed: dict[str, TypedTable], extra: dict[str, Any] | None = None
) -> dict[str, int]:
    """Store the tables given, each after the tables it refers to; the number of records
    stored in each. ``extra``: values every record of these tables gets (its import)."""
    from saferplan.accounts.tenancy import require_partnership

    owner, known = require_partnership(), _Known()
    counts = {}
    for name, table in ALL_TABLES.items():
        if name in typed:
            counts[name] = _store_table(table, typed[name], owner, known, extra or {})
    return counts


def _store_table(
    table: Table, typed: TypedTable, owner: Any, known: _Known, extra: dict[str, Any]
) -> int:
    model = _model(table)
    records = _records(table, typed)
    existing = known.of(table) if table.key else {}
    new, replaced = [], []
    for line, values, _ in records:
        key = tuple(values[k] for k in table.key)
        if key in existing and table.repeat == "refuse":
            raise InputError(
                typed.where, f"{table.noun} {_key_text(key)} is already imported",
                row=line, column=table.key[0],
            )  # fmt: skip
        fields = _fields(table, typed.where, line, values, known)
        if key in existing:
            replaced.append((existing[key], {**fields, **extra}))
        else:
            new.append(model(partnership=owner, **fields, **extra))
    model.objects.bulk_create(new, batch_size=2000)
    for pk, fields in replaced:
        model.objects.filter(pk=pk).update(**fields)
    if table.key:
        known.of(table, refresh=True)
    if table.many:
        _link(table, typed.where, records, known)
    return len(records)


def _records(table: Table, typed: TypedTable) -> list[tuple[int, dict[str, Any], list[Row]]]:
    """(line, values, rows) per record: a row each, or for a table of links (``many``) the
    rows with one key, whose other values must agree. Keys are unique in the file."""
    out: dict[tuple[Any, ...], tuple[int, dict[str, Any], list[Row]]] = {}
    unkeyed = []
    for line, values in typed.rows:
        if not table.key:
            unkeyed.append((line, values, [(line, values)]))
            continue
        key = tuple(values[k] for k in table.key)
        if key not in out:
            out[key] = (line, values, [(line, values)])
            continue
        first_line, first, rows = out[key]
        if not table.many:
            raise InputError(
                typed.where,
                f"{table.noun} {_key_text(key)} appears twice (first on row {first_line})",
                row=line,
                column=table.key[0],
            )
        for name in table.columns:
            if name != table.many and values[name] != first[name]:
                raise InputError(
                    typed.where, f"{table.noun} {_key_text(key)} has another {name} on row "
                    f"{first_line}", row=line, column=name,
                )  # fmt: skip
        rows.append((line, values))
    return unkeyed + list(out.values())


def _key_text(key: tuple[Any, ...]) -> str:
    return ", ".join(str(k) for k in key)


def _fields(
    table: Table, where: str, line: int, values: dict[str, Any], known: _Known
) -> dict[str, Any]:
    """The model's field values for one record of ``table``."""
    out: dict[str, Any] = {}
    for f in table.fields:
        value = values[f.name]
        if f.name == table.many:
            continue
        if f.refers_to:
            out[f"{f.model_field}_id"] = known.pk(where, line, f, value)
        elif value is None and f.kind in ("text", "choice"):
            out[f.model_field] = ""  # Django's blank text
        else:
            out[f.model_field] = value
        if f.kind == "birth":
            out[MONTH_ONLY] = values[MONTH_ONLY]
    return out


def _link(
    table: Table,
    where: str,
    records: Iterable[tuple[int, dict[str, Any], list[Row]]],
    known: _Known,
) -> None:
    """The links of a table of links (outcomes to the offences they cover)."""
    link = table.field(table.many)
    m2m = _model(table)._meta.get_field(link.model_field)
    own, other = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    mine = known.of(table)
    pairs: dict[tuple[int, int], int] = {}
    for _, values, rows in records:
        record = mine[tuple(values[k] for k in table.key)]
        for line, row in rows:
            linked = known.pk(where, line, link, row[table.many])
            assert linked is not None  # a required column: check_row refused it empty
            pair = (record, linked)
            if pair in pairs:
                raise InputError(
                    where,
                    f"{table.noun} {values[table.key[0]]} lists {link.name} "
                    f"{row[table.many]} twice (first on row {pairs[pair]})",
                    row=line,
                    column=link.name,
                )
            pairs[pair] = line
    m2m.remote_field.through.objects.bulk_create(
        [m2m.remote_field.through(**{own: a, other: b}) for a, b in pairs], batch_size=2000
    )


def _lookup(f: Field) -> str:
    """The ORM lookup of a column: a reference reads the key of the record it names."""
    if not f.refers_to:
        return f.model_field
    target = SPEC[f.refers_to]
    return f"{f.model_field}__{target.field(target.key[0]).model_field}"


def _frame(table: Table) -> pd.DataFrame:
    import pandas as pd

    model = _model(table)
    lookups = [_lookup(f) for f in table.fields]
    extra = [MONTH_ONLY] if any(f.kind == "birth" for f in table.fields) else []
    rows: Any = model.objects.order_by("pk")
    if table.many:
        # One row per link; the link table has no partnership of its own: scoped through
        # the records it links.
        m2m = model._meta.get_field(table.field(table.many).model_field)
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        target = SPEC[table.field(table.many).refers_to]
        target_key = target.field(target.key[0]).model_field
        lookups = [
            f"{other}__{target_key}" if f.name == table.many else f"{own}__{_lookup(f)}"
            for f in table.fields
        ]
        extra = [f"{own}__{e}" for e in extra]
        rows = m2m.remote_field.through.objects.filter(**{f"{own}__in": model.objects.all()})
        rows = rows.order_by("pk")
    frame = pd.DataFrame(
        list(rows.values_list(*lookups, *extra)),
        columns=table.columns + [MONTH_ONLY] * bool(extra),
    )
    for f in table.fields:
        if f.name in DATE_COLUMNS:
            frame[f.name] = pd.to_datetime(frame[f.name])
        elif not f.required and f.kind in ("text", "choice") and not f.refers_to:
            frame[f.name] = frame[f.name].replace("", None)
    return frame


def tables() -> dict[str, pd.DataFrame]:
    """The partnership's records as the indicator functions' tables: a DataFrame per table
    of the SPEC, with its columns (and ``birth_month_only`` beside a date of birth)."""
    return {name: _frame(table) for name, table in SPEC.items()}
