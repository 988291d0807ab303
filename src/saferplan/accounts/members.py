"""Who works in a partnership: adding people, their organisation and roles there, and
switching accounts off; one set of functions for the command line and the Manage pages.

Every change is audited as made by ``by`` (the signed-in admin) or, when ``by`` is None,
from the command line. Whoever asks, a partnership is never left without an active admin,
and no one deactivates or removes themselves. A user may belong to several partnerships;
their account (signing in, the password) is theirs in all of them, so the web app lets only
an admin of every one of them change it (``permissions.can_manage_account``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.demo_accounts import retire_demo_accounts
from saferplan.accounts.management import find_organisation, owner
from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.accounts.tenancy import across_partnerships, find_partnership, partnership_scope
from saferplan.core.errors import NotFoundError, SaferplanError


def check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(roles)
    valid = [r.value for r in Role]
    bad = [r for r in roles if r not in valid]
    if bad or not roles:
        raise SaferplanError(
            f"'{bad[0]}' is not a role" if bad else "give at least one role",
            hint=f"Roles: {', '.join(valid)}.",
        )
    return sorted(set(roles), key=valid.index)


def _organisation_of(organisation: Organisation | str, partnership: Partnership) -> Organisation:
    if isinstance(organisation, str):
        return find_organisation(organisation, partnership)
    if organisation.partnership_id != partnership.pk:
        raise NotFoundError(f"no organisation '{organisation}' in {partnership}")
    return organisation


@transaction.atomic
def add_user(
    username: str,
    organisation: Organisation | str,
    roles: list[str],
    password: str | None,
    full_name: str = "",
    email: str = "",
    partnership: Partnership | str | None = None,
    *,
    by: Any = None,
    invite: bool = False,
    same_email: bool = False,
) -> Any:
    """A user in one organisation of a partnership, with roles there.

    A new user needs a password, or ``invite``: then they have none until they set one
    through a single-use link (``accounts.password_links``). A user who already works in
    another partnership joins this one (no password is needed); with ``same_email`` only
    when ``email`` is the one their account has, so an admin must know who they add.
    """
    found = owner(partnership)
    with partnership_scope(found):
        org = _organisation_of(organisation, found)
        roles = check_roles(roles)
        username = username.strip()
        user: Any = get_user_model().objects.filter(username=username).first()
        if user is not None and Membership.objects.filter(user=user).exists():
            raise SaferplanError(
                f"user '{username}' is already in {found}",
                hint="Change roles with: saferplan accounts roles USERNAME --role ROLE.",
            )
        if user is None:
            user = _new_user(username, password, full_name, email, invite)
            user.retired_demo_accounts = retire_demo_accounts()
            summary = f"user {username} ({org}; {', '.join(roles)})"
        else:
            if same_email:
                _check_same_person(user, email)
            summary = f"user {username} joined ({org}; {', '.join(roles)})"
            user.retired_demo_accounts = []
        Membership.objects.create(user=user, partnership=found, organisation=org, roles=roles)
        audit.record(by, "created", user, summary=summary)
    return user


def _check_same_person(user: Any, email: str) -> None:
    if not user.email:
        raise SaferplanError(
            f"a user called '{user.username}' already exists, with no email address to "
            "confirm who they are",
            hint="Add them to this partnership from the command line: saferplan accounts user.",
        )
    if email.strip().lower() != user.email.lower():
        raise SaferplanError(
            f"a user called '{user.username}' already exists with another email address",
            hint="To add them to this partnership, give the email address their account has; "
            "otherwise choose another username.",
        )


def _new_user(username: str, password: str | None, full_name: str, email: str, invite: bool) -> Any:
    users = get_user_model()
    first, _, last = " ".join(full_name.split()).partition(" ")
    user = users(username=username, first_name=first, last_name=last, email=email.strip())
    try:
        users._meta.get_field("username").run_validators(username)
        if user.email:
            validate_email(user.email)
    except ValidationError as exc:
        raise SaferplanError(f"'{username}': " + " ".join(exc.messages)) from None
    if invite:
        user.set_unusable_password()
    else:
        if not password:
            raise SaferplanError(f"a new user ('{username}') needs a password")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise SaferplanError("the password is too weak: " + " ".join(exc.messages)) from None
        user.set_password(password)
    user.save()
    return user


def _is_last_admin(membership: Membership) -> bool:
    """Whether this member is the only active admin of their partnership."""
    if Role.ADMIN not in membership.roles or not membership.user.is_active:
        return False
    with across_partnerships():
        others = Membership.objects.filter(
            partnership_id=membership.partnership_id, user__is_active=True
        ).exclude(pk=membership.pk)
        return not any(Role.ADMIN in m.roles for m in others)


def _refuse_if_last_admin(membership: Membership, doing: str) -> None:
    if _is_last_admin(membership):
        raise SaferplanError(
            f"{membership.user.username} is the only active admin of {membership.partnership}, "
            f"so cannot be {doing}",
            hint="Give someone else the admin role first.",
        )


@transaction.atomic
def change_membership(
    membership: Membership,
    *,
    organisation: Organisation | None = None,
    roles: list[str] | None = None,
    by: Any = None,
) -> bool:
    """A member's organisation or roles in their partnership; whether anything changed."""
    with partnership_scope(membership.partnership):
        locked = Membership.objects.select_related("user", "partnership").get(pk=membership.pk)
        before = audit.snapshot(locked)
        if roles is not None:
            roles = check_roles(roles)
            if Role.ADMIN not in roles:
                _refuse_if_last_admin(locked, "left without the admin role")
            locked.roles = roles
        if organisation is not None:
            locked.organisation = _organisation_of(organisation, locked.partnership)
        if audit.snapshot(locked) == before:
            return False
        locked.save(update_fields=["roles", "organisation"])
        summary = f"roles and organisation of {locked.user.username}"
        audit.record(by, "changed", locked, before=before, summary=summary)
    membership.refresh_from_db()
    return True


def set_roles(
    username: str, roles: list[str], partnership: str | None = None, *, by: Any = None
) -> list[str]:
    """Replace a user's roles in one partnership (the only one they are in, if not named)."""
    membership = membership_of(username, partnership)
    change_membership(membership, roles=roles, by=by)
    return list(membership.roles)


def memberships(user: Any) -> list[Membership]:
    with across_partnerships():
        return list(
            Membership.objects.filter(user=user)
            .select_related("partnership", "user")
            .order_by("id")
        )


def audit_everywhere(
    by: Any, user: Any, summary: str, before: dict[str, Any] | None = None
) -> None:
    """A change to an account, in the audit trail of every partnership it works in."""
    partnerships: list[Partnership | None] = [m.partnership for m in memberships(user)]
    for partnership in partnerships or [None]:
        with partnership_scope(partnership):
            audit.record(by, "changed", user, before=before, summary=summary)


@transaction.atomic
def set_account_active(user: Any, active: bool, *, by: Any = None) -> bool:
    """Deactivate rather than delete: the audit trail keeps naming who did what.

    Returns whether anything changed.
    """
    if user.is_active == active:
        return False
    if not active:
        if by is not None and by.pk == user.pk:
            raise SaferplanError("you cannot deactivate your own account")
        for membership in memberships(user):
            _refuse_if_last_admin(membership, "deactivated")
    before = {"is_active": user.is_active}
    user.is_active = active
    if active and not user.has_usable_password():
        # A password link made before they were deactivated must not come back to life:
        # a new unusable password changes what its token was made from.
        user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    audit_everywhere(by, user, f"{user.username} active={active}", before)
    return True


def set_active(username: str, active: bool, *, by: Any = None) -> None:
    """The command line's way in: the user by name."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(f"no user '{username}'")
    set_account_active(user, active, by=by)


@transaction.atomic
def remove_membership(membership: Membership, *, by: Any = None) -> None:
    """Take a user out of one partnership, leaving their account and other memberships.

    Only for a user who works in another partnership too: one who works only here is
    deactivated instead, so the partnership's list keeps showing everyone it had.
    """
    user = membership.user
    if by is not None and by.pk == user.pk:
        raise SaferplanError("you cannot remove yourself from the partnership")
    if len(memberships(user)) < 2:
        raise SaferplanError(
            f"{user.username} works only in {membership.partnership}",
            hint="Deactivate their account instead.",
        )
    _refuse_if_last_admin(membership, "removed")
    with partnership_scope(membership.partnership):
        before = audit.snapshot(membership)
        summary = f"{user.username} removed from {membership.partnership}"
        audit.record(by, "deleted", membership, before=before, summary=summary)
        membership.delete()


def membership_of(username: str, partnership: str | None) -> Membership:
    """A user's membership, by name: in the partnership named, or their only one."""
    with across_partnerships():
        found = list(
            Membership.objects.select_related("user", "partnership").filter(user__username=username)
        )
    if partnership is not None:
        named = find_partnership(partnership)
        found = [m for m in found if m.partnership_id == named.pk]
    if not found:
        raise NotFoundError(f"no user '{username}' in {partnership or 'a partnership'}")
    if len(found) > 1:
        raise SaferplanError(
            f"'{username}' is in several partnerships: say which (--partnership NAME)",
            hint="Partnerships: " + ", ".join(m.partnership.name for m in found) + ".",
        )
    return found[0]


@dataclass(frozen=True)
class Member:
    """One membership, as the users list shows it."""

    membership_id: int
    partnership: str
    username: str
    name: str
    email: str
    organisation: str
    roles: tuple[str, ...]
    active: bool
    last_login: datetime | None
    elsewhere: int  # how many other partnerships they also work in

    @property
    def role_labels(self) -> str:
        return ", ".join(Role(r).label for r in self.roles)


def list_members(partnership: Partnership | str | None = None) -> list[Member]:
    """Every membership: of one partnership if given, else of all of them."""
    with across_partnerships():
        found = Membership.objects.select_related("user", "organisation", "partnership")
        if partnership is not None:
            found = found.filter(partnership=owner(partnership))
        rows = list(found.order_by("partnership__name", "organisation__name", "user__username"))
        counts = Counter(
            Membership.objects.filter(user__in={m.user_id for m in rows}).values_list(
                "user_id", flat=True
            )
        )
    return [
        Member(
            m.pk,
            m.partnership.name,
            m.user.username,
            m.user.get_full_name(),
            m.user.email,
            m.organisation.name,
            tuple(m.roles),
            m.user.is_active,
            m.user.last_login,
            counts[m.user_id] - 1,
        )
        for m in rows
    ]
