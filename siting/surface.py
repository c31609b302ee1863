"""Hard gates of a footprint centred on every cell of a grid window (the suitability surface).

A footprint is a square of side ``side_m`` (analysis CRS, metres) centred on a cell centre.
For one window of rows (with a margin of extra rows and columns around it, so that focal
filters and distances near the window edge see the features beyond it) every enabled gate is
decided per cell from rasterised layers:

* **zones** (``gate_inside``, ``gate_overlap`` with limit 0): the zone is rasterised with
  *all touched* cells and a focal maximum over the cells the square overlaps
  (`footprint_reach_cells`) says whether the square may touch it;
* **zones with a positive area limit** (``gate_overlap`` > 0): focal sum of the zone's
  centre-sampled cells x cell area over the cells inside the square (approximate, to a
  cell's width along the square's edge);
* **setbacks** (``gate_setback``): the Euclidean distance transform
  (`scipy.ndimage.distance_transform_edt`) of the all-touched feature raster gives each cell
  centre's distance to the nearest feature cell; the square's distance is the focal minimum
  over the cells it overlaps. Both steps are off by at most half a cell diagonal, so the gate
  fails when ``focal_min - cell_m * sqrt(2) < limit``: a cell that passes on the surface passes
  the exact polygon check (`siting.gates`); cells within about 1.5 cells of the limit may
  fail here and pass there (conservative);
* **slope** (``gate_slope``): the focal mean (or maximum) of the cell slopes inside the square;
  NaN (no DEM) leaves the gate not checked, as `siting.gates` does.

The result is a gate code per cell: 0 = passes every gate, ``k`` = the ``k``-th enabled rule
(1-based, in rule order) is the first that fails, `OUTSIDE_CODE` = outside the region.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from geo.units import M2_PER_MU
from problems import Problems
from siting.criteria import FloatArray, GateRule

__all__ = [
    "OUTSIDE_CODE",
    "PASS_CODE",
    "SurfaceFootprint",
    "WindowRasters",
    "focal_max",
    "focal_mean",
    "focal_min",
    "footprint_centre_cells",
    "footprint_reach_cells",
    "gate_codes",
    "gate_failures",
    "setback_distance_m",
]

PASS_CODE: Final[int] = 0
#: Gate code of cells outside every county of the region (no footprint is placed there).
OUTSIDE_CODE: Final[int] = 255
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class SurfaceFootprint:
    """The footprint the surface is computed for: a square of ``side_m`` and a dairy herd.

    Parameters
    ----------
    side_m
        Side of the square (m, analysis CRS), > 0.
    dairy_cow_head
        Dairy cows on the farm (head), > 0: decides its land and water needs.
    """

    side_m: float
    dairy_cow_head: float

    def __post_init__(self) -> None:
        problems = Problems("surface footprint", "适宜性栅格占地")
        problems.require_positive("side_m", self.side_m)
        problems.require_positive("dairy_cow_head", self.dairy_cow_head)
        problems.raise_if_any()

    @classmethod
    def from_area_mu(cls, area_mu: float, dairy_cow_head: float) -> SurfaceFootprint:
        """Return the square of ``area_mu`` 亩 (side = sqrt(area in m²))."""
        problems = Problems("surface footprint", "适宜性栅格占地")
        problems.require_positive("area_mu", area_mu)
        problems.raise_if_any()
        return cls(math.sqrt(area_mu * M2_PER_MU), dairy_cow_head)

    @property
    def area_mu(self) -> float:
        """Area of the square (亩)."""
        return self.side_m**2 / M2_PER_MU


def footprint_reach_cells(side_m: float, cell_m: float) -> int:
    """Return the half-width (cells) of the cells a centred square of ``side_m`` overlaps.

    A cell at offset ``j`` overlaps the square when ``|j| cell_m - cell_m / 2 < side_m / 2``.
    """
    return max(0, math.ceil(side_m / (2 * cell_m) + 0.5) - 1)


def footprint_centre_cells(side_m: float, cell_m: float) -> int:
    """Return the half-width (cells) of the cells whose centres lie inside the square."""
    return max(0, math.floor(side_m / (2 * cell_m)))


def focal_max(mask: BoolArray, half_cells: int) -> BoolArray:
    """Return True where any cell within ``half_cells`` (a square window) is True."""
    size = 2 * half_cells + 1
    return np.asarray(
        ndimage.maximum_filter(mask, size=size, mode="constant", cval=False), dtype=bool
    )


def focal_min(values: FloatArray, half_cells: int) -> FloatArray:
    """Return the minimum over a square window of ``2 half_cells + 1`` cells (edges repeat)."""
    size = 2 * half_cells + 1
    return np.asarray(ndimage.minimum_filter(values, size=size, mode="nearest"), dtype=np.float64)


def focal_mean(values: FloatArray, half_cells: int) -> FloatArray:
    """Return the mean of the non-NaN cells over a square window (NaN where all are NaN)."""
    size = 2 * half_cells + 1
    valid = np.isfinite(values)
    sums = ndimage.uniform_filter(np.where(valid, values, 0.0), size=size, mode="constant")
    counts = ndimage.uniform_filter(valid.astype(np.float64), size=size, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 1e-9, sums / np.maximum(counts, 1e-12), np.nan)


def setback_distance_m(features: BoolArray, cell_m: float) -> FloatArray:
    """Return each cell centre's distance (m) to the nearest True cell (inf if there is none)."""
    if not features.any():
        return np.full(features.shape, np.inf)
    return np.asarray(ndimage.distance_transform_edt(~features, sampling=cell_m), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class WindowRasters:
    """The rasterised inputs of one window, all on the same grid (window plus margin).

    Parameters
    ----------
    cell_m
        Cell size (m).
    margin_cells
        Rows and columns of margin around the window proper on every side.
    touched
        Layer kind -> cells any feature touches (all-touched rasterisation).
    centred
        Layer kind -> cells whose centre lies in a feature (for area limits).
    slope_deg
        Slope of every cell (degrees, NaN = no DEM); None: slope gates not checked.
    inside_region
        Cells whose centre lies in a county of the region.
    """

    cell_m: float
    margin_cells: int
    touched: Mapping[str, BoolArray]
    centred: Mapping[str, BoolArray]
    slope_deg: FloatArray | None
    inside_region: BoolArray

    def inner(self, array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
        """Return ``array`` without the margin."""
        m = self.margin_cells
        return array[m : array.shape[0] - m, m : array.shape[1] - m] if m else array


def _rule_fails(rule: GateRule, rasters: WindowRasters, side_m: float) -> BoolArray | None:
    """Cells (with margin) where ``rule`` fails; None when the rule cannot be checked."""
    cell_m = rasters.cell_m
    reach = footprint_reach_cells(side_m, cell_m)
    if rule.kind == "gate_slope":
        if rasters.slope_deg is None:
            return None
        half = footprint_centre_cells(side_m, cell_m)
        if rule.measure == "slope_max_deg":
            filled = np.where(np.isfinite(rasters.slope_deg), rasters.slope_deg, -np.inf)
            slope = -focal_min(-filled, half)
        else:
            slope = focal_mean(rasters.slope_deg, half)
        return rule.fails(slope)
    if rule.layer_kind not in rasters.touched:
        return None
    if rule.kind == "gate_setback":
        distance_m = setback_distance_m(rasters.touched[rule.layer_kind], cell_m)
        lower_m = focal_min(distance_m, reach) - cell_m * math.sqrt(2)
        return rule.fails(lower_m)
    if rule.limit <= 0:
        return focal_max(rasters.touched[rule.layer_kind], reach)
    half = footprint_centre_cells(side_m, cell_m)
    size = 2 * half + 1
    share = ndimage.uniform_filter(
        rasters.centred[rule.layer_kind].astype(np.float64), size=size, mode="constant"
    )
    area_m2 = share * size * size * cell_m * cell_m
    return rule.fails(area_m2 / M2_PER_MU if rule.unit == "mu" else area_m2)


def gate_failures(
    rules: tuple[GateRule, ...], rasters: WindowRasters, footprint: SurfaceFootprint
) -> dict[str, BoolArray]:
    """Return, per enabled and checkable rule (by key), the cells of the window where it fails.

    The arrays cover the window proper (no margin); a rule whose layer or DEM is missing is
    left out (not checked, as in `siting.gates`).
    """
    out = {}
    for rule in (r for r in rules if r.enabled):
        fails = _rule_fails(rule, rasters, footprint.side_m)
        if fails is not None:
            out[rule.key] = np.asarray(rasters.inner(fails), dtype=bool)
    return out


def gate_codes(
    rules: tuple[GateRule, ...], rasters: WindowRasters, footprint: SurfaceFootprint
) -> CodeArray:
    """Return the gate code of every cell of the window proper (without the margin).

    Parameters
    ----------
    rules
        The region's gates; disabled ones are skipped but keep their position, so a code
        ``k`` always means ``rules[k - 1]`` (at most 254 rules).
    rasters
        The window's rasterised layers.
    footprint
        The square centred on each cell.

    Returns
    -------
    numpy.ndarray
        ``uint8``: `PASS_CODE`, the 1-based position of the first failing rule, or
        `OUTSIDE_CODE` outside the region.
    """
    inside = np.asarray(rasters.inner(rasters.inside_region), dtype=bool)
    codes = np.where(inside, PASS_CODE, OUTSIDE_CODE).astype(np.uint8)
    failures = gate_failures(rules, rasters, footprint)
    for position, rule in enumerate(rules, start=1):
        if rule.key in failures:
            codes[(codes == PASS_CODE) & failures[rule.key]] = position
    return codes
