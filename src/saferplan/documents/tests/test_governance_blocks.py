"""The governance blocks in the built plans: the board's membership and attendance from its
meeting records (else the imported extract's, saying so), the questions outstanding, the
consultation events and the "Responding to feedback" table; every figure re-derived by the
check, which fails when a total or a rate is sabotaged."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from saferplan.documents import build
from saferplan.documents.check import check_directory
from saferplan.governance.models import Attendance, Body, BodyMember, Meeting, Question

pytestmark = pytest.mark.django_db
YEAR = "2019-20"  # reviews 2018-19; the 2019 template
AS_AT = date(2026, 11, 30)


def built(document: str, out: Path) -> dict[str, Any]:
    build.write(document, YEAR, out, generated=AS_AT, pdf=False)
    assert check_directory(out) == []
    return json.loads((out / "figures.json").read_text(encoding="utf-8"))


def section(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in data["sections"] if s["key"] == key)


def shown_rows(data: dict[str, Any], part: dict[str, Any]) -> list[list[str]]:
    figures = data["figures"]
    return [[c["text"] if "text" in c else figures[c["fig"]]["shown"] for c in row]
            for row in part["rows"]]  # fmt: skip


def sabotaged(folder: Path, fid: str, value: Any, shown: str) -> list[str]:
    path = folder / "figures.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["figures"][fid].update(value=value, shown=shown)
    path.write_text(json.dumps(data), encoding="utf-8")
    return check_directory(folder)


def yot_board(partnership) -> None:
    """Two members; three meetings in 2018-19 (one outside it, which is not counted)."""
    body = Body.objects.create(partnership=partnership, name="YOT Management Board",
                               kind=Body.Kind.YOT_BOARD)  # fmt: skip
    chair = BodyMember.objects.create(body=body, person="A Chair", role="Chair",
                                      organisation="Harrow Council")  # fmt: skip
    police = BodyMember.objects.create(body=body, person="B Officer", role="Member",
                                       organisation="Metropolitan Police")  # fmt: skip
    plan = {
        date(2018, 5, 1): ("present", "apologies"),
        date(2018, 9, 1): ("present", "deputy"),
        date(2019, 1, 15): ("apologies", "absent"),
        date(2019, 6, 1): ("present", "present"),  # 2019-20: not in the year reviewed
    }
    for held_on, (a, b) in plan.items():
        meeting = Meeting.objects.create(body=body, held_on=held_on)
        Attendance.objects.create(meeting=meeting, member=chair, status=a)
        Attendance.objects.create(meeting=meeting, member=police, status=b)


def test_the_youth_justice_plan_lists_the_board_and_each_members_attendance(
    demo, tmp_path: Path
) -> None:
    yot_board(demo)
    data = built("youth-justice-plan", tmp_path / "plan")
    parts = section(data, "structure-and-governance")["parts"]
    board = next(p for p in parts if p["kind"] == "table")
    assert board["title"] == "YOT Management Board: membership and attendance, 2018/19"
    # Meetings, present, deputy, apologies, absent, and (present + deputy) / meetings.
    assert shown_rows(data, board) == [
        ["A Chair", "Chair", "Harrow Council", "3", "2", "0", "1", "0", "66.7%"],
        ["B Officer", "Member", "Metropolitan Police", "3", "0", "1", "1", "1", "33.3%"],
    ]
    # Partner places: 2 partners x 3 meetings; attended 1 + 2 = 3 of 6.
    [summary] = next(p for p in parts if p["kind"] == "list")["items"]
    assert summary["text"] == (
        "YOT Management Board met 3 times in 2018/19; partners were represented at 3 of "
        "their 6 places (50.0%)."
    )
    assert "meeting records" in board["note"]
    figures = data["figures"]
    total = next(f for f in figures if f.endswith(".represented"))
    rate = "governance.board1.rate"
    for n, (fid, value, shown) in enumerate(
        [(total, figures[total]["value"] + 1, str(figures[total]["value"] + 1)),
         (rate, "99.9", "99.9%")]
    ):  # fmt: skip
        copy = shutil.copytree(tmp_path / "plan", tmp_path / f"copy{n}")
        assert any(fid in p for p in sabotaged(copy, fid, value, shown)), fid


def test_without_meetings_the_plan_says_so_and_uses_the_extracts_attendance(
    demo, tmp_path: Path
) -> None:
    data = built("youth-justice-plan", tmp_path / "plan")
    parts = section(data, "structure-and-governance")["parts"]
    notes = [p["text"] for p in parts if p["kind"] == "note"]
    assert (
        "No meetings of the youth justice management board with attendance are recorded "
        "for 2018/19." in notes
    )
    assert any("imported youth justice extract" in n for n in notes)
    assert "board.rate" in data["figures"]  # the extract's KPI table follows


def test_the_community_safety_plan_lists_the_questions_outstanding(demo, tmp_path: Path) -> None:
    Question.objects.create(partnership=demo, forum="Overview and Scrutiny", raised_on=date(
        2026, 10, 1), raised_by="Cllr Smith", question="What will the ASB figures be?",
        answerer="Community safety manager", due_on=date(2026, 11, 20))  # fmt: skip
    Question.objects.create(partnership=demo, forum="Cabinet", raised_on=date(2026, 11, 1),
                            raised_by="Cllr Jones", question="Answered already", answerer="X",
                            status="answered", answer="Yes")  # fmt: skip
    data = built("community-safety-plan", tmp_path / "csp")
    parts = section(data, "governance")["parts"]
    questions = next(p for p in parts if p.get("title", "").startswith("Questions and promises"))
    assert shown_rows(data, questions) == [
        ["1 Oct 2026", "Overview and Scrutiny", "Cllr Smith", "What will the ASB figures be?",
         "Community safety manager", "20 Nov 2026", str((AS_AT - date(2026, 11, 20)).days)]
    ]  # fmt: skip
    [summary] = next(p for p in parts if p["kind"] == "list")["items"]
    assert summary["text"] == (
        "1 questions await an answer at 30 November 2026; 1 are past the date promised."
    )
    # The partnership board has no records: said, with no extract to fall back on.
    assert any(p["kind"] == "note" and "partnership board" in p["text"] for p in parts)
    # A count changed in figures.json no longer matches the pages printed from it.
    copy = shutil.copytree(tmp_path / "csp", tmp_path / "copy")
    problems = sabotaged(copy, "questions.outstanding", 2, "2")
    assert any("1 questions await" in p or "questions await" in p for p in problems), problems


def test_responding_to_feedback_lists_comments_on_earlier_editions(demo, tmp_path: Path) -> None:
    from saferplan.editions.comments import Raised, Response, add_comment, respond

    user = get_user_model().objects.get(username="yot")
    first = built("youth-justice-plan", tmp_path / "first")
    [empty] = section(first, "feedback")["parts"]
    assert (empty["rows"], empty["empty"]) == ([], "No comments were raised on earlier editions.")
    edition = build.build_document("youth-justice-plan", YEAR, tmp_path / "one", user=user,
                                   generated=AS_AT).edition  # fmt: skip
    comment = add_comment(edition, Raised("committee", "Scrutiny", "Say what FTE means.",
                                          date(2026, 11, 2), date(2026, 11, 16), user))  # fmt: skip
    respond(comment, Response("Defined in the glossary.", True, "Added a glossary entry",
                              date(2026, 11, 10)), user)  # fmt: skip
    data = built("youth-justice-plan", tmp_path / "second")
    parts = section(data, "feedback")["parts"]
    table = next(p for p in parts if p["kind"] == "table")
    assert table["title"] == "Responding to Scrutiny's feedback"
    assert shown_rows(data, table) == [
        [f"Scrutiny, 2 Nov 2026 (on edition {edition.pk})", "Say what FTE means.",
         "Defined in the glossary.", "Changed: Added a glossary entry", user.get_full_name()
         or "yot", "16 Nov 2026", "Answered"]
    ]  # fmt: skip
    html = (tmp_path / "second" / "youth-justice-plan.html").read_text(encoding="utf-8")
    assert "Say what FTE means." in html and "Added a glossary entry" in html
    copy = shutil.copytree(tmp_path / "second", tmp_path / "copy")
    problems = sabotaged(copy, "feedback.comments", 2, "2")
    assert any("comments were raised" in p for p in problems), problems


def test_consultation_results_and_events_are_tabulated_with_checked_shares(demo) -> None:
    from saferplan.documents.blocks import registry
    from saferplan.documents.context import Context
    from saferplan.documents.figures import Book, check_figures
    from saferplan.documents.template import BlockUse, choose
    from saferplan.governance.models import (
        Answer,
        ConsultationEvent,
        Questionnaire,
        QuestionnaireItem,
        Response,
    )

    q = Questionnaire.objects.create(partnership=demo, title="Our plan", closes_on=date(2019, 5, 1))
    item = QuestionnaireItem.objects.create(questionnaire=q, number=1, kind="ynp",
                                            text="Are the objectives the right ones?")  # fmt: skip
    for i, (choice, comment) in enumerate([("yes", ""), ("yes", ""), ("partially", "More on "
                                           "schools."), ("no", ""), ("", "")]):  # fmt: skip
        response = Response.objects.create(questionnaire=q, via="open", nonce=f"n{i}")
        if choice:
            Answer.objects.create(response=response, item=item, choice=choice, text=comment)
    ConsultationEvent.objects.create(partnership=demo, held_on=date(2019, 4, 20), kind="workshop",
                                     title="Partners' workshop", audience="Partners",
                                     heard="Priorities agreed")  # fmt: skip
    ConsultationEvent.objects.create(partnership=demo, held_on=date(2016, 4, 20), kind="workshop",
                                     title="Long ago", audience="Partners")  # fmt: skip
    ctx = Context(demo, choose("youth-justice-plan", YEAR), YEAR, AS_AT)
    book = Book(ctx.as_at)
    blocks = registry()
    results = blocks["consultation_results"].function(ctx, BlockUse("consultation_results"), book)
    answers, wrote = results
    figures = book.figures
    shown = [[c.get("text") or figures[c["fig"]]["shown"] for c in row] for row in answers["rows"]]
    # 4 of the 5 respondents answered: 2 yes (50.0%), 1 no (25.0%), 1 partially (25.0%).
    assert shown == [["Yes", "2", "50.0%"], ["No", "1", "25.0%"], ["Partially", "1", "25.0%"]]
    assert wrote["rows"] == [[{"text": "More on schools."}]]
    assert check_figures(figures, ctx.as_at) == []
    share = next(f for f in figures if f.endswith(".yes.share"))
    figures[share].update(value="60.0", shown="60.0%")
    assert any(share in p for p in check_figures(figures, ctx.as_at))
    [events] = blocks["consultation_events"].function(ctx, BlockUse("consultation_events"), book)
    assert [row[1]["text"] for row in events["rows"]] == ["Partners' workshop"]
