"""Sign-in throttling (django-axes): lock a user name at one address, back off, say so.

Locking on the pair (user name, address) means wrong passwords typed at one address never
lock the real user out at another. The lock starts at a minute and doubles with each
further failure, up to an hour, so a person who mistypes waits briefly and a guesser is
slowed to a few guesses an hour. ``saferplan accounts unlock USER`` lifts it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIRST = timedelta(minutes=1)
LONGEST = timedelta(hours=1)


def _failures(request: HttpRequest | None) -> int:
    from axes.helpers import get_client_ip_address
    from axes.models import AccessAttempt
    from django.conf import settings

    if request is None:
        return settings.AXES_FAILURE_LIMIT
    username = request.POST.get("username", "") if request.method == "POST" else ""
    attempt = AccessAttempt.objects.filter(
        username=username, ip_address=get_client_ip_address(request)
    ).first()
    return attempt.failures_since_start if attempt else 0


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """How long the pair stays locked, from how many times it has failed."""
    from django.conf import settings

    beyond = max(0, _failures(request) - settings.AXES_FAILURE_LIMIT)
    return min(LONGEST, FIRST * (2 ** min(beyond, 10)))


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """The lock-out page, in the app's layout, saying for how long."""
    minutes = max(1, round(cool_off(request).total_seconds() / 60))
    return render(request, "web/locked_out.html", {"minutes": minutes}, status=429)


def unlock(username: str) -> int:
    """Lift every lock on ``username`` (at every address); the number of locks lifted."""
    from axes.utils import reset

    return int(reset(username=username) or 0)
