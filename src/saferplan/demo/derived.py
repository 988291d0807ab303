"""Files the demo derives from the bundled open data: the 2011 LSOA to 2018 ward lookup.

ONS publishes best-fit lookups from LSOAs to wards; the bundled data has none for the 2018
wards, so one is made the same way from the two bundled boundary files: each 2011 LSOA is
placed in the 2018 ward it overlaps most. Where wards follow LSOA boundaries (Harrow's,
unchanged from 2002 to 2022) every LSOA lies wholly in its ward; where wards were redrawn
in 2014 or 2018 (Bexley, Hackney, Tower Hamlets, among others) an LSOA can lie partly in
another ward, so ward sums of LSOA figures there are approximate. Run

    .venv/bin/python -m saferplan.demo.derived

to write ``ward_2018/lsoa2011_ward2018_best_fit.csv`` again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saferplan.demo import DATA

LSOAS = DATA / "lsoa2011_boundaries_bng.csv"
WARDS = DATA / "ward_2018" / "london_wards_2018_bng.csv"
LOOKUP = DATA / "ward_2018" / "lsoa2011_ward2018_best_fit.csv"
COLUMNS = ["LSOA11CD", "LSOA11NM", "WD18CD", "WD18NM", "LAD11CD", "LAD11NM", "overlap"]


def _frame(path: Path) -> Any:
    import geopandas as gpd
    import pandas as pd
    import shapely

    table = pd.read_csv(path)
    geometry = shapely.make_valid(shapely.from_wkt(table.pop("geometry")))
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:27700")


def best_fit(lsoas: Any, wards: Any) -> Any:
    """Each LSOA with the ward it overlaps most, and the share of its area in that ward."""
    import geopandas as gpd

    pieces = gpd.overlay(
        lsoas[["LSOA11CD", "LSOA11NM", "LAD11CD", "LAD11NM", "geometry"]],
        wards[["WD18CD", "WD18NM", "geometry"]],
        how="intersection",
        keep_geom_type=True,
    )
    pieces["area"] = pieces.geometry.area
    whole = lsoas.set_index("LSOA11CD").geometry.area
    best = pieces.sort_values(["LSOA11CD", "area"], ascending=[True, False]).drop_duplicates(
        "LSOA11CD"
    )
    best["overlap"] = (best["area"] / best["LSOA11CD"].map(whole)).round(3)
    return best[COLUMNS].sort_values("LSOA11CD").reset_index(drop=True)


def write_lookup(out: Path = LOOKUP) -> int:
    lookup = best_fit(_frame(LSOAS), _frame(WARDS))
    lookup.to_csv(out, index=False)
    return len(lookup)


if __name__ == "__main__":
    print(f"{write_lookup():,} LSOAs written to {LOOKUP}")
