"""Area boundaries from WKT CSVs, shapefiles and GeoJSON, stored in British National Grid.

One storage CRS (EPSG:27700) means maps, grids and distances in metres need no
reprojection later. Geometries are checked: invalid ones are repaired with ``make_valid``
(noted in the import's provenance); empty ones, ones that are not polygons, ones with a
coordinate that is not a number and ones outside Great Britain are refused, as are area
codes that are not the level's ONS codes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sniffing import HEAD_BYTES, sniff
from saferplan.datastore.sources import SourceFile, check_archive, decoded_text
from saferplan.datastore.tables import STORAGE_CRS
from saferplan.datastore.warehouse import StagedTable
from saferplan.geography import codes

# British National Grid's extent with a margin, in metres.
GB_BOUNDS = (-100_000.0, -100_000.0, 800_000.0, 1_300_000.0)
POLYGONAL = ("Polygon", "MultiPolygon")
GEOMETRY_COLUMNS = ("geometry", "wkt", "geom")
GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
# A WKT cell may be long (a detailed coastline), unlike other cells.
MAX_GEOMETRY_CHARACTERS = 256 << 20


@register
class BoundariesImporter:
    kind: ClassVar[str] = "boundaries"
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".shp", ".geojson", ".json", ".zip")
    describes: ClassVar[str] = "a boundary file (WKT CSV)"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        return any(h.lower() in GEOMETRY_COLUMNS for h in header)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        import geopandas as gpd

        name = source.display_name
        lowered = source.name.lower()
        crs = _crs(name, options.get("crs"))
        if lowered.endswith(".csv"):
            frame, where = _from_wkt_csv(name, source, crs)
        else:
            frame, where = _from_vector_file(name, source, lowered, crs)
        progress(source.size)
        if len(frame) == 0:
            raise InputError(name, "the file holds no features")
        code_col, name_col, level = _identify(name, list(frame.columns), options.get("level"))
        _check_geometries(name, frame.geometry, where)
        invalid = ~frame.geometry.is_valid
        repaired = int(invalid.sum())
        if repaired:
            frame.loc[invalid, frame.geometry.name] = frame.geometry[invalid].make_valid()
        frame = frame.to_crs(STORAGE_CRS)
        _check_inside_great_britain(name, frame.geometry, where)
        area_codes = frame[code_col].astype(str).str.strip()
        _check_codes(name, area_codes, level, code_col, where)
        used = (code_col, name_col, frame.geometry.name)
        ignored = csvcheck.ignored_columns([str(c) for c in frame.columns], lambda c: c in used)
        data = pa.table(
            {
                "level": pa.array([level] * len(frame), pa.string()),
                "area_code": area_codes.tolist(),
                "area_name": (
                    frame[name_col].astype(str).tolist()
                    if name_col
                    else pa.nulls(len(frame), pa.string())
                ),
                "geometry": pa.array(gpd.GeoSeries(frame.geometry).to_wkb().tolist(), pa.binary()),
                "vintage": pa.array([_vintage(name, code_col, options)] * len(frame), pa.string()),
                # By code alone: an area whose code is unchanged in a newer vintage kept its
                # boundary, so either import may give it.
                "partition_key": [f"boundaries|{level}|{c}" for c in area_codes],
            }
        )
        return ParsedSource(
            tables=[StagedTable("boundaries", data)],
            rows_read=len(frame),
            rows_kept=len(frame),
            notes={
                "level": level,
                "repaired_geometries": repaired,
                "crs": STORAGE_CRS,
                "ignored_columns": ignored,
            },
        )


def _vintage(file: str, code_column: str, options: Mapping[str, Any]) -> str | None:
    """The year of the boundaries: the import's ``vintage`` option, else the year in the ONS
    code column's name (WD18CD: 2018, LSOA11CD: 2011)."""
    given = codes.vintage_option(file, options)
    if given is not None:
        return given
    match = codes.CODE_COLUMN.match(code_column.strip())
    return f"20{match.group(2)}" if match and match.group(2) else None


def _crs(file: str, crs: str | None) -> str | None:
    """The ``--crs`` option, refused unless pyproj knows it (e.g. EPSG:999999 is no CRS)."""
    if crs is None:
        return None
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(
            file,
            f"--crs {csvcheck.quoted(crs, 40)} is not a coordinate system",
            hint="Give an EPSG code: --crs EPSG:27700 (British National Grid) or "
            "EPSG:4326 (longitude and latitude).",
        ) from exc
    return crs


def _check_geometries(file: str, geoms: Any, where: Callable[[int], int]) -> None:
    """Every geometry a polygon (or several) with finite coordinates."""
    import numpy as np
    import shapely

    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            raise InputError(file, "the geometry is empty", row=where(i), column="geometry")
        if geom.geom_type not in POLYGONAL:
            raise InputError(
                file,
                f"the geometry is a {geom.geom_type}, not a polygon",
                row=where(i),
                column="geometry",
                hint="A boundary must be a Polygon or MultiPolygon.",
            )
    coordinates, index = shapely.get_coordinates(np.asarray(geoms), return_index=True)
    bad = ~np.isfinite(coordinates).all(axis=1)
    if bad.any():
        raise InputError(
            file,
            "the geometry has a coordinate that is not a finite number (NaN or infinity)",
            row=where(int(index[bad.nonzero()[0][0]])),
            column="geometry",
        )


def _check_inside_great_britain(file: str, geoms: Any, where: Callable[[int], int]) -> None:
    bounds = geoms.bounds
    outside = (
        (bounds.minx < GB_BOUNDS[0])
        | (bounds.miny < GB_BOUNDS[1])
        | (bounds.maxx > GB_BOUNDS[2])
        | (bounds.maxy > GB_BOUNDS[3])
        | bounds.isna().any(axis=1)
    )
    if outside.any():
        i = int(outside.to_numpy().nonzero()[0][0])
        raise InputError(
            file,
            "the boundary lies outside Great Britain",
            row=where(i),
            column="geometry",
            hint="Check the coordinate system; pass --crs (e.g. EPSG:4326) if it has none.",
        )


def _check_codes(file: str, area_codes: Any, level: str, column: str, where: Any) -> None:
    """ONS codes of the level (an LSOA's is E01 or W01 and eight digits); each once."""
    prefixes = codes.LEVEL_PREFIXES.get(level)
    for i, code in enumerate(area_codes):
        good = (
            bool(GSS_CODE.match(code)) and code[:3] in prefixes
            if prefixes
            else bool(code) and len(code) <= 40
        )
        if not good:
            what = f"an ONS {level} code" if prefixes else "an area code"
            raise InputError(
                file, f"{csvcheck.quoted(code)} is not {what}", row=where(i), column=column
            )
    duplicated = area_codes.duplicated()
    if duplicated.any():
        i = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(file, f"area {area_codes.iloc[i]} appears twice", row=where(i))


def _from_wkt_csv(name: str, source: SourceFile, crs: str | None) -> tuple[Any, Any]:
    import geopandas as gpd
    import numpy as np
    import shapely

    text, _ = decoded_text(source)
    limits = dict.fromkeys(GEOMETRY_COLUMNS, MAX_GEOMETRY_CHARACTERS)
    reader = csvcheck.DictReader(name, text, column_limits=limits)
    header = [h.strip() for h in reader.fieldnames or []]
    geometry_col = next((h for h in header if h.lower() in GEOMETRY_COLUMNS), None)
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
            # NaN coordinates are refused with their row later, not warned about here.
            with np.errstate(invalid="ignore"):
                geometries.append(shapely.from_wkt(wkt))
        except shapely.errors.GEOSException as exc:
            raise InputError(
                name,
                f"the geometry is not valid WKT ({csvcheck.shortened(exc, 120)})",
                row=line,
                column=geometry_col,
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

    _check_vector_file(name, source, lowered)
    try:
        if source.container is None and Path(source.name).exists():
            target: Any = f"/vsizip/{source.name}" if lowered.endswith(".zip") else source.name
            frame = pyogrio.read_dataframe(target)
        else:
            frame = pyogrio.read_dataframe(io.BytesIO(bytes(source.data)))
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InputError(
            name, f"cannot be read as a boundary file ({csvcheck.shortened(exc, 200)})"
        ) from exc
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


def _check_vector_file(name: str, source: SourceFile, lowered: str) -> None:
    """A GeoJSON, shapefile or shapefile zip, by its first bytes (GDAL reads anything it can:
    an Excel workbook named .json would be read as a table)."""
    head = bytes(memoryview(source.data)[:HEAD_BYTES])
    if lowered.endswith((".json", ".geojson")):
        good, expected = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"), "a GeoJSON file"
    elif lowered.endswith(".shp"):
        good, expected = head.startswith(b"\x00\x00\x27\x0a"), "a shapefile"
    else:
        good, expected = head.startswith(b"PK\x03\x04"), "a zip archive"
    if not good:
        kind = sniff(head, source.data)
        looks = kind.description if kind else "text, perhaps CSV"
        raise InputError(
            name,
            f"this is not {expected} (it looks like {looks})",
            hint="Boundaries are read from WKT CSV, GeoJSON or shapefiles.",
        )
    if lowered.endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(bytes(source.data))) as archive:
                check_archive(name, archive)
                if not any(n.lower().endswith(".shp") for n in archive.namelist()):
                    raise InputError(name, "the archive holds no shapefile (.shp)")
        except zipfile.BadZipFile as exc:
            raise InputError(name, f"not a readable zip archive ({exc})") from exc


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
        hint=f"The file's columns are: {csvcheck.listing_of([str(c) for c in columns])}.",
    )
