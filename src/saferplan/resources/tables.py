"""The resources and risk tables, computed: rows, totals, notes and warnings, never typed.

Pure functions over plain records (the dataclasses below), free of Django and of rendering,
so the documents, the pages, the CLI and the downloads all show the same figures, and the
tests check them without a database. ``service`` reads the stored records into these.

A :class:`Table`'s ``warnings`` say what is wrong with the figures themselves (an allocation
that does not add up to the grant): a draft shows them and a final edition is refused while
any remains. ``notes`` only explain (what a line is, which posts have no FTE recorded).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from saferplan.resources.values import (
    AGENCIES,
    AGENCY,
    CONTRACT_LABEL,
    CONTRACTS,
    ETHNIC_GROUPS,
    RISK_STATUS_LABEL,
    SEXES,
    YJB_GRANT,
    folded,
    format_money,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | money | fte | count | date | rating


@dataclass(frozen=True)
class Table:
    """A table of figures for a page, a document or a download."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: tuple[Any, ...] | None = None  # the last row, "Total", when the table has one
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # each one stops a final edition
    sources: tuple[str, ...] = ()  # the imports the records came from (set by the service)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def records(self, with_total: bool = True) -> list[dict[str, Any]]:
        """Rows (then the total) as dicts keyed by column."""
        rows = [*self.rows, *([self.total] if with_total and self.total else [])]
        return [dict(zip(self.keys, row, strict=True)) for row in rows]


# -- the records the tables are computed from ------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    agency: str  # a key of values.AGENCY
    label: str  # as the plan prints it
    staffing_costs: Decimal = ZERO
    payments_in_kind: Decimal = ZERO
    other_delegated_funds: Decimal = ZERO
    note: str = ""

    @property
    def total(self) -> Decimal:
        return self.staffing_costs + self.payments_in_kind + self.other_delegated_funds


@dataclass(frozen=True)
class GrantLine:
    area_of_delivery: str
    activity: str
    amount: Decimal


@dataclass(frozen=True)
class Post:
    post: str
    contract: str  # a key of values.CONTRACTS
    part_time: bool = False
    fte: Decimal | None = None  # None: not recorded
    sex: str = "not_recorded"
    ethnicity: str = ""  # as written
    ethnic_group: str = "Not known"
    start_date: date | None = None
    vacant: bool = False
    note: str = ""


@dataclass(frozen=True)
class Stream:
    stream: str
    project: str
    cash: Decimal = ZERO
    in_kind: Decimal = ZERO
    note: str = ""
    actions: tuple[str, ...] = ()  # references of the delivery plan actions it funds

    @property
    def total(self) -> Decimal:
        return self.cash + self.in_kind


@dataclass(frozen=True)
class Review:
    reviewed_on: date
    likelihood: int
    impact: int
    status: str = "open"
    note: str = ""

    @property
    def score(self) -> int:
        return risk_score(self.likelihood, self.impact)


@dataclass(frozen=True)
class RiskEntry:
    reference: str
    risk: str
    likelihood: int
    impact: int
    cause: str = ""
    consequence: str = ""
    owner: str = ""
    mitigation: str = ""
    review_date: date | None = None
    status: str = "open"
    reviews: tuple[Review, ...] = field(default=())  # oldest first
    last_reviewed: date | None = None  # the latest review's date

    @property
    def score(self) -> int:
        return risk_score(self.likelihood, self.impact)


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


# -- budget ----------------------------------------------------------------------------------

BUDGET_COLUMNS = (
    Column("agency", "Agency"),
    Column("staffing_costs", "Staffing costs (£)", "money"),
    Column("payments_in_kind", "Payments in kind (£)", "money"),
    Column("other_delegated_funds", "Other delegated funds (£)", "money"),
    Column("total", "Total (£)", "money"),
)
AMOUNT_COLUMNS = ("staffing_costs", "payments_in_kind", "other_delegated_funds")


def budget_table(lines: Sequence[BudgetLine], year: str = "") -> Table:
    """The youth justice budget as the YJB's Table 1: one row per agency, in its order (an
    agency with no line shows 0), the YJB grant its own row, and the total of each column."""
    sums: list[list[Decimal]] = []
    for agency in AGENCIES:
        mine = [line for line in lines if line.agency == agency.key]
        amounts = [_sum(getattr(line, c) for line in mine) for c in AMOUNT_COLUMNS]
        sums.append([*amounts, _sum(amounts)])
    rows = [(agency.label, *amounts) for agency, amounts in zip(AGENCIES, sums, strict=True)]
    totals = [_sum(amounts[i] for amounts in sums) for i in range(4)]
    warnings = []
    if not lines:
        warnings.append(f"No budget is recorded{_for(year)}.")
    elif not any(line.agency == YJB_GRANT for line in lines):
        warnings.append(f"The budget{_for(year)} has no YJB youth justice grant line.")
    return Table(
        f"Youth justice budget{_for(year)}",
        BUDGET_COLUMNS,
        tuple(rows),
        ("Total", *totals),
        tuple(_line_notes(lines)),
        tuple(warnings),
    )


def _for(year: str) -> str:
    return f" for {year.replace('-', '/')}" if year else ""


def _line_notes(lines: Sequence[BudgetLine]) -> list[str]:
    """What each line is, as the plan words it, where it says more than its agency's name."""
    notes = []
    for line in lines:
        agency = AGENCY[line.agency]
        label, note = line.label.strip(), line.note.strip()
        says_more = bool(label) and folded(label) not in {*agency.aliases, agency.label.lower()}
        several = sum(1 for other in lines if other.agency == line.agency) > 1
        words = [w for w in (label if says_more else "", note) if w]
        if not words and not several:
            continue
        amount = f" ({format_money(line.total)})" if several else ""
        notes.append(f"{agency.label}: {'; '.join(words or [label])}{amount}.")
    return notes


def yjb_grant(lines: Sequence[BudgetLine]) -> Decimal | None:
    """The YJB youth justice grant of a budget (None when it has no grant line)."""
    grant = [line for line in lines if line.agency == YJB_GRANT]
    return _sum(line.total for line in grant) if grant else None


# -- grant allocation ------------------------------------------------------------------------

GRANT_COLUMNS = (
    Column("area_of_delivery", "Area of delivery"),
    Column("activity", "Activity"),
    Column("amount", "Associated costs (£)", "money"),
)


def grant_difference(lines: Sequence[GrantLine], grant: Decimal) -> Decimal:
    """What the allocation adds up to, less the grant (0 when it allocates the grant exactly)."""
    return _sum(line.amount for line in lines) - grant


def grant_allocation_table(
    lines: Sequence[GrantLine], grant: Decimal | None, year: str = ""
) -> Table:
    """The YJB grant by area of delivery and activity, which must add up to the grant."""
    allocated = _sum(line.amount for line in lines)
    warnings, notes = [], []
    if not lines:
        warnings.append(f"No allocation of the YJB grant is recorded{_for(year)}.")
    elif grant is None:
        warnings.append(f"The budget{_for(year)} has no YJB grant to check the allocation against.")
    else:
        difference = grant_difference(lines, grant)
        if difference:
            side = "more" if difference > 0 else "less"
            warnings.append(
                f"The allocation adds up to {format_money(allocated)}, "
                f"{format_money(abs(difference))} {side} than the YJB grant of "
                f"{format_money(grant)}."
            )
        else:
            notes.append(f"The allocation adds up to the YJB grant of {format_money(grant)}.")
    rows = tuple((line.area_of_delivery, line.activity, line.amount) for line in lines)
    return Table(
        f"Allocation of the YJB youth justice grant{_for(year)}",
        GRANT_COLUMNS,
        rows,
        ("Total", "", allocated),
        tuple(notes),
        tuple(warnings),
    )


# -- staffing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FteTotals:
    posts: int
    vacant: int
    fte: Decimal  # of every post whose FTE is recorded, vacant ones included
    fte_vacant: Decimal
    fte_not_recorded: int  # posts without an FTE, left out of the FTE figures

    @property
    def filled(self) -> int:
        return self.posts - self.vacant


def fte_totals(posts: Sequence[Post]) -> FteTotals:
    known = [p for p in posts if p.fte is not None]
    return FteTotals(
        posts=len(posts),
        vacant=sum(1 for p in posts if p.vacant),
        fte=_sum(p.fte for p in known if p.fte is not None),
        fte_vacant=_sum(p.fte for p in known if p.vacant and p.fte is not None),
        fte_not_recorded=len(posts) - len(known),
    )


def _contracts_shown(posts: Sequence[Post]) -> list[str]:
    """Every contract type, and "not recorded" only when a post has it."""
    used = {p.contract for p in posts if not p.vacant}
    return [key for key, _ in CONTRACTS if key != "not_recorded" or key in used]


def staffing_table(posts: Sequence[Post], year: str = "") -> Table:
    """FTE by post and contract, vacant posts in their own column, and the totals."""
    contracts = _contracts_shown(posts)
    columns = (
        Column("post", "Post"),
        *(Column(key, CONTRACT_LABEL[key], "fte") for key in contracts),
        Column("vacant", "Vacant", "fte"),
        Column("total", "Total", "fte"),
    )
    titles: dict[str, str] = {}
    for p in posts:
        titles.setdefault(" ".join(p.post.lower().split()), p.post.strip())
    sums: list[list[Decimal]] = []
    for key in titles:
        mine = [p for p in posts if " ".join(p.post.lower().split()) == key]
        cells = [_fte(p for p in mine if not p.vacant and p.contract == k) for k in contracts]
        cells.append(_fte(p for p in mine if p.vacant))
        sums.append([*cells, _sum(cells)])
    rows = [(title, *cells) for title, cells in zip(titles.values(), sums, strict=True)]
    totals = [_sum(cells[i] for cells in sums) for i in range(len(columns) - 1)]
    return Table(
        f"Staffing by contract (FTE){_for(year)}",
        columns,
        tuple(rows),
        ("Total", *totals),
        tuple(_staffing_notes(posts)),
        () if posts else (f"No staffing is recorded{_for(year)}.",),
    )


def _fte(posts: Iterable[Post]) -> Decimal:
    return _sum(p.fte for p in posts if p.fte is not None)


def _staffing_notes(posts: Sequence[Post]) -> list[str]:
    totals = fte_totals(posts)
    notes = [
        f"{totals.posts} posts ({totals.fte:f} FTE), of which {totals.vacant} vacant "
        f"({totals.fte_vacant:f} FTE)."
    ]
    missing = [p.post for p in posts if p.fte is None]
    if missing:
        notes.append(
            f"The FTE is not recorded for {len(missing)} {'post' if len(missing) == 1 else 'posts'}"
            f" ({', '.join(missing)}): counted as posts, but not in the FTE figures."
        )
    part_time = sum(1 for p in posts if p.part_time)
    if part_time:
        notes.append(f"{part_time} of the posts {'is' if part_time == 1 else 'are'} part time.")
    return notes


def staff_posts_table(posts: Sequence[Post], personal: bool, year: str = "") -> Table:
    """Every post as recorded; sex and ethnicity only when ``personal`` (those who may see
    them: youth justice practitioners and admins)."""
    columns = [
        Column("post", "Post"),
        Column("contract", "Contract"),
        Column("part_time", "Part time"),
        Column("fte", "FTE", "fte"),
        Column("start_date", "Start date", "date"),
        Column("vacant", "Vacant"),
    ]
    if personal:
        columns += [Column("sex", "Sex"), Column("ethnicity", "Ethnicity"),
                    Column("ethnic_group", "Ethnic group")]  # fmt: skip
    rows = []
    for p in posts:
        row: list[Any] = [p.post, CONTRACT_LABEL[p.contract], "Yes" if p.part_time else "",
                          p.fte, p.start_date, "Yes" if p.vacant else ""]  # fmt: skip
        if personal:
            row += [dict(SEXES)[p.sex], p.ethnicity, p.ethnic_group]
        rows.append(tuple(row))
    return Table(f"Posts{_for(year)}", tuple(columns), tuple(rows), None,
                 tuple(_staffing_notes(posts)))  # fmt: skip


def staffing_diversity_table(posts: Sequence[Post], year: str = "") -> Table:
    """People in post (vacant posts left out) by ethnic group and sex: for those who may see
    staff's personal details only."""
    filled = [p for p in posts if not p.vacant]
    columns = (
        Column("ethnic_group", "Ethnic group"),
        *(Column(key, label, "count") for key, label in SEXES),
        Column("total", "Total", "count"),
    )
    counts: list[list[int]] = []
    for group in ETHNIC_GROUPS:
        by_sex = [sum(1 for p in filled if p.ethnic_group == group and p.sex == key)
                  for key, _ in SEXES]  # fmt: skip
        counts.append([*by_sex, sum(by_sex)])
    rows = [(group, *n) for group, n in zip(ETHNIC_GROUPS, counts, strict=True)]
    totals = [sum(n[i] for n in counts) for i in range(len(columns) - 1)]
    return Table(f"Staff in post by ethnic group and sex{_for(year)}", columns, tuple(rows),
                 ("Total", *totals))  # fmt: skip


# -- funding streams -------------------------------------------------------------------------

FUNDING_COLUMNS = (
    Column("stream", "Funding stream"),
    Column("project", "Project"),
    Column("cash", "Cash (£)", "money"),
    Column("in_kind", "In kind (£)", "money"),
    Column("total", "Total (£)", "money"),
    Column("actions", "Delivery plan actions"),
)


def funding_table(streams: Sequence[Stream], year: str = "") -> Table:
    """The partnership's funding streams by project, in cash and in kind, with the actions
    each funds."""
    rows = tuple(
        (s.stream, s.project, s.cash, s.in_kind, s.total, "; ".join(s.actions)) for s in streams
    )
    cash, in_kind = _sum(s.cash for s in streams), _sum(s.in_kind for s in streams)
    notes = tuple(f"{s.stream}, {s.project}: {s.note.strip()}." for s in streams if s.note.strip())
    return Table(f"Funding streams{_for(year)}", FUNDING_COLUMNS, rows,
                 ("Total", "", cash, in_kind, cash + in_kind, ""), notes)  # fmt: skip


# -- risks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskBand:
    key: str
    label: str
    lowest: int  # the lowest score in the band


# Likelihood x impact, each 1-5: 1-4 low, 5-10 medium, 12-16 high, 20-25 very high.
RISK_BANDS = (
    RiskBand("very_high", "Very high", 20),
    RiskBand("high", "High", 12),
    RiskBand("medium", "Medium", 5),
    RiskBand("low", "Low", 1),
)


def risk_score(likelihood: int, impact: int) -> int:
    """Likelihood times impact, each from 1 to 5."""
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValueError(f"likelihood and impact run from 1 to 5, not {likelihood}, {impact}")
    return likelihood * impact


def risk_band(score: int) -> RiskBand:
    for band in RISK_BANDS:
        if score >= band.lowest:
            return band
    raise ValueError(f"a risk score runs from 1 to 25, not {score}")


RISK_COLUMNS = (
    Column("reference", "Ref"),
    Column("risk", "Risk"),
    Column("cause", "Cause"),
    Column("consequence", "Consequence"),
    Column("owner", "Owner"),
    Column("likelihood", "Likelihood", "rating"),
    Column("impact", "Impact", "rating"),
    Column("score", "Score", "rating"),
    Column("band", "Rating"),
    Column("mitigation", "Mitigation"),
    Column("review_date", "Review date", "date"),
    Column("status", "Status"),
    Column("reviews", "Reviews"),
)


def review_run(reviews: Sequence[Review]) -> str:
    """The scores at each review, oldest first: "2019-04-01 16 (4×4); 2019-07-01 12 (3×4)"."""
    return "; ".join(
        f"{r.reviewed_on.isoformat()} {r.score} ({r.likelihood}×{r.impact})"
        + (f" {RISK_STATUS_LABEL[r.status].lower()}" if r.status != "open" else "")
        for r in reviews
    )


def risk_table(risks: Sequence[RiskEntry], today: date, include_closed: bool = False) -> Table:
    """The risk register, highest score first, with each risk's run of reviews; open risks
    only unless ``include_closed``."""
    shown = [r for r in risks if include_closed or r.status == "open"]
    shown.sort(key=lambda r: (r.status != "open", -r.score, r.reference))
    rows = tuple(
        (r.reference, r.risk, r.cause, r.consequence, r.owner, r.likelihood, r.impact, r.score,
         risk_band(r.score).label, r.mitigation, r.review_date, RISK_STATUS_LABEL[r.status],
         review_run(r.reviews))
        for r in shown
    )  # fmt: skip
    return Table("Risk register", RISK_COLUMNS, rows, None, tuple(_risk_notes(risks, today)))


def _risk_notes(risks: Sequence[RiskEntry], today: date) -> list[str]:
    open_risks = [r for r in risks if r.status == "open"]
    counts = [
        f"{n} {band.label.lower()}"
        for band in RISK_BANDS
        if (n := sum(1 for r in open_risks if risk_band(r.score) == band))
    ]
    notes = [f"{len(open_risks)} open risks" + (f": {', '.join(counts)}." if counts else ".")]
    overdue = [r for r in open_risks if r.review_date is not None and r.review_date < today]
    if overdue:
        notes.append(
            "Past their review date: "
            + ", ".join(f"{r.reference} ({r.review_date})" for r in overdue)
            + "."
        )
    closed = len(risks) - len(open_risks)
    if closed:
        notes.append(f"{closed} closed {'risk' if closed == 1 else 'risks'}.")
    return notes
