"""Raw soft-criteria values of one surface window (see `siting.surface_score` for the method).

Slope and water headroom are measured per cell; distance and land criteria on coarse cells of
``criteria_cell_factor`` cells (a soft criterion changes slowly, and measuring it per cell
would cost a nearest-feature query per 30 m cell), then spread back to the cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo.units import M_PER_KM
from siting.surface import focal_mean, focal_min, footprint_centre_cells
from siting.surface_score import (
    DISTANCE_CRITERIA,
    LAND_CRITERIA,
    distance_km_from_square,
    land_in_reach_mu,
    water_headroom_frac,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.grid import GridWindow
    from planning.surface import SurfaceContext
    from siting.criteria import FloatArray, SitingParams
    from siting.surface import WindowRasters


@dataclass(frozen=True, eq=False)
class LandPoints:
    """Centroids (m, analysis CRS) and areas (亩) of the parcels one land criterion counts."""

    x_m: np.ndarray
    y_m: np.ndarray
    area_mu: np.ndarray


def land_points(parcels: gpd.GeoDataFrame | None, params: SitingParams) -> dict[str, LandPoints]:
    """Return the eligible parcels of each enabled land criterion (as `siting.soft_criteria`)."""
    if parcels is None:
        return {}
    centroids = parcels.geometry.centroid
    out = {}
    for spec in (c for c in params.criteria if c.enabled and c.key in LAND_CRITERIA):
        eligible = np.ones(len(parcels), dtype=bool)
        if spec.crops:
            eligible &= parcels["crop"].astype(str).isin(spec.crops).to_numpy()
        elif "manure_allowed" in parcels.columns:
            eligible &= parcels["manure_allowed"].fillna(False).astype(bool).to_numpy()
        out[spec.key] = LandPoints(
            centroids.x.to_numpy()[eligible],
            centroids.y.to_numpy()[eligible],
            parcels["area_mu"].to_numpy(dtype=np.float64)[eligible],
        )
    return out


def _spread(coarse: FloatArray, factor: int, shape: tuple[int, int]) -> FloatArray:
    return np.repeat(np.repeat(coarse, factor, axis=0), factor, axis=1)[: shape[0], : shape[1]]


def _coarse_centres(context: SurfaceContext, window: GridWindow) -> tuple[FloatArray, int, int]:
    grid, factor = context.grid, context.options.criteria_cell_factor
    rows, cols = math.ceil(window.height / factor), math.ceil(window.width / factor)
    x = grid.left_m + (window.col_off + (np.arange(cols) + 0.5) * factor) * grid.cell_m
    y = grid.top_m - (window.row_off + (np.arange(rows) + 0.5) * factor) * grid.cell_m
    xx, yy = np.meshgrid(x, y)
    return np.column_stack([xx.ravel(), yy.ravel()]), rows, cols


def _land_mu(context: SurfaceContext, window: GridWindow, points: LandPoints) -> FloatArray:
    """亩 of land in reach of each coarse cell of the window."""
    grid, factor = context.grid, context.options.criteria_cell_factor
    coarse_m = grid.cell_m * factor
    radius_m = context.inputs.params.haul_radius_km.value * M_PER_KM + context.footprint.side_m / 2
    pad = math.ceil(radius_m / coarse_m) + 1
    rows = math.ceil(window.height / factor) + 2 * pad
    cols = math.ceil(window.width / factor) + 2 * pad
    left = grid.left_m + window.col_off * grid.cell_m - pad * coarse_m
    top = grid.top_m - window.row_off * grid.cell_m + pad * coarse_m
    col = np.floor((points.x_m - left) / coarse_m).astype(np.int64)
    row = np.floor((top - points.y_m) / coarse_m).astype(np.int64)
    keep = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    area = (
        np.bincount(
            row[keep] * cols + col[keep], weights=points.area_mu[keep], minlength=rows * cols
        )
        .reshape(rows, cols)
        .astype(np.float64)
    )
    return land_in_reach_mu(area, radius_m / coarse_m)[pad : rows - pad, pad : cols - pad]


def _needed_coarse(passing: np.ndarray, factor: int, rows: int, cols: int) -> np.ndarray:
    """Coarse cells holding at least one passing cell (only they are measured)."""
    padded = np.zeros((rows * factor, cols * factor), dtype=bool)
    padded[: passing.shape[0], : passing.shape[1]] = passing
    return np.asarray(padded.reshape(rows, factor, cols, factor).any(axis=(1, 3)).ravel())


def window_criteria(
    context: SurfaceContext,
    window: GridWindow,
    rasters: WindowRasters,
    county_index: np.ndarray,
    passing: np.ndarray,
) -> dict[str, FloatArray]:
    """Return criterion key -> raw values of the window's cells (NaN: not available).

    Distance criteria are measured only around ``passing`` cells (NaN elsewhere).
    """
    shape = (window.height, window.width)
    factor = context.options.criteria_cell_factor
    side_m = context.footprint.side_m
    enabled = {c.key for c in context.inputs.params.criteria if c.enabled}
    raw: dict[str, FloatArray] = {}
    xy_m, rows, cols = _coarse_centres(context, window)
    needed = _needed_coarse(passing, factor, rows, cols)
    for key, kind in DISTANCE_CRITERIA.items():
        features = context.inputs.layers.features.get(kind)
        if key in enabled and features is not None and len(features):
            km = np.full(rows * cols, np.nan)
            if needed.any():
                km[needed] = distance_km_from_square(xy_m[needed], features, side_m)
            raw[key] = _spread(km.reshape(rows, cols), factor, shape)
    needs = context.needs
    padded = np.where(county_index >= 0, county_index, len(needs.adcodes))
    for key, need in (
        ("absorption_land_ratio", needs.absorption_need_mu),
        ("forage_land_ratio", needs.forage_need_mu),
    ):
        if key in context.lands:
            need_mu = np.append(need, np.nan)[padded]
            land = _spread(_land_mu(context, window, context.lands[key]), factor, shape)
            with np.errstate(invalid="ignore", divide="ignore"):
                raw[key] = np.where(need_mu > 0, land / need_mu, np.nan)
    if rasters.slope_deg is not None:
        half = footprint_centre_cells(side_m, context.grid.cell_m)
        slope = rasters.slope_deg
        mean = np.asarray(rasters.inner(focal_mean(slope, half)), dtype=np.float64)
        filled = np.where(np.isfinite(slope), slope, -np.inf)
        peak = np.asarray(rasters.inner(-focal_min(-filled, half)), dtype=np.float64)
        raw["slope_mean_deg"] = mean
        raw["slope_max_deg"] = np.where(np.isfinite(mean), peak, np.nan)
    if context.inputs.layers.county_water is not None:
        raw["water_headroom"] = water_headroom_frac(
            county_index.astype(np.int64),
            needs.water_cap_m3_per_yr,
            needs.water_use_m3_per_yr,
            needs.water_need_m3_per_yr,
        )
    return raw
