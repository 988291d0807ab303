"""Setting up partnerships, their organisations and users, from the command line or the demo.

Every change is written to the audit trail (as made from the command line, by the
operating-system user who ran it), passwords go through Django's validators, and area
names are checked against the data, so a typo is refused rather than stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.demo_accounts import retire_demo_accounts
from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.accounts.tenancy import (
    across_partnerships,
    find_partnership,
    partnership_scope,
)
from saferplan.core.errors import NotFoundError, SaferplanError

SETTINGS = ("areas", "comparators", "youth_justice_area", "youth_population_set")


@dataclass(frozen=True)
class KnownNames:
    """What the data knows, for checking a partnership's settings."""

    areas: Sequence[str]
    groups: Sequence[str] = ()

    def check(self, names: Sequence[str], what: str, groups_allowed: bool = False) -> list[str]:
        import difflib

        allowed = {n.lower(): n for n in [*self.areas, *(self.groups if groups_allowed else [])]}
        out = []
        for name in names:
            found = allowed.get(name.strip().lower())
            if found is None:
                close = difflib.get_close_matches(name, list(allowed.values()), n=3)
                hint = (f"Did you mean {' or '.join(close)}? " if close else "") + (
                    f"Known: {', '.join(sorted(allowed.values()))}."
                    if allowed
                    else "No areas are known yet: import the crime data first."
                )
                raise NotFoundError(f"'{name}' is not {what} the data knows", hint=hint)
            out.append(found)
        return out


def known_names(con: Any = None) -> KnownNames:
    """Borough and comparator group names the data knows (the warehouse in use by default)."""
    from saferplan.crime.comparisons import comparator_groups
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.geography.areas import list_areas

    con = con if con is not None else Warehouse().connect()
    return KnownNames([a.name for a in list_areas(con, "borough")], list(comparator_groups()))


@transaction.atomic
def set_partnership(
    name: str,
    *,
    areas: Sequence[str] | None = None,
    comparators: Sequence[str] | None = None,
    youth_justice_area: str | None = None,
    youth_population_set: str | None = None,
    known: KnownNames | None = None,
) -> tuple[Partnership, bool]:
    """Create the partnership, or update the settings given (``None`` leaves one as it is)."""
    name = name.strip()
    if not name:
        raise SaferplanError("the partnership needs a name")
    if known is not None:
        areas = known.check(areas, "an area") if areas is not None else None
        if comparators is not None:
            comparators = known.check(comparators, "an area or comparator group", True)
        if youth_justice_area:
            youth_justice_area = known.check([youth_justice_area], "an area")[0]
    partnership = Partnership.objects.filter(name__iexact=name).first()
    created = partnership is None
    before = None if partnership is None else audit.snapshot(partnership)
    partnership = partnership or Partnership(name=name)
    given = {
        "areas": list(areas) if areas is not None else None,
        "comparators": list(comparators) if comparators is not None else None,
        "youth_justice_area": youth_justice_area,
        "youth_population_set": youth_population_set,
    }
    for field, value in given.items():
        if value is not None:
            setattr(partnership, field, value)
    if created and not partnership.youth_justice_area and partnership.areas:
        partnership.youth_justice_area = partnership.area
    partnership.save()
    with partnership_scope(partnership):
        if created or before != audit.snapshot(partnership):
            audit.record(
                None,
                "created" if created else "changed",
                partnership,
                before=before,
                summary=f"partnership {partnership.name} (command line)",
            )
    return partnership, created


def add_partnership(name: str) -> tuple[Partnership, bool]:
    return set_partnership(name)


@transaction.atomic
def add_organisation(
    name: str, kind: str, partnership: str | None = None, aliases: str = ""
) -> tuple[Organisation, bool]:
    kinds = dict(Organisation.Kind.choices)
    if kind not in kinds:
        raise SaferplanError(
            f"'{kind}' is not a kind of organisation", hint=f"Use one of: {', '.join(kinds)}."
        )
    owner = find_partnership(partnership)
    with partnership_scope(owner):
        org, created = Organisation.objects.get_or_create(
            partnership=owner, name=name.strip(), defaults={"kind": kind, "aliases": aliases}
        )
        if created:
            audit.record(None, "created", org, summary=f"organisation {name} (command line)")
    return org, created


def _organisation(name: str, partnership: Partnership) -> Organisation:
    found = Organisation.objects.filter(name__iexact=name.strip()).first()
    if found is None:
        known = ", ".join(Organisation.objects.values_list("name", flat=True))
        raise NotFoundError(
            f"no organisation '{name}' in {partnership}",
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
    password: str | None,
    full_name: str = "",
    email: str = "",
    partnership: str | None = None,
) -> Any:
    """A user in one organisation of a partnership, with roles there.

    A user who already works in another partnership is added to this one too (no password
    is needed then); a user may hold one membership per partnership.
    """
    users = get_user_model()
    owner = find_partnership(partnership)
    with partnership_scope(owner):
        org = _organisation(organisation, owner)
        roles = check_roles(roles)
        user = users.objects.filter(username=username).first()
        if user is not None and Membership.objects.filter(user=user).exists():
            raise SaferplanError(
                f"user '{username}' is already in {owner}",
                hint="Change roles with: saferplan accounts roles USERNAME --role ROLE.",
            )
        if user is None:
            user = _new_user(username, password, full_name, email)
            user.retired_demo_accounts = retire_demo_accounts()
        Membership.objects.create(user=user, partnership=owner, organisation=org, roles=roles)
        audit.record(None, "created", user, summary=f"user {username} ({org}; {', '.join(roles)})")
    return user


def _new_user(username: str, password: str | None, full_name: str, email: str) -> Any:
    first, _, last = full_name.strip().partition(" ")
    user = get_user_model()(username=username, first_name=first, last_name=last, email=email)
    if not password:
        raise SaferplanError(f"a new user ('{username}') needs a password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise SaferplanError("the password is too weak: " + " ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def set_roles(username: str, roles: list[str], partnership: str | None = None) -> list[str]:
    """Replace a user's roles in one partnership (the only one they are in, if not named)."""
    membership = _membership(username, partnership)
    with partnership_scope(membership.partnership):
        before = {"roles": list(membership.roles)}
        membership.roles = check_roles(roles)
        membership.save(update_fields=["roles"])
        audit.record(None, "changed", membership, before=before, summary=f"roles of {username}")
    return list(membership.roles)


@transaction.atomic
def set_active(username: str, active: bool) -> None:
    """Deactivate rather than delete: the audit trail keeps naming who did what."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(f"no user '{username}'")
    before = {"is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    with across_partnerships():
        partnerships = [
            m.partnership
            for m in Membership.objects.filter(user=user).select_related("partnership")
        ]
    for partnership in partnerships if partnerships else [None]:
        with partnership_scope(partnership):
            audit.record(
                None, "changed", user, before=before, summary=f"{username} active={active}"
            )


def _membership(username: str, partnership: str | None) -> Membership:
    with across_partnerships():
        found = list(
            Membership.objects.select_related("user", "partnership").filter(user__username=username)
        )
    if partnership is not None:
        owner = find_partnership(partnership)
        found = [m for m in found if m.partnership_id == owner.pk]
    if not found:
        raise NotFoundError(f"no user '{username}' in {partnership or 'a partnership'}")
    if len(found) > 1:
        raise SaferplanError(
            f"'{username}' is in several partnerships: say which (--partnership NAME)",
            hint="Partnerships: " + ", ".join(m.partnership.name for m in found) + ".",
        )
    return found[0]


@dataclass(frozen=True)
class UserRow:
    partnership: str
    username: str
    name: str
    organisation: str
    roles: str
    active: bool


def list_users(partnership: str | None = None) -> list[UserRow]:
    """Every membership: of one partnership if named, else of all of them."""
    with across_partnerships():
        memberships = Membership.objects.select_related("user", "organisation", "partnership")
        if partnership is not None:
            memberships = memberships.filter(partnership=find_partnership(partnership))
        return [
            UserRow(
                m.partnership.name,
                m.user.username,
                m.user.get_full_name(),
                m.organisation.name,
                ", ".join(Role(r).label for r in m.roles),
                m.user.is_active,
            )
            for m in memberships.order_by(
                "partnership__name", "organisation__name", "user__username"
            )
        ]
