"""The demo's accounts share one published password: they must not outlive the demo.

Once a real user is added they are deactivated, and ``saferplan serve`` refuses to listen
beyond this machine while any of them can still sign in (and warns on localhost).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from saferplan.accounts import audit
from saferplan.accounts.tenancy import across_partnerships


def active_demo_accounts() -> list[str]:
    """Demo users who can still sign in with the demo password."""
    from saferplan.plans.demo import DEMO_PASSWORD, USERS

    names = [u[0] for u in USERS]
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return sorted(u.username for u in users if u.check_password(DEMO_PASSWORD))


def retire_demo_accounts() -> list[str]:
    """Deactivate the demo users still usable with the demo password (audited)."""
    retired = active_demo_accounts()
    with across_partnerships():
        for user in get_user_model().objects.filter(username__in=retired):
            user.is_active = False
            user.save(update_fields=["is_active"])
            summary = f"demo account {user.username} deactivated: real users exist"
            audit.record(None, "changed", user, before={"is_active": True}, summary=summary)
    return retired
