"""The five resources and risk file formats, and reading one file of each into checked lines.

Every cell is checked as its column declares (amounts pence-exact, ``£677,994`` as written,
blank as 0; agencies, contracts, sex, ethnic group and status from the controlled lists),
and a bad one stops the import naming the file, row and column. A row labelled Total is
never kept: it is compared with the sum of the lines, column by column, and a difference
stops the import naming the column, the printed total and the sum. So is a line's own
``total`` cell, where a file has one. Pure: no Django (the funding streams' actions are
looked up when they are stored).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from saferplan.core.csvcheck import quoted
from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.sources import SourceFile
from saferplan.resources import tables
from saferplan.resources.reading import Layout, Sheet, read
from saferplan.resources.values import (
    CONTRACT_LABEL,
    ETHNIC_GROUPS,
    YJB_GRANT,
    agency_hint,
    agency_of,
    amount_problem,
    contract_of,
    ethnic_group_of,
    financial_year,
    format_money,
    lookalike_letters,
    parse_amount,
    parse_date,
    parse_fte,
    parse_rating,
    parse_yes_no,
    risk_status_of,
    says_it_includes_the_grant,
    sex_of,
)

T = TypeVar("T")
TOTAL_LABEL = re.compile(r"\(?\s*(grand\s+)?totals?\b", re.IGNORECASE)
# Characters no cell should hold: C0 and C1 controls but tab and line ends (a spreadsheet
# cannot keep them, and a terminal would act on them).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Cells:
    """One row's cells, each read as its column declares or refused naming row and column."""

    def __init__(self, where: str, line: int, values: Mapping[str, str]) -> None:
        self.where, self.line, self.values = where, line, values

    def error(self, column: str, message: str, hint: str | None = None) -> InputError:
        return InputError(self.where, message, row=self.line, column=column, hint=hint)

    def text(self, column: str, limit: int, required: bool = False) -> str:
        value = self.values.get(column, "")
        if required and not value:
            raise self.error(column, f"the {column.replace('_', ' ')} is empty")
        if len(value) > limit:
            raise self.error(column, f"the cell is {len(value):,} characters long; at most "
                             f"{limit:,} are kept")  # fmt: skip
        if CONTROL.search(value):
            raise self.error(column, f"{quoted(value)} holds a control character")
        return value

    def amount(self, column: str) -> Decimal:
        value = parse_amount(self.values.get(column, ""))
        if value is None:
            raise self.error(column, amount_problem(self.values[column]))
        return value

    def choice(self, column: str, read: Callable[[str], T | None], hint: str) -> T:
        text = self.text(column, 200)
        value = read(text)
        if value is None:
            raise self.error(column, f"{quoted(text)} is not one of the values this column "
                             f"takes{lookalike_letters(text)}", hint)  # fmt: skip
        return value

    def date(self, column: str) -> date | None:
        text = self.values.get(column, "")
        value = parse_date(text) if text else None
        if text and value is None:
            raise self.error(column, f"{quoted(text)} is not a date (write it 2019-08-01 or "
                             "01/08/2019)")  # fmt: skip
        return value

    def rating(self, column: str) -> int:
        text = self.values.get(column, "")
        value = parse_rating(text)
        if value is None:
            raise self.error(column, f"the {column} {quoted(text)} is not a whole number "
                             "from 1 to 5" if text else f"the {column} is empty")  # fmt: skip
        return value

    def line_total(self, computed: Decimal) -> None:
        """A ``total`` cell of the line, where the file has one, agrees with its amounts."""
        if "total" not in self.values:
            return
        printed = self.amount("total")
        if printed != computed:
            raise self.error(
                "total",
                f"the line's total is {format_money(printed)} but its amounts add up to "
                f"{format_money(computed)}",
                "A total is computed from the amounts, never kept: correct the amounts or the "
                "total, or leave the total out.",
            )


# -- each format's line ----------------------------------------------------------------------


def budget_line(c: Cells) -> tables.BudgetLine:
    label = c.text("agency", 300, required=True)
    agency = agency_of(label)
    if agency is None:
        raise c.error("agency", f"{quoted(label)} is not an agency of the budget", agency_hint())
    note = c.text("note", 500)
    if agency.key != YJB_GRANT and says_it_includes_the_grant(f"{label} {note}"):
        raise c.error(
            "agency",
            "the YJB youth justice grant is its own row, never inside another line",
            "Give this line net of the grant, and the grant as its own row 'YJB youth justice "
            "grant'.",
        )
    line = tables.BudgetLine(agency.key, label, c.amount("staffing_costs"),
                             c.amount("payments_in_kind"), c.amount("other_delegated_funds"),
                             note)  # fmt: skip
    c.line_total(line.total)
    return line


def grant_line(c: Cells) -> tables.GrantLine:
    return tables.GrantLine(c.text("area_of_delivery", 200, required=True),
                            c.text("activity", 2000), c.amount("amount"))  # fmt: skip


CONTRACT_HINT = (
    "Contracts: "
    + ", ".join(v.lower() for k, v in CONTRACT_LABEL.items() if k != "not_recorded")
    + "; add PT for a part-time post (e.g. 'Permanent - PT'); leave it blank if not recorded."
)
SEX_HINT = "Write F, M or Other, or leave it blank if not recorded."
ETHNICITY_HINT = (
    "Start it with its ONS group (" + ", ".join(ETHNIC_GROUPS[:-1]) + "), e.g. 'White: Irish' "
    "or 'Black British', or leave it blank if not known."
)


def staff_post(c: Cells) -> tables.Post:
    post = c.text("post", 200, required=True)
    contract, part_time = c.choice("contract", contract_of, CONTRACT_HINT)
    fte_text = c.values.get("fte", "")
    fte = parse_fte(fte_text) if fte_text else None
    if fte_text and fte is None:
        raise c.error("fte", f"the FTE {quoted(fte_text)} is not a number more than 0 and at "
                      "most 1 (two decimal places)", "Give each post its own row.")  # fmt: skip
    vacant = c.choice("vacant", parse_yes_no, "Write yes for a vacant post, else no or blank.")
    sex = c.choice("sex", sex_of, SEX_HINT)
    ethnicity = c.text("ethnicity", 100)
    group = c.choice("ethnicity", ethnic_group_of, ETHNICITY_HINT)
    if vacant and (sex != "not_recorded" or ethnicity):
        raise c.error("sex" if sex != "not_recorded" else "ethnicity",
                      "a vacant post has no one in it to record",
                      "Leave sex and ethnicity blank for a vacant post.")  # fmt: skip
    part_time = part_time or (fte is not None and fte < 1)
    start, note = c.date("start_date"), c.text("note", 500)
    return tables.Post(post, contract, part_time, fte, sex, ethnicity, group, start, vacant, note)


ACTION_REFERENCE = 40  # plans.Action.reference


def funding_stream(c: Cells) -> tables.Stream:
    refs = tuple(r.strip() for r in re.split(r"[;,\n]", c.text("actions", 4000)) if r.strip())
    if any(len(r) > ACTION_REFERENCE for r in refs):
        raise c.error("actions", "an action reference is longer than any action's",
                      "Separate the actions' references with semicolons, e.g. 1920-HV1-01; "
                      "1920-HV1-02.")  # fmt: skip
    stream, project = c.text("stream", 200, required=True), c.text("project", 300)
    cash, in_kind, note = c.amount("cash"), c.amount("in_kind"), c.text("note", 500)
    line = tables.Stream(stream, project, cash, in_kind, note, refs)
    c.line_total(line.cash + line.in_kind)
    return line


def risk_entry(c: Cells) -> tables.RiskEntry:
    likelihood, impact = c.rating("likelihood"), c.rating("impact")
    score = c.values.get("score", "")
    if score and score != str(likelihood * impact):
        raise c.error(
            "score",
            f"the score {quoted(score)} is not likelihood {likelihood} × impact {impact} = "
            f"{likelihood * impact}",
            "A score is computed, never kept: correct the likelihood, the impact or the score, "
            "or leave the score out.",
        )
    reference = c.text("reference", 20)
    if reference and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9./_-]*", reference):
        raise c.error("reference", f"{quoted(reference)} is not a reference (letters, digits, "
                      "and . / _ - between them)")  # fmt: skip
    status = c.choice("status", risk_status_of, "Write open or closed (blank is open).")
    reviewed = c.date("reviewed_on")
    if reviewed is not None and reviewed > date.today():
        raise c.error("reviewed_on", f"the review on {reviewed} has not happened yet",
                      "Give the date of the review these ratings come from, or leave it blank "
                      "for today.")  # fmt: skip
    return tables.RiskEntry(
        reference, c.text("risk", 2000, required=True), likelihood, impact,
        c.text("cause", 2000), c.text("consequence", 2000), c.text("owner", 200),
        c.text("mitigation", 4000), c.date("review_date"), status, last_reviewed=reviewed,
    )  # fmt: skip


# -- the formats -----------------------------------------------------------------------------


def _budget_hint(lines: Sequence[Any], column: str, printed: Decimal, summed: Decimal) -> str:
    grant = tables.yjb_grant(lines)
    difference = summed - printed
    if grant and column in ("staffing_costs", "total") and difference in (grant, 2 * grant):
        times = "the YJB grant" if difference == grant else "twice the YJB grant"
        return (
            f"The difference, {format_money(difference)}, is {times} ({format_money(grant)}): "
            "is the grant inside another line (the local authority's?) as well as its own "
            "row? Give that line net of the grant, and the grant as its own row."
        )
    return TOTAL_HINT


TOTAL_HINT = "A Total row is checked, never kept: correct the lines or the total, or remove it."


@dataclass(frozen=True)
class Format:
    kind: str  # the import kind (datastore.kinds)
    table: str  # budget | grant-allocation | staffing | funding | risks
    layout: Layout
    line: Callable[[Cells], Any]
    label_column: str | None = None  # where a Total row says "Total"
    totals: tuple[str, ...] = ()  # the columns a Total row is checked on
    by_year: bool = True
    total_hint: Callable[[Sequence[Any], str, Decimal, Decimal], str] = lambda *_: TOTAL_HINT

    @property
    def columns(self) -> tuple[str, ...]:
        return self.layout.columns


def _layout(describes: str, sheet: str, columns: str, required: str, **aliases: str) -> Layout:
    return Layout(describes, sheet, tuple(columns.split()), tuple(required.split()), aliases)


BUDGET = Format(
    "resources-budget", "budget",
    _layout("a youth justice budget file", "budget",
            "agency staffing_costs payments_in_kind other_delegated_funds note total",
            "agency staffing_costs payments_in_kind other_delegated_funds",
            payments_in_kind_revenue="payments_in_kind", note_as_printed="note"),
    budget_line, "agency",
    ("staffing_costs", "payments_in_kind", "other_delegated_funds", "total"),
    total_hint=_budget_hint,
)  # fmt: skip
GRANT_ALLOCATION = Format(
    "resources-grant-allocation", "grant-allocation",
    _layout("a YJB grant allocation file", "grant allocation", "area_of_delivery activity amount",
            "area_of_delivery amount", associated_costs="amount", associated_cost="amount"),
    grant_line, "area_of_delivery", ("amount",),
)  # fmt: skip
STAFFING = Format(
    "resources-staffing", "staffing",
    _layout("a staffing file", "staffing",
            "post contract fte sex ethnicity start_date vacant note", "post contract",
            position="post", permanency_agency="contract", gender="sex"),
    staff_post, "post", ("fte",),
)  # fmt: skip
FUNDING = Format(
    "resources-funding", "funding",
    _layout("a funding streams file", "funding",
            "stream project cash in_kind note actions total", "stream cash in_kind",
            funding_stream="stream"),
    funding_stream, "stream", ("cash", "in_kind", "total"),
)  # fmt: skip
RISKS = Format(
    "resources-risks", "risks",
    _layout("a risk register file", "risks",
            "reference risk cause consequence likelihood impact score owner mitigation "
            "review_date status reviewed_on", "risk likelihood impact"),
    risk_entry, by_year=False,
)  # fmt: skip
FORMATS = {f.table: f for f in (BUDGET, GRANT_ALLOCATION, STAFFING, FUNDING, RISKS)}
BY_KIND = {f.kind: f for f in FORMATS.values()}


@dataclass
class Parsed:
    """One file's lines, checked, with the line each came from."""

    format: Format
    where: str
    year: str  # "" for the risk register, which has none
    lines: list[tuple[int, Any]]
    encoding: str
    rows_read: int
    total_row: int | None  # the Total row's line, checked and left out


def year_option(fmt: Format, options: Mapping[str, Any]) -> str:
    if not fmt.by_year:
        return ""
    if options.get("year") in (None, ""):
        raise SaferplanError(
            f"a {fmt.table} import is for a financial year: say which",
            hint="Give the year: --year 2019-20.",
        )
    return financial_year(options["year"])


def parse(source: SourceFile, fmt: Format, options: Mapping[str, Any]) -> Parsed:
    """Every line of the file checked, and its Total row (if any) compared with them."""
    year = year_option(fmt, options)
    sheet = read(source, fmt.layout)
    lines: list[tuple[int, Any]] = []
    total: tuple[int, Mapping[str, str]] | None = None
    for line, values in sheet.rows:
        label = values.get(fmt.label_column or "", "")
        if fmt.label_column and TOTAL_LABEL.match(label):
            if total is not None:
                raise InputError(sheet.where, f"a second Total row (the first is row {total[0]})",
                                 row=line, column=fmt.label_column)  # fmt: skip
            total = (line, values)
            continue
        if total is not None:
            raise InputError(sheet.where, f"a line after the Total row (row {total[0]})", row=line,
                             hint="The Total row comes last, if there is one.")  # fmt: skip
        lines.append((line, fmt.line(Cells(sheet.where, line, values))))
    if not lines:
        raise InputError(sheet.where, "the file has no lines, only a header", row=2)
    if total is not None:
        check_total(sheet, fmt, [record for _, record in lines], Cells(sheet.where, *total))
    return Parsed(fmt, sheet.where, year, lines, sheet.encoding, len(sheet.rows),
                  total[0] if total else None)  # fmt: skip


def _summed(records: Sequence[Any], column: str) -> Decimal:
    values = [getattr(r, column) for r in records]
    return sum((v for v in values if v is not None), Decimal("0.00"))


def check_total(sheet: Sheet, fmt: Format, records: Sequence[Any], total: Cells) -> None:
    """Each column of the Total row agrees with the sum of the lines (blank is 0; a blank
    FTE total says nothing)."""
    for column in fmt.totals:
        if column not in sheet.columns or (column == "fte" and not total.values.get(column)):
            continue
        printed = parse_fte_total(total) if column == "fte" else total.amount(column)
        summed = _summed(records, column)
        if printed != summed:
            raise total.error(
                column,
                f"the Total row gives {_shown(column, printed)} but the lines add up to "
                f"{_shown(column, summed)}",
                fmt.total_hint(records, column, printed, summed),
            )


def parse_fte_total(total: Cells) -> Decimal:
    text = total.values["fte"]
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text):
        raise total.error("fte", f"the FTE total {quoted(text)} is not a number")
    return Decimal(text).quantize(Decimal("0.01"))


def _shown(column: str, value: Decimal) -> str:
    return f"{value:f} FTE" if column == "fte" else format_money(value)
