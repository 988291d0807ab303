"""The rules the command line and the Manage pages share (``accounts.members``): a
partnership keeps an active admin, and names are stored as the data spells them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Membership, Partnership
from saferplan.cli.main import app

pytestmark = pytest.mark.django_db
STRONG = "correct-horse-battery-staple-42"


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["accounts", *args], input=stdin)


@pytest.fixture
def one_admin() -> None:
    assert run("partnership", "Safer Harrow").exit_code == 0
    assert run("organisation", "Harrow Council", "--kind", "council").exit_code == 0
    for username, role in (("ada", "admin"), ("ben", "analyst")):
        out = run("user", username, "--organisation", "Harrow Council", "--role", role,
                  "--password-stdin", stdin=STRONG + "\n")  # fmt: skip
        assert out.exit_code == 0, out.output


def test_the_only_admin_keeps_the_role_and_the_account(one_admin) -> None:
    refused = run("roles", "ada", "--role", "analyst")
    assert refused.exit_code == 1 and "the only active admin of Safer Harrow" in refused.output
    assert "Give someone else the admin role first" in refused.output
    assert Membership.objects.get(user__username="ada").roles == ["admin"]
    refused = run("deactivate", "ada")
    assert refused.exit_code == 1 and "cannot be deactivated" in refused.output
    assert get_user_model().objects.get(username="ada").is_active
    # Once someone else is an admin, either may go.
    assert run("roles", "ben", "--role", "admin").exit_code == 0
    assert run("deactivate", "ada").exit_code == 0
    refused = run("roles", "ben", "--role", "board")  # ada is inactive: ben is the only one
    assert refused.exit_code == 1 and "the only active admin" in refused.output


def test_the_list_shows_role_labels(one_admin) -> None:
    listing = run("list")
    assert listing.exit_code == 0
    assert "Partnership admin" in listing.output and "Analyst" in listing.output


def test_comparator_groups_are_stored_as_the_comparators_file_spells_them(
    demo_warehouse, monkeypatch
) -> None:
    """A group typed in any case was stored in lower case ('london'), as the file's lookup
    keys are, and shown so on the Settings page."""
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    out = run("partnership", "Safer Harrow", "--area", "harrow", "--comparators", "barnet,LONDON")
    assert out.exit_code == 0, out.output
    found = Partnership.objects.get(name="Safer Harrow")
    assert found.areas == ["Harrow"] and found.comparators == ["Barnet", "London"]
    assert AuditEvent.objects.get(model="accounts.Partnership").after["comparators"] == [
        "Barnet",
        "London",
    ]
