"""Start Django from the CLI: settings, app registry and (when asked) migrations."""

from __future__ import annotations

import os

_ready = False


def setup_django(migrate: bool = True) -> None:
    """Configure Django once per process; apply migrations so a fresh data directory works."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplan.site.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    _ready = True
