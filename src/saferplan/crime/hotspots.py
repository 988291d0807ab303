"""Hotspots from point data on a regular grid: counts, kernel density, Getis-Ord Gi*.

Pure numpy/scipy. Points are (x, y) in metres (British National Grid). Definitions, quoted
in the methods annex:

- **Grid**: square cells of ``cell`` metres whose edges are multiples of ``cell``, so grids
  built for two periods line up cell for cell. A cell's count is the number of points in it.
- **Kernel density**: the quartic (biweight) kernel, the crime-mapping standard:
  K(d) = 3 / (pi h^2) x (1 - d^2/h^2)^2 for d < h, applied to the points binned to cell
  centres; reported as incidents per km^2.
- **Gi\\***: Getis and Ord (1995) with binary weights, w_ij = 1 when the centres of cells i
  and j are at most ``distance`` metres apart, *including j = i*. With n cells, mean x-bar and
  S = sqrt(sum(x^2)/n - x-bar^2),
  z_i = (sum_j w_ij x_j - x-bar W_i) / (S sqrt((n W_i - W_i^2) / (n - 1))),  W_i = sum_j w_ij.
  Cells outside the study-area mask take no part: not in n, the mean, S, or any sum.
  Neighbour sums are convolutions over the grid, not neighbour lists, so a borough's grid
  takes milliseconds.
- **Significance classes** from the two-sided normal p-value: hot or cold spot at 99%, 95%
  or 90% confidence, else not significant; optionally with a Benjamini-Hochberg false
  discovery rate correction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, special

CLASSES = (
    (0.01, "Hot spot, 99% confidence"),
    (0.05, "Hot spot, 95% confidence"),
    (0.10, "Hot spot, 90% confidence"),
)
CLASS_CODES = {3: "Hot spot, 99% confidence", 2: "Hot spot, 95% confidence",
               1: "Hot spot, 90% confidence", 0: "Not significant",
               -1: "Cold spot, 90% confidence", -2: "Cold spot, 95% confidence",
               -3: "Cold spot, 99% confidence"}  # fmt: skip


@dataclass(frozen=True)
class Grid:
    """A regular grid: lower-left corner, cell size in metres, and shape (rows, columns)."""

    x0: float
    y0: float
    cell: float
    rows: int
    cols: int

    @classmethod
    def covering(cls, xmin: float, ymin: float, xmax: float, ymax: float, cell: float) -> Grid:
        x0 = np.floor(xmin / cell) * cell
        y0 = np.floor(ymin / cell) * cell
        cols = int(np.ceil((xmax - x0) / cell)) or 1
        rows = int(np.ceil((ymax - y0) / cell)) or 1
        if x0 + cols * cell <= xmax:
            cols += 1
        if y0 + rows * cell <= ymax:
            rows += 1
        return cls(float(x0), float(y0), float(cell), rows, cols)

    def centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        xs = self.x0 + (np.arange(self.cols) + 0.5) * self.cell
        ys = self.y0 + (np.arange(self.rows) + 0.5) * self.cell
        return np.meshgrid(xs, ys)

    def counts(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int64]:
        """Points per cell (row 0 is the southern edge); points outside the grid are dropped."""
        col = np.floor((x - self.x0) / self.cell).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell).astype(np.int64)
        inside = (col >= 0) & (col < self.cols) & (row >= 0) & (row < self.rows)
        flat = row[inside] * self.cols + col[inside]
        return np.bincount(flat, minlength=self.rows * self.cols).reshape(self.rows, self.cols)


def disk(radius_cells: float) -> NDArray[np.float64]:
    """Binary kernel of the cells whose centres are within ``radius_cells`` of the middle one."""
    r = int(np.floor(radius_cells + 1e-9))
    offsets = np.arange(-r, r + 1)
    dx, dy = np.meshgrid(offsets, offsets)
    return ((dx**2 + dy**2) <= radius_cells**2 + 1e-9).astype(np.float64)


def _convolve(values: NDArray[np.float64], kernel: NDArray[np.float64]) -> NDArray[np.float64]:
    return ndimage.convolve(values, kernel, mode="constant", cval=0.0)


@dataclass(frozen=True)
class GiStar:
    z: NDArray[np.float64]  # NaN outside the mask
    p: NDArray[np.float64]
    classes: NDArray[np.int8]  # codes of CLASS_CODES; 0 outside the mask


def gi_star(
    counts: NDArray[np.float64] | NDArray[np.int64],
    distance_cells: float,
    mask: NDArray[np.bool_] | None = None,
    fdr: bool = False,
) -> GiStar:
    """Getis-Ord Gi* z-scores, p-values and classes for every cell (see the module doc)."""
    x = np.asarray(counts, dtype=np.float64)
    inside = np.ones(x.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    xm = np.where(inside, x, 0.0)
    n = int(inside.sum())
    kernel = disk(distance_cells)
    local = _convolve(xm, kernel)
    weights = _convolve(inside.astype(np.float64), kernel)
    mean = xm.sum() / n
    s = np.sqrt((xm**2).sum() / n - mean**2)
    denominator = s * np.sqrt((n * weights - weights**2) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local - mean * weights) / denominator
    z = np.where(inside & np.isfinite(z), z, np.nan)
    p = 2 * special.ndtr(-np.abs(z))  # the normal's upper tail (scipy.stats: +1 s to import)
    classes = classify(z, p, inside, fdr)
    return GiStar(z, p, classes)


def classify(
    z: NDArray[np.float64], p: NDArray[np.float64], inside: NDArray[np.bool_], fdr: bool = False
) -> NDArray[np.int8]:
    out = np.zeros(z.shape, dtype=np.int8)
    valid = inside & np.isfinite(p)
    thresholds = {3: 0.01, 2: 0.05, 1: 0.10}
    for level, alpha in sorted(thresholds.items()):
        if fdr:
            significant = np.zeros(z.shape, dtype=bool)
            significant[valid] = benjamini_hochberg(p[valid], alpha)
        else:
            significant = valid & (p <= alpha)
        out[significant & (z > 0)] = level
        out[significant & (z < 0)] = -level
    return out


def benjamini_hochberg(p: NDArray[np.float64], alpha: float) -> NDArray[np.bool_]:
    """Which p-values stay significant with the false discovery rate held at ``alpha``."""
    order = np.argsort(p)
    m = len(p)
    passed = p[order] <= alpha * (np.arange(1, m + 1) / m)
    keep = np.zeros(m, dtype=bool)
    if passed.any():
        cutoff = np.nonzero(passed)[0].max()
        keep[order[: cutoff + 1]] = True
    return keep


def quartic_density(
    counts: NDArray[np.int64], cell: float, bandwidth: float
) -> NDArray[np.float64]:
    """Quartic-kernel density in incidents per km^2 from counts binned to cell centres."""
    r = int(np.floor(bandwidth / cell))
    offsets = np.arange(-r, r + 1) * cell
    dx, dy = np.meshgrid(offsets, offsets)
    d2 = (dx**2 + dy**2) / bandwidth**2
    kernel = np.where(d2 < 1, 3 / (np.pi * bandwidth**2) * (1 - d2) ** 2, 0.0)
    return _convolve(counts.astype(np.float64), kernel) * 1e6


@dataclass(frozen=True)
class HotspotResult:
    grid: Grid
    counts: NDArray[np.int64]
    density: NDArray[np.float64]
    gi: GiStar
    mask: NDArray[np.bool_]
    points_used: int
    parameters: dict[str, float | bool]


def find_hotspots(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    cell: float = 100.0,
    bandwidth: float = 300.0,
    distance: float = 200.0,
    mask: NDArray[np.bool_] | None = None,
    grid: Grid | None = None,
    fdr: bool = False,
) -> HotspotResult:
    """Counts, density and Gi* for points, with sensible defaults and every one overridable."""
    if grid is None:
        if len(x) == 0:
            raise ValueError("no points to map")
        grid = Grid.covering(float(x.min()), float(y.min()), float(x.max()), float(y.max()), cell)
    counts = grid.counts(x, y)
    inside = np.ones(counts.shape, dtype=bool) if mask is None else mask
    gi = gi_star(counts, distance / grid.cell, inside, fdr)
    density = quartic_density(counts, grid.cell, bandwidth)
    return HotspotResult(grid, counts, np.where(inside, density, np.nan), gi, inside,
                         int(counts[inside].sum()),
                         {"cell": grid.cell, "bandwidth": bandwidth, "distance": distance,
                          "fdr": fdr})  # fmt: skip


CHANGE_CODES = {
    0: "Not a hot spot in either period",
    1: "New hot spot",
    2: "Persistent hot spot",
    3: "Intensifying hot spot",
    4: "Ceased hot spot",
}


def hotspot_change(before: HotspotResult, after: HotspotResult) -> NDArray[np.int8]:
    """Compare two periods' Gi* on the same grid, cell by cell (codes of CHANGE_CODES).

    New: hot (any confidence) only in the later period. Persistent: hot in both.
    Intensifying: hot in both, at a higher confidence later. Ceased: hot only earlier.
    """
    if before.grid != after.grid:
        raise ValueError("hotspot change needs both periods on the same grid")
    hot_before, hot_after = before.gi.classes > 0, after.gi.classes > 0
    out = np.zeros(before.counts.shape, dtype=np.int8)
    out[hot_after & ~hot_before] = 1
    out[hot_after & hot_before] = 2
    out[hot_after & hot_before & (after.gi.classes > before.gi.classes)] = 3
    out[hot_before & ~hot_after] = 4
    return out
