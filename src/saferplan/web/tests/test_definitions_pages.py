"""Manage > Themes and Comparator groups: a bad save says what the file check says and keeps
nothing; an upload is checked the same way; the file in force downloads; restores work."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.definitions import service
from saferplan.definitions.models import DefinitionVersion
from saferplan.plans.demo import demo_partnership, load_demo_partnership

pytestmark = pytest.mark.django_db

OWN = ('[themes.robbery-own]\ntitle = "Our robbery"\ngroup = "high harm"\ndirection = "down"\n'
       'definition = "Robbery."\nmps = { include = ["Robbery"] }\n')  # fmt: skip


@pytest.fixture
def admin() -> Client:
    load_demo_partnership()
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_a_bad_save_shows_the_line_and_keeps_nothing(admin: Client) -> None:
    before = AuditEvent.objects.count()
    response = admin.post("/manage/themes/", {"text": OWN.replace('"down"', '"down')})
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "themes.toml is not valid TOML" in page and "at line 4" in page
    assert 'href="#id_text"' in page
    bad_value = admin.post("/manage/themes/", {"text": OWN.replace('"down"', '"sideways"')})
    assert "theme &#x27;robbery-own&#x27;: direction must be" in bad_value.content.decode()
    assert not DefinitionVersion.objects.exists() and AuditEvent.objects.count() == before


def test_a_save_and_an_upload_are_versions_and_the_file_downloads(admin: Client) -> None:
    response = admin.post("/manage/themes/", {"text": OWN, "note": "typed"})
    assert response.status_code == 302
    upload = SimpleUploadedFile("ours.toml", OWN.replace("Our robbery", "Uploaded").encode())
    assert admin.post("/manage/themes/", {"text": "", "upload": upload}).status_code == 302
    assert service.themes_for(demo_partnership()).get("robbery-own").title == "Uploaded"
    download = admin.get("/manage/themes/download/")
    assert download["Content-Disposition"] == 'attachment; filename="themes.toml"'
    assert download.content.decode() == OWN.replace("Our robbery", "Uploaded")
    page = admin.get("/manage/themes/").content.decode()
    assert "Uploaded" in page and "typed" in page and "Restore the shipped defaults" in page
    assert admin.post("/manage/themes/", {"restore": "1"}).status_code == 302
    assert admin.get("/manage/themes/download/").content.decode() == service.shipped_text("themes")
    assert DefinitionVersion.objects.count() == 3


def test_an_upload_too_large_or_not_text_is_refused(admin: Client) -> None:
    big = SimpleUploadedFile("big.toml", b"# " + b"x" * service.MAX_BYTES)
    response = admin.post("/manage/comparators/", {"upload": big})
    assert response.status_code == 400 and "larger than 200 kB" in response.content.decode()
    latin = SimpleUploadedFile("latin.toml", 'title = "caf\u00e9"'.encode("latin-1"))
    response = admin.post("/manage/comparators/", {"upload": latin})
    assert response.status_code == 400 and "is not UTF-8 text" in response.content.decode()
    assert not DefinitionVersion.objects.exists()
