"""Setting up a real partnership from the command line: organisations, users, roles."""

from __future__ import annotations

import pytest
from django.test import Client
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Membership
from saferplan.cli.main import app

pytestmark = pytest.mark.django_db
STRONG = "correct-horse-battery-staple-42"


def sign_in(username: str, password: str) -> Client | None:
    """Through the real sign-in page (with its throttling), as a person would."""
    client = Client()
    response = client.post("/sign-in/", {"username": username, "password": password})
    return client if response.status_code == 302 else None


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["accounts", *args], input=stdin)


@pytest.fixture
def partnership() -> None:
    assert run("partnership", "Safer Harrow").exit_code == 0
    out = run("organisation", "Harrow Youth Justice Service", "--kind", "council")
    assert out.exit_code == 0, out.output


def test_a_new_user_signs_in_with_the_roles_given(partnership) -> None:
    out = run("user", "jo", "--organisation", "harrow youth justice service",
              "--role", "youth_justice", "--name", "Jo Bloggs", "--password-stdin",
              stdin=STRONG + "\n")  # fmt: skip
    assert out.exit_code == 0, out.output
    assert Membership.objects.get(user__username="jo").roles == ["youth_justice"]
    client = sign_in("jo", STRONG)
    assert client is not None
    assert client.get("/youth-justice/profile/").status_code == 200
    assert run("roles", "jo", "--role", "board").exit_code == 0
    assert client.get("/youth-justice/profile/").status_code == 403
    listing = run("list")
    assert "Jo Bloggs" in listing.output and "Board member" in listing.output


def test_passwords_never_reach_the_audit_trail(partnership) -> None:
    run("user", "jo", "--organisation", "Harrow Youth Justice Service", "--role", "analyst",
        "--password-stdin", stdin=STRONG + "\n")  # fmt: skip
    event = AuditEvent.objects.get(model="auth.User")
    assert event.action == "created" and "password" not in (event.after or {})
    assert STRONG not in str(event.after) and "pbkdf2" not in str(event.after)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "superhero"], "'superhero' is not a role"),
        (["--role", "analyst", "--organisation", "Nowhere"], "no organisation 'Nowhere'"),
    ],
)
def test_bad_user_requests_are_refused_and_nothing_is_created(
    partnership, args: list[str], message: str
) -> None:
    base = ["user", "jo", "--password-stdin"]
    if "--organisation" not in args:
        base += ["--organisation", "Harrow Youth Justice Service"]
    out = run(*base, *args, stdin=STRONG + "\n")
    assert out.exit_code != 0 and message in out.output
    assert not Membership.objects.exists()


def test_weak_password_is_refused(partnership) -> None:
    out = run("user", "jo", "--organisation", "Harrow Youth Justice Service", "--role",
              "analyst", "--password-stdin", stdin="password\n")  # fmt: skip
    assert out.exit_code != 0 and "too weak" in out.output
    assert not Membership.objects.exists()


def test_deactivated_user_cannot_sign_in_but_stays_in_the_trail(partnership) -> None:
    run("user", "jo", "--organisation", "Harrow Youth Justice Service", "--role", "analyst",
        "--password-stdin", stdin=STRONG + "\n")  # fmt: skip
    assert run("deactivate", "jo").exit_code == 0
    assert sign_in("jo", STRONG) is None
    assert AuditEvent.objects.filter(summary="jo active=False").exists()


def test_unknown_kind_of_organisation_is_refused(partnership) -> None:
    out = run("organisation", "Acme", "--kind", "spaceport")
    assert out.exit_code != 0 and "'spaceport' is not a kind of organisation" in out.output
