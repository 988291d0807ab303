"""Load the bundled London data: which files, as which kind, in which order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplan.demo import DATA


@dataclass(frozen=True)
class DemoImport:
    kind: str
    paths: tuple[Path, ...]
    options: dict[str, Any]
    label: str


DEMO_IMPORTS = (
    DemoImport("population", (DATA / "lsoa_population_mid2019.csv",),
               {"name": "ONS mid-2019 LSOA estimates", "year": 2019}, "population"),
    DemoImport("mps", (DATA / "mps_borough_monthly_2010-04_2021-11.csv",
                       DATA / "mps_borough_monthly_2021-12_2023-11.csv"), {},
               "MPS borough monthly counts"),
    DemoImport("mps", (DATA / "mps_ward_monthly_2021-12_2023-11.csv",), {},
               "MPS ward monthly counts"),
    DemoImport("lsoa-annual", (DATA / "lsoa_annual_by_major_category",), {},
               "LSOA annual counts"),
    DemoImport("police-uk", (DATA / "police_uk",), {}, "police.uk street-level records"),
    DemoImport("boundaries", (DATA / "lsoa2011_boundaries_bng.csv",
                              DATA / "borough_boundaries" / "london-2021-lad22-gen20.shp"), {},
               "LSOA and borough boundaries"),
)  # fmt: skip


def load_demo(
    report: Callable[[str, int, int], None] | None = None, warehouse: Any = None
) -> tuple[int, int]:
    """Import every bundled file not imported yet; return (files imported, files skipped)."""
    from saferplan.datastore.importing import run_import

    imported = skipped = 0
    for item in DEMO_IMPORTS:
        outcome = run_import(
            item.kind, item.paths, options=item.options, user="demo", warehouse=warehouse
        )
        imported += len(outcome.imported)
        skipped += len(outcome.skipped)
        if report:
            report(item.label, len(outcome.imported), len(outcome.skipped))
    return imported, skipped
