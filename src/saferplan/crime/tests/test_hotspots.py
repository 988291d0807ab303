"""Hotspot definitions checked by hand, against PySAL esda, and on the real police.uk file."""

from __future__ import annotations

import csv
import math

import esda
import libpysal
import numpy as np
import pytest

from saferplan.crime.hotspots import (
    Grid,
    benjamini_hochberg,
    find_hotspots,
    gi_star,
    hotspot_change,
    quartic_density,
)  # fmt: skip
from saferplan.crime.points import points_from_warehouse, to_british_national_grid
from saferplan.crime.themes import load_themes
from saferplan.demo import DATA


def textbook_gi_star(x: np.ndarray, distance: float, mask: np.ndarray) -> np.ndarray:
    """Getis-Ord Gi* by the formula, with plain loops over cell pairs."""
    cells = [(r, c) for r in range(x.shape[0]) for c in range(x.shape[1]) if mask[r, c]]
    values = [x[r, c] for r, c in cells]
    n = len(cells)
    mean = sum(values) / n
    s = math.sqrt(sum(v * v for v in values) / n - mean**2)
    z = np.full(x.shape, np.nan)
    for r, c in cells:
        w = [1.0 if math.hypot(r - r2, c - c2) <= distance + 1e-9 else 0.0 for r2, c2 in cells]
        wsum = sum(w)
        local = sum(wi * v for wi, v in zip(w, values, strict=True))
        z[r, c] = (local - mean * wsum) / (s * math.sqrt((n * wsum - wsum**2) / (n - 1)))
    return z


def test_gi_star_matches_the_textbook_formula_with_a_mask() -> None:
    rng = np.random.default_rng(3)
    x = rng.poisson(3, (9, 11)).astype(float)
    x[2:4, 3:5] += 12
    mask = np.ones(x.shape, dtype=bool)
    mask[0, :4] = False
    mask[7:, 9:] = False
    ours = gi_star(x, 1.5, mask).z
    expected = textbook_gi_star(x, 1.5, mask)
    assert np.allclose(ours[mask], expected[mask], atol=1e-9)
    assert np.isnan(ours[~mask]).all()


def test_gi_star_equals_esda_g_local_star() -> None:
    rng = np.random.default_rng(11)
    x = rng.poisson(2, (18, 22)).astype(float)
    x[10:13, 4:8] += 9
    rows, cols = np.mgrid[0:18, 0:22]
    centres = np.column_stack([cols.ravel() * 100 + 50, rows.ravel() * 100 + 50])
    w = libpysal.weights.DistanceBand(centres, threshold=200 + 1e-6, binary=True,
                                      silence_warnings=True)  # fmt: skip
    theirs = esda.G_Local(x.ravel(), w, transform="B", star=True, permutations=0).Zs
    ours = gi_star(x, 2.0).z.ravel()
    assert np.max(np.abs(ours - theirs)) < 1e-6


def test_classes_and_fdr() -> None:
    x = np.zeros((15, 15))
    x[6:9, 6:9] = 20
    x += np.random.default_rng(1).poisson(1, x.shape)
    gi = gi_star(x, 1.0)
    assert gi.classes[7, 7] == 3  # centre of the cluster: hot at 99%
    assert gi.classes.min() >= -3 and gi.classes.max() <= 3
    corrected = gi_star(x, 1.0, fdr=True)
    assert (corrected.classes != 0).sum() <= (gi.classes != 0).sum()
    assert list(benjamini_hochberg(np.array([0.001, 0.04, 0.3, 0.02]), 0.05)) == [
        True,
        False,
        False,
        True,
    ]


def test_grid_counts_density_and_alignment() -> None:
    rng = np.random.default_rng(5)
    x = 510_000 + rng.random(5000) * 3000
    y = 185_000 + rng.random(5000) * 2000
    result = find_hotspots(x, y, cell=100, bandwidth=300)
    assert result.counts.sum() == 5000 == result.points_used
    assert result.grid.x0 % 100 == 0 and result.grid.y0 % 100 == 0
    # The quartic kernel integrates to ~1 per point: density (per km^2) x cell area (km^2).
    padded = np.zeros((60, 60), dtype=np.int64)
    padded[30, 30] = 7
    total = quartic_density(padded, 100, 300).sum() * (0.1 * 0.1)
    assert total == pytest.approx(7, rel=0.05)


def test_hotspot_change_codes() -> None:
    grid = Grid(0, 0, 100, 12, 12)
    centres = np.arange(12) * 100 + 50.0
    bx, by = (a.ravel() for a in np.meshgrid(centres, centres))  # one point per cell

    def with_cluster(cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate([bx, np.full(40, cx)]), np.concatenate([by, np.full(40, cy)])

    before = find_hotspots(*with_cluster(250, 250), grid=grid)
    after = find_hotspots(*with_cluster(950, 950), grid=grid)
    change = hotspot_change(before, after)
    assert change[2, 2] == 4  # ceased
    assert change[9, 9] == 1  # new
    same = hotspot_change(before, before)
    assert same[2, 2] == 2  # persistent
    assert set(np.unique(change)) <= {0, 1, 2, 3, 4}


def test_points_from_the_real_police_file(warehouse, import_into) -> None:
    import_into("police-uk", DATA / "police_uk" / "harrow-2018-06-street.csv")
    import_into("population", DATA / "lsoa_population_mid2019.csv")  # gives the LSOA lookup
    with open(DATA / "police_uk" / "harrow-2018-06-street.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Crime type"] == "Burglary"]
    lon = np.array([float(r["Longitude"]) for r in rows])
    lat = np.array([float(r["Latitude"]) for r in rows])
    ex, _ = to_british_national_grid(lon, lat)
    from datetime import date

    pts = points_from_warehouse(warehouse.connect(), load_themes().get("burglary"),
                                date(2018, 6, 1), date(2018, 6, 1), borough="Harrow")  # fmt: skip
    assert len(pts.x) == len(rows)
    assert sorted(np.round(pts.x, 3)) == sorted(np.round(ex, 3))
    assert 505_000 < pts.x.mean() < 525_000 and 183_000 < pts.y.mean() < 195_000
