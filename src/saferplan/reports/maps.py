"""Maps drawn from imported boundaries, without any network (no web tiles).

Every map has a title, a legend with units, a scale bar, a north arrow and a source line,
and, where the period's ward boundaries were imported, the wards' outlines and names, so a
councillor can tell where a hot spot or a dark area is. Inputs are GeoDataFrames in British
National Grid (metres), so distances are true.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch, Rectangle

from saferplan.crime.hotspots import CLASS_CODES, HotspotResult
from saferplan.reports.charts import save_png

BOUNDARY_SOURCE = "Contains OS data © Crown copyright and database right 2022 (ONS, OGL v3.0)."
NO_DATA = "#dddddd"
# Colour-blind-safe sequential blues, and a diverging red-blue for hot and cold spots.
BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
HOT_COLD = {
    3: "#b2182b",
    2: "#ef8a62",
    1: "#fddbc7",
    0: "#f7f7f7",
    -1: "#d1e5f0",
    -2: "#67a9cf",
    -3: "#2166ac",
}


def _scale_bar(ax: Any) -> None:
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    span = xmax - xmin
    length = next(v for v in (5000, 2000, 1000, 500, 200, 100) if v <= span / 4)
    x0, y0 = xmin + span * 0.04, ymin + (ymax - ymin) * 0.05
    height = (ymax - ymin) * 0.012
    ax.add_patch(Rectangle((x0, y0), length / 2, height, color="#0b0c0c"))
    ax.add_patch(
        Rectangle(
            (x0 + length / 2, y0),
            length / 2,
            height,
            facecolor="white",
            edgecolor="#0b0c0c",
            linewidth=0.8,
        )
    )
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length} m"
    box = {"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8}
    ax.text(x0, y0 + height * 1.8, "0", fontsize=7, ha="center", bbox=box)
    ax.text(x0 + length, y0 + height * 1.8, label, fontsize=7, ha="center", bbox=box)


def _north_arrow(ax: Any) -> None:
    ax.annotate(
        "N",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.84),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"facecolor": "#0b0c0c", "width": 3, "headwidth": 9},
    )


def _finish(fig: Any, ax: Any, source: str, title: str, labels: Sequence[str]) -> bytes:
    ax.set_axis_off()
    ax.set_aspect("equal")
    _scale_bar(ax)
    _north_arrow(ax)
    fig.text(0.01, 0.01, source, fontsize=6.5, color="#505a5f", ha="left", va="bottom", wrap=True)
    return save_png(fig, title, [*labels, source])


def label_places(ax: Any, places: Any, lines: bool = True) -> list[str]:
    """Each place's name at a point inside it, over a white halo so it reads on any colour;
    with ``lines``, its outline too. Returns the names written, in alphabetical order."""
    import textwrap

    from matplotlib import patheffects

    if places is None or not len(places):
        return []
    if lines:
        places.boundary.plot(ax=ax, color="#6f777b", linewidth=0.5, linestyle=(0, (3, 2)))
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    ordered = places.sort_values("area_name")
    for name, point in zip(
        ordered["area_name"], ordered.geometry.representative_point(), strict=True
    ):
        ax.text(point.x, point.y, textwrap.fill(str(name), 14), fontsize=5.8, ha="center",
                va="center", color="#0b0c0c", path_effects=halo, zorder=5)  # fmt: skip
    return [str(n) for n in ordered["area_name"]]


@dataclass(frozen=True)
class Shade:
    """One legend entry of a choropleth: the areas it colours, and how."""

    codes: tuple[str, ...]
    label: str
    kind: str = "rate"  # 'rate', or hatched: 'small' (too few offences to show), 'no-data'

    @property
    def hatched(self) -> bool:
        return self.kind != "rate"


def shade_colours(shades: Sequence[Shade]) -> list[str]:
    """Sequential blues for the value classes (lightest first); hatched white or grey."""
    valued = [s for s in shades if not s.hatched]
    blues = BLUES[-len(valued) :] if 0 < len(valued) <= len(BLUES) else BLUES
    out, i = [], 0
    for s in shades:
        if s.hatched:
            out.append("#ffffff" if s.kind == "small" else NO_DATA)
        else:
            out.append(blues[min(i, len(blues) - 1)])
            i += 1
    return out


def outline_of(areas: Any) -> Any:
    """The outer boundary of a set of areas (slivers between them closed)."""
    return areas.geometry.buffer(5).union_all().buffer(-5)


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
    fig, ax = plt.subplots(figsize=(7.5, 7.2), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))  # type: ignore[union-attr, call-arg]
    colours = shade_colours(shades)
    colour_of = {code: c for shade, c in zip(shades, colours, strict=True) for code in shade.codes}
    hatched = {code for shade in shades if shade.hatched for code in shade.codes}
    shown = areas[areas["area_code"].isin(colour_of)]
    if len(shown):
        shown.plot(ax=ax, color=[colour_of[c] for c in shown["area_code"]], edgecolor="white",
                   linewidth=0.3)  # fmt: skip
        marked = shown[shown["area_code"].isin(hatched)]
        if len(marked):
            marked.plot(ax=ax, facecolor="none", edgecolor="#b1b4b6", hatch="///", linewidth=0.3)
    handles = [
        Patch(facecolor=c, edgecolor="#b1b4b6", hatch="///" if s.hatched else None, label=s.label)
        for s, c in zip(shades, colours, strict=True)
    ]
    boundary = outline if outline is not None else outline_of(areas)
    type(areas)(geometry=[boundary], crs=areas.crs).boundary.plot(
        ax=ax, color="#0b0c0c", linewidth=0.8
    )
    named = label_places(ax, places, lines=places is not areas)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.legend(
        handles=handles,
        title=unit,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=3,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    labels = [unit, *(s.label for s in shades), *named]
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}", title, labels)


def hotspot_map(
    result: HotspotResult, outline: Any, title: str, source: str, places: Any = None
) -> bytes:
    """Gi* classes on the grid, over the area's outline (and its wards, named)."""
    fig, ax, _ = _grid_map(result, result.gi.classes, outline, **_class_colours(HOT_COLD))
    named = label_places(ax, places)
    present = set(np.unique(result.gi.classes[result.mask]).tolist())
    handles = [
        Patch(facecolor=HOT_COLD[c], edgecolor="#b1b4b6", label=CLASS_CODES[c])
        for c in sorted(HOT_COLD, reverse=True)
        if c in present or c == 0
    ]
    p = result.parameters
    legend = f"Getis-Ord Gi* ({p['cell']:.0f} m cells, neighbours within {p['distance']:.0f} m)"
    ax.legend(
        handles=handles,
        title=legend,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    labels = [legend, *(str(h.get_label()) for h in handles), *named]
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}", title, labels)


def density_map(
    result: HotspotResult, outline: Any, title: str, source: str, places: Any = None
) -> bytes:
    """Quartic kernel density (incidents per km²) over the area's outline (wards named)."""
    fig, ax, image = _grid_map(result, result.density, outline, cmap="YlOrRd")
    named = label_places(ax, places)
    bar = fig.colorbar(image, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02)
    p = result.parameters
    label = f"Incidents per km² (quartic kernel, bandwidth {p['bandwidth']:.0f} m)"
    bar.set_label(label, fontsize=8)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}", title, [label, *named])


CHANGE_COLOURS = {0: "#f7f7f7", 1: "#d73027", 2: "#fc8d59", 3: "#7f0000", 4: "#4575b4"}


def change_map(
    change: np.ndarray,
    result: HotspotResult,
    outline: Any,
    title: str,
    source: str,
    places: Any = None,
) -> bytes:
    """Hot spot change between two periods on the same grid (codes of CHANGE_CODES)."""
    from saferplan.crime.hotspots import CHANGE_CODES

    fig, ax, _ = _grid_map(result, change, outline, **_class_colours(CHANGE_COLOURS))
    named = label_places(ax, places)
    codes = sorted(CHANGE_COLOURS)
    handles = [
        Patch(facecolor=CHANGE_COLOURS[c], edgecolor="#b1b4b6", label=CHANGE_CODES[c])
        for c in codes
    ]
    legend = "Change in Getis-Ord Gi* hot spots"
    ax.legend(
        handles=handles,
        title=legend,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    labels = [legend, *(str(h.get_label()) for h in handles), *named]
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}", title, labels)


def _frame(ax: Any, outline: Any) -> None:
    minx, miny, maxx, maxy = outline.total_bounds
    pad = (maxx - minx) * 0.03
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)


def _grid_map(
    result: HotspotResult, values: np.ndarray, outline: Any, **imshow: Any
) -> tuple[Any, Any, Any]:
    """A figure with ``values`` on the result's grid (cells outside the mask blank),
    the area's outline on top, framed to the outline."""
    fig, ax = plt.subplots(figsize=(7.5, 7.2), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))  # type: ignore[union-attr, call-arg]
    g = result.grid
    image = ax.imshow(
        np.where(result.mask, values, np.nan),
        origin="lower",
        interpolation="nearest",
        extent=(g.x0, g.x0 + g.cols * g.cell, g.y0, g.y0 + g.rows * g.cell),
        **imshow,
    )
    outline.boundary.plot(ax=ax, color="#0b0c0c", linewidth=0.5)
    _frame(ax, outline)
    return fig, ax, image


def _class_colours(colours: dict[int, str]) -> dict[str, Any]:
    codes = sorted(colours)
    cmap = ListedColormap([colours[c] for c in codes])
    return {
        "cmap": cmap,
        "norm": BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N),
    }
