"""The home page's flags: the questions and actions arising that the signed-in person owns
and that are past their due date."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from saferplan.governance.models import ActionStatus, MeetingAction, Question


def overdue_for(user: Any) -> dict[str, Any]:
    """Context for ``governance/home_overdue.html``: what ``user`` owns that is overdue."""
    if not getattr(user, "is_authenticated", False):
        return {}
    today = timezone.localdate()
    questions = Question.objects.filter(
        owner=user, status=Question.Status.OPEN, due_on__lt=today
    ).order_by("due_on", "id")
    actions = (
        MeetingAction.objects.filter(owner=user, status=ActionStatus.OPEN, due_on__lt=today)
        .select_related("meeting__body")
        .order_by("due_on", "id")
    )
    overdue_questions = [(q, (today - q.due_on).days) for q in questions if q.due_on]
    overdue_actions = [(a, (today - a.due_on).days) for a in actions if a.due_on]
    return {
        "overdue_questions": overdue_questions,
        "overdue_meeting_actions": overdue_actions,
        "overdue_count": len(overdue_questions) + len(overdue_actions),
    }
