"""Reading a delivery plan file: every row checked and turned into plain values, no database.

The shape is the spreadsheet partnerships keep today (the reconstructed Harrow plans in
``fixtures/``): one row per action with its objective, review point, lead, progress, RAG
and year-end decision. Real cells are messy ("Ongoing", "October 19 then ongoing", leads
mixing people, roles and organisations, several dated updates appended in one cell), so
the raw text is kept and dates, ratings and decisions are read from it where the file
states them, never guessed. A bad value is an error naming the file, row and column.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

from saferplan.core.csvcheck import quoted
from saferplan.core.errors import InputError
from saferplan.plans.models import NOT_RATED, Disposition, Rag
from saferplan.plans.progress import UpdateEntry, split_progress

if TYPE_CHECKING:
    from saferplan.datastore.sources import SourceFile

REQUIRED = ["section", "objective_code", "objective_heading", "action", "lead_raw"]
# Columns that mean the same thing under the names the plans' versions use.
PROGRESS_COLUMNS = ("update_progress", "progress_text", "progress")
RAG_COLUMNS = ("rag_raw", "rag_or_label", "rag")
OPTIONAL = ["row_id", "measures_targets", "review_point_deadline_raw", "deadline_normalised",
            "new_action_flag", "plan", "tags", *PROGRESS_COLUMNS, *RAG_COLUMNS]  # fmt: skip
TAG_SEPARATORS = re.compile(r"[;,]")
LINK_PREFIXES = ("disposition", "predecessor", "successor")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # read as Excel; anything else as CSV text
# Longest cell kept: far beyond any real plan's (Harrow's longest is 2,473 characters).
MAX_TEXT = 20_000
# Cells stored in columns of a fixed width (see plans.models).
MAX_LENGTH = {
    "row_id": 40,
    "objective_code": 20,
    "section": 200,
    "review_point_deadline_raw": 200,
    "lead_raw": 300,
}
MONTH_TOKEN = re.compile(r"\b(\d{4})-(\d{1,2})\b")
MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
RAW_MONTH = re.compile(r"\b([A-Za-z]{3,9})\s+(\d{4})\b")
START = re.compile(r"\b(started|set up|since)\b")  # "started 2018-06; ongoing": no deadline
PLAN_YEAR = re.compile(r"\b(\d{4})/(\d{2})\b")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RAG_WORDS = {
    "red": Rag.RED,
    "amber": Rag.AMBER,
    "green": Rag.GREEN,
    "complete": Rag.COMPLETED,
    "completed": Rag.COMPLETED,
    "not started": Rag.NOT_STARTED,
}
YES = {"y", "yes", "true", "1", "new", "new action"}
NO = {"", "n", "no", "false", "0"}


@dataclass(frozen=True)
class PlanRow:
    """One action as the file states it."""

    row: int
    reference: str
    section: str
    objective_code: str
    objective_heading: str
    measures_targets: str
    action: str
    review_point_text: str
    review_date: date | None
    ongoing: bool
    lead_text: str
    is_new: bool
    disposition: str
    updates: tuple[UpdateEntry, ...]
    predecessor: str  # reference of last year's action it continues, if the file says
    successor: str  # reference of next year's action that continues it, if the file says
    tags: tuple[str, ...] = ()  # as stored (plans.links.clean_tags), from the tags column


@dataclass(frozen=True)
class PlanFile:
    file: str
    label: str  # the plan year the file names ("2018/19"), or ""
    rows: list[PlanRow]
    ignored: tuple[str, ...] = ()  # columns the import leaves out (it says which)


def _used(column: str) -> bool:
    return column in REQUIRED or column in OPTIONAL or column.startswith(LINK_PREFIXES)


def read_plan_text(text: str, file: str) -> PlanFile:
    """A plan from CSV text (the header is row 1; rows are numbered by the line they start on)."""
    return read_plan_records(file, _csv_records(text, file))


def read_plan_path(path: str) -> PlanFile:
    """A plan from a CSV file (UTF-8, BOM or Windows-1252) or an Excel workbook's first sheet."""
    return read_plan_source(plan_source(path))[0]


def plan_source(path: str) -> SourceFile:
    """A plan file's bytes as read once (a preview names their SHA-256, so the import that
    follows is refused if the file changed meanwhile)."""
    from saferplan.datastore.sources import SourceFile, read_regular_file

    file = Path(path)
    if not file.is_file():
        raise InputError(path, "no such file")
    return SourceFile(name=path, data=read_regular_file(file))


def read_plan_source(source: SourceFile) -> tuple[PlanFile, str]:
    """A plan from a file's bytes, and the encoding of its text ("" for a workbook): the
    preview and the import pipeline read a file the same way."""
    from saferplan.datastore.sources import decoded_text

    name = source.display_name
    if name.lower().endswith(WORKBOOK_SUFFIXES):
        return read_plan_records(name, _sheet_records(io.BytesIO(source.data), name)), ""
    text, encoding = decoded_text(source)
    return read_plan_text(text, name), encoding


def read_plan_records(file: str, records: Iterable[tuple[int, list[str]]]) -> PlanFile:
    """Check every record (numbered) under the header; raise on the first bad one."""
    numbered = iter(records)
    _, header = next(numbered, (1, []))
    header = [h.strip() for h in header]
    _check_header(file, header)
    rows: list[PlanRow] = []
    seen: dict[str, int] = {}
    label = ""
    for line, values in numbered:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            raise InputError(
                file, f"this row has {len(values)} cells but the header has {len(header)}", row=line
            )
        cells = dict(zip(header, [*values, *[""] * (len(header) - len(values))], strict=False))
        row = _row(file, line, cells)
        if row.reference:
            if row.reference in seen:
                raise InputError(
                    file,
                    f"the row id '{row.reference}' is also on row {seen[row.reference]}",
                    row=line,
                    column="row_id",
                )
            seen[row.reference] = line
        label = label or _plan_year(cells.get("plan", ""))
        rows.append(row)
    if not rows:
        raise InputError(
            file, "the file has no actions, only a header", row=2, hint="Nothing was imported."
        )
    from saferplan.core.csvcheck import ignored_columns

    return PlanFile(file, label, rows, tuple(ignored_columns(header, _used)))


def _check_header(file: str, header: Sequence[str]) -> None:
    from saferplan.core.csvcheck import check_header

    if not any(header):
        raise InputError(file, "the first row is blank; expected the column names", row=1)
    check_header(file, header, REQUIRED)
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise InputError(file, f"column '{duplicates[0]}' appears more than once", row=1)


def _row(file: str, line: int, cells: dict[str, str]) -> PlanRow:
    def cell(name: str) -> str:
        value = (cells.get(name) or "").strip()
        if CONTROL.search(value):
            raise InputError(file, "the cell holds a control character", row=line, column=name)
        limit = MAX_LENGTH.get(name, MAX_TEXT)
        if len(value) > limit:
            raise InputError(
                file,
                f"the cell is {len(value):,} characters long; at most {limit:,} are allowed",
                row=line,
                column=name,
            )
        return value

    def first(names: Sequence[str]) -> tuple[str, str]:
        found = next((n for n in names if n in cells), names[0])
        return found, cell(found)

    action = cell("action")
    if not action:
        raise InputError(file, "the action is empty", row=line, column="action")
    code = cell("objective_code")
    if not code:
        raise InputError(file, "the objective code is empty", row=line, column="objective_code")
    reference = cell("row_id")
    if reference and not REFERENCE.match(reference):
        raise InputError(
            file,
            f"{quoted(reference)} is not a row id (letters, digits, '-', '.' and '_', no spaces)",
            row=line,
            column="row_id",
        )
    raw_deadline = cell("review_point_deadline_raw")
    review_date, ongoing = _review(file, line, raw_deadline, cell("deadline_normalised"))
    rag_column, rag_cell = first(RAG_COLUMNS)
    rag, labelled_new = _rating(file, line, rag_column, rag_cell)
    _, progress = first(PROGRESS_COLUMNS)
    disposition_column = _disposition_column(cells)
    return PlanRow(
        row=line,
        reference=reference,
        section=cell("section") or "Other",
        objective_code=code,
        objective_heading=cell("objective_heading"),
        measures_targets=cell("measures_targets"),
        action=action,
        review_point_text=raw_deadline,
        review_date=review_date,
        ongoing=ongoing,
        lead_text=cell("lead_raw"),
        is_new=labelled_new or _flag(file, line, cell("new_action_flag")),
        disposition=_disposition(file, line, disposition_column, cell(disposition_column)),
        updates=split_progress(progress, rag),
        predecessor=_reference_in(cell(_starting(cells, "predecessor"))),
        successor=_reference_in(cell(_starting(cells, "successor"))),
        tags=_tags(file, line, cell("tags")),
    )


def _tags(file: str, line: int, value: str) -> tuple[str, ...]:
    """ "knife-crime-action-plan; lkcs:supporting-victims": the tags ``saferplan plans tag``
    accepts, separated by ';' or ','."""
    from saferplan.core.errors import SaferplanError
    from saferplan.plans.links import KNOWN_TAGS, clean_tags

    try:
        return tuple(clean_tags(TAG_SEPARATORS.split(value)))
    except SaferplanError as exc:
        raise InputError(
            file,
            f"{exc.message}; the tags the documents read are {', '.join(KNOWN_TAGS)}",
            row=line,
            column="tags",
            hint="Tags are lower-case words joined by hyphens; separate them with ';' or ','.",
        ) from exc


def _review(file: str, line: int, raw: str, normalised: str) -> tuple[date | None, bool]:
    """The review date (the end of the last month named) and whether the action is ongoing.

    "started 2018-06; ongoing" names a start, not a deadline; "2018-12 / 2019-03" (two
    sub-actions) is due when the last is. Where the file has no normalised deadline,
    "March 2020" in the raw cell is read instead.
    """
    ongoing = "ongoing" in f"{raw} {normalised}".lower().replace("on going", "ongoing")
    column, text = "deadline_normalised", normalised
    if not normalised and raw:
        column, text = "review_point_deadline_raw", _raw_months(raw)
    months = []
    for match in MONTH_TOKEN.finditer(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise InputError(
                file,
                f"{quoted(match.group(0))} is not a month (expected YYYY-MM, e.g. 2020-03)",
                row=line,
                column=column,
            )
        months.append((year, month))
    if not months or START.search((normalised or raw).lower()):
        return None, ongoing
    year, month = months[-1]
    # A month deadline means the end of that month.
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1), ongoing


def _raw_months(raw: str) -> str:
    """ "March 2020" as "2020-03" (other words are left out)."""
    found = []
    for word, year in RAW_MONTH.findall(raw):
        if word[:3].lower() in MONTH_NAMES:
            found.append(f"{year}-{MONTH_NAMES.index(word[:3].lower()) + 1:02d}")
    return "; ".join(found)


def _rating(file: str, line: int, column: str, value: str) -> tuple[str, bool]:
    """(RAG, labelled New Action): the 2019/20 plan writes "New Action" in its RAG column."""
    lowered = " ".join(value.lower().split())
    if lowered in ("new action", "new"):
        return NOT_RATED, True
    if not lowered:
        return NOT_RATED, False
    if lowered in RAG_WORDS:
        return RAG_WORDS[lowered], False
    raise InputError(
        file,
        f"{quoted(value)} is not a RAG rating (expected Red, Amber, Green, "
        "Completed, Not started, or blank)",
        row=line,
        column=column,
    )


def _flag(file: str, line: int, value: str) -> bool:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise InputError(file, f"{quoted(value)} is not Y or N", row=line, column="new_action_flag")


def _disposition_column(cells: dict[str, str]) -> str:
    """ "disposition", or the year-named "disposition_2019_20" of Harrow's 2018/19 plan."""
    return _starting(cells, "disposition")


def _starting(cells: dict[str, str], prefix: str) -> str:
    return next((name for name in cells if name.startswith(prefix)), prefix)


def _disposition(file: str, line: int, column: str, value: str) -> str:
    """CONTINUE (into next year, "CONTINUE 2019/20"), COMPLETE or REMOVE, or blank."""
    words = value.upper().replace("COMPLET E", "COMPLETE").split()
    if not words:
        return ""
    first = words[0].rstrip(".:")
    for disposition, spellings in (
        (Disposition.CONTINUE, ("CONTINUE", "CONTINUED")),
        (Disposition.COMPLETE, ("COMPLETE", "COMPLETED")),
        (Disposition.REMOVE, ("REMOVE", "REMOVED")),
    ):
        if first in spellings:
            return str(disposition)
    raise InputError(
        file,
        f"{quoted(value)} is not a year-end decision "
        "(expected CONTINUE, COMPLETE, REMOVE or blank)",
        row=line,
        column=column,
    )


def _reference_in(value: str) -> str:
    """The row id a link cell starts with ("1819-HH1a-02 (successor; ...)"), if any."""
    first = value.split(" ", 1)[0] if value else ""
    return first if REFERENCE.match(first) and any(c.isdigit() for c in first) else ""


def _plan_year(value: str) -> str:
    match = PLAN_YEAR.search(value)
    return f"{match.group(1)}/{match.group(2)}" if match else ""


def _csv_records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """Records with the line each starts on; over-long cells are refused by the shared
    reader, naming row and column."""
    from saferplan.core.csvcheck import CheckedReader

    reader = CheckedReader(file, text, max_field=MAX_TEXT, column_limits=MAX_LENGTH)
    for record in reader:
        yield reader.record_start, record


def _sheet_records(workbook: Path | IO[bytes], name: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    from saferplan.datastore.sources import check_workbook

    check_workbook(name, workbook)
    try:
        sheet = load_workbook(workbook, read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises several types for a bad workbook
        raise InputError(name, f"cannot be read as an Excel workbook ({exc})") from exc
    for number, values in enumerate(rows, start=1):
        yield number, ["" if v is None else str(v) for v in values]
