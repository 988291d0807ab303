"""Writing the audit trail: every change made through the app goes through ``record``."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict

from saferplan.accounts.models import AuditEvent

# Never copied into the audit trail, even hashed.
SECRET_FIELDS = frozenset({"password"})


def snapshot(instance: Any) -> dict[str, Any]:
    data = model_to_dict(instance)
    return {
        k: (str(v) if not isinstance(v, (int, float, bool, str, type(None), list, dict)) else v)
        for k, v in data.items()
        if k not in SECRET_FIELDS
    }


def record(
    user: Any, action: str, instance: Any, before: dict[str, Any] | None = None, summary: str = ""
) -> AuditEvent:
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        summary=summary or str(instance)[:300],
        before=before,
        after=None if action == "deleted" else snapshot(instance),
    )


def record_view(user: Any, what: str, detail: str) -> AuditEvent:
    """Views of child-level data are audited too: who looked, at what, when."""
    return record_access(user, "viewed", what, detail)


def record_access(user: Any, action: str, what: str, detail: str) -> AuditEvent:
    """A view or download of youth justice data: who, what (``action``), when."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        model="youthjustice",
        object_id=detail[:64],
        summary=what[:300],
    )
