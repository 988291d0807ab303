"""Moving youth justice records between CSV files, the database and indicator tables.

The file formats are in ``files.py``.

File formats (one CSV per table, UTF-8, header row; dates YYYY-MM-DD):

- ``children.csv``: child_ref, date_of_birth, sex, ethnicity, home_la
- ``offences.csv``: offence_id, child_ref, offence_date, offence_type, gravity, is_breach
- ``outcomes.csv``: outcome_id, child_ref, outcome_date, outcome_type, offence_id,
  release_date (one row per outcome and linked offence)
- ``remands.csv``: child_ref, start_date, end_date, remand_type

The export writes exactly what the import reads, so a round trip loses nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
from django.db import transaction

from saferplan.crime.importers.csvcheck import check_header
from saferplan.datastore.errors import InputError
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.youthjustice.files import COLUMNS, DATE_COLUMNS
from saferplan.youthjustice.models import Child, Offence, Outcome, Remand
from saferplan.youthjustice.records import ETHNIC_GROUPS, OUTCOME_TYPES


def _read(folder: Path, table: str) -> list[tuple[int, dict[str, str]]]:
    path = folder / f"{table}.csv"
    if not path.exists():
        raise InputError(str(path), "missing: a youth justice extract needs this file")
    text, _ = decoded_text(SourceFile(str(path), path.read_bytes()))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    check_header(str(path), [h.strip() for h in reader.fieldnames or []], COLUMNS[table])
    return [
        (n, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for n, row in enumerate(reader, start=2)
    ]


def _date(path: str, row: int, column: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        shown = "the date is empty" if not value else f"'{value}' is not a date"
        raise InputError(path, f"{shown} (expected YYYY-MM-DD)", row=row, column=column) from None


def _optional_date(path: str, row: int, column: str, value: str) -> date | None:
    return _date(path, row, column, value) if value else None


@transaction.atomic
def import_extract(folder: Path) -> dict[str, int]:
    """Import a case management extract: every file and row, or (on any error) nothing."""
    rows = {table: _read(folder, table) for table in COLUMNS}
    children: dict[str, Child] = {}
    where = str(folder / "children.csv")
    for n, r in rows["children"]:
        if r["ethnicity"] not in ETHNIC_GROUPS:
            raise InputError(
                where,
                f"'{r['ethnicity']}' is not one of {', '.join(ETHNIC_GROUPS)}",
                row=n,
                column="ethnicity",
            )
        if r["child_ref"] in children or Child.objects.filter(reference=r["child_ref"]).exists():
            raise InputError(
                where,
                f"child {r['child_ref']} appears twice or is already imported",
                row=n,
                column="child_ref",
            )
        children[r["child_ref"]] = Child(
            reference=r["child_ref"],
            sex=r["sex"],
            ethnicity=r["ethnicity"],
            home_la=r["home_la"],
            date_of_birth=_date(where, n, "date_of_birth", r["date_of_birth"]),
        )
    Child.objects.bulk_create(children.values())
    by_ref = {c.reference: c for c in Child.objects.filter(reference__in=children)}

    def child(path: str, n: int, ref: str) -> Child:
        if ref not in by_ref:
            raise InputError(path, f"no child {ref} in children.csv", row=n, column="child_ref")
        return by_ref[ref]

    where = str(folder / "offences.csv")
    offences = []
    for n, r in rows["offences"]:
        try:
            gravity = int(r["gravity"])
        except ValueError:
            gravity = 0
        if not 1 <= gravity <= 8:
            raise InputError(
                where, f"'{r['gravity']}' is not a gravity score 1-8", row=n, column="gravity"
            )
        offences.append(
            Offence(
                child=child(where, n, r["child_ref"]),
                external_id=r["offence_id"],
                offence_date=_date(where, n, "offence_date", r["offence_date"]),
                offence_type=r["offence_type"],
                gravity=gravity,
                is_breach=r["is_breach"].lower() in ("true", "1", "yes"),
            )
        )
    Offence.objects.bulk_create(offences)
    offence_ids = dict(
        Offence.objects.filter(child__in=by_ref.values()).values_list("external_id", "pk")
    )
    where = str(folder / "outcomes.csv")
    outcomes: dict[str, Outcome] = {}
    links: list[tuple[str, int]] = []
    for n, r in rows["outcomes"]:
        if r["outcome_type"] not in OUTCOME_TYPES:
            raise InputError(
                where,
                f"'{r['outcome_type']}' is not a known outcome type",
                row=n,
                column="outcome_type",
                hint=f"Use one of: {', '.join(OUTCOME_TYPES)}.",
            )
        if r["offence_id"] not in offence_ids:
            raise InputError(
                where, f"no offence {r['offence_id']} in offences.csv", row=n, column="offence_id"
            )
        if r["outcome_id"] not in outcomes:
            outcomes[r["outcome_id"]] = Outcome(
                child=child(where, n, r["child_ref"]),
                external_id=r["outcome_id"],
                outcome_date=_date(where, n, "outcome_date", r["outcome_date"]),
                outcome_type=r["outcome_type"],
                release_date=_optional_date(where, n, "release_date", r["release_date"]),
            )
        links.append((r["outcome_id"], offence_ids[r["offence_id"]]))
    Outcome.objects.bulk_create(outcomes.values())
    outcome_pk = dict(
        Outcome.objects.filter(external_id__in=outcomes).values_list("external_id", "pk")
    )
    Outcome.offences.through.objects.bulk_create(
        [Outcome.offences.through(outcome_id=outcome_pk[o], offence_id=f) for o, f in links]
    )
    where = str(folder / "remands.csv")
    remands = []
    for n, r in rows["remands"]:
        if r["remand_type"] not in ("yda", "la"):
            raise InputError(
                where, f"'{r['remand_type']}' is not yda or la", row=n, column="remand_type"
            )
        remands.append(
            Remand(
                child=child(where, n, r["child_ref"]),
                remand_type=r["remand_type"],
                start_date=_date(where, n, "start_date", r["start_date"]),
                end_date=_date(where, n, "end_date", r["end_date"]),
            )
        )
    Remand.objects.bulk_create(remands)
    return {
        "children": len(children),
        "offences": len(offences),
        "outcomes": len(outcomes),
        "remands": len(remands),
    }


def tables() -> dict[str, pd.DataFrame]:
    """The database's records as the indicator functions' tables."""
    children = pd.DataFrame(
        list(
            Child.objects.values_list("reference", "date_of_birth", "sex", "ethnicity", "home_la")
        ),
        columns=COLUMNS["children"],
    )
    offences = pd.DataFrame(
        list(
            Offence.objects.values_list(
                "external_id",
                "child__reference",
                "offence_date",
                "offence_type",
                "gravity",
                "is_breach",
            )
        ),
        columns=COLUMNS["offences"],
    )
    outcomes = pd.DataFrame(
        list(
            Outcome.offences.through.objects.values_list(
                "outcome__external_id",
                "outcome__child__reference",
                "outcome__outcome_date",
                "outcome__outcome_type",
                "offence__external_id",
                "outcome__release_date",
            )
        ),
        columns=COLUMNS["outcomes"],
    )
    remands = pd.DataFrame(
        list(
            Remand.objects.values_list("child__reference", "start_date", "end_date", "remand_type")
        ),
        columns=COLUMNS["remands"],
    )
    for frame in (children, offences, outcomes, remands):
        for column in DATE_COLUMNS & set(frame.columns):
            frame[column] = pd.to_datetime(frame[column])
    return {"children": children, "offences": offences, "outcomes": outcomes, "remands": remands}
