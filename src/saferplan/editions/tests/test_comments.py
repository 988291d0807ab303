"""Comments and responses: recorded and audited, carried forward to later editions of the
same document (a restricted edition's only to restricted ones), the rows of the next
edition's "Responding to ... feedback" table, and open comments past due flagged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent
from saferplan.cli.main import app
from saferplan.editions import comments
from saferplan.editions.comments import Raised, Response
from saferplan.editions.models import Comment, Document, Edition
from saferplan.editions.tests.samples import keep_sample

pytestmark = pytest.mark.django_db

SCRUTINY = "Overview and Scrutiny Committee"


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_user("ehead", password="x" * 12, first_name="Errol",
                                                last_name="Albert")  # fmt: skip


def _raise(edition, owner, text: str, source: str = SCRUTINY, due: int = 30, **more):  # type: ignore[no-untyped-def]
    raised = Raised("committee", source, text, dt.date(2019, 6, 12), dt.date(2019, 6, due),
                    owner, **more)  # fmt: skip
    return comments.add_comment(edition, raised)


def test_a_comment_and_its_response_are_recorded_and_audited(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    edition = keep_sample(tmp_path / "a", "Harrow")
    comment = _raise(edition, owner, "Why did FGM prosecutions not appear?", section="Violence")
    assert (comment.owner_name, comment.section, comment.answered) == ("Errol Albert", "Violence",
                                                                       False)  # fmt: skip
    answered = comments.respond(comment, Response("None were brought in 2018.", False,
                                "The figures are already in the violence section.",
                                dt.date(2019, 6, 20)))  # fmt: skip
    assert answered.answered and answered.changed is False and answered.version == 2
    events = list(AuditEvent.objects.filter(model="editions.Comment").order_by("id"))
    assert [e.action for e in events] == ["created", "changed"]
    assert events[1].before["response"] == "" and events[1].after["response"].startswith("None")
    assert all(e.partnership == partnership for e in events)


def test_a_response_needs_the_change_or_why_none_and_a_sensible_date(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    comment = _raise(keep_sample(tmp_path / "a", "Harrow"), owner, "A question")
    for response, message in [
        (Response("Yes", True, " ", dt.date(2019, 6, 20)), "what was changed, or why nothing"),
        (Response("Yes", True, "x", dt.date(2019, 6, 1)), "dated before the comment"),
        (Response(" ", True, "x", dt.date(2019, 6, 20)), "the response has no text"),
    ]:
        with pytest.raises(comments.CommentError, match=message):
            comments.respond(comment, response)
    with pytest.raises(comments.CommentError, match=r"due .* before the comment was made"):
        _raise(keep_sample(tmp_path / "b", "Harrow"), owner, "x", due=1)
    comment.refresh_from_db()
    assert not comment.answered


def test_two_people_answering_at_once_do_not_overwrite_each_other(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    comment = _raise(keep_sample(tmp_path / "a", "Harrow"), owner, "A question")
    opened = comment.version
    comments.respond(comment, Response("First", True, "Added", dt.date(2019, 6, 20)),
                     expected_version=opened)  # fmt: skip
    with pytest.raises(comments.StaleComment):
        comments.respond(comment, Response("Second", True, "x", dt.date(2019, 6, 21)),
                         expected_version=opened)  # fmt: skip
    comment.refresh_from_db()
    assert comment.response == "First"


def test_comments_are_carried_forward_to_later_editions_of_the_same_document(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    first = keep_sample(tmp_path / "a", "Harrow")
    restricted = keep_sample(tmp_path / "r", "Harrow", "restricted")
    other_kind = keep_sample(tmp_path / "k", "Harrow", document=Document.KNIFE_CRIME_ACTION_PLAN)
    on_first = _raise(first, owner, "Say more about knife crime")
    on_restricted = _raise(restricted, owner, "Ward 7 has 3 victims", source="Partnership board")
    _raise(other_kind, owner, "Another document")
    second = keep_sample(tmp_path / "b", "Harrow")
    second_restricted = keep_sample(tmp_path / "c", "Harrow", "restricted")
    assert comments.comments_for(first) == [on_first]
    assert comments.comments_for(second) == [on_first]  # never the restricted edition's
    assert comments.comments_for(second_restricted) == [on_first, on_restricted]
    assert comments.comments_for(restricted) == [on_first, on_restricted]


def test_the_next_editions_table_says_what_was_done_about_each_comment(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    first = keep_sample(tmp_path / "a", "Harrow")
    answered = _raise(first, owner, "Include the London comparison", due=20)
    comments.respond(answered, Response("Added to section 3.", True, "A London column in Table 2",
                                        dt.date(2019, 6, 18)))  # fmt: skip
    _raise(first, owner, "Explain the fall in burglary", due=25)
    second = keep_sample(tmp_path / "b", "Harrow")
    on_second = _raise(second, owner, "Raised on the second edition")
    rows = comments.feedback_rows(comments.comments_for(second), second, dt.date(2019, 7, 1))
    assert [(r.raised_by, r.comment, r.outcome, r.overdue) for r in rows] == [
        (SCRUTINY, "Include the London comparison", "Changed: A London column in Table 2", False),
        (SCRUTINY, "Explain the fall in burglary", "Awaiting a response", True),
    ]  # its own comment is for the next edition's table, not this one's
    assert on_second.pk not in {c.pk for c in comments.comments_for(first)}
    assert rows[0].on == f"edition {first.pk}" and rows[0].owner == "Errol Albert"
    assert comments.feedback_title(rows) == f"Responding to {SCRUTINY}'s feedback"
    assert comments.feedback_rows(comments.comments_for(second), second, dt.date(2019, 6, 1),
                                  source_kind="partner") == []  # fmt: skip


def test_a_build_not_yet_kept_gets_the_rows_of_every_comment_so_far(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    first = keep_sample(tmp_path / "a", "Harrow")
    answered = _raise(first, owner, "Include the London comparison", due=20)
    comments.respond(answered, Response("Added.", False, "It is in Table 2 already",
                                        dt.date(2019, 6, 18)))  # fmt: skip
    restricted = keep_sample(tmp_path / "r", "Harrow", "restricted")
    _raise(restricted, owner, "Ward 7's counts look low", due=25)
    second = keep_sample(tmp_path / "b", "Harrow")
    _raise(second, owner, "Raised on the second edition", due=28)
    other_year = keep_sample(tmp_path / "c", "Harrow")
    Edition.objects.filter(pk=other_year.pk).update(period="2019")
    _raise(Edition.objects.get(pk=other_year.pk), owner, "About 2019")
    kind = Document.STRATEGIC_ASSESSMENT
    public = comments.feedback_for_build(kind, "2018", "public")
    assert [(r.comment, r.outcome, r.on) for r in public] == [
        ("Include the London comparison", "Not changed: It is in Table 2 already",
         f"edition {first.pk}"),
        ("Raised on the second edition", "Awaiting a response", f"edition {second.pk}"),
    ]  # fmt: skip
    assert [r.comment for r in comments.feedback_for_build(kind, "2018", "restricted")] == [
        "Include the London comparison", "Ward 7's counts look low", "Raised on the second edition"
    ]  # fmt: skip
    assert comments.feedback_for_build(Document.YOUTH_JUSTICE_PLAN, "2018", "public") == []
    assert comments.feedback_for_build(kind, "2018", "public", source_kind="partner") == []


def test_open_comments_past_their_due_date_are_overdue(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    comment = _raise(keep_sample(tmp_path / "a", "Harrow"), owner, "Q", due=30)
    assert not comment.overdue(dt.date(2019, 6, 30))
    assert comment.overdue(dt.date(2019, 7, 1))
    comments.respond(comment, Response("A", False, "No change needed", dt.date(2019, 7, 2)))
    comment.refresh_from_db()
    assert not comment.overdue(dt.date(2019, 7, 3))


def test_the_cli_lists_an_editions_comments_flagging_overdue_ones(
    partnership, data_dir, tmp_path: Path, owner
) -> None:
    first = keep_sample(tmp_path / "a", "Harrow")
    _raise(first, owner, '=HYPERLINK("x")')
    second = keep_sample(tmp_path / "b", "Harrow")
    listed = CliRunner().invoke(app, ["editions", "comments", str(second.pk), "--format", "csv",
                                      "--partnership", partnership.name])  # fmt: skip
    assert listed.exit_code == 0, listed.output
    (row,) = csv.DictReader(io.StringIO(listed.stdout))
    assert row["status"] == "OVERDUE" and row["edition"] == str(first.pk)
    assert row["text"] == '\'=HYPERLINK("x")'
    assert Comment.objects.count() == 1
