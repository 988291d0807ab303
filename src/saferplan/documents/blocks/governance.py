"""Governance blocks: the board's membership and attendance, the questions and promises
still outstanding, and the consultation events, from the partnership's governance records
(``governance.reading`` and ``governance.tables``).

Attendance is counted from the board's own meeting records when any meeting in the period
has attendance recorded; otherwise the block says so and prints the imported youth justice
extract's board attendance (the YJB key performance indicator) instead, naming which
source each table came from. Figures read from these records carry the build's date as
their data date: the records are read as they stand when the document is built.
"""

from __future__ import annotations

from datetime import date

from saferplan.core.periods import parse_period
from saferplan.documents.blocks import Part, block, items, note, sentence, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, text
from saferplan.documents.template import BlockUse
from saferplan.governance import tables
from saferplan.governance.results import ItemResult

RECORDS = "the board's meeting records in saferplan"
EXTRACT = "the imported youth justice extract's board attendance"
BOARDS = {"yot_board": "youth justice management board", "partnership_board": "partnership board"}
STATUSES = ("present", "deputy", "apologies", "absent")
COLUMNS = [
    "Member",
    "Role",
    "Organisation",
    "Meetings",
    "Present",
    "Deputy",
    "Apologies",
    "Absent",
    "Attended",
]


def review_dates(ctx: Context) -> tuple[date, date, str]:
    """The year the plan reviews: its first and last day, and its label."""
    from saferplan.youthjustice.local import month_end

    period = parse_period(ctx.review)
    return period.first, month_end(period.last), period.label


@block(
    "board_membership_and_attendance",
    "Board membership and each member's attendance",
    "board meeting records (else the imported extract's board attendance)",
    params=("board",),
)
def board_membership_and_attendance(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.governance.models import Body
    from saferplan.governance.reading import board

    kind = use.param("board", "yot_board")
    start, end, label = review_dates(ctx)
    parts: list[Part] = []
    recorded = False
    for n, body in enumerate(Body.objects.filter(kind=kind).order_by("name", "pk"), start=1):
        found = tables.board_membership_and_attendance(*board(body), start, end)
        if found.meetings:
            recorded = True
            parts += _board_parts(ctx, book, f"governance.board{n}", body.name, found, label)
        elif found.rows:
            rows = [[text(r.person), text(r.role), text(r.organisation)] for r in found.rows]
            parts.append(table(f"{body.name}: members", ["Member", "Role", "Organisation"], rows))
    if recorded:
        return parts
    what = BOARDS.get(kind, kind.replace("_", " "))
    parts.append(note(f"No meetings of the {what} with attendance are recorded for {label}."))
    if kind != "yot_board":
        return parts
    from saferplan.documents.blocks.caseload import board_attendance

    parts.append(note(f"The attendance below is from {EXTRACT} (the YJB indicator)."))
    return parts + board_attendance(ctx, use, book)


def _board_parts(
    ctx: Context, book: Book, prefix: str, name: str, found: tables.BoardTable, label: str
) -> list[Part]:
    def count(fid: str, value: int, what: str) -> str:
        return book.base(fid, value, "count", what, label, ctx.as_at, source=RECORDS)

    def rate(fid: str, attended: str, of: str, what: str) -> str:
        return book.derived(
            fid, "ratio", [attended, of], "percent", what, "%", scale=100, decimals=1
        )

    lines = []
    for i, row in enumerate(found.rows, start=1):
        p = f"{prefix}.{slug(row.person)}-{i}"
        n = {s: count(f"{p}.{s}", getattr(row, s), f"{row.person}: {s}") for s in STATUSES}
        held = count(f"{p}.meetings", row.meetings, f"{row.person}: meetings")
        came = book.derived(
            f"{p}.represented",
            "sum",
            [n["present"], n["deputy"]],
            "count",
            f"{row.person}: present or by deputy",
        )
        lines.append(
            [text(row.person), text(row.role), text(row.organisation), cell(held)]
            + [cell(n[s]) for s in STATUSES]
            + [cell(rate(f"{p}.rate", came, held, f"{row.person}: attendance"))]
        )
    places = count(f"{prefix}.places", found.places, f"{name}: partner places")
    attended = count(f"{prefix}.attended", found.attended, f"{name}: partner places attended")
    summary = sentence(
        book,
        "{name} met {meetings} times in {period}; partners were represented at {attended} "
        "of their {places} places ({rate}).",
        {"name": name, "period": label},
        meetings=count(f"{prefix}.meetings", found.meetings, f"{name}: meetings"),
        attended=attended,
        places=places,
        rate=rate(f"{prefix}.rate", attended, places, f"{name}: partner attendance"),
    )
    source = f"Source: {RECORDS}. Attended: present in person or by deputy."
    title = f"{name}: membership and attendance, {label}"
    return [table(title, COLUMNS, lines, note=source), items("", [summary])]


@block(
    "questions_outstanding",
    "Questions and promises outstanding (the questions log)",
    "the questions and promises log",
)
def questions_outstanding(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.governance.reading import questions

    today = ctx.generated
    found = tables.questions_outstanding(questions(), today)
    when = f"at {today:%-d %B %Y}"
    source = "the questions and promises log"
    lines = []
    for i, q in enumerate(found, start=1):
        late = book.base(
            f"questions.q{i}.days-overdue",
            q.days_overdue,
            "count",
            f"Question {i}: days overdue",
            when,
            ctx.as_at,
            source=source,
        )
        lines.append(
            [
                text(f"{q.raised_on:%-d %b %Y}"),
                text(q.forum),
                text(q.raised_by),
                text(q.question),
                text(q.answerer),
                text(f"{q.due_on:%-d %b %Y}" if q.due_on else "No date given"),
                cell(late),
            ]
        )
    parts: list[Part] = []
    if found:
        waiting = book.base(
            "questions.outstanding",
            len(found),
            "count",
            "Questions awaiting an answer",
            when,
            ctx.as_at,
            source=source,
        )
        overdue = book.base(
            "questions.overdue",
            sum(q.days_overdue > 0 for q in found),
            "count",
            "Questions past the date promised",
            when,
            ctx.as_at,
            source=source,
        )
        parts.append(
            items(
                "",
                [
                    sentence(
                        book,
                        "{waiting} questions await an answer {when}; {overdue} are "
                        "past the date promised.",
                        {"when": when},
                        waiting=waiting,
                        overdue=overdue,
                    )
                ],
            )
        )
    columns = ["Raised", "Where", "Raised by", "Question", "Who answers", "Due", "Days overdue"]
    parts.append(
        table(
            f"Questions and promises outstanding {when}",
            columns,
            lines,
            empty="No questions are awaiting an answer.",
        )
    )
    return parts


FEEDBACK_COLUMNS = ["Raised by", "Comment", "Response", "Change made", "Owner", "Due", "Status"]


@block(
    "scrutiny_feedback",
    "Responding to Scrutiny's feedback (comments on earlier editions)",
    "comments raised on the earlier editions of the document",
)
def scrutiny_feedback(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.editions.comments import feedback_for_build, feedback_title

    found = feedback_for_build(ctx.document, ctx.year_label, "public")
    lines = []
    for row in found:
        awaiting = row.outcome == "Awaiting a response"
        status = "Overdue" if awaiting and row.overdue else "Open" if awaiting else "Answered"
        change = "" if awaiting else row.outcome
        lines.append(
            [
                text(f"{row.raised_by}, {row.raised_on:%-d %b %Y} (on {row.on})"),
                text(row.comment),
                text(row.response or "–"),
                text(change or "–"),
                text(row.owner),
                text(f"{row.due_on:%-d %b %Y}"),
                text(status),
            ]
        )
    parts: list[Part] = []
    if found:
        when = f"by {ctx.generated:%-d %B %Y}"
        source = "comments on earlier editions"
        raised = book.base(
            "feedback.comments",
            len(found),
            "count",
            "Comments raised",
            when,
            ctx.as_at,
            source=source,
        )
        open_ = book.base(
            "feedback.open",
            sum(r.outcome == "Awaiting a response" for r in found),
            "count",
            "Comments awaiting a response",
            when,
            ctx.as_at,
            source=source,
        )
        parts.append(
            items(
                "",
                [
                    sentence(
                        book,
                        "{raised} comments were raised on earlier editions; "
                        "{open} await a response.",
                        raised=raised,
                        open=open_,
                    )
                ],
            )
        )
    title = feedback_title(found) if found else "Responding to Scrutiny's feedback"
    parts.append(
        table(title, FEEDBACK_COLUMNS, lines, empty="No comments were raised on earlier editions.")
    )
    return parts


@block(
    "consultation_events",
    "Consultation events: workshops, youth parliament sessions and what was heard",
    "the consultation events log",
)
def consultation_events(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    """The events of the year the plan reviews and of the plan's own year (when the plan
    was consulted on), undated ones last."""
    from saferplan.governance.reading import events
    from saferplan.youthjustice.local import month_end

    start, _, _ = review_dates(ctx)
    end = month_end(parse_period(ctx.year).last)
    found = tables.consultation_events(events(), start, end)
    rows = [
        [text(e.when or (f"{e.held_on:%-d %b %Y}" if e.held_on else "")), text(e.title),
         text(e.kind), text(e.audience), text(e.heard or "–")]
        for e in found
    ]  # fmt: skip
    columns = ["When", "Event", "Kind", "Who took part", "What was heard"]
    return [
        table(
            "Consultation events",
            columns,
            rows,
            empty="No consultation events are recorded for the year.",
        )
    ]


@block(
    "consultation_results",
    "Consultation results: each question's answers, and what people wrote",
    "the consultation questionnaires' responses",
)
def consultation_results(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    """Every questionnaire closing in the year reviewed or the plan's own year: per
    question, how many gave each answer and their share of those who answered it, and the
    free text (never the contact question's, which may hold an email address)."""
    from saferplan.governance.models import Questionnaire
    from saferplan.governance.reading import questionnaire
    from saferplan.youthjustice.local import month_end

    start, _, _ = review_dates(ctx)
    end = month_end(parse_period(ctx.year).last)
    chosen = Questionnaire.objects.filter(closes_on__gte=start, closes_on__lte=end)
    parts: list[Part] = []
    for n, q in enumerate(chosen.order_by("closes_on", "pk"), start=1):
        found = tables.consultation_results(*questionnaire(q))
        for result in found.items:
            parts += _item_parts(ctx, book, f"consultation.q{n}.i{result.number}", found, result)
    return parts or [note("No consultation closed in the year.")]


def _item_parts(
    ctx: Context, book: Book, prefix: str, found: tables.ConsultationResults, result: ItemResult
) -> list[Part]:
    period = f"{found.title} (closed)"
    source = f"responses to “{found.title}”"

    def count(fid: str, value: int, what: str) -> str:
        return book.base(fid, value, "count", what, period, ctx.as_at, source=source)

    answered = count(f"{prefix}.answered", result.answered, f"Q{result.number}: answered")
    rows = []
    for c in result.counts:
        n = count(f"{prefix}.{slug(c.value)}", c.count, f"Q{result.number}: {c.label}")
        share = book.derived(f"{prefix}.{slug(c.value)}.share", "ratio", [n, answered],
                             "percent", f"Q{result.number}: {c.label}, share", "%", scale=100,
                             decimals=1)  # fmt: skip
        rows.append([text(c.label), cell(n), cell(share)])
    title = f"{found.title}, question {result.number}: {result.text}"
    parts: list[Part] = []
    if rows:
        parts.append(table(title, ["Answer", "Number", "% of those who answered"], rows))
    if result.texts and result.kind != "contact":
        wrote = [[text(t)] for t in result.texts]
        parts.append(table(f"{title}: what people wrote", ["In their words"], wrote))
    return parts
