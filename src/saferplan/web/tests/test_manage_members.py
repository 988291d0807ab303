"""The Members pages: adding people (new, or from another partnership), their roles, and
deactivating accounts; an admin manages only their own partnership's members, and an
account shared with another partnership only when admin of that one too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from saferplan.accounts.models import AuditEvent, Membership, Organisation, Partnership
from saferplan.web.tests.manage import (
    PASSWORD,
    another_partnership,
    client_for,
    demo_with_real_passwords,
    membership,
    signs_in,
)

pytestmark = pytest.mark.django_db
Users = get_user_model()


@pytest.fixture
def demo() -> Partnership:
    return demo_with_real_passwords()


def _org(name: str = "NHS Harrow") -> Organisation:
    return Organisation.objects.get(name=name)


def _new_member(**changes: str) -> dict[str, str]:
    return {"username": "jsmith", "full_name": "Jo Smith", "email": "jo@example.org",
            "organisation": str(_org().pk), "roles": ["analyst", "board"], **changes}  # fmt: skip


def test_the_list_shows_each_members_organisation_roles_state_and_last_sign_in(demo) -> None:
    board = Users.objects.get(username="board")
    board.last_login = datetime(2026, 7, 3, 9, 15, tzinfo=UTC)  # 10:15 in London (BST)
    board.is_active = False
    board.save()
    page = client_for("admin").get("/manage/members/").content.decode()
    row = page.split("Bo Board")[1].split("</tr>")[0]
    assert "NHS Harrow" in row and "Board member (read-only)" in row
    assert "Deactivated" in row and "3 Jul 2026 10:15" in row
    analyst = page.split("Ana Analyst")[1].split("</tr>")[0]
    assert "Active" in analyst and "Never" in analyst
    assert page.count("govuk-table__row") == 1 + Membership.objects.filter(partnership=demo).count()


def test_adding_a_new_user_shows_their_single_use_link(demo) -> None:
    response = client_for("admin").post("/manage/members/add/", _new_member())
    assert response.status_code == 200
    page = response.content.decode()
    user = Users.objects.get(username="jsmith")
    assert (user.get_full_name(), user.email) == ("Jo Smith", "jo@example.org")
    assert not user.has_usable_password() and user.is_active
    assert membership("jsmith").roles == ["analyst", "board"]
    assert membership("jsmith").organisation == _org()
    assert "http://testserver/set-password/" in page and "jsmith" in page
    assert response["Cache-Control"] == "no-store"
    created = AuditEvent.objects.get(model="auth.User", action="created")
    assert (created.actor, created.partnership) == ("admin", demo)
    assert "password" not in created.after


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"username": "jo smith"}, "username", "Enter a valid username"),
        ({"username": "analyst"}, "username", "already in Safer Harrow (demo)"),
        ({"email": "not-an-address"}, "email", "Enter an email address like name@example.org"),
        ({"roles": []}, "roles_0", "Select at least one role"),
        ({"roles": ["superhero"]}, "roles_0", "superhero is not one of the available choices"),
        ({"organisation": ""}, "organisation", "Select the organisation they work for"),
    ],
)
def test_bad_new_members_are_refused_with_an_error_summary(
    demo, changes: dict[str, object], field: str, problem: str
) -> None:
    users = Users.objects.count()
    response = client_for("admin").post("/manage/members/add/", _new_member(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and f'href="#id_{field}"' in page
    assert problem in page.replace("&#x27;", "'")
    assert Users.objects.count() == users
    assert not AuditEvent.objects.filter(user__isnull=False).exists()


def test_a_user_of_another_partnership_joins_with_the_email_their_account_has(demo) -> None:
    other, org = another_partnership()
    sam = Users.objects.create_user("sam", email="Sam@Example.org", password=PASSWORD)
    Membership.objects.create(user=sam, partnership=other, organisation=org, roles=["analyst"])
    wrong = _new_member(username="sam", email="someone@example.org", roles=["board"])
    refused = client_for("admin").post("/manage/members/add/", wrong)
    assert refused.status_code == 400 and "another email address" in refused.content.decode()
    assert not Membership.objects.filter(user=sam, partnership=demo).exists()
    right = {**wrong, "email": "sam@example.org"}
    assert client_for("admin").post("/manage/members/add/", right).status_code == 302
    assert membership("sam", demo).roles == ["board"]
    sam.refresh_from_db()
    assert sam.check_password(PASSWORD)  # their own account, untouched
    event = AuditEvent.objects.get(model="auth.User", partnership=demo)
    assert "sam joined" in event.summary and event.actor == "admin"


def test_changing_roles_and_organisation_is_audited(demo) -> None:
    analyst = membership("analyst")
    data = {"organisation": str(_org("Probation Service").pk), "roles": ["analyst", "board"]}
    response = client_for("admin").post(f"/manage/members/{analyst.pk}/", data)
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.roles == ["analyst", "board"]
    assert analyst.organisation.name == "Probation Service"
    event = AuditEvent.objects.get(model="accounts.Membership")
    assert event.before["roles"] == ["analyst"] and event.after["roles"] == ["analyst", "board"]
    assert (event.actor, event.partnership) == ("admin", demo)
    assert client_for("analyst").get("/manage/").status_code == 403  # still not an admin


def test_the_last_admin_keeps_the_admin_role_and_their_account(demo) -> None:
    admin = membership("admin")
    data = {"organisation": str(admin.organisation_id), "roles": ["analyst"]}
    response = client_for("admin").post(f"/manage/members/{admin.pk}/", data)
    assert response.status_code == 400
    assert "the only active admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.roles == ["admin"]
    refused = client_for("admin").post(f"/manage/members/{admin.pk}/deactivate/")
    assert refused.status_code == 400 and "own account" in refused.content.decode()
    assert Users.objects.get(username="admin").is_active
    # With a second admin, the first may give the role up.
    Membership.objects.filter(pk=membership("analyst").pk).update(roles=["admin"])
    assert client_for("admin").post(f"/manage/members/{admin.pk}/", data).status_code == 302


def test_deactivating_stops_sign_in_and_reactivating_restores_it(demo) -> None:
    analyst = membership("analyst")
    admin = client_for("admin")
    confirm = admin.get(f"/manage/members/{analyst.pk}/deactivate/")
    assert confirm.status_code == 200 and "Deactivate analyst" in confirm.content.decode()
    assert Users.objects.get(username="analyst").is_active  # a look changes nothing
    assert admin.post(f"/manage/members/{analyst.pk}/deactivate/").status_code == 302
    assert not signs_in("analyst", PASSWORD)
    assert Membership.objects.filter(pk=analyst.pk).exists()  # still listed
    assert admin.post(f"/manage/members/{analyst.pk}/reactivate/").status_code == 302
    assert signs_in("analyst", PASSWORD)
    events = AuditEvent.objects.filter(model="auth.User", actor="admin").order_by("id")
    assert [e.after["is_active"] for e in events] == [False, True]
    assert all(e.partnership == demo for e in events)


def test_an_account_shared_with_another_partnership_is_its_admins_too(demo) -> None:
    other, org = another_partnership()
    analyst = Users.objects.get(username="analyst")
    Membership.objects.create(user=analyst, partnership=other, organisation=org, roles=["board"])
    here = membership("analyst", demo)
    before = (analyst.password, analyst.is_active)
    admin = client_for("admin")
    for change in ("password-link", "deactivate"):
        assert admin.get(f"/manage/members/{here.pk}/{change}/").status_code == 403
        assert admin.post(f"/manage/members/{here.pk}/{change}/").status_code == 403
    analyst.refresh_from_db()
    assert (analyst.password, analyst.is_active) == before
    page = admin.get(f"/manage/members/{here.pk}/").content.decode()
    assert "only an admin of all of them" in page and "Make a password link" not in page
    # An admin of both partnerships may.
    Membership.objects.create(user=Users.objects.get(username="admin"), partnership=other,
                              organisation=org, roles=["admin"])  # fmt: skip
    assert admin.post(f"/manage/members/{here.pk}/deactivate/").status_code == 302
    analyst.refresh_from_db()
    assert not analyst.is_active
    trails = set(AuditEvent.objects.filter(model="auth.User").values_list("partnership", flat=True))
    assert trails == {demo.pk, other.pk}  # recorded in both partnerships' trails


def test_removing_a_member_of_two_partnerships_keeps_the_other(demo) -> None:
    other, org = another_partnership()
    analyst = Users.objects.get(username="analyst")
    Membership.objects.create(user=analyst, partnership=other, organisation=org, roles=["board"])
    here = membership("analyst", demo)
    assert client_for("admin").post(f"/manage/members/{here.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=here.pk).exists()
    assert Membership.objects.filter(user=analyst, partnership=other).exists()
    analyst.refresh_from_db()
    assert analyst.is_active
    event = AuditEvent.objects.get(model="accounts.Membership", action="deleted")
    assert event.partnership == demo and event.before["roles"] == ["analyst"]
    # One who works only here is deactivated instead.
    board = membership("board")
    refused = client_for("admin").post(f"/manage/members/{board.pk}/remove/")
    assert refused.status_code == 400 and "works only in" in refused.content.decode()
    assert Membership.objects.filter(pk=board.pk).exists()
