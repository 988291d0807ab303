"""The partnership's governance records, read from the database (in the partnership's
scope) into the plain records that ``governance.tables`` and ``governance.results`` work on.

For a document: ``tables.board_membership_and_attendance(*board(), start, end)``,
``tables.consultation_results(*questionnaire(q))``, ``tables.consultation_events(events())``
and ``tables.questions_outstanding(questions(), today)``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from saferplan.governance import tables
from saferplan.governance.models import (
    Answer,
    Attendance,
    Body,
    BodyMember,
    ConsultationEvent,
    Meeting,
    Question,
    Questionnaire,
)
from saferplan.governance.results import Given, ItemSpec


def board(
    body: Body | None = None,
) -> tuple[list[tables.MemberRecord], list[tables.MeetingRecord]]:
    """A body's members and meetings (by default the partnership's YOT management boards)."""
    bodies = [body] if body is not None else list(Body.objects.filter(kind=Body.Kind.YOT_BOARD))
    members = [
        tables.MemberRecord(m.pk, m.person, m.role, m.organisation, m.starts_on, m.ends_on)
        for m in BodyMember.objects.filter(body__in=bodies).order_by("organisation", "person")
    ]
    statuses: dict[int, dict[int, str]] = {}
    for meeting_id, member_id, status in Attendance.objects.filter(
        meeting__body__in=bodies
    ).values_list("meeting_id", "member_id", "status"):
        statuses.setdefault(meeting_id, {})[member_id] = status
    meetings = [
        tables.MeetingRecord(pk, held_on, statuses.get(pk, {}))
        for pk, held_on in Meeting.objects.filter(body__in=bodies).values_list("pk", "held_on")
    ]
    return members, meetings


def board_attendance_table(start: date, end: date) -> Any:
    """The YOT management boards' partner places in [start, end] as the KPI's table
    (``meeting_date, partner, attended``), or None when no meeting in it has attendance
    recorded (the KPI then uses the imported extract)."""
    import pandas as pd

    places = tables.partner_places(*board(), start, end)
    if not places:
        return None
    return pd.DataFrame(
        [(p.meeting_date, p.partner, p.attended) for p in places],
        columns=["meeting_date", "partner", "attended"],
    )


def items(questionnaire: Questionnaire) -> list[ItemSpec]:
    return [
        ItemSpec(i.pk, i.number, i.kind, i.text, i.options()) for i in questionnaire.items.all()
    ]


def questionnaire(q: Questionnaire) -> tuple[str, list[ItemSpec], list[Given], int]:
    """(title, items, answers, respondents): the arguments of ``consultation_results``."""
    answers = [
        Given(item, choice, tuple(choices or ()), text)
        for item, choice, choices, text in Answer.objects.filter(
            response__questionnaire=q
        ).values_list("item_id", "choice", "choices", "text")
    ]
    return q.title, items(q), answers, q.responses.count()


def events() -> list[tables.EventRecord]:
    return [
        tables.EventRecord(e.held_on, e.when, e.title, e.get_kind_display(), e.audience, e.heard)
        for e in ConsultationEvent.objects.all()
    ]


def questions() -> list[tables.QuestionRecord]:
    return [
        tables.QuestionRecord(q.raised_on, q.forum, q.raised_by, q.question, q.answerer,
                              q.due_on, q.status, q.answer, q.answered_on)
        for q in Question.objects.all()
    ]  # fmt: skip
