"""Single-use links for setting a password: there is no mail server, so an admin makes the
link and passes it on, and never types or sees anyone's password.

The token is Django's password-reset token (``PasswordResetTokenGenerator``): an HMAC of
the user's id, password hash, last sign-in, email and the time it was made, so it is
bound to one user, stops working once the password is set (the hash changes), and expires
after ``PASSWORD_RESET_TIMEOUT`` (``SAFERPLAN_PASSWORD_LINK_HOURS``). Making a link also
makes the current password unusable, which ends the user's sessions and every earlier
link; and a deactivated account's links do not work. Tokens are never stored or audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from saferplan.accounts.members import audit_everywhere
from saferplan.core.errors import SaferplanError


class PasswordLinkTokens(PasswordResetTokenGenerator):
    """Django's reset tokens, salted apart from any other use and void once deactivated."""

    key_salt = "saferplan.accounts.password_links"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


tokens = PasswordLinkTokens()


@dataclass(frozen=True)
class PasswordLink:
    """What the set-password URL needs (``uidb64`` and ``token``), and when it expires."""

    uidb64: str
    token: str
    expires: datetime


def link_lifetime() -> timedelta:
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


@transaction.atomic
def issue_password_link(user: Any, *, by: Any = None) -> PasswordLink:
    """A new single-use link for ``user``; their current password stops working now."""
    if not user.is_active:
        raise SaferplanError(
            f"{user.username}'s account is deactivated", hint="Reactivate it first."
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    expires = timezone.now() + link_lifetime()
    when = timezone.localtime(expires).strftime("%d %b %Y %H:%M")
    audit_everywhere(by, user, f"single-use password link for {user.username}, until {when}"
                     f"")  # fmt: skip
    return PasswordLink(
        urlsafe_base64_encode(force_bytes(user.pk)), tokens.make_token(user), expires
    )


def password_set_by_link(user: Any) -> None:
    """Audit the person setting their own password through a link (never the password),
    and lift any sign-in lock-out on their name, so the new password works at once."""
    from saferplan.accounts.lockout import unlock

    unlock(user.get_username())
    audit_everywhere(user, user, f"{user.username} set their password with a single-use link")
