"""Comments on an edition and the responses to them, carried forward to later editions.

A comment is raised on one edition (optionally one of its sections) by a named body or
consultee; it is shown on every later edition of the same document (same partnership,
kind and period), so the next edition can say what was done about it: the generated
"Responding to ... feedback" table (``feedback_rows``, pure; ``feedback_table`` reads the
comments; for a build not yet kept as an edition, ``next_edition_rows`` and
``feedback_for_build``). A comment on a restricted edition is carried forward to restricted editions
only, since it may quote what only they show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saferplan.accounts import audit
from saferplan.core.errors import SaferplanError
from saferplan.editions.models import RESTRICTED_VARIANTS, Comment, Edition
from saferplan.editions.routes import record_event

TEXT_LIMIT = 10_000


class CommentError(SaferplanError):
    """A comment or response that cannot be recorded as given."""


class StaleComment(CommentError):
    """Someone else answered the comment while the person was filling in the form."""


@dataclass(frozen=True)
class Raised:
    """A comment as received."""

    source_kind: str
    source_name: str
    text: str
    raised_on: dt.date
    due_on: dt.date
    owner: Any  # the user who owns the response
    section: str = ""


@dataclass(frozen=True)
class Response:
    text: str
    changed: bool
    change_note: str  # the change made, or why none was
    responded_on: dt.date


def _who(user: Any) -> str:
    return user.get_username() if getattr(user, "is_authenticated", False) else audit.cli_actor()


def _owner_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username())[:150]


def _check_raised(raised: Raised) -> None:
    if raised.source_kind not in Comment.Source.values:
        raise CommentError(f"unknown kind of source '{raised.source_kind}'")
    if not raised.source_name.strip():
        raise CommentError("say who made the comment (the committee, partner or consultee)")
    if not raised.text.strip():
        raise CommentError("the comment has no text")
    if len(raised.text) > TEXT_LIMIT or len(raised.source_name) > 200 or len(raised.section) > 200:
        raise CommentError("the comment is too long")
    if raised.raised_on > timezone.localdate():
        raise CommentError(f"the comment's date {raised.raised_on.isoformat()} is after today")
    if raised.due_on < raised.raised_on:
        raise CommentError(
            f"the response is due ({raised.due_on.isoformat()}) before the "
            f"comment was made ({raised.raised_on.isoformat()})"
        )
    if raised.owner is None:
        raise CommentError("say who owns the response")


def add_comment(edition: Edition, raised: Raised, user: Any = None) -> Comment:
    """Record a comment received on ``edition``, audited."""
    _check_raised(raised)
    with transaction.atomic():
        comment = Comment.objects.create(
            edition=edition,
            section=raised.section.strip(),
            source_kind=raised.source_kind,
            source_name=raised.source_name.strip(),
            text=raised.text.strip(),
            raised_on=raised.raised_on,
            due_on=raised.due_on,
            owner=raised.owner,
            owner_name=_owner_name(raised.owner),
            recorded_by_name=_who(user),
        )
        record_event(
            user,
            "created",
            "editions.Comment",
            comment.pk,
            f"Comment from {comment.source_name} on {edition}",
            after=_plain(comment),
        )
    return comment


def respond(
    comment: Comment, response: Response, user: Any = None, expected_version: int | None = None
) -> Comment:
    """Record (or revise) the response to a comment, audited with what it replaced."""
    if not response.text.strip():
        raise CommentError("the response has no text")
    if not response.change_note.strip():
        raise CommentError("say what was changed, or why nothing was")
    if max(len(response.text), len(response.change_note)) > TEXT_LIMIT:
        raise CommentError("the response is too long")
    if response.responded_on > timezone.localdate():
        raise CommentError(
            f"the response's date {response.responded_on.isoformat()} is after today"
        )
    if response.responded_on < comment.raised_on:
        raise CommentError(
            f"the response ({response.responded_on.isoformat()}) is dated before "
            f"the comment ({comment.raised_on.isoformat()})"
        )
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleComment(
                "someone else recorded a response to this comment while you were writing yours",
                hint="Check theirs below; then save yours again if it is still needed.",
            )
        before = _plain(locked)
        locked.response = response.text.strip()
        locked.changed = response.changed
        locked.change_note = response.change_note.strip()
        locked.responded_on = response.responded_on
        locked.responded_by_name = _who(user)
        locked.version += 1
        locked.save()
        record_event(
            user,
            "changed",
            "editions.Comment",
            locked.pk,
            f"Response to the comment from {locked.source_name} on {locked.edition}",
            before=before,
            after=_plain(locked),
        )
    return locked


def _plain(comment: Comment) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in audit.snapshot(comment).items()
    }


def comments_for(edition: Edition) -> list[Comment]:
    """The comments shown on ``edition``: its own and those carried forward from earlier
    editions of the same document (a restricted edition's only to restricted ones)."""
    earlier = Q(
        edition__document=edition.document,
        edition__period=edition.period,
        edition__pk__lt=edition.pk,
    )
    found = Comment.objects.filter(Q(edition=edition) | earlier).select_related("edition")
    return [c for c in found.order_by("raised_on", "id") if carried_to(c.edition, edition)]


def carried_to(raised_on: Edition, shown_on: Edition) -> bool:
    """Whether a comment raised on one edition is shown on another (same document)."""
    return raised_on.pk <= shown_on.pk and _carried(
        raised_on, shown_on.document, shown_on.period, shown_on.restricted
    )


def _carried(raised_on: Edition, document: str, period: str, restricted: bool) -> bool:
    """Whether a comment raised on ``raised_on`` belongs to a (later) edition of
    ``document`` for ``period`` (a restricted one, or a public one)."""
    if (raised_on.document, raised_on.period) != (document, period):
        return False
    return restricted or not raised_on.restricted


@dataclass(frozen=True)
class FeedbackRow:
    """One row of the "Responding to ... feedback" table."""

    raised_by: str
    raised_on: dt.date
    on: str  # the edition (and section) it was made on
    comment: str
    owner: str
    due_on: dt.date
    response: str
    outcome: str  # "Changed: ...", "Not changed: ...", or "Awaiting a response"
    overdue: bool


COLUMNS = ("Raised by", "Date", "On", "Comment", "Response owner", "Due", "Response", "Outcome")


def feedback_rows(
    comments: Iterable[Comment], edition: Edition, today: dt.date, source_kind: str | None = None
) -> list[FeedbackRow]:
    """The rows of the next edition's table: every comment raised on an earlier edition of
    the document (optionally only those of one kind of source), oldest first. Pure."""
    chosen = [
        c
        for c in comments
        if c.edition_id != edition.pk
        and carried_to(c.edition, edition)
        and (source_kind is None or c.source_kind == source_kind)
    ]
    return _rows(chosen, today)


def next_edition_rows(
    comments: Iterable[Comment],
    document: str,
    period: str,
    restricted: bool,
    today: dt.date,
    source_kind: str | None = None,
) -> list[FeedbackRow]:
    """The rows of the table for an edition not yet kept (a build's generated block): every
    comment raised on the document's editions for ``period`` so far (for a public build,
    only those on public editions), oldest first. Pure."""
    chosen = [
        c
        for c in comments
        if _carried(c.edition, document, period, restricted)
        and (source_kind is None or c.source_kind == source_kind)
    ]
    return _rows(chosen, today)


def _rows(chosen: Iterable[Comment], today: dt.date) -> list[FeedbackRow]:
    rows = []
    for c in sorted(chosen, key=lambda c: (c.raised_on, c.pk)):
        on = f"edition {c.edition_id}" + (f", {c.section}" if c.section else "")
        if c.changed is None:
            outcome = "Awaiting a response"
        else:
            outcome = ("Changed: " if c.changed else "Not changed: ") + c.change_note
        rows.append(
            FeedbackRow(
                c.source_name,
                c.raised_on,
                on,
                c.text,
                c.owner_name,
                c.due_on,
                c.response,
                outcome,
                c.overdue(today),
            )
        )
    return rows


def feedback_title(rows: list[FeedbackRow]) -> str:
    """ "Responding to Scrutiny's feedback" when one body raised them all."""
    bodies = {r.raised_by for r in rows}
    if len(bodies) == 1:
        (body,) = bodies
        return f"Responding to {body}'s feedback"
    return "Responding to feedback"


def feedback_table(edition: Edition, source_kind: str | None = None) -> list[FeedbackRow]:
    """The generated table's rows for ``edition``, read from the partnership in scope."""
    return feedback_rows(comments_for(edition), edition, timezone.localdate(), source_kind)


def feedback_for_build(
    document: str, period: str, variant: str, source_kind: str | None = None
) -> list[FeedbackRow]:
    """The table's rows for the next edition of ``document`` (its ``variant``: public or
    restricted) while it is being built, read from the partnership in scope."""
    found = Comment.objects.filter(edition__document=document, edition__period=period)
    return next_edition_rows(
        found.select_related("edition"),
        document,
        period,
        variant in RESTRICTED_VARIANTS,
        timezone.localdate(),
        source_kind,
    )


def overdue_counts(editions: Iterable[Edition], today: dt.date) -> dict[int, int]:
    """For each edition, how many open comments shown on it are past their due date."""
    late = list(
        Comment.objects.filter(changed__isnull=True, due_on__lt=today).select_related("edition")
    )
    return {e.pk: sum(carried_to(c.edition, e) for c in late) for e in editions}
