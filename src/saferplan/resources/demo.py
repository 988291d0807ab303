"""The demo partnership's resources and risks: Harrow's 2017-18 and 2019-20 budgets, grant
allocations and 2017-18 staffing list from the reference tables, and a sample funding stream
(the LCPF) and risk register, marked sample (``fixtures/README.md`` says where each came
from and what was corrected). Imported through the import pipeline, once: importing the
same files again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).with_name("fixtures")
DEMO_FILES = (
    ("budget", "budget_2017_18.csv", "2017-18"),
    ("budget", "budget_2019_20.csv", "2019-20"),
    ("grant-allocation", "grant_allocation_2017_18.csv", "2017-18"),
    ("grant-allocation", "grant_allocation_2019_20.csv", "2019-20"),
    ("staffing", "staffing_2017_18.csv", "2017-18"),
    ("funding", "funding_2019_20_sample.csv", "2019-20"),  # links to the 2019/20 plan's actions
    ("risks", "risks_sample.csv", None),
)


def load_demo_resources(partnership: Any) -> int:
    """Import the demo's files into ``partnership`` (its delivery plan loaded first); the
    number of files imported now (0 when all were there already)."""
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.resources.service import import_file

    imported = 0
    with partnership_scope(partnership):
        for table, name, year in DEMO_FILES:
            imported += len(import_file(table, FIXTURES / name, year, user="demo").imported)
    return imported
