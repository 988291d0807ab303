"""Unhandled errors are logged with their traceback and a request id the page quotes."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import include, path

from saferplan.plans.demo import load_demo_partnership

pytestmark = pytest.mark.django_db


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("the disk caught fire")


urlpatterns = [path("boom/", _boom), path("", include("saferplan.web.urls"))]
handler500 = "saferplan.web.errors.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_an_unhandled_error_is_logged_with_the_id_the_page_shows(caplog) -> None:
    load_demo_partnership()
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="analyst"))
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert request_id in page and "problem with the service" in page
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == request_id  # type: ignore[attr-defined]
    assert record.exc_info and "the disk caught fire" in str(record.exc_info[1])


def test_every_response_carries_a_request_id() -> None:
    response = Client().get("/sign-in/")
    assert len(response["X-Request-ID"]) == 12
