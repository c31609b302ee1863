"""Suitability surface of a region: load once, compute window by window, write a COG.

`surface_context` loads what the surface needs (`planning.siting_inputs`: constraint layers,
rules, criteria, counties, parcels, DEM, county water) and the herd's needs per county
(`siting.needs.herd_needs` on the region's default receiving crop, the same call every page
makes); `surface_window` computes the gate codes and the score of one window
(`siting.surface`, `siting.surface_score`); `write_surface` runs every full-width window of
rows and writes a Cloud-Optimized GeoTIFF with two float32 bands:

1. ``gate_code``: 0 = the footprint centred on the cell passes every hard gate, ``k`` = rule
   ``k`` (1-based, the order of siting_rules.csv, listed in the ``gate_code_<k>`` tags) is
   the first that fails, 255 = outside the region;
2. ``score``: 0-100 where the gates pass, NaN elsewhere.

Memory stays bounded by one window: a window holds its rows plus a margin of the largest
setback and half the footprint on every side, never the whole region.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

import shapely

from geo.grid import Grid, GridWindow, rasterize_mask, rasterize_values, resample_to, write_cog
from geo.raster import slope_deg
from layers.planner_params import load_footprint_params
from planning.site_scoring import county_water_use
from planning.siting_inputs import SitingInputs, load_siting_inputs
from planning.surface_criteria import LandPoints, land_points, window_criteria
from problems import Problems
from siting.needs import Herd, crop_receiving_land, herd_needs
from siting.score import CriteriaWeights, default_weights
from siting.surface import (
    OUTSIDE_CODE,
    PASS_CODE,
    SurfaceFootprint,
    WindowRasters,
    footprint_reach_cells,
    gate_codes,
)
from siting.surface_score import weighted_score

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from layers.region import Region

#: Extra cells of margin beyond the largest setback and half the footprint (Horn's slope
#: kernel needs one; one more keeps the focal filters clear of the edge).
_EXTRA_MARGIN_CELLS: Final[int] = 2
BAND_DESCRIPTIONS: Final[tuple[str, str]] = ("gate_code", "score")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SurfaceOptions:
    """How the surface is computed.

    ``cell_m`` is the cell size (m, analysis CRS); ``rows_per_window`` the rows computed at
    once (memory); ``criteria_cell_factor`` the coarse cells (in cells) on which the distance
    and land criteria are measured; ``water_year`` None is the region's baseline year and
    ``with_water`` False leaves the water-headroom criterion out.
    """

    cell_m: float = 30.0
    rows_per_window: int = 256
    criteria_cell_factor: int = 10
    water_year: int | None = None
    with_water: bool = True


@dataclass(frozen=True, eq=False)
class CountyNeeds:
    """Needs of the footprint's herd per county, aligned with ``adcodes`` (NaN: unknown)."""

    adcodes: tuple[str, ...]
    absorption_need_mu: np.ndarray
    forage_need_mu: np.ndarray
    water_need_m3_per_yr: np.ndarray
    water_cap_m3_per_yr: np.ndarray
    water_use_m3_per_yr: np.ndarray


@dataclass(frozen=True, eq=False)
class SurfaceContext:
    """Everything a window needs, loaded once."""

    inputs: SitingInputs
    footprint: SurfaceFootprint
    options: SurfaceOptions
    grid: Grid
    weights: CriteriaWeights
    needs: CountyNeeds
    lands: dict[str, LandPoints]
    margin_cells: int


def _county_needs(inputs: SitingInputs, dairy_cow_head: float) -> CountyNeeds:
    counties = inputs.layers.counties
    adcodes = tuple(counties["adcode"].astype(str)) if counties is not None else ()
    params = inputs.needs.params
    land = crop_receiving_land(params)
    per_cow = inputs.params.forage_land_mu_per_cow.value
    rows = []
    for adcode in adcodes:
        need = herd_needs(Herd.dairy(dairy_cow_head), land, params, adcode=adcode)
        forage = need.forage_land_mu if need.forage is not None else dairy_cow_head * per_cow
        water_m3 = need.water_need_m3_per_yr if need.water is not None else math.nan
        rows.append((need.absorption_land_need_mu, forage, water_m3))
    table = np.array(rows, dtype=np.float64).reshape(-1, 3)
    water = inputs.layers.county_water
    cap = use = np.full(len(adcodes), np.nan)
    if water is not None:
        by_county = water.assign(adcode=water["adcode"].astype(str)).set_index("adcode")
        cap = by_county["cap_m3_per_yr"].reindex(list(adcodes)).to_numpy(dtype=np.float64)
        use = by_county["use_m3_per_yr"].reindex(list(adcodes)).to_numpy(dtype=np.float64)
    return CountyNeeds(adcodes, table[:, 0], table[:, 1], table[:, 2], cap, use)


def surface_context(
    region: Region,
    footprint: SurfaceFootprint,
    options: SurfaceOptions,
    *,
    county_water: pd.DataFrame | None = None,
) -> SurfaceContext:
    """Load the region's inputs and prepare the grid, weights and needs of the surface.

    Parameters
    ----------
    county_water
        County water caps and use; None computes them (`county_water_use`) unless
        ``options.with_water`` is False.

    Raises
    ------
    ParameterError
        If the cell size or window rows are not positive.
    FileFormatError, SchemaError
        From the loaders.
    """
    _check_options(options)
    if county_water is None and options.with_water:
        year = options.water_year or region.plan.water_baseline_year
        county_water = county_water_use(region, year)
    inputs = load_siting_inputs(region, county_water=county_water)
    counties = inputs.layers.counties
    bounds = counties.total_bounds if counties is not None else _layer_bounds(inputs)
    grid = Grid.covering(
        tuple(float(b) for b in bounds), crs=inputs.layers.crs, cell_m=options.cell_m
    )
    setbacks = [r.limit for r in inputs.params.rules if r.enabled and r.kind == "gate_setback"]
    margin_m = max(setbacks, default=0.0) + footprint.side_m / 2 + options.cell_m
    margin = (
        max(
            math.ceil(margin_m / options.cell_m),
            footprint_reach_cells(footprint.side_m, options.cell_m),
        )
        + _EXTRA_MARGIN_CELLS
    )
    return SurfaceContext(
        inputs=inputs,
        footprint=footprint,
        options=options,
        grid=grid,
        weights=default_weights(inputs.params),
        needs=_county_needs(inputs, footprint.dairy_cow_head),
        lands=land_points(inputs.layers.parcels, inputs.params),
        margin_cells=margin,
    )


def default_footprint_mu(region: Region) -> float:
    """Return the region's default footprint (亩, ``default_footprint_mu`` of planner.csv)."""
    return load_footprint_params(region.dir).default_footprint_mu


def _check_options(options: SurfaceOptions) -> None:
    problems = Problems("surface options", "适宜性栅格选项")
    problems.require_positive("cell_m", options.cell_m)
    problems.require_positive("rows_per_window", options.rows_per_window)
    problems.require_positive("criteria_cell_factor", options.criteria_cell_factor)
    problems.raise_if_any()


def _layer_bounds(inputs: SitingInputs) -> np.ndarray:
    bounds = np.array([f.total_bounds for f in inputs.layers.features.values() if len(f)])
    return np.concatenate([bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)])


def window_rasters(context: SurfaceContext, window: GridWindow) -> tuple[WindowRasters, np.ndarray]:
    """Return the rasterised layers of ``window`` (with margin) and each cell's county index."""
    grid, margin = context.grid, context.margin_cells
    transform = grid.window_transform(window, margin_cells=margin)
    shape = (window.height + 2 * margin, window.width + 2 * margin)
    box = shapely.box(*grid.window_bounds(window, margin_cells=margin))
    rules = [r for r in context.inputs.params.rules if r.enabled]
    touched, centred = {}, {}
    # centre-sampled cells only for zones with an area limit above 0 (siting.surface)
    by_area = {
        r.layer_kind for r in rules if r.kind in ("gate_inside", "gate_overlap") and r.limit > 0
    }
    for kind in {r.layer_kind for r in rules if r.layer_kind in context.inputs.layers.features}:
        features = context.inputs.layers.features[kind]
        geoms = list(
            features.geometry.to_numpy()[features.sindex.query(box, predicate="intersects")]
        )
        touched[kind] = rasterize_mask(geoms, transform=transform, shape=shape, all_touched=True)
        if kind in by_area:
            centred[kind] = rasterize_mask(
                geoms, transform=transform, shape=shape, all_touched=False
            )
    counties = context.inputs.layers.counties
    county_index = rasterize_values(
        [] if counties is None else list(counties.geometry),
        list(range(len(context.needs.adcodes))),
        transform=transform,
        shape=shape,
        fill=-1,
    )
    slope = None
    if context.inputs.dem is not None:
        dem_m = resample_to(context.inputs.dem, transform=transform, shape=shape, crs=grid.crs)
        slope = slope_deg(dem_m, transform)
    rasters = WindowRasters(grid.cell_m, margin, touched, centred, slope, county_index >= 0)
    return rasters, county_index


def surface_window(context: SurfaceContext, window: GridWindow) -> tuple[np.ndarray, np.ndarray]:
    """Return the gate codes (uint8) and scores (float64, NaN where gates fail) of a window.

    Parameters
    ----------
    context
        From `surface_context`.
    window
        Rows and columns of ``context.grid``.
    """
    rasters, county_index = window_rasters(context, window)
    codes = gate_codes(context.inputs.params.rules, rasters, context.footprint)
    passing = codes == PASS_CODE
    raw = window_criteria(
        context, window, rasters, np.asarray(rasters.inner(county_index)), passing
    )
    score = np.full(codes.shape, np.nan)
    score[passing] = weighted_score(
        {k: v[passing] for k, v in raw.items()}, context.inputs.params, context.weights
    )
    return codes, score


def surface_blocks(
    context: SurfaceContext,
    *,
    progress: Progress | None = None,
) -> Iterator[tuple[GridWindow, tuple[np.ndarray, np.ndarray]]]:
    """Yield every full-width window of rows with its codes and scores, top to bottom."""
    grid = context.grid
    for window in grid.row_windows(context.options.rows_per_window):
        codes, score = surface_window(context, window)
        yield window, (codes.astype(np.float32), score.astype(np.float32))
        if progress is not None:
            progress(window.row_off + window.height, grid.height)


def surface_tags(context: SurfaceContext) -> dict[str, str]:
    """Return the COG's metadata: footprint, herd, cell size, and what each gate code means."""
    tags = {
        "footprint_side_m": f"{context.footprint.side_m:.3f}",
        "footprint_area_mu": f"{context.footprint.area_mu:.3f}",
        "dairy_cow_head": f"{context.footprint.dairy_cow_head:g}",
        "cell_m": f"{context.grid.cell_m:g}",
        "gate_code_0": "passes every hard gate",
        f"gate_code_{OUTSIDE_CODE}": "outside the region",
    }
    for position, rule in enumerate(context.inputs.params.rules, start=1):
        tags[f"gate_code_{position}"] = rule.key
    return tags


def write_surface(
    context: SurfaceContext, out_path: Path, *, progress: Progress | None = None
) -> None:
    """Compute the whole surface window by window and write it as a COG to ``out_path``."""
    write_cog(
        out_path,
        context.grid,
        surface_blocks(context, progress=progress),
        descriptions=BAND_DESCRIPTIONS,
        tags=surface_tags(context),
        block_rows=context.options.rows_per_window,
    )
