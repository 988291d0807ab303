"""Importing a delivery plan from the spreadsheet shape partnerships keep today.

Columns (the reconstructed Harrow plans): ``section, objective_code, objective_heading,
measures_targets, action, review_point_deadline_raw, deadline_normalised, lead_raw,
update_progress, rag_or_label, new_action_flag``. Real cells are messy ("Ongoing",
"October 19 then ongoing", leads mixing people, roles and organisations): the raw text is
kept, and a date and an organisation are read from it where they can be.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from django.db import transaction

from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.csvcheck import DictReader
from saferplan.core.errors import InputError
from saferplan.plans.models import Action, Objective, Priority, ProgressUpdate, Rag, StrategyYear

REQUIRED = ["section", "objective_code", "objective_heading", "action", "lead_raw"]
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
SUB_OBJECTIVE = re.compile(r"^([A-Z]+\d+)([a-z])$")
RAG_WORDS = {
    "red": Rag.RED,
    "amber": Rag.AMBER,
    "green": Rag.GREEN,
    "complete": Rag.COMPLETED,
    "completed": Rag.COMPLETED,
}


def _group(section: str) -> str:
    lowered = section.lower()
    if "volume" in lowered:
        return Priority.Group.HIGH_VOLUME
    if "harm" in lowered:
        return Priority.Group.HIGH_HARM
    return Priority.Group.OTHER


def _review(raw: str, normalised: str) -> tuple[date | None, bool]:
    ongoing = "ongoing" in (raw + " " + normalised).lower()
    first = normalised.split(";")[0].strip()
    match = MONTH_RE.match(first)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        # A month deadline means the end of that month.
        end = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(end.toordinal() - 1), ongoing
    return None, ongoing


def match_organisation(lead: str, organisations: list[Organisation]) -> Organisation | None:
    lowered = lead.lower()
    for org in organisations:
        words = [org.name.lower()] + [
            a.strip().lower() for a in org.aliases.split(",") if a.strip()
        ]
        if any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words):
            return org
    return None


def import_plan(
    text: str, file: str, partnership: Partnership, label: str, title: str = "", user: Any = None
) -> StrategyYear:
    """Create the ``label`` plan of ``partnership`` from the file: every row, or none."""
    with partnership_scope(partnership), transaction.atomic():
        return _import_plan(text, file, partnership, label, title, user)


def _import_plan(
    text: str, file: str, partnership: Partnership, label: str, title: str, user: Any
) -> StrategyYear:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader = DictReader(file, text)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            file,
            f"missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}",
            row=1,
        )
    year, _ = StrategyYear.objects.get_or_create(
        partnership=partnership, label=label, defaults={"title": title}
    )
    if year.priorities.exists():
        raise InputError(
            file, f"the {label} plan has already been imported", hint="Nothing was changed."
        )
    organisations = list(Organisation.objects.all())
    priorities: dict[str, Priority] = {}
    objectives: dict[str, Objective] = {}
    for line, row in enumerate(reader, start=2):
        if not (row.get("action") or "").strip():
            raise InputError(file, "the action is empty", row=line, column="action")
        section = row["section"].strip() or "Other"
        if section not in priorities:
            priorities[section] = Priority.objects.create(
                year=year, name=section, group=_group(section), order=len(priorities)
            )
        code = row["objective_code"].strip()
        sub = SUB_OBJECTIVE.match(code)
        if sub and sub.group(1) not in objectives:
            # "HH1a", "HH1b": sub-objectives (a/b/c) of HH1, whose heading is what they share.
            heading = row["objective_heading"].strip().split(" – To ")[0]
            objectives[sub.group(1)] = Objective.objects.create(
                priority=priorities[section],
                code=sub.group(1),
                heading=re.sub(r"(\d)[a-z]\b", r"\1", heading),
                order=len(objectives),
            )
        if code not in objectives:
            objectives[code] = Objective.objects.create(
                parent=objectives[sub.group(1)] if sub else None,
                priority=priorities[section],
                code=code,
                heading=row["objective_heading"].strip(),
                order=len(objectives),
            )
        review_date, ongoing = _review(
            row.get("review_point_deadline_raw", "") or "", row.get("deadline_normalised", "") or ""
        )
        lead = row["lead_raw"].strip()
        action = Action.objects.create(
            objective=objectives[code],
            reference=(row.get("row_id") or "").strip(),
            measures_targets=(row.get("measures_targets") or "").strip(),
            text=row["action"].strip(),
            review_point_text=(row.get("review_point_deadline_raw") or "").strip(),
            review_date=review_date,
            ongoing=ongoing,
            lead_text=lead,
            lead_organisation=match_organisation(lead, organisations),
            is_new="new" in (row.get("new_action_flag") or "").lower(),
        )
        progress = (row.get("update_progress") or "").strip()
        label_word = (row.get("rag_or_label") or "").strip().lower()
        if progress or label_word in RAG_WORDS:
            ProgressUpdate.objects.create(
                action=action,
                rag=RAG_WORDS.get(label_word, Rag.AMBER),
                text=progress or "(imported rating)",
                author=user,
            )
    return year


def plan_text(path: str) -> str:
    """A plan file as CSV text: CSV as it is (UTF-8, BOM or Windows-1252), Excel's first sheet."""
    from pathlib import Path

    from saferplan.datastore.sources import SourceFile, decoded_text, read_regular_file

    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(file, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises several types for a bad workbook
            raise InputError(path, f"cannot be read as an Excel workbook ({exc})") from exc
        out = io.StringIO()
        writer = csv.writer(out)
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else str(v) for v in row])
        return out.getvalue()
    text, _ = decoded_text(SourceFile(name=path, data=read_regular_file(file)))
    return text
