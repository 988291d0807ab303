"""Youth justice files: checking each cell as the SPEC declares it, and writing tables in
the format the import reads, so a round trip loses nothing.

The tables, their columns and limits are declared once in ``spec.py``. No Django here: the
synthetic generator writes these files before any database exists, and the checks below are
pure so they are tested without one.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saferplan.core.csvcheck import quoted
from saferplan.core.errors import InputError
from saferplan.indicators.registry import registry
from saferplan.youthjustice import records as r
from saferplan.youthjustice.spec import (
    ALL_TABLES,
    BOOL_COLUMNS,
    COLUMNS,
    DATE_COLUMNS,
    INT_COLUMNS,
    MONTH_ONLY,
    REQUIRED_TABLES,
    SPEC,
    Field,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "REQUIRED_TABLES", "SPEC", "check_row", "vocabulary", "write_tables"]
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")
# Whole numbers as people type them: 12, or 1,234 with thousands separators (ASCII digits:
# "²" or "١" are digits to Python, not to a case management system).
WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")


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
SYNONYMS["ethnic_group"] = SYNONYMS["ethnicity"]
# Published figures may name an indicator by its label ("First time entrants").
SYNONYMS["indicator"] = {normalise(d.label): d.key for d in registry().values()}
for _table in ALL_TABLES.values():
    for _f in _table.fields:
        if _f.kind == "choice":
            SYNONYMS.setdefault(_f.name, {}).update({normalise(c): c for c in _f.choices})


def normalise_period(text: str) -> str:
    """A period as the local indicators label it: ``2018-19`` or ``FY2018/19`` -> ``2018/19``."""
    text = text.strip()
    match = re.fullmatch(r"(?:FY)?(\d{4})[-/](\d{2})", text, re.IGNORECASE)
    if match and int(match.group(2)) == (int(match.group(1)) + 1) % 100:
        return f"{match.group(1)}/{match.group(2)}"
    return text


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


def check_row(where: str, table: str, row: int, values: dict[str, str]) -> dict[str, Any]:
    """One row's values, typed, or an InputError naming the file, row and column."""
    out: dict[str, Any] = {}
    for f in ALL_TABLES[table].fields:
        text = values.get(f.name, "").strip()
        if not text:
            if f.required:
                raise InputError(where, f"{f.name} is empty", row=row, column=f.name)
            out[f.name] = None
        elif f.kind == "birth" and len(text) == 7 and text[4] == "-":
            out[f.name] = _date(
                where, row, f, text + "-01", f"{quoted(text)} is not a month (expected YYYY-MM)"
            )
            out[MONTH_ONLY] = True
        elif f.kind in ("date", "birth"):
            out[f.name] = _date(
                where, row, f, text, f"{quoted(text)} is not a date (expected YYYY-MM-DD)"
            )
        else:
            out[f.name] = _CHECKS[f.kind](where, row, f, text)
    if any(f.kind == "birth" for f in ALL_TABLES[table].fields):
        out.setdefault(MONTH_ONLY, False)
    return out


def _date(where: str, row: int, f: Field, text: str, problem: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(where, problem, row=row, column=f.name) from None


def _int(where: str, row: int, f: Field, text: str) -> int:
    number = int(text.replace(",", "")) if WHOLE_NUMBER.fullmatch(text) else None
    if number is None or not f.low <= number <= f.high:
        what = (
            "a gravity score 1-8" if f.name == "gravity" else f"a whole number {f.low}-{f.high:,}"
        )
        raise InputError(where, f"{quoted(text)} is not {what}", row=row, column=f.name)
    return number


def _bool(where: str, row: int, f: Field, text: str) -> bool:
    if text.lower() not in TRUE + FALSE:
        raise InputError(where, f"{quoted(text)} is not true or false", row=row, column=f.name)
    return text.lower() in TRUE


def _choice(where: str, row: int, f: Field, text: str) -> str:
    value = vocabulary(f.name, text)
    if value in f.choices:
        return value
    if len(f.choices) <= 12:
        problem, hint = f"{quoted(text)} is not one of {', '.join(f.choices)}", None
    else:
        close = difflib.get_close_matches(text.strip().lower(), f.choices, n=1)
        problem = f"{quoted(text)} is not a known {f.name}" + (
            f": did you mean '{close[0]}'?" if close else ""
        )
        hint = f"Known: {', '.join(f.choices)}."
    raise InputError(where, problem, row=row, column=f.name, hint=hint)


def _text(where: str, row: int, f: Field, text: str) -> str:
    if len(text) > f.max_length:
        raise InputError(
            where,
            f"{quoted(text, 40)} is too long: {f.name} holds at most {f.max_length} characters",
            row=row,
            column=f.name,
        )
    return text


def _decimal(where: str, row: int, f: Field, text: str) -> Decimal:
    digits, places = f.digits
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InputError(where, f"{quoted(text)} is not a number", row=row, column=f.name)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise InputError(
            where, f"{quoted(text)} has more than {places} decimal places", row=row, column=f.name
        )
    if abs(value) >= Decimal(10) ** (digits - places):
        raise InputError(where, f"{quoted(text)} is too large", row=row, column=f.name)
    return value


_CHECKS = {"int": _int, "bool": _bool, "choice": _choice, "text": _text, "decimal": _decimal}


def empty_table(table: str) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[table]})


def write_tables(frames: dict[str, pd.DataFrame], folder: Path) -> None:
    """Write tables in the import format (dates YYYY-MM-DD, flags true/false, empty for
    none). Tables not given are written with their header only."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    for table, columns in COLUMNS.items():
        frame = frames.get(table)
        frame = (empty_table(table) if frame is None else frame)[columns].copy()
        month_only = (
            frames[table][MONTH_ONLY].fillna(False).astype(bool).to_numpy()
            if table in frames and MONTH_ONLY in frames[table]
            else None
        )
        for column in columns:
            if column in DATE_COLUMNS:
                dates = pd.to_datetime(frame[column])
                frame[column] = dates.dt.strftime("%Y-%m-%d")
                if SPEC[table].field(column).kind == "birth" and month_only is not None:
                    frame.loc[month_only, column] = dates[month_only].dt.strftime("%Y-%m")
            elif column in BOOL_COLUMNS:
                frame[column] = frame[column].map({True: "true", False: "false"})
            elif column in INT_COLUMNS:
                frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else str(int(v)))
        frame = frame.astype(object).where(frame.notna(), "").astype(str)
        frame = frame.sort_values(columns[:2], kind="stable")
        frame.to_csv(folder / f"{table}.csv", index=False)
