"""Single-use password links: made by an admin, passed on, used once by the person they
were made for, within their lifetime, to set a password that passes the validators; and
never written to the audit trail."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from saferplan import config
from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.accounts.password_links import tokens
from saferplan.core.errors import SaferplanError
from saferplan.web.tests.manage import (
    PASSWORD,
    client_for,
    demo_with_real_passwords,
    membership,
    signs_in,
)

pytestmark = pytest.mark.django_db
Users = get_user_model()
NEW = "tangerine-lighthouse-velvet-9"


@pytest.fixture
def demo() -> Partnership:
    return demo_with_real_passwords()


def make_link(username: str = "analyst") -> str:
    """The link an admin is shown for ``username`` (its path on this server)."""
    response = client_for("admin").post(f"/manage/members/{membership(username).pk}/password-link/")
    assert response.status_code == 200
    found = re.search(r'value="http://testserver(/set-password/[^"]+)"', response.content.decode())
    assert found, "no link on the page"
    return found.group(1)


def set_password(link: str, first: str, second: str | None = None) -> tuple[Client, object]:
    """Follow the link as the person would, and submit the form; (their browser, answer)."""
    browser = Client()
    opened = browser.get(link)
    if opened.status_code != 302:  # the link does not work: the page says so
        return browser, opened
    form_url = opened["Location"]
    assert link.split("/")[3] not in form_url  # the token left the address bar
    data = {"new_password1": first, "new_password2": first if second is None else second}
    return browser, browser.post(form_url, data)


def test_the_link_sets_a_password_once(demo) -> None:
    link = make_link()
    assert not signs_in("analyst", PASSWORD)  # the old password stopped with the link
    _, done = set_password(link, NEW)
    assert done.status_code == 302 and done["Location"] == "/set-password/done/"
    assert signs_in("analyst", NEW)
    _, again = set_password(link, "another-strong-password-77")
    assert again.status_code == 200 and "This link does not work" in again.content.decode()
    assert signs_in("analyst", NEW)


def test_making_a_link_ends_the_persons_sessions_and_older_links(demo) -> None:
    signed_in = client_for("analyst")
    assert signed_in.get("/").status_code == 200
    first = make_link()
    assert signed_in.get("/").status_code == 302  # signed out
    second = make_link()
    _, stale = set_password(first, NEW)
    assert "This link does not work" in stale.content.decode()
    _, done = set_password(second, NEW)
    assert done.status_code == 302


@pytest.mark.parametrize(
    ("first", "second", "problem"),
    [
        ("password", None, "This password is too common"),
        ("short-9", None, "This password is too short. It must contain at least 12 characters"),
        ("839201748392017", None, "This password is entirely numeric"),
        ("analyst-2026", None, "The password is too similar to the username"),
        (NEW, NEW + "x", "The two passwords do not match"),
    ],
)
def test_the_password_must_pass_the_validators(demo, first: str, second, problem: str) -> None:
    link = make_link()
    _, refused = set_password(link, first, second)
    assert refused.status_code == 200  # Django's form view: the page again, with errors
    page = refused.content.decode().replace("&#x27;", "'")
    assert "govuk-error-summary" in page and problem in page
    assert not signs_in("analyst", first)
    _, done = set_password(link, NEW)  # the link still works after a refused attempt
    assert done.status_code == 302


def test_a_link_works_only_for_the_user_it_was_made_for(demo) -> None:
    _, _, uid, token = make_link("analyst").rstrip("/").split("/")
    board = Users.objects.get(username="board")
    board_uid = urlsafe_base64_encode(force_bytes(board.pk))
    assert uid != board_uid
    _, refused = set_password(f"/set-password/{board_uid}/{token}/", NEW)
    assert "This link does not work" in refused.content.decode()
    assert signs_in("board", PASSWORD) and not signs_in("board", NEW)


def test_a_link_expires_after_its_lifetime(demo, monkeypatch) -> None:
    assert settings.PASSWORD_RESET_TIMEOUT == 72 * 3600  # SAFERPLAN_PASSWORD_LINK_HOURS unset
    link = make_link()
    made = datetime.now()
    monkeypatch.setattr(tokens, "_now", lambda: made + timedelta(hours=71, minutes=59))
    browser = Client()
    assert browser.get(link).status_code == 302  # still good just before
    monkeypatch.setattr(tokens, "_now", lambda: made + timedelta(hours=72, seconds=2))
    _, expired = set_password(link, NEW)
    assert "This link does not work" in expired.content.decode()
    assert not signs_in("analyst", NEW)


def test_the_lifetime_is_a_setting(monkeypatch) -> None:
    monkeypatch.setenv("SAFERPLAN_PASSWORD_LINK_HOURS", "1.5")
    assert config.positive_number("SAFERPLAN_PASSWORD_LINK_HOURS", 72) == 1.5
    for bad in ("0", "-3", "soon", "inf", "nan"):
        monkeypatch.setenv("SAFERPLAN_PASSWORD_LINK_HOURS", bad)
        with pytest.raises(SaferplanError, match="SAFERPLAN_PASSWORD_LINK_HOURS must be"):
            config.positive_number("SAFERPLAN_PASSWORD_LINK_HOURS", 72)


def test_a_deactivated_accounts_link_stops_working(demo) -> None:
    link, admin = make_link(), client_for("admin")
    analyst = membership("analyst")
    assert admin.post(f"/manage/members/{analyst.pk}/deactivate/").status_code == 302
    _, refused = set_password(link, NEW)
    assert "This link does not work" in refused.content.decode()
    assert admin.post(f"/manage/members/{analyst.pk}/reactivate/").status_code == 302
    _, still = set_password(link, NEW)  # reactivating does not revive it
    assert "This link does not work" in still.content.decode()
    _, done = set_password(make_link(), NEW)  # a new one works
    assert done.status_code == 302
    page = client_for("admin").post(f"/manage/members/{membership('board').pk}/deactivate/")
    assert page.status_code == 302
    refused = client_for("admin").post(f"/manage/members/{membership('board').pk}/password-link/")
    assert refused.status_code == 400 and "Reactivate it first" in refused.content.decode()


def test_the_audit_trail_names_the_admin_and_holds_no_password_or_token(demo) -> None:
    link = make_link()
    set_password(link, NEW)
    token = link.strip("/").split("/")[-1]
    analyst = Users.objects.get(username="analyst")
    events = list(AuditEvent.objects.filter(model="auth.User", object_id=str(analyst.pk)))
    made, used = sorted(events, key=lambda e: e.pk)
    assert (made.actor, made.user.username, made.partnership) == ("admin", "admin", demo)
    assert "single-use password link" in made.summary
    assert (used.actor, used.partnership) == ("analyst", demo)
    for event in AuditEvent.objects.all():
        text = f"{event.summary} {event.object_id} {event.before} {event.after}"
        assert token not in text and NEW not in text
        assert analyst.password not in text and "md5$" not in text and "pbkdf2" not in text


def test_setting_the_password_lifts_a_sign_in_lock_out(demo) -> None:
    guesser = Client()
    for _ in range(6):
        guesser.post("/sign-in/", {"username": "analyst", "password": "wrong-guess"})
    assert (
        guesser.post("/sign-in/", {"username": "analyst", "password": PASSWORD}).status_code == 429
    )
    set_password(make_link(), NEW)
    assert guesser.post("/sign-in/", {"username": "analyst", "password": NEW}).status_code == 302
