"""Setting up a real partnership: its organisations and users, without the demo.

Used by ``saferplan accounts``. Every change is written to the audit trail (as made from
the command line, by the operating-system user who ran it), and passwords go through
Django's validators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.core.errors import NotFoundError, SaferplanError


def _partnership(name: str | None) -> Partnership:
    partnerships = list(Partnership.objects.all())
    if name is not None:
        found = [p for p in partnerships if p.name.lower() == name.lower()]
        if not found:
            raise NotFoundError(
                f"no partnership '{name}'", hint="Create it: saferplan accounts partnership NAME."
            )
        return found[0]
    if len(partnerships) != 1:
        raise SaferplanError(
            "say which partnership (--partnership)"
            if partnerships
            else "there is no partnership yet",
            hint="Create one: saferplan accounts partnership NAME.",
        )
    return partnerships[0]


@transaction.atomic
def add_partnership(name: str) -> tuple[Partnership, bool]:
    partnership, created = Partnership.objects.get_or_create(name=name.strip())
    if created:
        audit.record(None, "created", partnership, summary=f"partnership {name} (command line)")
    return partnership, created


@transaction.atomic
def add_organisation(
    name: str, kind: str, partnership: str | None = None, aliases: str = ""
) -> tuple[Organisation, bool]:
    kinds = dict(Organisation.Kind.choices)
    if kind not in kinds:
        raise SaferplanError(
            f"'{kind}' is not a kind of organisation", hint=f"Use one of: {', '.join(kinds)}."
        )
    org, created = Organisation.objects.get_or_create(
        partnership=_partnership(partnership),
        name=name.strip(),
        defaults={"kind": kind, "aliases": aliases},
    )
    if created:
        audit.record(None, "created", org, summary=f"organisation {name} (command line)")
    return org, created


def _organisation(name: str, partnership: str | None) -> Organisation:
    p = _partnership(partnership)
    found = Organisation.objects.filter(partnership=p, name__iexact=name.strip()).first()
    if found is None:
        known = ", ".join(Organisation.objects.filter(partnership=p).values_list("name", flat=True))
        raise NotFoundError(
            f"no organisation '{name}' in {p}",
            hint=f"Known: {known or 'none'}. Add one: saferplan accounts organisation NAME.",
        )
    return found


def check_roles(roles: list[str]) -> list[str]:
    valid = [r.value for r in Role]
    bad = [r for r in roles if r not in valid]
    if bad or not roles:
        raise SaferplanError(
            f"'{bad[0]}' is not a role" if bad else "give at least one role",
            hint=f"Roles: {', '.join(valid)}.",
        )
    return sorted(set(roles), key=valid.index)


@transaction.atomic
def add_user(
    username: str,
    organisation: str,
    roles: list[str],
    password: str,
    full_name: str = "",
    email: str = "",
    partnership: str | None = None,
) -> Any:
    """A new user in one organisation with the given roles."""
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise SaferplanError(
            f"user '{username}' already exists",
            hint="Change roles with: saferplan accounts roles USERNAME --role ROLE.",
        )
    org = _organisation(organisation, partnership)
    roles = check_roles(roles)
    first, _, last = full_name.strip().partition(" ")
    user = users(username=username, first_name=first, last_name=last, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise SaferplanError("the password is too weak: " + " ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organisation=org, roles=roles)
    audit.record(None, "created", user, summary=f"user {username} ({org}; {', '.join(roles)})")
    return user


@transaction.atomic
def set_roles(username: str, roles: list[str]) -> list[str]:
    membership = _membership(username)
    before = {"roles": list(membership.roles)}
    membership.roles = check_roles(roles)
    membership.save(update_fields=["roles"])
    audit.record(None, "changed", membership, before=before, summary=f"roles of {username}")
    return list(membership.roles)


@transaction.atomic
def set_active(username: str, active: bool) -> None:
    """Deactivate rather than delete: the audit trail keeps naming who did what."""
    user = _membership(username).user
    before = {"is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(None, "changed", user, before=before, summary=f"{username} active={active}")


def _membership(username: str) -> Membership:
    found = Membership.objects.select_related("user").filter(user__username=username).first()
    if found is None:
        raise NotFoundError(f"no user '{username}' in a partnership")
    return found


@dataclass(frozen=True)
class UserRow:
    username: str
    name: str
    organisation: str
    roles: str
    active: bool


def list_users() -> list[UserRow]:
    return [
        UserRow(
            m.user.username,
            m.user.get_full_name(),
            m.organisation.name,
            ", ".join(Role(r).label for r in m.roles),
            m.user.is_active,
        )
        for m in Membership.objects.select_related("user", "organisation").order_by(
            "organisation__name", "user__username"
        )
    ]
