"""The demo partnership with its youth justice records, for building its plans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def demo(demo_warehouse, demo_scope, monkeypatch, tmp_path: Path):
    """The demo partnership with its youth justice records (and their population, imported
    into a copy of the session's warehouse, which stays as it was)."""
    from saferplan.datastore.models import ImportRecord
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.reports import provenance
    from saferplan.youthjustice.demo import load_demo_youth_justice

    copy = Warehouse(shutil.copytree(demo_warehouse.root, tmp_path / "warehouse"))
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: copy)
    monkeypatch.setattr("saferplan.datastore.importing.Warehouse", lambda *a, **k: copy)
    monkeypatch.setattr(
        provenance,
        "provenance",
        lambda ids: provenance.provenance_from(
            demo_warehouse.import_records + list(ImportRecord.objects.all()), ids
        ),
    )
    load_demo_youth_justice(demo_scope)
    return demo_scope
