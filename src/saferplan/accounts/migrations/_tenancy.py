"""Giving records made before tenancy their partnership (used by the tenancy migrations).

Before tenancy there was in practice one partnership per deployment: its records are given
to it. With none, one is created to hold them; with several, the oldest holds them, and an
admin moves them if need be (the migration says so).
"""

from __future__ import annotations

from typing import Any

HOLDER = "Partnership (records from before tenancy)"


def owner(apps: Any, needed: bool) -> Any:
    """The partnership that owns pre-tenancy records, or None when there are none to own."""
    partnerships = apps.get_model("accounts", "Partnership")
    first = partnerships.objects.order_by("id").first()
    if first is None and needed:
        first = partnerships.objects.create(name=HOLDER)
    if partnerships.objects.count() > 1 and needed:
        print(f"\n  Records from before tenancy were given to '{first.name}'.")
    return first
