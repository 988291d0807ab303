"""Pages of the questions and promises log, and of bodies, their members and meetings
(agenda, attendance, actions arising). Objects are looked up before roles are checked, so
another partnership's ids are not found, whoever asks; permissions come from
``accounts.permissions``; every change is audited (``governance.services``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from saferplan.accounts import audit, permissions
from saferplan.governance import exports, forms, reading, services
from saferplan.governance.models import (
    Body,
    BodyMember,
    Meeting,
    MeetingAction,
    Question,
)

CONFLICT = (
    "Someone else changed this while you were editing it. The form now shows their "
    "version: check it and make your change again."
)
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def edit_page(
    request: HttpRequest,
    form_class: Callable[..., Any],
    instance: Model,
    *,
    title: str,
    done: Callable[[Model], HttpResponse],
    summary: str = "",
    context: dict[str, Any] | None = None,
    **form_kwargs: Any,
) -> HttpResponse:
    """The GET and POST of a form page that creates or changes one record (audited; a
    versioned record saved meanwhile by someone else is a 409 showing their version)."""
    versioned = hasattr(instance, "version")
    initial = {"version": instance.version} if versioned else {}  # type: ignore[attr-defined]
    page = {"title": title, **(context or {})}
    if request.method != "POST":
        form = form_class(instance=instance, initial=initial, **form_kwargs)
        return render(request, "governance/form.html", {**page, "form": form})
    form = form_class(request.POST, instance=instance, **form_kwargs)
    if not form.is_valid():
        return render(request, "governance/form.html", {**page, "form": form}, status=400)
    try:
        services.save(request.user, form.instance, summary, form.cleaned_data.get("version"))
    except services.Conflict as conflict:
        current = conflict.current
        fresh = form_class(
            instance=current,
            initial={"version": getattr(current, "version", None)},
            **form_kwargs,
        )
        return render(
            request,
            "governance/form.html",
            {**page, "form": fresh, "conflict": CONFLICT},
            status=409,
        )
    return done(form.instance)


# ---- The questions and promises log ------------------------------------------------------


def question_log(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_governance(request.user))
    show = request.GET.get("show", "open")
    questions = Question.objects.select_related("owner", "meeting__body")
    if show == "open":
        questions = questions.filter(status=Question.Status.OPEN)
    today = timezone.localdate()
    return render(
        request,
        "governance/questions.html",
        {
            "questions": [(q, q.is_overdue(today)) for q in questions],
            "show": show,
            "can_edit": permissions.can_edit_questions(request.user),
        },
    )


def question_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("owner"), pk=question_id)
    _require(permissions.can_view_governance(request.user))
    return render(
        request,
        "governance/question.html",
        {
            "question": question,
            "overdue": question.is_overdue(),
            "can_edit": permissions.can_edit_questions(request.user),
            "can_answer": permissions.can_answer_question(request.user, question),
        },
    )


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int | None = None) -> HttpResponse:
    partnership = request.partnership  # type: ignore[attr-defined]
    question = (
        get_object_or_404(Question, pk=question_id)
        if question_id
        else Question(partnership=partnership)
    )
    _require(permissions.can_edit_questions(request.user))
    return edit_page(
        request,
        forms.QuestionForm,
        question,
        title="Edit the question" if question_id else "Log a question or promise",
        done=lambda q: redirect("question", question_id=q.pk),
    )


@require_http_methods(["GET", "POST"])
def question_answer(request: HttpRequest, question_id: int) -> HttpResponse:
    """The officer who owns a question records its answer (which marks it answered)."""
    question = get_object_or_404(Question, pk=question_id)
    _require(permissions.can_answer_question(request.user, question))
    if request.method == "POST":
        question.status = Question.Status.ANSWERED
    return edit_page(
        request,
        forms.AnswerQuestionForm,
        question,
        title="Record the answer",
        summary=f"Answered: {question}",
        context={"question": question},
        done=lambda q: redirect("question", question_id=q.pk),
    )


def _log_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require(permissions.can_view_governance(request.user))
    partnership = request.partnership  # type: ignore[attr-defined]
    title = f"{partnership}: questions and promises"
    today = timezone.localdate()
    writer = exports.log_docx if fmt == "docx" else exports.log_xlsx
    data = writer(reading.questions(), title, today)
    audit.record_access(request.user, "exported", "questions log", fmt, model="governance")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="questions-log-{today}.{fmt}"'
    return response


def question_log_docx(request: HttpRequest) -> HttpResponse:
    return _log_export(request, "docx")


def question_log_xlsx(request: HttpRequest) -> HttpResponse:
    return _log_export(request, "xlsx")


# ---- Bodies and their members ------------------------------------------------------------


def body_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_governance(request.user))
    return render(
        request,
        "governance/bodies.html",
        {"bodies": Body.objects.all(), "can_edit": permissions.can_edit_bodies(request.user)},
    )


def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    body = get_object_or_404(Body.objects.select_related("secretary"), pk=body_id)
    _require(permissions.can_view_governance(request.user))
    today = timezone.localdate()
    members = list(body.members.all())
    return render(
        request,
        "governance/body.html",
        {
            "body": body,
            "current": [m for m in members if m.sits_on(today)],
            "former": [m for m in members if not m.sits_on(today)],
            "meetings": body.meetings.all(),
            "can_edit": permissions.can_edit_bodies(request.user),
            "can_record": permissions.can_record_meetings(request.user, body),
        },
    )


@require_http_methods(["GET", "POST"])
def body_edit(request: HttpRequest, body_id: int | None = None) -> HttpResponse:
    body = (
        get_object_or_404(Body, pk=body_id) if body_id else Body(partnership=request.partnership)  # type: ignore[attr-defined]
    )
    _require(permissions.can_edit_bodies(request.user))
    return edit_page(
        request,
        forms.BodyForm,
        body,
        title=f"Edit {body}" if body_id else "Add a body",
        done=lambda b: redirect("body", body_id=b.pk),
    )


@require_http_methods(["GET", "POST"])
def member_edit(
    request: HttpRequest, body_id: int | None = None, member_id: int | None = None
) -> HttpResponse:
    member = get_object_or_404(BodyMember, pk=member_id) if member_id else None
    body = member.body if member else get_object_or_404(Body, pk=body_id)
    _require(permissions.can_edit_bodies(request.user))
    return edit_page(
        request,
        forms.MemberForm,
        member or BodyMember(body=body),
        title=f"Edit {member}" if member else f"Add a member of {body}",
        context={"caption": body.name},
        done=lambda m: redirect("body", body_id=body.pk),
    )


# ---- Meetings ---------------------------------------------------------------------------


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)
    _require(permissions.can_view_governance(request.user))
    attendance = {a.member_id: a for a in meeting.attendance.all()}
    actions = meeting.actions.select_related("agenda_item", "plan_action__objective")
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.all(),
            "attendance": [(m, attendance.get(m.pk)) for m in services.members_on(meeting)],
            "actions": [(a, a.is_overdue()) for a in actions],
            "questions": meeting.questions.all(),
            "can_record": permissions.can_record_meetings(request.user, meeting.body),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(
    request: HttpRequest, body_id: int | None = None, meeting_id: int | None = None
) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=meeting_id) if meeting_id else None
    body = meeting.body if meeting else get_object_or_404(Body, pk=body_id)
    _require(permissions.can_record_meetings(request.user, body))
    return edit_page(
        request,
        forms.MeetingForm,
        meeting or Meeting(body=body),
        title="Edit the meeting" if meeting else f"Add a meeting of {body}",
        context={"caption": body.name},
        done=lambda m: redirect("meeting", meeting_id=m.pk),
    )


@require_http_methods(["GET", "POST"])
def agenda_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    from saferplan.governance.models import AgendaItem

    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)
    _require(permissions.can_record_meetings(request.user, meeting.body))
    return edit_page(
        request,
        forms.AgendaItemForm,
        AgendaItem(meeting=meeting, number=meeting.agenda.count() + 1),
        title="Add an agenda item",
        context={"caption": str(meeting)},
        done=lambda item: redirect("meeting", meeting_id=meeting.pk),
    )


@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)
    _require(permissions.can_record_meetings(request.user, meeting.body))
    members = services.members_on(meeting)
    recorded = {a.member_id: a for a in meeting.attendance.all()}
    if request.method == "POST":
        form = forms.AttendanceForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            services.record_attendance(
                request.user,
                meeting,
                {m.pk: (data[f"status-{m.pk}"], data[f"deputy-{m.pk}"]) for m in members},
            )
            return redirect("meeting", meeting_id=meeting.pk)
        status = 400
    else:
        initial = {}
        for member_id, row in recorded.items():
            initial[f"status-{member_id}"] = row.status
            initial[f"deputy-{member_id}"] = row.deputy
        form = forms.AttendanceForm(initial=initial, members=members)
        status = 200
    return render(
        request, "governance/attendance.html", {"meeting": meeting, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def meeting_action_edit(
    request: HttpRequest, meeting_id: int | None = None, meeting_action_id: int | None = None
) -> HttpResponse:
    action = (
        get_object_or_404(MeetingAction.objects.select_related("meeting__body"),
                          pk=meeting_action_id)
        if meeting_action_id else None
    )  # fmt: skip
    meeting = action.meeting if action else get_object_or_404(Meeting, pk=meeting_id)
    if action is not None:
        _require(permissions.can_update_meeting_action(request.user, action))
    else:
        _require(permissions.can_record_meetings(request.user, meeting.body))
    return edit_page(
        request,
        forms.MeetingActionForm,
        action or MeetingAction(meeting=meeting),
        title="Edit the action" if action else "Add an action arising",
        context={"caption": str(meeting)},
        meeting=meeting,
        done=lambda a: redirect("meeting", meeting_id=meeting.pk),
    )
