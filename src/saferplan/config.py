"""Where saferplan keeps its data, resolved once so every entry point agrees."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "SAFERPLAN_DATA"
DEFAULT_DATA_DIR = "saferplan-data"


def data_dir() -> Path:
    """The data directory: ``$SAFERPLAN_DATA`` or ``./saferplan-data``, as an absolute path.

    It is created on first use so a fresh checkout works without a set-up step.
    """
    path = Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def warehouse_dir() -> Path:
    """Columnar crime, population and geography facts (Parquet) live here."""
    path = data_dir() / "warehouse"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_path() -> Path:
    """The embedded Django database used when ``DATABASE_URL`` is not set."""
    return data_dir() / "saferplan.sqlite3"
