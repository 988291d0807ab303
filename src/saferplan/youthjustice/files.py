"""Youth justice extract files: one table per CSV file (or per sheet of one Excel workbook).

Every file is UTF-8 (Windows-1252 is accepted), has a header row, dates YYYY-MM-DD and
true/false flags; an empty cell means "none" or "not known". ``children``, ``offences``,
``outcomes`` and ``remands`` must be present; the other tables are optional, so an extract
from a case management system that does not record them still imports.

=============  ===========================================================================
children       child_ref, date_of_birth (YYYY-MM-DD, or YYYY-MM where only the month
               and year are held: ages then count from the 1st), sex, ethnicity (ONS
               2021 high-level group), home_la
offences       offence_id, child_ref, offence_date, offence_type, gravity (1-8), is_breach
outcomes       outcome_id, child_ref, outcome_date, outcome_type, offence_id, release_date
               (one row per outcome and linked offence; release_date for custody only)
remands        child_ref, start_date, end_date, remand_type (yda or la)
statuses       child_ref, status (looked_after, child_protection, child_in_need,
               early_help), start_date, end_date
assessments    assessment_id, child_ref, assessment_date, reoffending, serious_harm,
               safety_wellbeing (low, medium, high, very high), intervention_level
               (standard, enhanced, intensive)
orders         order_id, child_ref, outcome_id, order_type, start_date, end_date,
               completed, accommodation_start, accommodation_end (suitable, unsuitable),
               ete_hours_start, ete_hours_end (hours a week), send (none, identified,
               ehcp), mental_health, substance_misuse (not_screened, no_need,
               need_unmet, need_supported), ete_provision_start, ete_provision_end
               (school, alternative_provision, college, training, employment, none)
interventions  intervention_id, child_ref, order_id, intervention_type, start_date,
               end_date, completed
victims        victim_ref, offence_id, contacted, rj_offered, rj_participated, satisfied
board          meeting_date, partner, attended
=============  ===========================================================================

The export writes exactly what the import reads, so a round trip loses nothing. No Django
here: the synthetic generator writes these files before any database exists, and the
checks below are pure so they are tested without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from saferplan.core.errors import InputError
from saferplan.youthjustice import records as r


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | date | birth (a date, or a month) | int | bool | choice
    required: bool = True
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 10_000


def _choice(name: str, choices: tuple[str, ...], required: bool = True) -> Field:
    return Field(name, "choice", required, choices)


_RISK = r.RISK_LEVELS
SPEC: dict[str, list[Field]] = {
    "children": [
        Field("child_ref", "text"),
        Field("date_of_birth", "birth"),
        Field("sex", "text"),
        _choice("ethnicity", r.ETHNIC_GROUPS),
        Field("home_la", "text"),
    ],
    "offences": [
        Field("offence_id", "text"),
        Field("child_ref", "text"),
        Field("offence_date", "date"),
        Field("offence_type", "text"),
        Field("gravity", "int", low=1, high=8),
        Field("is_breach", "bool"),
    ],
    "outcomes": [
        Field("outcome_id", "text"),
        Field("child_ref", "text"),
        Field("outcome_date", "date"),
        _choice("outcome_type", tuple(r.OUTCOME_TYPES)),
        Field("offence_id", "text"),
        Field("release_date", "date", required=False),
    ],
    "remands": [
        Field("child_ref", "text"),
        Field("start_date", "date"),
        Field("end_date", "date"),
        _choice("remand_type", ("yda", "la")),
    ],
    "statuses": [
        Field("child_ref", "text"),
        _choice("status", r.STATUS_TYPES),
        Field("start_date", "date"),
        Field("end_date", "date", required=False),
    ],
    "assessments": [
        Field("assessment_id", "text"),
        Field("child_ref", "text"),
        Field("assessment_date", "date"),
        _choice("reoffending", _RISK),
        _choice("serious_harm", _RISK),
        _choice("safety_wellbeing", _RISK),
        _choice("intervention_level", r.INTERVENTION_LEVELS),
    ],
    "orders": [
        Field("order_id", "text"),
        Field("child_ref", "text"),
        Field("outcome_id", "text", required=False),
        _choice("order_type", tuple(r.OUTCOME_TYPES)),
        Field("start_date", "date"),
        Field("end_date", "date", required=False),
        Field("completed", "bool", required=False),
        _choice("accommodation_start", r.ACCOMMODATION, required=False),
        _choice("accommodation_end", r.ACCOMMODATION, required=False),
        Field("ete_hours_start", "int", required=False, high=60),
        Field("ete_hours_end", "int", required=False, high=60),
        _choice("send", r.SEND_LEVELS, required=False),
        _choice("mental_health", r.NEED_LEVELS, required=False),
        _choice("substance_misuse", r.NEED_LEVELS, required=False),
        _choice("ete_provision_start", r.ETE_PROVISION, required=False),
        _choice("ete_provision_end", r.ETE_PROVISION, required=False),
    ],
    "interventions": [
        Field("intervention_id", "text"),
        Field("child_ref", "text"),
        Field("order_id", "text", required=False),
        _choice("intervention_type", r.INTERVENTION_TYPES),
        Field("start_date", "date"),
        Field("end_date", "date", required=False),
        Field("completed", "bool", required=False),
    ],
    "victims": [
        Field("victim_ref", "text"),
        Field("offence_id", "text"),
        Field("contacted", "bool"),
        Field("rj_offered", "bool"),
        Field("rj_participated", "bool"),
        Field("satisfied", "bool", required=False),
    ],
    "board": [
        Field("meeting_date", "date"),
        Field("partner", "text"),
        Field("attended", "bool"),
    ],
}
REQUIRED_TABLES = ("children", "offences", "outcomes", "remands")
COLUMNS = {table: [f.name for f in fields] for table, fields in SPEC.items()}
DATE_COLUMNS = {f.name for fields in SPEC.values() for f in fields if f.kind in ("date", "birth")}
BOOL_COLUMNS = {f.name for fields in SPEC.values() for f in fields if f.kind == "bool"}
INT_COLUMNS = {f.name for fields in SPEC.values() for f in fields if f.kind == "int"}
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")


def normalise(text: str) -> str:
    """Case, spaces, hyphens and underscores aside: how vocabularies are matched."""
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


# ONS 2021 census ethnic groups, detailed (19 categories) and as case management systems
# label the high-level ones, to the high-level groups recorded here.
_ETHNICITY_WORDS = {
    "Asian": [
        "asian", "asian, asian british or asian welsh", "asian or asian british",
        "bangladeshi", "chinese", "indian", "pakistani", "other asian",
        "any other asian background",
    ],
    "Black": [
        "black", "black, black british, black welsh, caribbean or african",
        "black or black british", "african", "caribbean", "other black",
        "any other black background",
    ],
    "Mixed": [
        "mixed", "mixed or multiple ethnic groups", "white and asian", "white and black african",
        "white and black caribbean", "other mixed", "other mixed or multiple ethnic groups",
        "any other mixed background",
    ],
    "White": [
        "white", "english, welsh, scottish, northern irish or british", "white british",
        "british", "irish", "white irish", "gypsy or irish traveller", "roma", "other white",
        "any other white background",
    ],
    "Other": ["other", "other ethnic group", "any other ethnic group", "arab"],
    "Not known": [
        "not known", "unknown", "not stated", "refused", "information not yet obtained",
        "not recorded",
    ],
}  # fmt: skip


SYNONYMS: dict[str, dict[str, str]] = {
    "ethnicity": {normalise(w): group for group, words in _ETHNICITY_WORDS.items() for w in words},
    "outcome_type": {normalise(o.label): k for k, o in r.OUTCOME_TYPES.items()}
    | {normalise(k): k for k in r.OUTCOME_TYPES},
    "status": {normalise(label): k for k, label in r.STATUS_LABELS.items()},
}
SYNONYMS["order_type"] = SYNONYMS["outcome_type"]
for _field in SPEC.values():
    for _f in _field:
        if _f.kind == "choice":
            SYNONYMS.setdefault(_f.name, {}).update({normalise(c): c for c in _f.choices})


def vocabulary(column: str, text: str) -> str:
    """The recorded value for ``text``: itself, or the key its label or synonym stands for.

    "Group: detail" as the 2021 census prints it (e.g. "Asian, Asian British or Asian Welsh:
    Indian"), or "Group - detail" as many systems do, is matched by its detail, then group.
    """
    known = SYNONYMS.get(column, {})
    parts = re.split(r":| - ", text, maxsplit=1)
    for candidate in (text, *reversed(parts)):
        found = known.get(normalise(candidate))
        if found is not None:
            return found
    return text


def empty_table(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[table]})


def check_row(where: str, table: str, row: int, values: dict[str, str]) -> dict[str, Any]:
    """One row's values, typed, or an InputError naming the file, row and column."""
    out: dict[str, Any] = {}
    for f in SPEC[table]:
        text = values.get(f.name, "").strip()
        if not text:
            if f.required:
                raise InputError(where, f"{f.name} is empty", row=row, column=f.name)
            out[f.name] = None
            continue
        if f.kind == "birth" and len(text) == 7 and text[4] == "-":
            try:
                out[f.name] = date.fromisoformat(text + "-01")
            except ValueError:
                raise InputError(
                    where, f"'{text}' is not a month (expected YYYY-MM)", row=row, column=f.name
                ) from None
            out["birth_month_only"] = True
        elif f.kind in ("date", "birth"):
            try:
                out[f.name] = date.fromisoformat(text)
            except ValueError:
                raise InputError(
                    where, f"'{text}' is not a date (expected YYYY-MM-DD)", row=row, column=f.name
                ) from None
        elif f.kind == "int":
            number = int(text) if text.isdigit() else -1
            if not f.low <= number <= f.high:
                what = "a gravity score 1-8" if f.name == "gravity" else f"{f.low}-{f.high}"
                raise InputError(where, f"'{text}' is not {what}", row=row, column=f.name)
            out[f.name] = number
        elif f.kind == "bool":
            if text.lower() not in TRUE + FALSE:
                raise InputError(where, f"'{text}' is not true or false", row=row, column=f.name)
            out[f.name] = text.lower() in TRUE
        elif f.kind == "choice":
            text = vocabulary(f.name, text)
            if text not in f.choices:
                raise InputError(
                    where,
                    f"'{text}' is not one of {', '.join(f.choices)}",
                    row=row,
                    column=f.name,
                )
            out[f.name] = text
        else:
            out[f.name] = text
    if table == "children":
        out.setdefault("birth_month_only", False)
    return out


def write_tables(frames: dict[str, pd.DataFrame], folder: Path) -> None:
    """Write tables in the import format (dates YYYY-MM-DD, flags true/false, empty for
    none). Tables not given are written with their header only."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, columns in COLUMNS.items():
        frame = frames.get(table)
        frame = (empty_table(table) if frame is None else frame)[columns].copy()
        month_only = (
            frames[table]["birth_month_only"].fillna(False).astype(bool).to_numpy()
            if table == "children" and "birth_month_only" in frames[table]
            else None
        )
        for column in columns:
            if column in DATE_COLUMNS:
                dates = pd.to_datetime(frame[column])
                frame[column] = dates.dt.strftime("%Y-%m-%d")
                if column == "date_of_birth" and month_only is not None:
                    frame.loc[month_only, column] = dates[month_only].dt.strftime("%Y-%m")
            elif column in BOOL_COLUMNS:
                frame[column] = frame[column].map({True: "true", False: "false"})
            elif column in INT_COLUMNS:
                frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else str(int(v)))
        frame = frame.astype(object).where(frame.notna(), "").astype(str)
        frame = frame.sort_values(columns[:2], kind="stable")
        frame.to_csv(folder / f"{table}.csv", index=False)
