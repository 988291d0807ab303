"""Youth justice extract files: one CSV per table, UTF-8, header row, dates YYYY-MM-DD.

- ``children.csv``: child_ref, date_of_birth, sex, ethnicity, home_la
- ``offences.csv``: offence_id, child_ref, offence_date, offence_type, gravity, is_breach
- ``outcomes.csv``: outcome_id, child_ref, outcome_date, outcome_type, offence_id,
  release_date (one row per outcome and linked offence)
- ``remands.csv``: child_ref, start_date, end_date, remand_type

The export writes exactly what the import reads, so a round trip loses nothing. No Django
here: the synthetic generator writes these files before any database exists.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = {
    "children": ["child_ref", "date_of_birth", "sex", "ethnicity", "home_la"],
    "offences": ["offence_id", "child_ref", "offence_date", "offence_type", "gravity", "is_breach"],
    "outcomes": [
        "outcome_id",
        "child_ref",
        "outcome_date",
        "outcome_type",
        "offence_id",
        "release_date",
    ],
    "remands": ["child_ref", "start_date", "end_date", "remand_type"],
}
DATE_COLUMNS = {
    "date_of_birth",
    "offence_date",
    "outcome_date",
    "release_date",
    "start_date",
    "end_date",
}


def write_tables(frames: dict[str, pd.DataFrame], folder: Path) -> None:
    """Write tables in the import format (dates as YYYY-MM-DD, empty for none)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, columns in COLUMNS.items():
        frame = frames[table][columns].copy()
        for column in DATE_COLUMNS & set(columns):
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d").fillna("")
        if "is_breach" in frame:
            frame["is_breach"] = frame["is_breach"].map({True: "true", False: "false"})
        frame = frame.astype(str).sort_values(columns[:2], kind="stable")
        frame.to_csv(folder / f"{table}.csv", index=False)
