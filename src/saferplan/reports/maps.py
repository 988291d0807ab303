"""Maps drawn from imported boundaries, without any network (no web tiles).

Every map has a title, a legend with units, a scale bar, a north arrow and a source line.
Inputs are GeoDataFrames in British National Grid (metres), so distances are true.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch, Rectangle

from saferplan.crime.hotspots import CLASS_CODES, HotspotResult

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


def _finish(fig: Any, ax: Any, source: str) -> bytes:
    ax.set_axis_off()
    ax.set_aspect("equal")
    _scale_bar(ax)
    _north_arrow(ax)
    fig.text(0.01, 0.01, source, fontsize=6.5, color="#505a5f", ha="left", va="bottom", wrap=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    plt.close(fig)
    return buffer.getvalue()


def quantile_breaks(values: np.ndarray, classes: int = 5) -> list[float]:
    """Class edges at quantiles (ties merged), so each colour holds about as many areas."""
    edges = np.unique(np.round(np.quantile(values, np.linspace(0, 1, classes + 1)), 2))
    if len(edges) < 2:
        edges = np.array([values.min(), values.max() + 1])
    return [float(e) for e in edges]


def choropleth(areas: Any, column: str, title: str, unit: str, source: str) -> bytes:
    """Areas shaded by ``column`` in quantile classes; areas with no value hatched grey."""
    fig, ax = plt.subplots(figsize=(7.5, 7.2), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))  # type: ignore[union-attr, call-arg]
    have = areas[areas[column].notna()]
    missing = areas[areas[column].isna()]
    handles = []
    if len(have):
        edges = quantile_breaks(have[column].to_numpy(dtype=float))
        colours = BLUES[-(len(edges) - 1) :] if len(edges) - 1 <= len(BLUES) else BLUES
        cmap = ListedColormap(colours)
        norm = BoundaryNorm(edges, cmap.N, extend="neither", clip=True)
        have.plot(ax=ax, column=column, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.3)
        for i, colour in enumerate(colours):
            handles.append(
                Patch(
                    facecolor=colour,
                    edgecolor="#b1b4b6",
                    label=f"{edges[i]:,.2f} to {edges[i + 1]:,.2f}",
                )
            )
    if len(missing):
        missing.plot(ax=ax, facecolor=NO_DATA, edgecolor="white", hatch="///", linewidth=0.3)
        handles.append(Patch(facecolor=NO_DATA, hatch="///", edgecolor="#b1b4b6", label="No data"))
    outline = areas.geometry.buffer(5).union_all().buffer(-5)  # closes slivers between areas
    type(areas)(geometry=[outline], crs=areas.crs).boundary.plot(
        ax=ax, color="#0b0c0c", linewidth=0.8
    )
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
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}")


def hotspot_map(result: HotspotResult, outline: Any, title: str, source: str) -> bytes:
    """Gi* classes on the grid, over the area's outline."""
    fig, ax, _ = _grid_map(result, result.gi.classes, outline, **_class_colours(HOT_COLD))
    present = set(np.unique(result.gi.classes[result.mask]).tolist())
    handles = [
        Patch(facecolor=HOT_COLD[c], edgecolor="#b1b4b6", label=CLASS_CODES[c])
        for c in sorted(HOT_COLD, reverse=True)
        if c in present or c == 0
    ]
    p = result.parameters
    ax.legend(
        handles=handles,
        title=f"Getis-Ord Gi* ({p['cell']:.0f} m cells, neighbours within {p['distance']:.0f} m)",
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}")


def density_map(result: HotspotResult, outline: Any, title: str, source: str) -> bytes:
    """Quartic kernel density (incidents per km²) over the area's outline."""
    fig, ax, image = _grid_map(result, result.density, outline, cmap="YlOrRd")
    bar = fig.colorbar(image, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02)
    p = result.parameters
    bar.set_label(
        f"Incidents per km² (quartic kernel, bandwidth {p['bandwidth']:.0f} m)", fontsize=8
    )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}")


CHANGE_COLOURS = {0: "#f7f7f7", 1: "#d73027", 2: "#fc8d59", 3: "#7f0000", 4: "#4575b4"}


def change_map(
    change: np.ndarray, result: HotspotResult, outline: Any, title: str, source: str
) -> bytes:
    """Hot spot change between two periods on the same grid (codes of CHANGE_CODES)."""
    from saferplan.crime.hotspots import CHANGE_CODES

    fig, ax, _ = _grid_map(result, change, outline, **_class_colours(CHANGE_COLOURS))
    codes = sorted(CHANGE_COLOURS)
    handles = [
        Patch(facecolor=CHANGE_COLOURS[c], edgecolor="#b1b4b6", label=CHANGE_CODES[c])
        for c in codes
    ]
    ax.legend(
        handles=handles,
        title="Change in Getis-Ord Gi* hot spots",
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _finish(fig, ax, f"{source} {BOUNDARY_SOURCE}")


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
