"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from saferplan.accounts import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "manage_visible": permissions.can_manage_partnership(request.user),
        "plans_visible": permissions.can_view_plans(request.user),
        "imports_visible": permissions.can_view_imports(request.user),
        "partnership": getattr(request, "partnership", None),
        "membership": getattr(request, "membership", None),
        "partnership_choices": getattr(request, "memberships", []),
    }
