"""Test-wide set-up: a throw-away data directory, and markers for database tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# pytest-django has already loaded saferplan.site.test_settings, which chose a throw-away
# SAFERPLAN_DATA; subprocesses started by tests inherit it.
os.environ.setdefault("SAFERPLAN_DATA", tempfile.mkdtemp(prefix="saferplan-test-data-"))
# The CLI's console fixes its width from COLUMNS when it is created (pytest-xdist's workers
# inherit COLUMNS=80): without it, each command run in a test reads the width it is given.
os.environ.pop("COLUMNS", None)

REPO = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the Django database, so it can be re-run on PostgreSQL."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "demo_warehouse" in fixtures:
            # Its session-wide import needs the test database set up.
            item.add_marker(pytest.mark.django_db)
        if {"db", "transactional_db", "django_db_setup"} & set(fixtures) or item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.database)


@pytest.fixture(autouse=True)
def _unscoped():
    """Tests set up and inspect records unscoped, as set-up code does; what they exercise
    scopes itself (requests by the middleware, CLI commands by --partnership)."""
    from saferplan.accounts.tenancy import across_partnerships

    with across_partnerships():
        yield


@pytest.fixture
def partnership(db):
    """A partnership (Harrow) whose scope is active, for services called directly."""
    from saferplan.accounts.models import Partnership
    from saferplan.accounts.tenancy import partnership_scope

    found = Partnership.objects.create(
        name="Test partnership", areas=["Harrow"], youth_justice_area="Harrow",
        comparators=["Barnet", "Brent", "Ealing", "Hillingdon", "London"],
    )  # fmt: skip
    with partnership_scope(found):
        yield found


@pytest.fixture
def demo_scope(db):
    """The demo partnership (users in every role, Harrow's plan), with its scope active."""
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.plans.demo import demo_partnership, load_demo_partnership

    load_demo_partnership()
    found = demo_partnership()
    with partnership_scope(found):
        yield found


@pytest.fixture
def warehouse(tmp_path: Path):
    """An empty warehouse in a temporary folder."""
    from saferplan.datastore.warehouse import Warehouse

    return Warehouse(tmp_path / "warehouse")


@pytest.fixture(scope="session")
def demo_warehouse(django_db_setup, django_db_blocker, tmp_path_factory):
    """The bundled London data imported once for the whole session (read-only for tests)."""
    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.datastore.models import ImportRecord
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.demo.load import load_demo

    wh = Warehouse(tmp_path_factory.mktemp("demo") / "warehouse")
    with django_db_blocker.unblock(), across_partnerships():
        load_demo(warehouse=wh)
        # The records would make tests that import the same files into their own empty
        # warehouse see them as already imported; this warehouse is only read. Kept in
        # memory for the tests that name the files behind figures (report provenance).
        wh.import_records = list(ImportRecord.objects.all())
        ImportRecord.objects.all().delete()
    return wh


@pytest.fixture
def import_into(warehouse, db):
    """Run an import into the test's empty warehouse: ``import_into(kind, *paths, **options)``."""
    from saferplan.datastore.importing import run_import

    def run(kind: str, *paths, **options):
        return run_import(kind, paths, options=options, user="tester", warehouse=warehouse)

    return run


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a test input file exactly as given (no newline translation)."""
    path.write_bytes(text.encode(encoding))
    return path
