"""Area boundaries from WKT CSVs, shapefiles and GeoJSON, stored in British National Grid.

One storage CRS (EPSG:27700) means maps, grids and distances in metres need no
reprojection later. Geometries are checked: invalid ones are repaired with ``make_valid``
(noted in the import's provenance), empty ones and ones outside Great Britain refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.tables import STORAGE_CRS
from saferplan.datastore.warehouse import StagedTable
from saferplan.geography import codes

# British National Grid's extent with a margin, in metres.
GB_BOUNDS = (-100_000.0, -100_000.0, 800_000.0, 1_300_000.0)


@register
class BoundariesImporter:
    kind: ClassVar[str] = "boundaries"
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".shp", ".geojson", ".json", ".zip")

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        import geopandas as gpd

        name = source.display_name
        lowered = source.name.lower()
        if lowered.endswith(".csv"):
            frame, where = _from_wkt_csv(name, source, options.get("crs"))
        else:
            frame, where = _from_vector_file(name, source, lowered, options.get("crs"))
        progress(source.size)
        if len(frame) == 0:
            raise InputError(name, "the file holds no features")
        code_col, name_col, level = _identify(name, list(frame.columns), options.get("level"))
        repaired = 0
        geoms = frame.geometry
        for i, geom in enumerate(geoms):
            if geom is None or geom.is_empty:
                raise InputError(name, "the geometry is empty", row=where(i), column="geometry")
        invalid = ~geoms.is_valid
        if invalid.any():
            repaired = int(invalid.sum())
            frame.loc[invalid, frame.geometry.name] = geoms[invalid].make_valid()
        frame = frame.to_crs(STORAGE_CRS)
        bounds = frame.geometry.bounds
        outside = (
            (bounds.minx < GB_BOUNDS[0])
            | (bounds.miny < GB_BOUNDS[1])
            | (bounds.maxx > GB_BOUNDS[2])
            | (bounds.maxy > GB_BOUNDS[3])
        )
        if outside.any():
            i = int(outside.to_numpy().nonzero()[0][0])
            raise InputError(
                name,
                "the boundary lies outside Great Britain",
                row=where(i),
                column="geometry",
                hint="Check the coordinate system; pass --crs (e.g. EPSG:4326) if it has none.",
            )
        area_codes = frame[code_col].astype(str).str.strip()
        duplicated = area_codes.duplicated()
        if duplicated.any():
            i = int(duplicated.to_numpy().nonzero()[0][0])
            raise InputError(name, f"area {area_codes.iloc[i]} appears twice", row=where(i))
        data = pa.table(
            {
                "level": pa.array([level] * len(frame), pa.string()),
                "area_code": area_codes.tolist(),
                "area_name": frame[name_col].astype(str).tolist() if name_col else None,
                "geometry": pa.array(gpd.GeoSeries(frame.geometry).to_wkb().tolist(), pa.binary()),
                "partition_key": [f"boundaries|{level}|{c}" for c in area_codes],
            }
        )
        if name_col is None:
            data = data.set_column(2, "area_name", pa.array([None] * len(frame), pa.string()))
        return ParsedSource(
            tables=[StagedTable("boundaries", data)],
            rows_read=len(frame),
            rows_kept=len(frame),
            notes={"level": level, "repaired_geometries": repaired, "crs": STORAGE_CRS},
        )


def _from_wkt_csv(name: str, source: SourceFile, crs: str | None) -> tuple[Any, Any]:
    import geopandas as gpd
    import shapely

    text, _ = decoded_text(source)
    csv.field_size_limit(1 << 30)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    geometry_col = next((h for h in header if h.lower() in ("geometry", "wkt", "geom")), None)
    if geometry_col is None:
        raise InputError(name, "no geometry column (expected 'geometry' or 'WKT')", row=1)
    records: list[dict[str, Any]] = []
    geometries = []
    lines: list[int] = []
    previous = 1
    for record in reader:
        line = previous + 1
        previous = reader.line_num
        if None in record or any(v is None for v in record.values()):
            raise InputError(name, "this row has the wrong number of fields", row=line)
        wkt = record.pop(geometry_col) or ""
        try:
            geometries.append(shapely.from_wkt(wkt))
        except shapely.errors.GEOSException as exc:
            raise InputError(
                name, f"the geometry is not valid WKT ({exc})", row=line, column=geometry_col
            ) from exc
        records.append({k.strip(): v for k, v in record.items()})
        lines.append(line)
    frame = gpd.GeoDataFrame(records, geometry=geometries, crs=crs or STORAGE_CRS)
    return frame, lambda i: lines[i]


def _from_vector_file(
    name: str, source: SourceFile, lowered: str, crs: str | None
) -> tuple[Any, Any]:
    import geopandas as gpd
    import pyogrio

    try:
        if source.container is None and Path(source.name).exists():
            target: Any = f"/vsizip/{source.name}" if lowered.endswith(".zip") else source.name
            frame = pyogrio.read_dataframe(target)
        else:
            frame = pyogrio.read_dataframe(io.BytesIO(bytes(source.data)))
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InputError(name, f"cannot be read as a boundary file ({exc})") from exc
    frame = gpd.GeoDataFrame(frame)
    if frame.crs is None:
        default = "EPSG:4326" if lowered.endswith((".geojson", ".json")) else None
        if crs is None and default is None:
            raise InputError(
                name, "the file states no coordinate system", hint="Pass --crs, e.g. EPSG:27700."
            )
        frame = frame.set_crs(crs or default)
    elif crs:
        frame = frame.set_crs(crs, allow_override=True)
    return frame, lambda i: i + 1


def _identify(name: str, columns: list[str], level: str | None) -> tuple[str, str | None, str]:
    for column in columns:
        found = codes.level_of_column(column)
        if found:
            return column, codes.name_column_for(column, columns), level or found
    for column in columns:
        if column.lower() in ("area_code", "code"):
            named = next((c for c in columns if c.lower() in ("area_name", "name")), None)
            if level is None:
                raise InputError(name, "the area level is unknown", hint="Pass --level.")
            return column, named, level
    raise InputError(
        name,
        "no area code column (e.g. LSOA11CD, WD22CD, LAD22CD or area_code)",
        hint=f"The file's columns are: {', '.join(columns)}.",
    )
