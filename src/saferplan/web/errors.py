"""Errors the server meets: every request gets an id, every unhandled error is logged with
its traceback and that id, and the person sees a page in the app's layout quoting it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Gives each request a short random id, in the logs and the response's headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = secrets.token_hex(6)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page. Django has logged the traceback (``django.request``) by now; this page
    must not fail in turn, so it needs no database and no context processors."""
    request_id = getattr(request, "request_id", _request_id.get())
    try:
        body = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:  # the page that reports errors must never raise one itself
        body = f"<h1>Sorry, there is a problem with the service</h1><p>Reference {request_id}</p>"
    return HttpResponseServerError(body)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page, in the app's layout. A view's ``BadRequest`` says which parameter was
    wrong and why, written for people, so the page quotes it; Django's own suspicious-request
    errors are not quoted (they may describe the attack back to the attacker)."""
    if type(exception) is not BadRequest:
        return defaults.bad_request(request, exception)
    return render(request, "400.html", {"message": str(exception)}, status=400)
