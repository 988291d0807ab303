"""Start Django from the CLI: settings, app registry and (when needed) migrations."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_ready = False


def _migrations_fingerprint() -> str:
    """A hash of the database in use and every migration file of every installed app."""
    from django.apps import apps
    from django.db import connection

    names = [repr(sorted(connection.settings_dict.items(), key=lambda kv: kv[0]))]
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        if folder.is_dir():
            names += sorted(f"{app.label}:{p.name}" for p in folder.glob("*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def setup_django(migrate: bool = True) -> None:
    """Configure Django once per process; apply migrations so a fresh data directory works.

    Checking Django's migration graph costs a CLI command about a third of a second, so a
    stamp in the data directory records the migrations last applied to this database.
    """
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplan.site.settings")
    import django

    django.setup()
    if migrate:
        from django.conf import settings
        from django.core.management import call_command

        stamp = Path(settings.DATA_DIR) / ".migrated"
        fingerprint = _migrations_fingerprint()
        if not stamp.exists() or stamp.read_text() != fingerprint:
            call_command("migrate", interactive=False, verbosity=0)
            stamp.write_text(fingerprint)
    _ready = True
