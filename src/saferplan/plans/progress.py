"""A plan's Update/Progress cell as the history it holds.

Leads append to the cell over the year, marking each addition with its date: "... UPDATE
10th Jan 2019 Autumn Nights ran successfully ...", "25 Feb 19 update: ...". Each marked
part becomes an update of its own, dated as marked; the text before the first mark is an
update the file gives no date for. The row's RAG rating belongs to its latest update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from saferplan.plans.models import NOT_RATED

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATE = r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?\s+(\d{4}|\d{2})"
# "UPDATE 10th Jan 2019" or "25 Feb 19 update:" (the date is captured either way).
MARK = re.compile(rf"\bUPDATE\s+{_DATE}\b:?|\b{_DATE}\s+update\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class UpdateEntry:
    text: str
    date: date | None
    rag: str  # a Rag value, or NOT_RATED


def split_progress(text: str, rag: str = NOT_RATED) -> tuple[UpdateEntry, ...]:
    """The updates a cell holds, oldest first; ``rag`` goes to the last one.

    A cell with no words (a stray "." in Harrow's 2019/20 plan) holds no update, unless the
    row is rated, when the rating is the update.
    """
    parts: list[tuple[str, date | None]] = []
    start, when = 0, None
    for match in MARK.finditer(text):
        marked = _date(match)
        if marked is None:
            continue  # "31 Feb 19 update:" is not a date: the text stays in its update
        parts.append((text[start : match.start()], when))
        start, when = match.end(), marked
    parts.append((text[start:], when))
    kept = [(" ".join(t.split()), d) for t, d in parts]
    kept = [(t, d) for t, d in kept if any(c.isalnum() for c in t) or d is not None]
    if not kept:
        return (UpdateEntry("", None, rag),) if rag != NOT_RATED else ()
    *earlier, (last_text, last_date) = kept
    return (
        *(UpdateEntry(t, d, NOT_RATED) for t, d in earlier),
        UpdateEntry(last_text, last_date, rag),
    )


def _date(match: re.Match[str]) -> date | None:
    groups = [g for g in match.groups() if g is not None]
    day, month_word, year_text = groups
    if month_word[:3].lower() not in MONTHS:
        return None
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        return date(year, MONTHS.index(month_word[:3].lower()) + 1, int(day))
    except ValueError:
        return None
