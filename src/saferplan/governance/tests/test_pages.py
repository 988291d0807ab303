"""The staff pages: logging and answering questions, meetings and their actions, building
and publishing questionnaires, their results and exports; every change audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from saferplan.accounts.models import AuditEvent
from saferplan.governance.models import (
    Answer,
    Body,
    Question,
    Questionnaire,
    Response,
)
from saferplan.governance.tests.samples import (
    SCRUTINY_QUESTIONS,
    harrow_board,
    harrow_questionnaire,
)

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


def _question_form(**overrides: object) -> dict[str, object]:
    text, answerer = SCRUTINY_QUESTIONS[0]
    return {"forum": "Overview and Scrutiny Committee", "raised_on": "2017-06-27",
            "raised_by": "Councillor", "question": text, "answerer": answerer,
            "status": "open", "version": "", **overrides}  # fmt: skip


def test_a_promised_answer_is_logged_flagged_when_overdue_and_answered(demo_scope) -> None:
    analyst = client_for("analyst")
    due = timezone.localdate() - timedelta(days=3)
    owner = _user("council-lead")
    response = analyst.post(
        "/questions/new/", _question_form(owner=owner.pk, due_on=due.isoformat())
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.partnership, question.owner, question.due_on) == (demo_scope, owner, due)
    home = client_for("council-lead").get("/").content.decode()
    assert "You own 1 overdue answer or action" in home and f"/questions/{question.pk}/" in home
    assert "3 days overdue" in home
    assert "overdue answer" not in client_for("police-lead").get("/").content.decode()
    log = analyst.get("/questions/").content.decode()
    assert "Overdue" in log and "female genital mutilation" in log
    # The owner records the answer; board members and other leads may not.
    assert client_for("police-lead").get(f"/questions/{question.pk}/answer/").status_code == 403
    answer = {"answer": "No prosecutions have been initiated.", "answered_on": "2017-07-10",
              "version": question.version}  # fmt: skip
    assert (
        client_for("council-lead").post(f"/questions/{question.pk}/answer/", answer).status_code
        == 302
    )
    question.refresh_from_db()
    assert (question.status, question.version) == ("answered", 2)
    assert "overdue answer" not in client_for("council-lead").get("/").content.decode()
    events = list(AuditEvent.objects.filter(model="governance.Question").order_by("id"))
    assert [(e.action, e.user.username) for e in events] == [
        ("created", "analyst"),
        ("changed", "council-lead"),
    ]
    assert events[1].before["status"] == "open" and events[1].after["status"] == "answered"


def test_two_people_editing_a_question_at_once_do_not_overwrite(demo_scope) -> None:
    analyst, admin = client_for("analyst"), client_for("admin")
    analyst.post("/questions/new/", _question_form())
    question = Question.objects.get()
    opened = question.version
    first = analyst.post(
        f"/questions/{question.pk}/edit/",
        _question_form(answerer="Borough Commander", version=opened),
    )
    assert first.status_code == 302
    second = admin.post(
        f"/questions/{question.pk}/edit/", _question_form(answerer="Someone else", version=opened)
    )
    assert second.status_code == 409 and "Someone else changed this" in second.content.decode()
    assert "Borough Commander" in second.content.decode()  # the form shows their version
    question.refresh_from_db()
    assert question.answerer == "Borough Commander"


def test_an_answered_question_needs_its_answer(demo_scope) -> None:
    page = client_for("analyst").post("/questions/new/", _question_form(status="answered"))
    assert page.status_code == 400 and "Enter the answer given" in page.content.decode()
    assert not Question.objects.exists()


def test_the_log_exports_as_word_and_excel_with_formulas_kept_as_text(demo_scope) -> None:
    from docx import Document
    from openpyxl import load_workbook

    client = client_for("analyst")
    client.post("/questions/new/", _question_form(question='=HYPERLINK("http://x.example","Click")',
                                                  due_on="2017-07-27"))  # fmt: skip
    client.post("/questions/new/", _question_form(question=SCRUTINY_QUESTIONS[1][0]))
    sheet = load_workbook(io.BytesIO(client_for("board").get("/questions/log.xlsx").content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    cells = {c.value: c for row in sheet.iter_rows(min_row=3) for c in row}
    formula = cells['=HYPERLINK("http://x.example","Click")']
    assert formula.data_type == "s"  # text, not a formula Excel would run
    assert {r[3] for r in rows} == {
        '=HYPERLINK("http://x.example","Click")',
        SCRUTINY_QUESTIONS[1][0],
    }
    overdue = next(r for r in rows if r[5] == "27 Jul 2017")
    assert overdue[6].startswith("Awaiting an answer (overdue by")
    word = Document(io.BytesIO(client_for("board").get("/questions/log.docx").content))
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells][:4] == [
        "Raised",
        "Meeting or committee",
        "Raised by",
        "Question or challenge",
    ]
    assert len(table.rows) == 3
    assert SCRUTINY_QUESTIONS[1][0] in {c.text for row in table.rows for c in row.cells}
    assert (
        AuditEvent.objects.filter(
            action="exported", summary="questions log", model="governance"
        ).count()
        == 2
    )


def test_youth_justice_practitioners_record_the_yot_board_and_its_actions(demo_scope) -> None:
    from saferplan.plans.models import Action

    board = harrow_board(demo_scope)
    yot = client_for("yot")
    assert (
        yot.post(
            f"/bodies/{board.pk}/meetings/new/", {"held_on": "2019-06-21", "title": "Final session"}
        ).status_code
        == 302
    )
    meeting = board.meetings.get()
    assert (
        yot.post(
            f"/meetings/{meeting.pk}/agenda/new/",
            {"number": 1, "title": "Youth Justice Plan 2019-20"},
        ).status_code
        == 302
    )
    members = list(board.members.all())
    form = {f"status-{m.pk}": "present" for m in members}
    form[f"status-{members[0].pk}"] = "deputy"
    form[f"deputy-{members[0].pk}"] = "Deputy Director"
    form[f"status-{members[1].pk}"] = "apologies"
    assert yot.post(f"/meetings/{meeting.pk}/attendance/", form).status_code == 302
    assert (
        meeting.attendance.count() == 19
        and meeting.attendance.get(member=members[0]).deputy == "Deputy Director"
    )
    plan_action = Action.objects.filter(lead_organisation__isnull=False).first()
    due = (timezone.localdate() - timedelta(days=1)).isoformat()
    added = yot.post(f"/meetings/{meeting.pk}/actions/new/", {
        "text": "Send the final plan to the YJB", "owner_text": "Head of YOT",
        "owner": _user("board").pk, "due_on": due, "status": "open",
        "plan_action": plan_action.pk, "agenda_item": meeting.agenda.get().pk})  # fmt: skip
    assert added.status_code == 302
    page = yot.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Send the final plan to the YJB" in page and f"/actions/{plan_action.pk}/" in page
    assert "Deputy attended: Deputy Director" in page and "Overdue" in page
    assert "You own 1 overdue" in client_for("board").get("/").content.decode()
    # A deputy named for a member who was present is a mistake, named as such.
    bad = yot.post(f"/meetings/{meeting.pk}/attendance/", {**form, f"deputy-{members[2].pk}": "X"})
    assert bad.status_code == 400 and "Name a deputy only when one attended" in bad.content.decode()
    # Others may not record this board's meetings; the admin may.
    assert client_for("analyst").get(f"/meetings/{meeting.pk}/attendance/").status_code == 403
    assert client_for("admin").get(f"/meetings/{meeting.pk}/attendance/").status_code == 200
    assert (
        AuditEvent.objects.filter(model="governance.Attendance", user__username="yot").count() == 19
    )


def test_a_body_secretary_records_its_meetings(demo_scope) -> None:
    admin = client_for("admin")
    secretary = _user("police-lead")
    made = admin.post("/bodies/new/", {"name": "Enforcement Co-ordinating and Tasking Group",
                                       "kind": "tasking", "secretary": secretary.pk})  # fmt: skip
    assert made.status_code == 302
    body = Body.objects.get()
    assert (
        client_for("police-lead")
        .post(f"/bodies/{body.pk}/meetings/new/", {"held_on": "2019-05-01"})
        .status_code
        == 302
    )
    assert client_for("council-lead").get(f"/bodies/{body.pk}/meetings/new/").status_code == 403
    twice = admin.post(
        "/bodies/new/", {"name": "enforcement co-ordinating and tasking group", "kind": "tasking"}
    )
    assert twice.status_code == 400 and "already a body with this name" in twice.content.decode()
    member = admin.post(f"/bodies/{body.pk}/members/new/", {"person": "Sergeant", "organisation": "Police",
                                                            "starts_on": "2019-05-01", "ends_on": "2019-04-01"})  # fmt: skip
    assert member.status_code == 400 and "on or after the start" in member.content.decode()


def _item(client: Client, q: Questionnaire, **data: object) -> int:
    return client.post(f"/questionnaires/{q.pk}/questions/new/", data).status_code


def test_an_analyst_builds_publishes_and_invites(demo_scope) -> None:
    analyst = client_for("analyst")
    closes = (timezone.localdate() + timedelta(days=14)).isoformat()
    assert analyst.post("/questionnaires/new/", {"title": "Draft strategy", "closes_on": closes,
                                                 "open_link": "on"}).status_code == 302  # fmt: skip
    q = Questionnaire.objects.get()
    assert client_for("analyst").post(f"/questionnaires/{q.pk}/publish/").status_code == 200
    assert Questionnaire.objects.get().published_on is None  # nothing to answer yet
    assert _item(analyst, q, number=1, kind="ynp", text="Are the priorities the right ones?") == 302
    assert (
        _item(analyst, q, number=2, kind="single", text="Which area?", choices_text="Wealdstone")
        == 400
    )
    assert _item(analyst, q, number=2, kind="single", text="Which area?",
                 choices_text="Wealdstone\nSouth Harrow\nEdgware") == 302  # fmt: skip
    assert (
        _item(
            analyst, q, number=3, kind="channels", text="How should we tell you?", allow_other="on"
        )
        == 302
    )
    assert [i.options()[-1][1] for i in q.items.all()] == ["Partially", "Edgware", "Other"]
    assert Client().get(f"/answer/{q.slug}/").status_code == 404  # a draft
    assert analyst.post(f"/questionnaires/{q.pk}/publish/").status_code == 302
    q.refresh_from_db()
    assert q.published_on is not None
    assert (
        analyst.post(
            f"/questionnaires/{q.pk}/links/", {"count": 3, "label": "Partners"}
        ).status_code
        == 302
    )
    links = list(
        csv.reader(
            io.StringIO(
                analyst.get(f"/questionnaires/{q.pk}/links.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert links[0] == ["label", "link"] and len(links) == 4
    path = re.sub(r"^https?://[^/]+", "", links[1][1])
    assert Client().get(path).status_code == 200
    assert "3 unused, 0 used" in analyst.get(f"/questionnaires/{q.pk}/links/").content.decode()
    summaries = list(
        AuditEvent.objects.filter(model="governance.Questionnaire").values_list(
            "summary", flat=True
        )
    )
    assert "3 single-use links to Draft strategy (Partners)" in summaries
    assert f"Published {q}" in summaries


def test_questions_cannot_change_once_answered(demo_scope) -> None:
    q = harrow_questionnaire(demo_scope)
    Response.objects.create(questionnaire=q, via="open", nonce="n1")
    analyst = client_for("analyst")
    assert (
        "cannot be changed"
        in analyst.get(f"/questionnaires/{q.pk}/questions/new/").content.decode()
    )
    assert _item(analyst, q, number=9, kind="text", text="Late addition") == 409
    assert q.items.count() == 8


def test_results_are_tabulated_charted_and_downloaded(demo_scope, settings) -> None:
    from openpyxl import load_workbook

    settings.GOVERNANCE_ANSWER_MIN_SECONDS = 0
    caches["throttle"].clear()
    q = harrow_questionnaire(demo_scope)
    first, fourth = q.items.get(number=1), q.items.get(number=4)
    for i, choice in enumerate(["yes", "yes", "no", "partially"]):
        r = Response.objects.create(questionnaire=q, via="open", nonce=f"n{i}")
        Answer.objects.create(response=r, item=first, choice=choice)
    r = Response.objects.create(
        questionnaire=q, via="open", nonce="n-text", contact_email="a@example.org"
    )
    Answer.objects.create(response=r, item=fourth, text="=1+2 more youth voice")
    page = client_for("board").get(f"/questionnaires/{q.pk}/results/").content.decode()
    assert "5 responses" in page and "Answered by 4 of 5" in page
    assert re.search(r"Yes</td>\s*<td[^>]*>2</td>\s*<td[^>]*>50.0</td>", page)
    assert re.search(r"Partially</td>\s*<td[^>]*>1</td>\s*<td[^>]*>25.0</td>", page)
    assert 'src="data:image/png;base64,' in page and "Q1: Yes 2, No 1, Partially 1" in page
    assert "a@example.org" not in page and "see who" not in page  # board members see no contacts
    rows = list(
        csv.reader(
            io.StringIO(
                client_for("board")
                .get(f"/questionnaires/{q.pk}/results.csv")
                .content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:5] == ["Question", "Asked", "Answer", "Count", "Share of those answering (%)"]
    assert rows[1][2:5] == ["Yes", "2", "50.0"]
    assert any(row[2] == "'=1+2 more youth voice" for row in rows)  # formula-neutral
    sheet = load_workbook(
        io.BytesIO(client_for("board").get(f"/questionnaires/{q.pk}/results.xlsx").content)
    ).active
    texts = {c.value: c.data_type for row in sheet.iter_rows(min_row=3) for c in row if c.value}
    assert texts["=1+2 more youth voice"] == "s"
    contacts = client_for("analyst").get(f"/questionnaires/{q.pk}/contacts/").content.decode()
    assert "a@example.org" in contacts
    seen = AuditEvent.objects.get(action="viewed", summary__startswith="contacts who consented")
    assert seen.model == "governance"
    assert client_for("board").get(f"/questionnaires/{q.pk}/contacts/").status_code == 403
    garbled = client_for("analyst").post(f"/questionnaires/{q.pk}/contacts/", {"response": "x1"})
    assert garbled.status_code == 404  # not an internal error
    removed = client_for("analyst").post(f"/questionnaires/{q.pk}/contacts/", {"response": r.pk})
    assert removed.status_code == 302
    r.refresh_from_db()
    assert r.contact_email == "" and r.withdrawn_on is not None
    event = AuditEvent.objects.filter(model="governance.Response").get()
    assert "a@example.org" not in str(event.before) + str(event.after)


def test_consultation_events_are_logged_in_date_order(demo_scope) -> None:
    analyst = client_for("analyst")
    data = [("Final session with the YOT Board", "meeting", "2019-06-21", ""),
            ("Further consultation with young people", "youth", "", "May-June 2019"),
            ("Engagement workshop", "workshop", "2019-04-26", "")]  # fmt: skip
    for title, kind, held_on, when in data:
        made = analyst.post("/consultation-events/new/", {"title": title, "kind": kind, "held_on": held_on,
                                                          "when_text": when, "audience": "Partners"})  # fmt: skip
        assert made.status_code == 302
    undated = analyst.post(
        "/consultation-events/new/", {"title": "x", "kind": "other", "audience": "y"}
    )
    assert (
        undated.status_code == 400
        and "Enter the date, or say when in words" in undated.content.decode()
    )
    page = client_for("board").get("/consultations/").content.decode()
    order = [page.index(t) for t, *_ in data]
    assert order[2] < order[0] < order[1]
    assert "26 April 2019" in page and "May-June 2019" in page
    assert client_for("board").get("/consultation-events/new/").status_code == 403


def test_text_pasted_from_word_with_its_control_characters_still_exports(demo_scope) -> None:
    """Word puts a vertical tab where a line was broken by hand; XML cannot hold it."""
    from docx import Document
    from openpyxl import load_workbook

    pasted = "Where is the plan?\x0bAnd who signs it off?\x07"
    client_for("analyst").post("/questions/new/", _question_form(question=pasted))
    q = harrow_questionnaire(demo_scope)
    r = Response.objects.create(questionnaire=q, via="open", nonce="n-word")
    Answer.objects.create(response=r, item=q.items.get(number=4), text="More\x0bvoice")
    board = client_for("board")
    sheet = load_workbook(io.BytesIO(board.get("/questions/log.xlsx").content)).active
    assert "Where is the plan?\nAnd who signs it off?" in {c.value for c in sheet[3]}
    word = Document(io.BytesIO(board.get("/questions/log.docx").content))
    assert "Where is the plan?\nAnd who signs it off?" in {
        c.text for c in word.tables[0].rows[1].cells
    }
    results = load_workbook(io.BytesIO(board.get(f"/questionnaires/{q.pk}/results.xlsx").content))
    assert "More\nvoice" in {c.value for row in results.active.iter_rows(min_row=3) for c in row}
