"""The demo's youth justice service: a synthetic cohort (no real child) and a labelled
synthetic 10-17 population, loaded once."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

DEMO_CHILDREN = 400
DEMO_SEED = 2019
POPULATION_SET = "Synthetic population aged 10-17 (demo only)"
POPULATION_10_17 = 24_000  # of the order of a London borough's; synthetic, not ONS
POPULATION_BY_ETHNICITY = (
    "Synthetic population aged 10-17 by ethnic group (demo only, not census figures)"
)


def load_demo_youth_justice(partnership: Any) -> int:
    """Import the synthetic cohort and population into ``partnership`` unless already there;
    return the number of children loaded."""
    from saferplan.accounts.tenancy import partnership_scope

    with partnership_scope(partnership):
        return _load(partnership.youth_justice_area or partnership.area)


def _load(area: str) -> int:
    from saferplan.datastore.importing import run_import
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.models import Child
    from saferplan.youthjustice.store import import_extract
    from saferplan.youthjustice.synth import generate_cohort

    if Child.objects.exists():
        return 0
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.geography.areas import resolve_area

    code = resolve_area(Warehouse().connect(), area, "borough").code
    cohort = generate_cohort(children=DEMO_CHILDREN, seed=DEMO_SEED)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        extract = folder / "extract"
        write_tables(cohort.tables(), extract)
        counts = import_extract(extract, user="demo")
        population = folder / "population_10_17.csv"
        population.write_text(
            "area_code,area_name,year,age_band,population\n"
            + "".join(
                f"{code},{area},{year},10-17,{POPULATION_10_17}\n" for year in range(2016, 2022)
            )
        )
        run_import(
            "population",
            [population],
            user="demo",
            options={"name": POPULATION_SET, "source": "synthetic, for the demo only"},
        )
        import_demo_population_by_ethnicity(folder, area)
    return counts["children"]


def import_demo_population_by_ethnicity(folder: Path, area: str) -> Path:
    """The synthetic 10-17 population by ethnic group, imported under a name that says it
    is synthetic (the pages show that name as the denominator)."""
    from saferplan.youthjustice.comparators import import_population_by_ethnicity
    from saferplan.youthjustice.records import ETHNIC_GROUPS
    from saferplan.youthjustice.synth import ETHNIC_SHARES

    by_group = folder / "population_10_17_by_ethnicity.csv"
    by_group.write_text(
        "area,year,ethnic_group,population\n"
        + "".join(
            f"{area},2021,{group},{round(POPULATION_10_17 * share)}\n"
            for group, share in zip(ETHNIC_GROUPS, ETHNIC_SHARES, strict=True)
        )
    )
    import_population_by_ethnicity(
        by_group, POPULATION_BY_ETHNICITY, "synthetic, for the demo only", user="demo"
    )
    return by_group
