"""Governance records for tests, taken from Harrow's published papers: the Youth Justice
Plan 2019-20's consultation questionnaire, its consultation and engagement events, its YOT
Board's seats (Harrow Council Cabinet, 11 July 2019, Youth Justice Plan appendices; members
named by their role, not by name), and questions promised answers at Harrow's Overview and
Scrutiny Committee on 27 June 2017 (minute 225). Each builder runs in the partnership's
scope and returns the records it made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from saferplan.accounts.models import Partnership
from saferplan.governance.models import (
    AgendaItem,
    Answer,
    Attendance,
    Body,
    BodyMember,
    ConsultationEvent,
    Invitation,
    ItemKind,
    Meeting,
    MeetingAction,
    Question,
    Questionnaire,
    QuestionnaireItem,
    Response,
)

# Harrow's questionnaire (Youth Justice Plan 2019-20), in its order and wording.
HARROW_ITEMS = [
    (ItemKind.YES_NO_PARTIALLY, "Are the strategic objectives the right ones?", []),
    (ItemKind.YES_NO_PARTIALLY, "Is the delivery approach the right one?", []),
    (ItemKind.YES_NO_PARTIALLY, "Is Harrow's YOT Partnership Board effectively established?", []),
    (ItemKind.FREE_TEXT, "How could it be improved?", []),
    (ItemKind.FREE_TEXT, "Which other groups should be represented or involved?", []),
    (ItemKind.FREE_TEXT, "How else can the Youth Justice Plan be improved?", []),
    (ItemKind.CONTACT, "Would you like to be involved in contributing to, producing or reviewing "
                       "the Youth Justice Delivery Plan or future Youth Justice Plans?", []),
    (ItemKind.CHANNELS, "How should we publicise opportunities to be involved with co-producing "
                        "and monitoring the effectiveness of these plans in future?", []),
]  # fmt: skip

# (seat, board role, organisation it represents): 19 seats of the YOT Board (l.2284-2422).
HARROW_BOARD = [
    ("Corporate Director People's Services", "Chair", "Harrow Council"),
    ("Head of Community and Public Protection", "Deputy Chair", "Harrow Council"),
    ("Divisional Director Strategy", "", "Harrow Council"),
    ("Senior Officers, National Probation Service", "", "National Probation Service"),
    ("CEO, Young Harrow Foundation", "", "Voluntary sector"),
    ("Head of Business Intelligence", "", "Harrow Council"),
    ("Service Manager, COMPASS Harrow", "", "Voluntary sector"),
    ("Team Manager, YOT", "", "Harrow Council"),
    ("YOTs Lead, NW BCU", "", "Metropolitan Police"),
    ("Community Safety", "", "Harrow Council"),
    ("Trustee, Ignite Trust", "", "Voluntary sector"),
    ("Service Manager, Brent and Harrow CAMHS", "", "Health"),
    ("Head of Youth Offending Team and Early Support", "", "Harrow Council"),
    ("Head of Virtual School", "", "Education"),
    ("Youth Magistrate, NW London Youth Panel", "", "Judiciary"),
    ("Head Teacher, The Helix Pupil Referral Unit", "", "Education"),
    ("Divisional Director, Children & Young People", "", "Harrow Council"),
    ("Business Intelligence Officer", "", "Harrow Council"),
    ("Designated Nurse Safeguarding Children, Harrow CCG", "", "Health"),
]

# Consultation and engagement events 2019 (l.198-236, 661-710), a few of them.
HARROW_EVENTS = [
    (date(2019, 4, 26), "", "Engagement workshop to review the priorities and delivery plan",
     ConsultationEvent.Kind.WORKSHOP, "All partners, stakeholders and services"),
    (date(2019, 5, 1), "", "Attended the Youth Parliament meeting",
     ConsultationEvent.Kind.YOUTH, "Harrow Youth Parliament"),
    (None, "", "Liaised with the Regeneration team on designing out crime",
     ConsultationEvent.Kind.MEETING, "Regeneration team"),
    (date(2019, 6, 21), "", "Final session with the Youth Offending Partnership Board",
     ConsultationEvent.Kind.MEETING, "YOT Board"),
    (None, "May-June 2019", "Further consultation with young people",
     ConsultationEvent.Kind.YOUTH, "Early Support Hubs and Youth Parliament"),
]  # fmt: skip

# Promised at Overview and Scrutiny, 27 June 2017 (minute 225 (h) and (j)).
SCRUTINY_QUESTIONS = [
    ("Have any prosecutions for female genital mutilation been initiated in the borough?",
     "Superintendent, Metropolitan Police"),
    ("Has the CCTV sustainability project been reported to the London Crime Board?",
     "Head of Community and Public Protection"),
]  # fmt: skip


def harrow_questionnaire(
    partnership: Partnership, title: str = "Youth Justice Plan 2019-20 consultation"
) -> Questionnaire:
    """Published, closing in a month, with the Harrow questions."""
    q = Questionnaire.objects.create(
        partnership=partnership,
        title=title,
        introduction="Tell us what you think of the draft plan.",
        closes_on=timezone.localdate() + timedelta(days=30),
        published_on=timezone.now(),
    )
    for number, (kind, text, choices) in enumerate(HARROW_ITEMS, start=1):
        QuestionnaireItem.objects.create(
            questionnaire=q, number=number, kind=kind, text=text, choices=choices,
            allow_other=kind == ItemKind.CHANNELS,
        )  # fmt: skip
    return q


def harrow_board(partnership: Partnership, name: str = "YOT Management Board") -> Body:
    body = Body.objects.create(partnership=partnership, name=name, kind=Body.Kind.YOT_BOARD)
    for person, role, organisation in HARROW_BOARD:
        BodyMember.objects.create(body=body, person=person, role=role, organisation=organisation)
    return body


@dataclass
class Sample:
    """One of everything, with ``marker`` in its texts, and the ids the URLs take."""

    ids: dict[str, object]


def one_of_everything(partnership: Partnership, marker: str) -> Sample:
    """A body with a member, a meeting with an agenda item, attendance and an action, a
    question, a published questionnaire with a response (consenting, so with an email and
    a withdrawal link) and an unused single-use link, and a consultation event."""
    body = Body.objects.create(
        partnership=partnership, name=f"{marker} board", kind=Body.Kind.YOT_BOARD
    )
    member = BodyMember.objects.create(body=body, person=f"{marker} chair", organisation="Police")
    meeting = Meeting.objects.create(
        body=body, held_on=date(2019, 5, 10), title=f"{marker} meeting"
    )
    item = AgendaItem.objects.create(meeting=meeting, number=1, title=f"{marker} agenda item")
    Attendance.objects.create(meeting=meeting, member=member, status="present")
    action = MeetingAction.objects.create(
        meeting=meeting, agenda_item=item, text=f"{marker} action arising", owner_text="Chair",
        due_on=date(2019, 6, 1),
    )  # fmt: skip
    question = Question.objects.create(
        partnership=partnership, forum="Overview and Scrutiny", meeting=meeting,
        raised_on=date(2017, 6, 27), raised_by="Councillor", question=f"{marker} question",
        answerer="Superintendent", due_on=date(2017, 9, 19),
    )  # fmt: skip
    q = harrow_questionnaire(partnership, title="Youth Justice Plan consultation")
    response = Response.objects.create(
        questionnaire=q, via="open", nonce=f"{marker}-nonce", contact_email="someone@example.org",
        withdraw_token=f"withdraw-{partnership.pk}",
    )  # fmt: skip
    first, free = q.items.get(number=1), q.items.get(number=4)
    Answer.objects.create(response=response, item=first, choice="yes", text=f"{marker} comment")
    Answer.objects.create(response=response, item=free, text=f"{marker} free text")
    invitation = Invitation.objects.create(questionnaire=q, label="Partners")
    event = ConsultationEvent.objects.create(
        partnership=partnership, held_on=date(2019, 4, 26), title=f"{marker} workshop",
        kind="workshop", audience="Partners", heard=f"{marker} heard", questionnaire=q,
    )  # fmt: skip
    return Sample(
        {"body_id": body.pk, "member_id": member.pk, "meeting_id": meeting.pk,
         "meeting_action_id": action.pk, "question_id": question.pk, "questionnaire_id": q.pk,
         "item_id": first.pk, "event_id": event.pk, "slug": q.slug,
         "invitation": invitation.token, "withdrawal": response.withdraw_token}
    )  # fmt: skip
