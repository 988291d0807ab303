"""Boundaries as GeoDataFrames (EPSG:27700) for maps."""

from __future__ import annotations

from typing import Any

import duckdb

from saferplan.datastore.tables import STORAGE_CRS


def boundaries_frame(con: duckdb.DuckDBPyConnection, level: str, borough: str | None = None) -> Any:
    """Areas of ``level`` (within ``borough`` by name or code, through the lookup)."""
    import geopandas as gpd
    import shapely

    sql = "SELECT area_code, area_name, geometry FROM boundaries WHERE level = ?"
    params: list[Any] = [level]
    if borough is not None and level in ("lsoa", "ward"):
        column = "lsoa_code" if level == "lsoa" else "ward_code"
        sql += (
            f" AND area_code IN (SELECT {column} FROM area_lookup "
            "WHERE lower(lad_name) = lower(?) OR lower(lad_code) = lower(?))"
        )
        params += [borough, borough]
    elif borough is not None:
        sql += " AND (lower(area_name) = lower(?) OR lower(area_code) = lower(?))"
        params += [borough, borough]
    rows = con.execute(sql + " ORDER BY area_code", params).fetchall()
    geometry = shapely.from_wkb([r[2] for r in rows])
    return gpd.GeoDataFrame(
        {"area_code": [r[0] for r in rows], "area_name": [r[1] for r in rows]},
        geometry=geometry,
        crs=STORAGE_CRS,
    )


def boundaries_of(con: duckdb.DuckDBPyConnection, level: str, codes: list[str]) -> Any:
    """The boundaries of the areas with these codes (an area whose code is unchanged in a
    newer vintage has one boundary, whichever import gave it)."""
    import geopandas as gpd
    import shapely

    rows = con.execute(
        "SELECT area_code, any_value(area_name), any_value(geometry) FROM boundaries "
        "WHERE level = ? AND area_code IN (SELECT unnest(?)) GROUP BY area_code ORDER BY 1",
        [level, codes],
    ).fetchall()
    return gpd.GeoDataFrame(
        {"area_code": [r[0] for r in rows], "area_name": [r[1] for r in rows]},
        geometry=shapely.from_wkb([r[2] for r in rows]),
        crs=STORAGE_CRS,
    )
