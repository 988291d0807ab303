"""Comments on an edition and the responses to them. Everyone who may see the edition reads
them (with those carried forward from its earlier editions); those who write the document
record comments and responses, and a comment's owner records its response. Open comments
past their due date are flagged. Every comment and response is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.accounts.models import Membership
from saferplan.editions import comments as service
from saferplan.editions.models import Comment, Edition
from saferplan.editions.store import AlteredFileError, read_file
from saferplan.editions.textdiff import html_sections
from saferplan.web.edition_forms import CommentForm, ResponseForm
from saferplan.web.edition_lookup import visible_edition


def _owners() -> list[tuple[int, str]]:
    """The partnership's members (in scope), who may own a response."""
    users = (
        get_user_model()
        .objects.filter(pk__in=Membership.objects.values("user_id"), is_active=True)
        .order_by("username")
    )
    return [(u.pk, f"{u.get_full_name() or u.username} ({u.username})") for u in users]


def _sections(edition: Edition) -> list[str]:
    """The document's section headings, for a comment on one of them (its HTML, if intact)."""
    html = next((f for f in edition.files.all() if f.name.endswith(".html")), None)
    if html is None:
        return []
    try:
        return [s.heading for s in html_sections(read_file(html)) if s.key]
    except AlteredFileError:
        return []


def comments_context(user: Any, edition: Edition) -> dict[str, Any]:
    """The comments shown on the edition, and the table of responses to earlier ones."""
    today = timezone.localdate()
    shown = service.comments_for(edition)
    rows = service.feedback_rows(shown, edition, today)
    return {
        "comments": [
            {
                "comment": c,
                "overdue": c.overdue(today),
                "can_respond": permissions.can_respond_to_comment(user, c, edition),
            }
            for c in shown
        ],
        "overdue_count": sum(c.overdue(today) for c in shown),
        "feedback": rows,
        "feedback_title": service.feedback_title(rows),
        "can_comment": permissions.can_record_comments(user, edition),
    }


@require_http_methods(["GET", "POST"])
def edition_comments(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The edition's comments; recording one (POST) for those who write the document."""
    edition = visible_edition(request, edition_id)
    context = comments_context(request.user, edition)
    form = None
    status = 200
    if context["can_comment"]:
        initial = {"raised_on": timezone.localdate()}
        form = CommentForm(
            request.POST or None, initial=initial, sections=_sections(edition), owners=_owners()
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            owner = get_user_model().objects.get(pk=data["owner"])
            raised = service.Raised(
                data["source_kind"],
                data["source_name"],
                data["text"],
                data["raised_on"],
                data["due_on"],
                owner,
                data["section"],
            )
            try:
                service.add_comment(edition, raised, request.user)
            except service.CommentError as error:
                form.add_error(None, error.message)
            else:
                return redirect("edition_comments", edition_id=edition.pk)
    context.update(edition=edition, form=form)
    return render(request, "web/edition_comments.html", context, status=status)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, edition_id: int, comment_id: int) -> HttpResponse:
    """Record (or revise) the response to a comment shown on this edition."""
    edition = visible_edition(request, edition_id)
    comment = get_object_or_404(Comment.objects.select_related("edition"), pk=comment_id)
    if not service.carried_to(comment.edition, edition):
        raise Http404
    if not permissions.can_respond_to_comment(request.user, comment, edition):
        raise PermissionDenied
    initial = {
        "response": comment.response,
        "change_note": comment.change_note,
        "changed": _yes_no(comment.changed),
        "responded_on": comment.responded_on or timezone.localdate(),
        "version": comment.version,
    }
    form = ResponseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            answer = service.Response(
                data["response"], data["changed"], data["change_note"], data["responded_on"]
            )
            try:
                service.respond(comment, answer, request.user, expected_version=data["version"])
            except service.StaleComment as error:
                form.add_error(None, f"{error.message}. {error.hint}")
                comment.refresh_from_db()
                form.data = {**request.POST.dict(), "version": str(comment.version)}
                status = 409
            except service.CommentError as error:
                form.add_error(None, error.message)
            else:
                return redirect("edition_comments", edition_id=edition.pk)
    context = {
        "edition": edition,
        "comment": comment,
        "form": form,
        "overdue": comment.overdue(timezone.localdate()),
    }
    return render(request, "web/comment_respond.html", context, status=status)
