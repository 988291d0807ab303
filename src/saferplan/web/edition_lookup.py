"""How every edition page finds its edition: in the partnership's scope first, so another
partnership's id is a 404 for everyone, then whether the user may see it (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from saferplan.accounts import permissions
from saferplan.editions.models import Edition


def visible_edition(request: HttpRequest, edition_id: int) -> Edition:
    """Looked up before any role is checked, so another partnership's id is a 404."""
    edition = get_object_or_404(Edition, pk=edition_id)
    if not permissions.can_view_edition(request.user, edition):
        raise PermissionDenied
    return edition
