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


WARDS_2018 = DATA / "ward_2018"
YEARLY = DATA / "population_yearly" / "london_borough_population_2009-2021.csv"
DEMO_IMPORTS = (
    DemoImport("population", (DATA / "lsoa_population_mid2019.csv",),
               {"name": "ONS mid-2019 LSOA estimates", "year": 2019}, "population"),
    # After the LSOA set: where both have a year, the newer import is the one used.
    DemoImport("population", (YEARLY,),
               {"name": "ONS mid-year estimates, London boroughs"}, "yearly borough populations"),
    DemoImport("mps", (DATA / "mps_borough_monthly_2010-04_2021-11.csv",
                       DATA / "mps_borough_monthly_2021-12_2023-11.csv"), {},
               "MPS borough monthly counts"),
    DemoImport("mps", (WARDS_2018 / "mps_ward_monthly_2017-08_2019-07_wards2018.csv",
                       WARDS_2018 / "mps_ward_monthly_2020-04_2022-03_wards2018.csv",
                       WARDS_2018 / "mps_ward_monthly_2020-09_2022-08_wards2018.csv"),
               {"vintage": "2018"}, "MPS ward monthly counts (2018 wards)"),
    DemoImport("mps", (DATA / "mps_ward_monthly_2021-12_2023-11.csv",), {"vintage": "2022"},
               "MPS ward monthly counts (2022 wards)"),
    DemoImport("lsoa-annual", (DATA / "lsoa_annual_by_major_category",), {},
               "LSOA annual counts"),
    DemoImport("police-uk", (DATA / "police_uk",), {}, "police.uk street-level records"),
    DemoImport("lookup", (WARDS_2018 / "lsoa2011_ward2018_best_fit.csv",), {},
               "LSOA to 2018 ward lookup (best fit)"),
    DemoImport("boundaries", (DATA / "lsoa2011_boundaries_bng.csv",
                              DATA / "borough_boundaries" / "london-2021-lad22-gen20.shp",
                              WARDS_2018 / "london_wards_2018_bng.csv"), {},
               "LSOA, borough and 2018 ward boundaries"),
)  # fmt: skip
# A partnership's own data: imported for the demo partnership, seen only in its scope.
DEMO_SERIES = DemoImport(
    "series", (DATA / "synthetic" / "harrow-police-extract-SYNTHETIC.csv",), {},
    "police extract for Harrow (synthetic)",
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


def load_demo_series(partnership: Any, warehouse: Any = None) -> tuple[int, int]:
    """Import the synthetic police extract as ``partnership``'s own, unless it has it."""
    from saferplan.datastore.importing import run_import

    outcome = run_import(DEMO_SERIES.kind, DEMO_SERIES.paths, options=DEMO_SERIES.options,
                         user="demo", warehouse=warehouse, partnership=partnership)  # fmt: skip
    return len(outcome.imported), len(outcome.skipped)
