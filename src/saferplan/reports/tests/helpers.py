"""What the report tests share: the demo warehouse's import records, and building once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saferplan.reports.build import provenance_from


def demo_provenance(warehouse: Any) -> Callable[[list[int]], list[dict[str, Any]]]:
    """Provenance from the demo warehouse's import records (the test database has none)."""
    records = warehouse.import_records
    return lambda ids: provenance_from(records, ids)
