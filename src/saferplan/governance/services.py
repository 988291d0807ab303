"""Changing governance records: every save in one transaction with its audit event, edits
of versioned records refused when someone else saved first, and the questionnaire's
publication and single-use links."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from saferplan.accounts import audit
from saferplan.governance.models import (
    Attendance,
    BodyMember,
    Invitation,
    Meeting,
    Questionnaire,
    Response,
)


class Conflict(Exception):
    """Someone else saved the record since this form was opened."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("changed since opened")
        self.current = current


def save(user: Any, instance: models.Model, summary: str = "", version: int | None = None) -> None:
    """Create or change ``instance`` and audit it; for a versioned record, ``version`` is
    the one the form was opened on (a newer one saved meanwhile raises ``Conflict``)."""
    with transaction.atomic():
        before = None
        if instance.pk is not None:
            stored = type(instance).objects.select_for_update().get(pk=instance.pk)  # type: ignore[attr-defined]
            if hasattr(stored, "version") and version is not None and stored.version != version:
                raise Conflict(stored)
            before = audit.snapshot(stored)
            if hasattr(instance, "version"):
                instance.version = stored.version + 1
        instance.save()
        action = "changed" if before is not None else "created"
        audit.record(user, action, instance, before=before, summary=summary or str(instance))


def record_attendance(user: Any, meeting: Meeting, statuses: dict[int, tuple[str, str]]) -> None:
    """Set each member's (status, deputy) at the meeting; an empty status removes it."""
    with transaction.atomic():
        for member_id, (status, deputy) in statuses.items():
            existing = Attendance.objects.filter(meeting=meeting, member_id=member_id).first()
            if not status:
                if existing is not None:
                    audit.record(user, "deleted", existing, before=audit.snapshot(existing))
                    existing.delete()
                continue
            if existing and (existing.status, existing.deputy) == (status, deputy):
                continue
            before = audit.snapshot(existing) if existing else None
            row = existing or Attendance(meeting=meeting, member_id=member_id)
            row.status, row.deputy = status, deputy
            row.save()
            audit.record(user, "changed" if before else "created", row, before=before)


def members_on(meeting: Meeting) -> list[BodyMember]:
    """The body's members on the meeting's day, and anyone whose attendance was recorded."""
    recorded = set(meeting.attendance.values_list("member_id", flat=True))
    return [
        member
        for member in meeting.body.members.all()
        if member.sits_on(meeting.held_on) or member.pk in recorded
    ]


def publish(user: Any, questionnaire: Questionnaire) -> None:
    if questionnaire.published_on is None:
        questionnaire.published_on = timezone.now()
        save(user, questionnaire, summary=f"Published {questionnaire}")


def invite(user: Any, questionnaire: Questionnaire, count: int, label: str) -> list[Invitation]:
    """``count`` new single-use links, audited as one event."""
    with transaction.atomic():
        made = Invitation.objects.bulk_create(
            [Invitation(questionnaire=questionnaire, label=label) for _ in range(count)]
        )
        audit.record(
            user,
            "created",
            questionnaire,
            summary=f"{count} single-use links to {questionnaire}"
            + (f" ({label})" if label else ""),
        )
    return made


def remove_contact(user: Any, response: Response) -> None:
    """Forget a respondent's email address when they ask by another way than their link."""
    with transaction.atomic():
        before = audit.snapshot(response)
        response.contact_email = ""
        response.withdrawn_on = timezone.localdate()
        response.save(update_fields=["contact_email", "withdrawn_on"])
        before["contact_email"] = "(removed)"
        audit.record(user, "changed", response, before=before, summary="Contact withdrawn")
