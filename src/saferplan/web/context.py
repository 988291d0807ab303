"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from saferplan.accounts import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "audit_visible": permissions.can_view_audit(request.user),
        "partnership": getattr(request, "partnership", None),
        "membership": getattr(request, "membership", None),
        "partnership_choices": getattr(request, "memberships", []),
    }
