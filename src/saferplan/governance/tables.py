"""The blocks a Youth Justice Plan (or any governance document) prints from these records:
board membership and attendance, consultation results, consultation events, and questions
and promises outstanding. Pure functions over plain records (``governance.reading`` reads
them from the database), returning rows and, where a chart fits, the chart's figures; no
rendering here.

Board attendance counts partner places as the YJB key performance indicator does (the
registry's ``kpi_board_attendance``): one place per partner (the organisation a member
represents) at each meeting with attendance recorded, attended when any of its members
was present or sent a deputy. :func:`partner_places` is what the KPI itself is computed
from, so the plan's table and the indicator cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from saferplan.governance.results import Given, ItemResult, ItemSpec, share, tabulate

REPRESENTED = frozenset({"present", "deputy"})


@dataclass(frozen=True)
class MemberRecord:
    id: int
    person: str
    role: str
    organisation: str
    starts_on: date | None = None
    ends_on: date | None = None

    def sits_on(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    held_on: date
    attendance: dict[int, str] = field(default_factory=dict)  # member id -> status


@dataclass(frozen=True)
class BarChart:
    """A small bar chart's figures: one bar (or stack) per category."""

    title: str
    categories: list[str]
    series: dict[str, list[int]]  # series label -> a value per category


# ---- Board membership and attendance ------------------------------------------------------


@dataclass(frozen=True)
class Place:
    meeting_date: date
    partner: str
    attended: bool


def _meetings_in(meetings: Iterable[MeetingRecord], start: date, end: date) -> list[MeetingRecord]:
    return sorted(
        (m for m in meetings if start <= m.held_on <= end and m.attendance),
        key=lambda m: (m.held_on, m.id),
    )


def partner_places(
    members: Sequence[MemberRecord], meetings: Iterable[MeetingRecord], start: date, end: date
) -> list[Place]:
    """Each partner's place at each meeting in [start, end] whose attendance was recorded."""
    by_id = {m.id: m for m in members}
    places = []
    for meeting in _meetings_in(meetings, start, end):
        partners: dict[str, bool] = {}
        for member_id, status in meeting.attendance.items():
            member = by_id.get(member_id)
            if member is None:
                continue
            partners[member.organisation] = partners.get(member.organisation, False) or (
                status in REPRESENTED
            )
        places += [Place(meeting.held_on, p, a) for p, a in sorted(partners.items())]
    return places


@dataclass(frozen=True)
class MemberRow:
    person: str
    role: str
    organisation: str
    meetings: int  # meetings in the period while a member, with attendance recorded
    present: int
    deputy: int
    apologies: int
    absent: int
    share: Decimal | None  # % of those meetings attended in person or by deputy


@dataclass(frozen=True)
class BoardTable:
    rows: list[MemberRow]
    meetings: int
    places: int  # partner places (the KPI's denominator)
    attended: int  # of them, attended (the KPI's numerator)
    share: Decimal | None
    chart: BarChart


def board_membership_and_attendance(
    members: Sequence[MemberRecord], meetings: Iterable[MeetingRecord], start: date, end: date
) -> BoardTable:
    """The board's members in the period (anyone who sat on it at some time in it) with
    each one's attendance, and the partner places attended (as the KPI counts them)."""
    held = _meetings_in(meetings, start, end)
    rows = []
    for member in members:
        if not _overlaps(member, start, end):
            continue
        statuses = [m.attendance[member.id] for m in held if member.id in m.attendance]
        n = {s: statuses.count(s) for s in ("present", "deputy", "apologies", "absent")}
        rows.append(
            MemberRow(member.person, member.role, member.organisation, len(statuses),
                      n["present"], n["deputy"], n["apologies"], n["absent"],
                      share(n["present"] + n["deputy"], len(statuses)))
        )  # fmt: skip
    places = partner_places(members, held, start, end)
    attended = sum(p.attended for p in places)
    return BoardTable(
        rows, len(held), len(places), attended, share(attended, len(places)), _board_chart(places)
    )


def _overlaps(member: MemberRecord, start: date, end: date) -> bool:
    return (member.starts_on is None or member.starts_on <= end) and (
        member.ends_on is None or member.ends_on >= start
    )


def _board_chart(places: list[Place]) -> BarChart:
    dates = sorted({p.meeting_date for p in places})
    labels = [f"{d:%-d %b %Y}" for d in dates]
    attended = [sum(p.attended for p in places if p.meeting_date == d) for d in dates]
    missed = [sum(not p.attended for p in places if p.meeting_date == d) for d in dates]
    return BarChart("Partners attending each board meeting", labels,
                    {"Attended": attended, "Not represented": missed})  # fmt: skip


# ---- Consultation results and events -----------------------------------------------------


@dataclass(frozen=True)
class ConsultationResults:
    title: str
    respondents: int
    items: list[ItemResult]
    charts: list[BarChart]


def consultation_results(
    title: str, items: Sequence[ItemSpec], answers: Iterable[Given], respondents: int
) -> ConsultationResults:
    """Per question: counts and shares of each answer (Yes / No / Partially and the other
    choices), the free text listed; a chart of the Yes / No / Partially questions."""
    results = tabulate(items, answers, respondents)
    ynp = [r for r in results if r.kind == "ynp"]
    charts = []
    if ynp:
        labels = [c.label for c in ynp[0].counts]
        charts.append(
            BarChart(
                "Answers to the Yes / No / Partially questions",
                [f"Q{r.number}" for r in ynp],
                {label: [r.counts[i].count for r in ynp] for i, label in enumerate(labels)},
            )
        )
    return ConsultationResults(title, respondents, results, charts)


@dataclass(frozen=True)
class EventRecord:
    held_on: date | None
    when: str  # as the plan prints it ("May-June 2019", or the date)
    title: str
    kind: str  # its label
    audience: str
    heard: str


def consultation_events(
    events: Iterable[EventRecord], start: date | None = None, end: date | None = None
) -> list[EventRecord]:
    """The events in date order (undated ones, which a period cannot place, last); with a
    period, the dated events in it and every undated one."""

    def kept(e: EventRecord) -> bool:
        if e.held_on is None:
            return True
        return (start is None or e.held_on >= start) and (end is None or e.held_on <= end)

    return sorted(
        (e for e in events if kept(e)),
        key=lambda e: (e.held_on is None, e.held_on or date.min, e.title),
    )


# ---- Questions and promises outstanding ----------------------------------------------------


@dataclass(frozen=True)
class QuestionRecord:
    raised_on: date
    forum: str
    raised_by: str
    question: str
    answerer: str
    due_on: date | None
    status: str  # open | answered | withdrawn
    answer: str = ""
    answered_on: date | None = None


@dataclass(frozen=True)
class OutstandingRow:
    raised_on: date
    forum: str
    raised_by: str
    question: str
    answerer: str
    due_on: date | None
    days_overdue: int  # 0 when not yet due (or no date promised)


def questions_outstanding(questions: Iterable[QuestionRecord], today: date) -> list[OutstandingRow]:
    """Questions still awaiting an answer, most overdue first, then by date raised."""
    rows = [
        OutstandingRow(q.raised_on, q.forum, q.raised_by, q.question, q.answerer, q.due_on,
                       max((today - q.due_on).days, 0) if q.due_on else 0)
        for q in questions
        if q.status == "open"
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-r.days_overdue, r.raised_on, r.question))
