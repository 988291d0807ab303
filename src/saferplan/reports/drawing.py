"""Maps drawn from plain data: what a worker process renders, importing only matplotlib.

``maps`` turns the boundaries (GeoDataFrames in British National Grid metres) into the plain
shapes here once per build: each area as matplotlib path data, outlines as lines, each
place's name at a point inside it. The functions here take those and draw the map in one
collection per layer (not a patch, nor a full re-render, per area), returning PNG bytes
that record the words drawn (``charts.save_png``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path

from saferplan.reports.charts import DPI, pyplot, save_png

BOUNDARY_SOURCE = "Contains OS data © Crown copyright and database right 2022 (ONS, OGL v3.0)."
NO_DATA = "#dddddd"
# Colour-blind-safe sequential blues.
BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
PathData = tuple[np.ndarray, np.ndarray]  # vertices (n x 2) and matplotlib path codes (n)


@dataclass(frozen=True)
class Shapes:
    """Areas as path data, one per code, in the order of ``codes``."""

    codes: tuple[str, ...]
    paths: tuple[PathData, ...]

    def having(self, wanted: set[str] | dict[str, Any]) -> Shapes:
        keep = [i for i, code in enumerate(self.codes) if code in wanted]
        return Shapes(tuple(self.codes[i] for i in keep), tuple(self.paths[i] for i in keep))


@dataclass(frozen=True)
class Places:
    """Places to name on a map (alphabetical), a point inside each, and their outlines."""

    names: tuple[str, ...]
    points: tuple[tuple[float, float], ...]
    lines: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class GridImage:
    """Values on a regular grid (NaN: blank), its extent, and the area's frame to show."""

    values: np.ndarray
    extent: tuple[float, float, float, float]
    bounds: tuple[float, float, float, float]  # minx, miny, maxx, maxy of the outline


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


def _scale_bar(ax: Any) -> None:
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    span = xmax - xmin
    length = next(v for v in (5000, 2000, 1000, 500, 200, 100) if v <= span / 4)
    x0, y0 = xmin + span * 0.04, ymin + (ymax - ymin) * 0.05
    height = (ymax - ymin) * 0.012
    ax.add_patch(Rectangle((x0, y0), length / 2, height, color="#0b0c0c"))
    ax.add_patch(Rectangle((x0 + length / 2, y0), length / 2, height, facecolor="white",
                           edgecolor="#0b0c0c", linewidth=0.8))  # fmt: skip
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length} m"
    box = {"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8}
    ax.text(x0, y0 + height * 1.8, "0", fontsize=7, ha="center", bbox=box)
    ax.text(x0 + length, y0 + height * 1.8, label, fontsize=7, ha="center", bbox=box)


def _north_arrow(ax: Any) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.84), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold",
                arrowprops={"facecolor": "#0b0c0c", "width": 3, "headwidth": 9})  # fmt: skip


def _figure() -> tuple[Any, Any]:
    fig, ax = pyplot().subplots(figsize=(7.5, 7.2), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))
    return fig, ax


def _finish(fig: Any, ax: Any, source: str, title: str, labels: Sequence[str]) -> bytes:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_axis_off()
    ax.set_aspect("equal")
    _scale_bar(ax)
    _north_arrow(ax)
    source = f"{source} {BOUNDARY_SOURCE}"
    note = fig.text(0.01, 0.01, "", fontsize=6.5, color="#505a5f", ha="left", va="bottom")
    width = fig.get_figwidth() * DPI * 0.99  # from the text's left, at 1%, to the right edge
    note.set_text(_wrapped(source, note.get_fontproperties().copy(), width))
    return save_png(fig, title, [*labels, source])


@cache
def _wrapped(text: str, font: Any, width: float) -> str:
    """``text`` broken at spaces into lines no wider than ``width`` pixels as saved: what
    ``wrap=True`` draws, measured once per process rather than at every layout of every map
    (a quarter of a map's drawing)."""
    from matplotlib.backends.backend_agg import RendererAgg

    renderer = RendererAgg(1, 1, DPI)
    lines: list[str] = []
    for word in text.split(" "):
        longer = f"{lines[-1]} {word}" if lines else word
        wide, _, _ = renderer.get_text_width_height_descent(longer, font, ismath=False)
        if lines and math.ceil(wide) > width:
            lines.append(word)
        else:
            lines[-1:] = [longer]
    return "\n".join(lines)


def _lines(ax: Any, lines: Sequence[np.ndarray], **style: Any) -> None:
    ax.add_collection(LineCollection(list(lines), **style), autolim=True)


def _areas(ax: Any, shapes: Shapes, **style: Any) -> None:
    paths = [Path(vertices, codes) for vertices, codes in shapes.paths]
    ax.add_collection(PathCollection(paths, **style), autolim=True)


def _name_places(ax: Any, places: Places | None, lines: bool = True) -> list[str]:
    """Each place's name at its point, over a white halo so it reads on any colour; with
    ``lines``, its outline too. Returns the names written, in alphabetical order."""
    import textwrap

    from matplotlib import patheffects

    if places is None or not places.names:
        return []
    if lines:
        _lines(ax, places.lines, colors="#6f777b", linewidths=0.5, linestyles=[(0, (3, 2))])
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for name, (x, y) in zip(places.names, places.points, strict=True):
        ax.text(x, y, textwrap.fill(name, 14), fontsize=5.8, ha="center", va="center",
                color="#0b0c0c", path_effects=halo, zorder=5)  # fmt: skip
    return list(places.names)


def _legend(ax: Any, handles: list[Patch], title: str, ncols: int) -> None:
    ax.legend(handles=handles, title=title, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncols=ncols, fontsize=8, title_fontsize=8, frameon=False)  # fmt: skip


def choropleth_drawing(
    areas: Shapes,
    shades: Sequence[Shade],
    title: str,
    unit: str,
    source: str,
    outline: Sequence[np.ndarray],
    places: Places | None = None,
    place_lines: bool = True,
) -> bytes:
    """Areas coloured by the class they are in (one collection), hatching on top, the
    outline, then ``places`` named (and outlined, with ``place_lines``) on top of all."""
    fig, ax = _figure()
    colours = shade_colours(shades)
    colour_of = {code: c for shade, c in zip(shades, colours, strict=True) for code in shade.codes}
    hatched = {code for shade in shades if shade.hatched for code in shade.codes}
    shown = areas.having(colour_of)
    if shown.codes:
        faces = [colour_of[c] for c in shown.codes]
        _areas(ax, shown, facecolors=faces, edgecolors="white", linewidths=0.3)
        marked = shown.having(hatched)
        if marked.codes:
            _areas(ax, marked, facecolors="none", edgecolors="#b1b4b6", hatch="///",
                   linewidths=0.3)  # fmt: skip
    _lines(ax, outline, colors="#0b0c0c", linewidths=0.8)
    named = _name_places(ax, places, lines=place_lines)
    ax.autoscale_view()
    handles = [
        Patch(facecolor=c, edgecolor="#b1b4b6", hatch="///" if s.hatched else None, label=s.label)
        for s, c in zip(shades, colours, strict=True)
    ]
    _legend(ax, handles, unit, 3)
    return _finish(fig, ax, source, title, [unit, *(s.label for s in shades), *named])


def _grid(ax: Any, grid: GridImage, outline: Sequence[np.ndarray], **imshow: Any) -> Any:
    """``grid`` shown on ``ax`` with the outline on top, framed to the outline."""
    image = ax.imshow(grid.values, origin="lower", interpolation="nearest", extent=grid.extent,
                      **imshow)  # fmt: skip
    _lines(ax, outline, colors="#0b0c0c", linewidths=0.5)
    minx, miny, maxx, maxy = grid.bounds
    pad = (maxx - minx) * 0.03
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    return image


def class_colours(colours: dict[int, str]) -> dict[str, Any]:
    """A colour map and norm giving each integer code of ``colours`` its colour."""
    codes = sorted(colours)
    cmap = ListedColormap([colours[c] for c in codes])
    return {
        "cmap": cmap,
        "norm": BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N),
    }


def class_map_drawing(
    grid: GridImage,
    colours: dict[int, str],
    legend: list[tuple[str, str]],
    legend_title: str,
    title: str,
    source: str,
    outline: Sequence[np.ndarray],
    places: Places | None = None,
) -> bytes:
    """Codes on the grid in their colours, with a legend of (colour, label) entries."""
    fig, ax = _figure()
    _grid(ax, grid, outline, **class_colours(colours))
    named = _name_places(ax, places)
    handles = [Patch(facecolor=c, edgecolor="#b1b4b6", label=label) for c, label in legend]
    _legend(ax, handles, legend_title, 2)
    labels = [legend_title, *(label for _, label in legend), *named]
    return _finish(fig, ax, source, title, labels)


def density_drawing(
    grid: GridImage,
    label: str,
    title: str,
    source: str,
    outline: Sequence[np.ndarray],
    places: Places | None = None,
) -> bytes:
    """Densities on the grid in yellow to red, with a colour bar labelled ``label``."""
    fig, ax = _figure()
    image = _grid(ax, grid, outline, cmap="YlOrRd")
    named = _name_places(ax, places)
    bar = fig.colorbar(image, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02)
    bar.set_label(label, fontsize=8)
    return _finish(fig, ax, source, title, [label, *named])
