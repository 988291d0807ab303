"""The editions pages: listed for everyone in the partnership, restricted ones only for
analysts and admins, every file checked against its SHA-256 when downloaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions import store
from saferplan.editions.models import Edition
from saferplan.editions.tests.samples import keep_sample
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from saferplan.web.edition_views import DOCUMENT_POLICY

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions(tmp_path: Path, monkeypatch) -> dict[str, Edition]:
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    load_demo_partnership()
    with partnership_scope(demo_partnership()):
        return {
            "public": keep_sample(tmp_path / "public", "Harrow"),
            "restricted": keep_sample(tmp_path / "restricted", "Harrow restricted",
                                      edition="restricted"),
        }  # fmt: skip


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(model="editions.Edition", action=action))


def test_a_board_member_sees_the_list_and_a_public_edition_not_a_restricted_one(
    editions,
) -> None:
    board = _client("board")
    public, restricted = editions["public"], editions["restricted"]
    listing = board.get("/editions/").content.decode()
    assert f"/editions/{public.pk}/" in listing
    assert f"/editions/{restricted.pk}/" not in listing
    assert "shown to analysts and admins only" in listing
    page = board.get(f"/editions/{public.pk}/").content.decode()
    assert "Harrow Strategic Assessment 2018" in page and "mps_borough.csv" in page
    assert ("ab" * 32) in page  # the import's SHA-256
    pdf = board.get(f"/editions/{public.pk}/files/strategic-assessment.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    for url in (f"/editions/{restricted.pk}/", f"/editions/{restricted.pk}/document/",
                f"/editions/{restricted.pk}/files/figures.json"):  # fmt: skip
        assert board.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_analysts_and_admins_see_restricted_editions_and_are_audited(editions, role) -> None:
    client, restricted = _client(role), editions["restricted"]
    assert f"/editions/{restricted.pk}/" in client.get("/editions/").content.decode()
    response = client.get(f"/editions/{restricted.pk}/files/strategic-assessment.docx")
    assert response.status_code == 200
    kept = store.folder_of(restricted) / "strategic-assessment.docx"
    assert response.content == kept.read_bytes()
    assert response["Content-Disposition"] == (
        f'attachment; filename="edition-{restricted.pk}-strategic-assessment.docx"'
    )
    assert client.get(f"/editions/{restricted.pk}/document/").status_code == 200
    exported, viewed = _events("exported"), _events("viewed")
    assert [(e.user.username, e.object_id) for e in exported] == [(role, str(restricted.pk))]
    assert "strategic-assessment.docx" in exported[0].summary
    assert [e.user.username for e in viewed] == [role]
    client.get(f"/editions/{editions['public'].pk}/files/figures.json")
    assert len(_events("exported")) == 1  # public downloads are not audited


def test_the_document_is_shown_in_a_sandboxed_frame(editions) -> None:
    client, public = _client("council-lead"), editions["public"]
    page = client.get(f"/editions/{public.pk}/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert f'src="/editions/{public.pk}/document/"' in html and " sandbox>" in html
    document = client.get(f"/editions/{public.pk}/document/")
    assert document.status_code == 200
    assert document["Content-Security-Policy"] == DOCUMENT_POLICY
    assert document["Content-Security-Policy"].endswith("; sandbox")
    assert "script-src" not in DOCUMENT_POLICY and "default-src 'none'" in DOCUMENT_POLICY
    assert document["X-Frame-Options"] == "SAMEORIGIN"
    assert b"Harrow: crime rose 6.8%." in document.content


def test_an_altered_file_is_refused_logged_and_audited(editions) -> None:
    client, public = _client("board"), editions["public"]
    path = store.folder_of(public) / "strategic-assessment.html"
    made = hashlib.sha256(path.read_bytes()).hexdigest()
    path.chmod(0o600)  # as an attacker with the service's account would
    path.write_text("<p>Harrow: crime fell 40%.</p>")
    now = hashlib.sha256(path.read_bytes()).hexdigest()
    for url in (f"/editions/{public.pk}/files/strategic-assessment.html",
                f"/editions/{public.pk}/document/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 409
        page = response.content.decode()
        assert "crime fell 40%" not in page
        assert "govuk-header" in page and "altered since the edition was made" in page
        assert "strategic-assessment.html" in page and made in page and now in page
        request_id = response["X-Request-ID"]
        assert request_id in page
        log = (Path(settings.LOG_DIR) / "saferplan.log").read_text()
        line = next(x for x in log.splitlines() if f"[{request_id}]" in x)
        assert "ERROR" in line and "strategic-assessment.html has changed" in line
    assert len(_events("refused")) == 2
    detail = client.get(f"/editions/{public.pk}/").content.decode()
    assert "have been altered since it was made" in detail
    assert "/document/" not in detail  # the altered HTML is not shown
    # The other files are intact and still served.
    assert client.get(f"/editions/{public.pk}/files/figures.json").status_code == 200


def test_unknown_files_and_editions_are_not_found(editions) -> None:
    client, public = _client("analyst"), editions["public"]
    assert client.get(f"/editions/{public.pk}/files/secret.txt").status_code == 404
    assert client.get(f"/editions/{public.pk}/files/..%2Fsecret_key").status_code == 404
    assert client.get(f"/editions/{editions['restricted'].pk + 100}/").status_code == 404
