"""Moving youth justice records between extract files, the database and indicator tables.

The file formats are in ``files.py``. An extract is a folder of CSV files or one Excel
workbook with a sheet per table. It is imported whole or (on any error) not at all, with
one provenance record naming every file and its SHA-256; the same extract imported twice
changes nothing.
"""

from __future__ import annotations

import getpass
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction

from saferplan.accounts.tenancy import require_partnership
from saferplan.core.csvcheck import DictReader, check_header
from saferplan.core.errors import InputError
from saferplan.datastore.sources import SourceFile, decoded_text, read_regular_file
from saferplan.youthjustice.files import (
    COLUMNS,
    DATE_COLUMNS,
    REQUIRED_TABLES,
    SPEC,
    check_row,
)
from saferplan.youthjustice.models import (
    Assessment,
    BoardAttendance,
    Child,
    ChildStatus,
    Intervention,
    Offence,
    Order,
    Outcome,
    Remand,
    VictimContact,
)

IMPORT_KIND = "youth-justice"


@dataclass
class RawTable:
    where: str  # the file (and sheet) named in errors
    rows: list[tuple[int, dict[str, str]]]
    sha256: str = ""


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=dict)
    already_imported: bool = False

    def __getitem__(self, table: str) -> int:
        return self.counts[table]


# {table: {column in the source system's extract: column here}}
ColumnMap = dict[str, dict[str, str]]


def read_column_map(path: Path) -> ColumnMap:
    """A CSV ``table, source_column, column`` naming this format's column for each of a case
    management system's, so its extract imports as exported."""
    text, _ = decoded_text(SourceFile(str(path), read_regular_file(path)))
    reader = DictReader(str(path), text)
    check_header(str(path), [h.strip() for h in reader.fieldnames or []],
                 ["table", "source_column", "column"])  # fmt: skip
    out: ColumnMap = {}
    for n, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        if row["table"] not in COLUMNS:
            raise InputError(
                str(path), f"'{row['table']}' is not a table", row=n, column="table",
                hint=f"Tables: {', '.join(COLUMNS)}.",
            )  # fmt: skip
        if row["column"] not in COLUMNS[row["table"]]:
            raise InputError(
                str(path), f"'{row['column']}' is not a column of {row['table']}", row=n,
                column="column", hint=f"Columns: {', '.join(COLUMNS[row['table']])}.",
            )  # fmt: skip
        out.setdefault(row["table"], {})[row["source_column"]] = row["column"]
    return out


def _renamed(header: list[str], table: str, columns: ColumnMap) -> list[str]:
    mapping = columns.get(table, {})
    return [mapping.get(h, h) for h in header]


def _read_csv_file(path: Path, table: str, columns: ColumnMap) -> RawTable:
    data = read_regular_file(path)
    text, _ = decoded_text(SourceFile(str(path), data))
    reader = DictReader(str(path), text)
    reader.fieldnames = _renamed([h.strip() for h in reader.fieldnames or []], table, columns)
    check_header(str(path), reader.fieldnames, COLUMNS[table])
    rows = [
        (n, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for n, row in enumerate(reader, start=2)
    ]
    return RawTable(str(path), rows, hashlib.sha256(data).hexdigest())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_workbook(path: Path, columns: ColumnMap) -> dict[str, RawTable]:
    from openpyxl import load_workbook

    data = read_regular_file(path)
    digest = hashlib.sha256(data).hexdigest()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise InputError(str(path), f"cannot be read as an Excel workbook ({exc})") from None
    out: dict[str, RawTable] = {}
    sheets = {name.strip().lower(): name for name in book.sheetnames}
    for table in COLUMNS:
        if table not in sheets:
            continue
        where = f"{path} [sheet {sheets[table]}]"
        rows = book[sheets[table]].iter_rows(values_only=True)
        header = _renamed([_cell(h) for h in next(rows, ())], table, columns)
        check_header(where, header, COLUMNS[table])
        body = []
        for n, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if any(cells):
                body.append((n, {h: c for h, c in zip(header, cells, strict=False) if h}))
        out[table] = RawTable(where, body, digest)
    book.close()
    return out


def _csv_files(folder: Path) -> dict[str, Path]:
    """Each table's file in the folder, whatever the case of its name (Offences.CSV)."""
    found = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    return {t: found[f"{t}.csv"] for t in COLUMNS if f"{t}.csv" in found}


def read_extract(path: Path, columns: ColumnMap | None = None) -> dict[str, RawTable]:
    """Every table of the extract, as text rows with their line (or sheet row) numbers."""
    columns = columns or {}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not path.is_file():
            raise InputError(str(path), "no such workbook")
        tables = _read_workbook(path, columns)
    elif path.is_dir():
        tables = {
            table: _read_csv_file(file, table, columns) for table, file in _csv_files(path).items()
        }
    else:
        raise InputError(
            str(path), "not a folder of CSV files or an Excel workbook (.xlsx)", hint=None
        )
    for table in REQUIRED_TABLES:
        if table not in tables:
            where = f"{path} [sheet {table}]" if path.is_file() else str(path / f"{table}.csv")
            raise InputError(where, "missing: a youth justice extract needs this table")
    return tables


def _check(raw: dict[str, RawTable]) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    return {
        table: [(n, check_row(t.where, table, n, row)) for n, row in t.rows]
        for table, t in raw.items()
    }


def _extract_digest(raw: dict[str, RawTable]) -> str:
    joined = "\n".join(f"{table}:{raw[table].sha256}" for table in sorted(raw))
    return hashlib.sha256(joined.encode()).hexdigest()


@transaction.atomic
def import_extract(
    path: Path, user: str | None = None, columns: ColumnMap | None = None
) -> ImportSummary:
    """Import a case management extract: every table and row, or (on any error) nothing.

    ``columns`` renames a source system's columns to this format's (see
    :func:`read_column_map`).
    """
    from saferplan.datastore.models import ImportRecord

    started = datetime.now(UTC)
    raw = read_extract(path, columns)
    digest = _extract_digest(raw)
    if ImportRecord.objects.filter(kind=IMPORT_KIND, sha256=digest).exists():
        return ImportSummary({t: 0 for t in raw}, already_imported=True)
    rows = _check(raw)
    counts = _store(raw, rows)
    ImportRecord.objects.create(
        partnership=require_partnership(),
        kind=IMPORT_KIND,
        file_name=str(path),
        sha256=digest,
        size_bytes=sum(f.stat().st_size for f in _files(path)),
        encoding="utf-8",
        rows_read=sum(len(t.rows) for t in raw.values()),
        rows_kept=sum(counts.values()),
        notes={"tables": {t: {"file": raw[t].where, "sha256": raw[t].sha256} for t in raw}},
        imported_by=user or _os_user(),
        started_at=started,
        finished_at=datetime.now(UTC),
    )
    return ImportSummary(counts)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return list(_csv_files(path).values())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class _Refs:
    """Look-ups from the extract's own identifiers to the rows just created."""

    def __init__(self, raw: dict[str, RawTable]) -> None:
        self.raw = raw
        self.children: dict[str, Child] = {}
        self.offences: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.orders: dict[str, int] = {}

    def child(self, table: str, n: int, ref: str) -> Child:
        if ref not in self.children:
            raise InputError(
                self.raw[table].where, f"no child {ref} in children.csv", row=n, column="child_ref"
            )
        return self.children[ref]

    def required_pk(self, table: str, n: int, column: str, ref: str, source: str) -> int:
        found = self.pk(table, n, column, ref, source)
        assert found is not None
        return found

    def pk(self, table: str, n: int, column: str, ref: str | None, source: str) -> int | None:
        found = getattr(self, source)
        if ref is None:
            return None
        if ref not in found:
            raise InputError(
                self.raw[table].where,
                f"no {column.removesuffix('_id')} {ref} in {source}.csv",
                row=n,
                column=column,
            )
        return int(found[ref])


def _store(
    raw: dict[str, RawTable], rows: dict[str, list[tuple[int, dict[str, Any]]]]
) -> dict[str, int]:
    owner = require_partnership()
    refs = _Refs(raw)
    counts: dict[str, int] = {}
    where = raw["children"].where
    children: dict[str, Child] = {}
    for n, r in rows["children"]:
        ref = r["child_ref"]
        if ref in children or Child.objects.filter(reference=ref).exists():
            raise InputError(
                where,
                f"child {ref} appears twice or is already imported",
                row=n,
                column="child_ref",
            )
        children[ref] = Child(
            partnership=owner,
            reference=ref,
            date_of_birth=r["date_of_birth"],
            birth_month_only=r["birth_month_only"],
            sex=r["sex"],
            ethnicity=r["ethnicity"],
            home_la=r["home_la"],
        )
    Child.objects.bulk_create(children.values())
    refs.children = {c.reference: c for c in Child.objects.filter(reference__in=children)}
    counts["children"] = len(children)

    offences = [
        Offence(
            partnership=owner,
            child=refs.child("offences", n, r["child_ref"]),
            external_id=r["offence_id"],
            offence_date=r["offence_date"],
            offence_type=r["offence_type"],
            gravity=r["gravity"],
            is_breach=r["is_breach"],
        )
        for n, r in rows["offences"]
    ]
    _unique("offences", raw, rows["offences"], "offence_id", Offence)
    Offence.objects.bulk_create(offences)
    refs.offences = dict(
        Offence.objects.filter(child__in=refs.children.values()).values_list("external_id", "pk")
    )
    counts["offences"] = len(offences)

    outcomes: dict[str, Outcome] = {}
    links: list[tuple[str, int]] = []
    for n, r in rows["outcomes"]:
        offence = refs.required_pk("outcomes", n, "offence_id", r["offence_id"], "offences")
        if r["outcome_id"] not in outcomes:
            if Outcome.objects.filter(external_id=r["outcome_id"]).exists():
                raise InputError(
                    raw["outcomes"].where,
                    f"outcome {r['outcome_id']} is already imported",
                    row=n,
                    column="outcome_id",
                )
            outcomes[r["outcome_id"]] = Outcome(
                partnership=owner,
                child=refs.child("outcomes", n, r["child_ref"]),
                external_id=r["outcome_id"],
                outcome_date=r["outcome_date"],
                outcome_type=r["outcome_type"],
                release_date=r["release_date"],
            )
        links.append((r["outcome_id"], offence))
    Outcome.objects.bulk_create(outcomes.values())
    refs.outcomes = dict(
        Outcome.objects.filter(external_id__in=outcomes).values_list("external_id", "pk")
    )
    Outcome.offences.through.objects.bulk_create(
        [Outcome.offences.through(outcome_id=refs.outcomes[o], offence_id=f) for o, f in links]
    )
    counts["outcomes"] = len(outcomes)

    Remand.objects.bulk_create(
        Remand(
            partnership=owner,
            child=refs.child("remands", n, r["child_ref"]),
            start_date=r["start_date"],
            end_date=r["end_date"],
            remand_type=r["remand_type"],
        )
        for n, r in rows["remands"]
    )
    counts["remands"] = len(rows["remands"])

    def optional(table: str) -> list[tuple[int, dict[str, Any]]]:
        return rows.get(table, [])

    ChildStatus.objects.bulk_create(
        ChildStatus(
            partnership=owner,
            child=refs.child("statuses", n, r["child_ref"]),
            status=r["status"],
            start_date=r["start_date"],
            end_date=r["end_date"],
        )
        for n, r in optional("statuses")
    )
    _unique("assessments", raw, optional("assessments"), "assessment_id", Assessment)
    Assessment.objects.bulk_create(
        Assessment(
            partnership=owner,
            child=refs.child("assessments", n, r["child_ref"]),
            external_id=r["assessment_id"],
            **{k: r[k] for k in COLUMNS["assessments"][2:]},
        )
        for n, r in optional("assessments")
    )
    _unique("orders", raw, optional("orders"), "order_id", Order)
    Order.objects.bulk_create(
        Order(
            partnership=owner,
            child=refs.child("orders", n, r["child_ref"]),
            external_id=r["order_id"],
            outcome_id=refs.pk("orders", n, "outcome_id", r["outcome_id"], "outcomes"),
            **{k: "" if r[k] is None and k in _TEXT_CHOICES else r[k] for k in _ORDER_FIELDS},
        )
        for n, r in optional("orders")
    )
    refs.orders = dict(
        Order.objects.filter(child__in=refs.children.values()).values_list("external_id", "pk")
    )
    _unique("interventions", raw, optional("interventions"), "intervention_id", Intervention)
    Intervention.objects.bulk_create(
        Intervention(
            partnership=owner,
            child=refs.child("interventions", n, r["child_ref"]),
            external_id=r["intervention_id"],
            order_id=refs.pk("interventions", n, "order_id", r["order_id"], "orders"),
            intervention_type=r["intervention_type"],
            start_date=r["start_date"],
            end_date=r["end_date"],
            completed=r["completed"],
        )
        for n, r in optional("interventions")
    )
    _unique("victims", raw, optional("victims"), "victim_ref", VictimContact)
    VictimContact.objects.bulk_create(
        VictimContact(
            partnership=owner,
            external_id=r["victim_ref"],
            offence_id=refs.required_pk("victims", n, "offence_id", r["offence_id"], "offences"),
            **{k: r[k] for k in ("contacted", "rj_offered", "rj_participated", "satisfied")},
        )
        for n, r in optional("victims")
    )
    for _, r in optional("board"):
        BoardAttendance.objects.update_or_create(
            partnership=owner,
            meeting_date=r["meeting_date"],
            partner=r["partner"],
            defaults={"attended": r["attended"]},
        )
    for table in ("statuses", "assessments", "orders", "interventions", "victims", "board"):
        counts[table] = len(optional(table))
    return counts


_ORDER_FIELDS = COLUMNS["orders"][3:]
# Optional choices are stored as '' (Django's blank text), not NULL.
_TEXT_CHOICES = {f.name for f in SPEC["orders"] if f.kind == "choice" and not f.required}


def _unique(
    table: str,
    raw: dict[str, RawTable],
    rows: list[tuple[int, dict[str, Any]]],
    column: str,
    model: Any,
) -> None:
    """Identifiers are unique within the extract and across earlier imports."""
    seen: set[str] = set()
    for n, r in rows:
        if r[column] in seen:
            raise InputError(raw[table].where, f"{r[column]} appears twice", row=n, column=column)
        seen.add(r[column])
    existing = set(model.objects.filter(external_id__in=seen).values_list("external_id", flat=True))
    for n, r in rows:
        if r[column] in existing:
            raise InputError(
                raw[table].where, f"{r[column]} is already imported", row=n, column=column
            )


def _frame(table: str, values: Any, extra: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(list(values), columns=COLUMNS[table] + (extra or []))
    for column in DATE_COLUMNS & set(frame.columns):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def tables() -> dict[str, pd.DataFrame]:
    """The database's records as the indicator functions' tables (see ``records.py``)."""
    out = {
        "children": _frame(
            "children",
            Child.objects.values_list(
                "reference", "date_of_birth", "sex", "ethnicity", "home_la", "birth_month_only"
            ),
            extra=["birth_month_only"],
        ),
        "offences": _frame(
            "offences",
            Offence.objects.values_list(
                "external_id",
                "child__reference",
                "offence_date",
                "offence_type",
                "gravity",
                "is_breach",
            ),
        ),
        "outcomes": _frame(
            "outcomes",
            # The link table has no partnership of its own: scoped through its outcomes.
            Outcome.offences.through.objects.filter(outcome__in=Outcome.objects.all()).values_list(
                "outcome__external_id",
                "outcome__child__reference",
                "outcome__outcome_date",
                "outcome__outcome_type",
                "offence__external_id",
                "outcome__release_date",
            ),
        ),
        "remands": _frame(
            "remands",
            Remand.objects.values_list("child__reference", "start_date", "end_date", "remand_type"),
        ),
        "statuses": _frame(
            "statuses",
            ChildStatus.objects.values_list("child__reference", "status", "start_date", "end_date"),
        ),
        "assessments": _frame(
            "assessments",
            Assessment.objects.values_list(
                "external_id", "child__reference", *COLUMNS["assessments"][2:]
            ),
        ),
        "orders": _frame(
            "orders",
            Order.objects.values_list(
                "external_id", "child__reference", "outcome__external_id", *_ORDER_FIELDS
            ),
        ),
        "interventions": _frame(
            "interventions",
            Intervention.objects.values_list(
                "external_id",
                "child__reference",
                "order__external_id",
                "intervention_type",
                "start_date",
                "end_date",
                "completed",
            ),
        ),
        "victims": _frame(
            "victims",
            VictimContact.objects.values_list(
                "external_id",
                "offence__external_id",
                "contacted",
                "rj_offered",
                "rj_participated",
                "satisfied",
            ),
        ),
        "board": _frame(
            "board", BoardAttendance.objects.values_list("meeting_date", "partner", "attended")
        ),
    }
    orders = out["orders"]
    for column in _TEXT_CHOICES:
        orders[column] = orders[column].replace("", None)
    return out
