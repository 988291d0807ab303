"""Spam throttling for the public answer pages, on Django's cache framework.

Chosen over django-ratelimit, which does the same (a counter per key and time window in a
cache) behind a decorator: the counting is a few lines, and doing it here keeps the keys
free of addresses without configuring a library's key functions, and adds no dependency
whose last release is years old. The ``throttle`` cache (settings) is a file-based cache in
the data directory, so every gunicorn worker (and every machine sharing the data
directory) counts together; its increments are not atomic, so under a burst a few answers
beyond the limit may get through, which is acceptable for a spam throttle.

What is counted is keyed by an HMAC of the questionnaire, the sender's address and the time
window under the secret key: the address itself is never written anywhere, and the count
expires with its window.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

# Answers one address may send through one questionnaire's open link per window: enough
# for a class or a youth parliament answering from one school network.
DEFAULT_LIMIT = (30, 600)  # (answers, seconds)


def limit() -> tuple[int, int]:
    return tuple(getattr(settings, "GOVERNANCE_OPEN_LINK_LIMIT", DEFAULT_LIMIT))


def client_address(request: HttpRequest) -> str:
    """The sender's address; behind the TLS proxy (``SAFERPLAN_HTTPS``), the one the proxy
    saw, which it appends last to X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(questionnaire_id: int, address: str, window: int) -> str:
    message = f"{questionnaire_id}|{address}|{window}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"answers:{digest}"


def allow(questionnaire_id: int, request: HttpRequest) -> bool:
    """Count one answer from the request's address; False once it is over the limit."""
    answers, seconds = limit()
    cache = caches["throttle"] if "throttle" in settings.CACHES else caches["default"]
    key = _key(questionnaire_id, client_address(request), int(time.time() // seconds))
    cache.add(key, 0, timeout=seconds * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=seconds * 2)
        count = 1
    return count <= answers
