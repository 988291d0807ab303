"""Test-wide set-up: a throw-away data directory, and markers for database tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before Django reads its settings, so no test ever touches a user's data directory.
os.environ["SAFERPLAN_DATA"] = tempfile.mkdtemp(prefix="saferplan-test-data-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplan.site.settings")

REPO = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the Django database, so it can be re-run on PostgreSQL."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if {"db", "transactional_db", "django_db_setup"} & set(fixtures) or item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.database)


@pytest.fixture
def warehouse(tmp_path: Path):
    """An empty warehouse in a temporary folder."""
    from saferplan.datastore.warehouse import Warehouse

    return Warehouse(tmp_path / "warehouse")
