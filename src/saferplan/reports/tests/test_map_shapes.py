"""The maps' shapes, outlines and places are made once per set of areas, and made afresh
for areas whose codes, names or coordinates differ in any way."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from saferplan.reports import maps


def _areas(
    shift: float = 0.0, names: tuple[str, str] = ("Roxeth", "Wealdstone")
) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_code": ["E05000001", "E05000002"], "area_name": list(names)},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000 + shift, 1000)],
        crs="EPSG:27700",
    )


def test_the_same_areas_are_turned_into_shapes_once() -> None:
    first, again = _areas(), _areas()
    assert maps.shapes_of(first) is maps.shapes_of(again)
    assert maps.places_of(first) is maps.places_of(again)
    assert maps.outline_of(first) is maps.outline_of(again)


def test_areas_that_differ_get_their_own_shapes_places_and_outline() -> None:
    moved = _areas(shift=0.5)  # one corner half a metre further east
    assert maps.shapes_of(moved) is not maps.shapes_of(_areas())
    assert np.max(maps.shapes_of(moved).paths[1][0][:, 0]) == 2000.5
    assert maps.outline_of(moved).bounds == (0.0, 0.0, 2000.5, 1000.0)
    renamed = maps.places_of(_areas(names=("Roxeth", "Harrow Weald")))
    assert renamed is not None and renamed.names == ("Harrow Weald", "Roxeth")


def test_a_maps_source_line_breaks_where_matplotlib_would_wrap_it() -> None:
    """The source line is broken once per process, at the words matplotlib's ``wrap=True``
    breaks it at on a map as saved (so the maps are the same, pixel for pixel)."""
    from saferplan.reports import charts, drawing

    sources = [
        f"Source: police.uk street-level crime, OGL v3.0. {maps.BOUNDARY_SOURCE}",
        f"Source: {'Metropolitan Police Service recorded crime ' * 4}{maps.BOUNDARY_SOURCE}",
        "Short source.",
    ]
    for source in sources:
        fig = charts.pyplot().figure(figsize=(7.5, 7.2), dpi=charts.DPI)
        text = fig.text(0.01, 0.01, source, fontsize=6.5, ha="left", va="bottom", wrap=True)
        fig.canvas.draw()
        expected = text._get_wrapped_text()  # what matplotlib drew
        charts.pyplot().close(fig)
        font = text.get_fontproperties().copy()
        assert drawing._wrapped(source, font, 7.5 * charts.DPI * 0.99) == expected
        assert ("\n" in expected) == ("Metropolitan" in source)  # the longest does wrap
