"""Refusing a page: the 403 says what was refused, who may do it, and how to get back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from saferplan.accounts import permissions
from saferplan.accounts.models import Role

VIEW_PLANS = (
    "Partnership admins, analysts, action leads and board members can see the delivery plan."
)
EDIT_PLAN = "Only analysts and partnership admins can change the delivery plan."
UPDATE_ACTION = (
    "Progress on an action is recorded by its lead organisation's action leads, or by an "
    "analyst or partnership admin."
)
ADMIN_ONLY = "Only partnership admins can see this page."


class Refused(PermissionDenied):
    """A refusal with its reason and the page to go back to."""

    def __init__(self, why: str, back: str | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.back = back


def require(allowed: bool, why: str, back: str | None = None) -> None:
    if not allowed:
        raise Refused(why, back)


def refused(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (``handler403``), for every refusal in the app."""
    why = getattr(exception, "why", "") or str(exception or "")
    back = getattr(exception, "back", None) or _referrer(request)
    roles = [Role(r).label for r in sorted(permissions.roles(request.user)) if r in Role.values]
    return render(
        request,
        "403.html",
        {"why": why, "back": back, "home": reverse("home"), "role_labels": roles},
        status=403,
    )


def _referrer(request: HttpRequest) -> str | None:
    """The page the person came from, if it is one of ours."""
    referrer = request.META.get("HTTP_REFERER", "")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referrer
    return None
