"""Writing the audit trail: every change, and every look at child-level data, goes here.

Each event records the partnership in scope, and who acted: the signed-in user, or for
the command line the operating-system user and "cli".
"""

from __future__ import annotations

import getpass
from typing import Any

from django.forms.models import model_to_dict

from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import current_partnership

# Never copied into the audit trail, even hashed.
SECRET_FIELDS = frozenset({"password"})


def _plain(value: Any) -> Any:
    """A value JSON can hold: a many-to-many field's related records as their ids, any
    other non-JSON value (a date, a decimal) as text."""
    if isinstance(value, list):
        return [getattr(item, "pk", item) for item in value]
    if not isinstance(value, (int, float, bool, str, type(None), dict)):
        return str(value)
    return value


def snapshot(instance: Any) -> dict[str, Any]:
    data = model_to_dict(instance)
    return {k: _plain(v) for k, v in data.items() if k not in SECRET_FIELDS}


def cli_actor() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"{name} (cli)"


def _who(user: Any) -> dict[str, Any]:
    if getattr(user, "is_authenticated", False):
        return {"user": user, "actor": user.get_username()}
    return {"user": None, "actor": cli_actor()}


def record(
    user: Any, action: str, instance: Any, before: dict[str, Any] | None = None, summary: str = ""
) -> AuditEvent:
    """A change to ``instance`` (``user`` None: made from the command line)."""
    partnership = current_partnership()
    if partnership is None and instance._meta.label == "accounts.Partnership":
        partnership = instance
    return AuditEvent.objects.create(
        partnership=partnership,
        **_who(user),
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


def record_access(
    user: Any, action: str, what: str, detail: str, model: str = "youthjustice"
) -> AuditEvent:
    """A view, download or refused attempt (``action``) on youth justice data, or on
    another ``model`` that is not one record (the audit trail's own download)."""
    return AuditEvent.objects.create(
        partnership=current_partnership(),
        **_who(user),
        action=action,
        model=model,
        object_id=detail[:64],
        summary=what[:300],
    )
