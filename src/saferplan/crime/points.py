"""Point data for hotspot maps: police.uk locations projected to British National Grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from saferplan.crime.themes import Theme


@dataclass(frozen=True)
class Points:
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    without_location: int


def to_british_national_grid(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x), np.asarray(y)


def points_from_warehouse(
    con: Any, theme: Theme, first: date, last: date, *, borough: str | None = None
) -> Points:
    """The theme's police.uk records in the months given (and borough, via the lookup)."""
    where, params = theme.filters["police-uk"].sql("police-uk")
    sql = (f"SELECT longitude, latitude FROM police_uk_records WHERE month BETWEEN ? AND ? "
           f"AND {where}")  # fmt: skip
    args: list[Any] = [first, last, *params]
    if borough:
        sql += (" AND lsoa_code IN (SELECT lsoa_code FROM area_lookup "
                "WHERE lower(lad_name) = lower(?) OR lower(lad_code) = lower(?))")  # fmt: skip
        args += [borough, borough]
    rows = con.execute(sql, args).fetchall()
    located = [(lon, lat) for lon, lat in rows if lon is not None and lat is not None]
    if not located:
        empty = np.zeros(0)
        return Points(empty, empty, len(rows))
    lon, lat = np.array(located, dtype=np.float64).T
    x, y = to_british_national_grid(lon, lat)
    return Points(x, y, len(rows) - len(located))
