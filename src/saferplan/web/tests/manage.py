"""Set-up for the Manage pages' tests: the demo partnership with its accounts no longer on
the published demo password (so adding a user does not deactivate them), and clients."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import Membership, Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.plans.demo import demo_partnership, load_demo_partnership

PASSWORD = "a-real-password-not-the-demo-one"


def demo_with_real_passwords() -> Partnership:
    load_demo_partnership()
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save()
    return demo_partnership()


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def signs_in(username: str, password: str) -> bool:
    """Through the real sign-in page, as a person would."""
    response = Client().post("/sign-in/", {"username": username, "password": password})
    return response.status_code == 302


def membership(username: str, partnership: Partnership | None = None) -> Membership:
    found = Membership.objects.filter(user__username=username)
    if partnership is not None:
        found = found.filter(partnership=partnership)
    return found.get()


def another_partnership(
    name: str = "Safer Elsewhere (test)", admin: str = "elsewhere-admin"
) -> Any:
    """A second partnership with an organisation and an admin of its own."""
    other = Partnership.objects.create(name=name, areas=["Brent"])
    with partnership_scope(other):
        org = Organisation.objects.create(partnership=other, name="Elsewhere Council",
                                          kind="council")  # fmt: skip
        user = get_user_model().objects.create_user(admin, password=PASSWORD)
        Membership.objects.create(user=user, partnership=other, organisation=org, roles=["admin"])
    return other, org
