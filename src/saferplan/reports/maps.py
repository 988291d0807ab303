"""Maps drawn from imported boundaries, without any network (no web tiles).

Every map has a title, a legend with units, a scale bar, a north arrow and a source line,
and, where the period's ward boundaries were imported, the wards' outlines and names, so a
councillor can tell where a hot spot or a dark area is. Inputs are GeoDataFrames in British
National Grid (metres), so distances are true; they are turned into plain shapes here
(``drawing``), which is what a worker process draws from.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import shapely
from matplotlib.path import Path

from saferplan.crime.hotspots import CHANGE_CODES, CLASS_CODES, HotspotResult
from saferplan.reports import drawing
from saferplan.reports.drawing import BOUNDARY_SOURCE as BOUNDARY_SOURCE
from saferplan.reports.drawing import GridImage, Places, Shapes
from saferplan.reports.drawing import Shade as Shade
from saferplan.reports.drawing import shade_colours as shade_colours

# A diverging red-blue for hot and cold spots.
HOT_COLD = {
    3: "#b2182b",
    2: "#ef8a62",
    1: "#fddbc7",
    0: "#f7f7f7",
    -1: "#d1e5f0",
    -2: "#67a9cf",
    -3: "#2166ac",
}
CHANGE_COLOURS = {0: "#f7f7f7", 1: "#d73027", 2: "#fc8d59", 3: "#7f0000", 4: "#4575b4"}
Arguments = dict[str, Any]  # a drawing function's keyword arguments
SHAPES_KEPT = 16
T = TypeVar("T")
_made: OrderedDict[tuple[str, bytes], Any] = OrderedDict()


def _made_once(what: str, areas: Any, columns: Sequence[str], make: Callable[[], T]) -> T:
    """``make()``, remembered by the SHA-256 of the areas' ``columns`` and geometry (each
    one's parts, rings and coordinates): a build's 25 maps of the same LSOAs and wards turn
    them into shapes, outlines and labelled places once, not once per map."""
    geometries = np.asarray(areas.geometry.values)
    digest = hashlib.sha256()
    for column in columns:
        digest.update("\x1f".join(str(v) for v in areas[column]).encode() + b"\x1e")
    for counts in (shapely.get_num_geometries(geometries), shapely.get_num_coordinates(geometries)):
        digest.update(np.asarray(counts, dtype=np.int64).tobytes())
    rings = shapely.get_rings(shapely.get_parts(geometries))
    digest.update(np.asarray(shapely.get_num_coordinates(rings), dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(shapely.get_coordinates(geometries)).tobytes())
    key = (what, digest.digest())
    if key in _made:
        _made.move_to_end(key)
    else:
        _made[key] = make()
        while len(_made) > SHAPES_KEPT:
            _made.popitem(last=False)
    made: T = _made[key]
    return made


def _rings(geometry: Any) -> list[np.ndarray]:
    """Every ring (exterior and holes) of each polygon of ``geometry``, as coordinates."""
    rings = []
    for polygon in shapely.get_parts(geometry):
        for ring in [polygon.exterior, *polygon.interiors]:
            rings.append(shapely.get_coordinates(ring))
    return rings


def _path_data(geometry: Any) -> drawing.PathData:
    """One compound path of every ring of ``geometry`` (holes cut out by winding)."""
    paths = [Path(ring, closed=True) for ring in _rings(geometry)]
    compound = Path.make_compound_path(*paths)
    return np.asarray(compound.vertices), np.asarray(compound.codes)


def shapes_of(areas: Any) -> Shapes:
    """The areas (``area_code``, ``geometry``) as path data, in the frame's order."""

    def make() -> Shapes:
        codes = tuple(str(c) for c in areas["area_code"])
        return Shapes(codes, tuple(_path_data(g) for g in areas.geometry))

    return _made_once("shapes", areas, ["area_code"], make)


def lines_of(geometries: Sequence[Any]) -> tuple[np.ndarray, ...]:
    """The boundaries of (multi)polygons, as lines."""
    return tuple(ring for g in geometries for ring in _rings(g))


def places_of(places: Any) -> Places | None:
    """Places' names in alphabetical order, a point inside each, and their outlines."""
    if places is None or not len(places):
        return None

    def make() -> Places:
        ordered = places.sort_values("area_name")
        points = tuple((float(p.x), float(p.y)) for p in ordered.geometry.representative_point())
        names = tuple(str(n) for n in ordered["area_name"])
        return Places(names, points, lines_of(list(places.geometry)))

    return _made_once("places", places, ["area_name"], make)


def outline_of(areas: Any) -> Any:
    """The outer boundary of a set of areas (slivers between them closed)."""
    return _made_once("outline", areas, [],
                      lambda: areas.geometry.buffer(5).union_all().buffer(-5))  # fmt: skip


def choropleth_arguments(
    areas: Any,
    shades: Sequence[Shade],
    title: str,
    unit: str,
    source: str,
    outline: Any = None,
    places: Any = None,
) -> Arguments:
    """What ``drawing.choropleth_drawing`` draws the areas of a GeoDataFrame from."""
    boundary = outline if outline is not None else outline_of(areas)
    return {"areas": shapes_of(areas), "shades": list(shades), "title": title, "unit": unit,
            "source": source, "outline": lines_of([boundary]), "places": places_of(places),
            "place_lines": places is not areas}  # fmt: skip


def choropleth(
    areas: Any,
    shades: Sequence[Shade],
    title: str,
    unit: str,
    source: str,
    outline: Any = None,
    places: Any = None,
) -> bytes:
    """Areas (``area_code``) coloured by the class they are in, one legend entry per class;
    drawn in one pass (a colour per area), hatching on top, ``places`` named on top of all
    (outlined too, unless they are the areas themselves)."""
    arguments = choropleth_arguments(areas, shades, title, unit, source, outline, places)
    return drawing.choropleth_drawing(**arguments)


def _grid_image(result: HotspotResult, values: np.ndarray, outline: Any) -> GridImage:
    g = result.grid
    extent = (g.x0, g.x0 + g.cols * g.cell, g.y0, g.y0 + g.rows * g.cell)
    minx, miny, maxx, maxy = (float(v) for v in outline.total_bounds)
    return GridImage(np.where(result.mask, values, np.nan), extent, (minx, miny, maxx, maxy))


def _outline_lines(outline: Any) -> tuple[np.ndarray, ...]:
    return lines_of(list(outline.geometry))


def hotspot_arguments(
    result: HotspotResult, outline: Any, title: str, source: str, places: Any = None
) -> Arguments:
    """Gi* classes on the grid, over the area's outline (and its wards, named)."""
    present = set(np.unique(result.gi.classes[result.mask]).tolist())
    legend = [(HOT_COLD[c], CLASS_CODES[c]) for c in sorted(HOT_COLD, reverse=True)
              if c in present or c == 0]  # fmt: skip
    p = result.parameters
    heading = f"Getis-Ord Gi* ({p['cell']:.0f} m cells, neighbours within {p['distance']:.0f} m)"
    return {"grid": _grid_image(result, result.gi.classes, outline), "colours": HOT_COLD,
            "legend": legend, "legend_title": heading, "title": title, "source": source,
            "outline": _outline_lines(outline), "places": places_of(places)}  # fmt: skip


def hotspot_map(
    result: HotspotResult, outline: Any, title: str, source: str, places: Any = None
) -> bytes:
    """Gi* classes on the grid, over the area's outline (and its wards, named)."""
    return drawing.class_map_drawing(**hotspot_arguments(result, outline, title, source, places))


def density_arguments(
    result: HotspotResult, outline: Any, title: str, source: str, places: Any = None
) -> Arguments:
    """Quartic kernel density (incidents per km²) over the area's outline (wards named)."""
    p = result.parameters
    label = f"Incidents per km² (quartic kernel, bandwidth {p['bandwidth']:.0f} m)"
    return {"grid": _grid_image(result, result.density, outline), "label": label,
            "title": title, "source": source, "outline": _outline_lines(outline),
            "places": places_of(places)}  # fmt: skip


def density_map(
    result: HotspotResult, outline: Any, title: str, source: str, places: Any = None
) -> bytes:
    """Quartic kernel density (incidents per km²) over the area's outline (wards named)."""
    return drawing.density_drawing(**density_arguments(result, outline, title, source, places))


def change_arguments(
    change: np.ndarray,
    result: HotspotResult,
    outline: Any,
    title: str,
    source: str,
    places: Any = None,
) -> Arguments:
    """Hot spot change between two periods on the same grid (codes of CHANGE_CODES)."""
    legend = [(CHANGE_COLOURS[c], CHANGE_CODES[c]) for c in sorted(CHANGE_COLOURS)]
    return {"grid": _grid_image(result, change, outline), "colours": CHANGE_COLOURS,
            "legend": legend, "legend_title": "Change in Getis-Ord Gi* hot spots",
            "title": title, "source": source, "outline": _outline_lines(outline),
            "places": places_of(places)}  # fmt: skip


def change_map(
    change: np.ndarray,
    result: HotspotResult,
    outline: Any,
    title: str,
    source: str,
    places: Any = None,
) -> bytes:
    """Hot spot change between two periods on the same grid (codes of CHANGE_CODES)."""
    arguments = change_arguments(change, result, outline, title, source, places)
    return drawing.class_map_drawing(**arguments)
