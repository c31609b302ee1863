"""Check a whole scenario: farm needs, absorption-land ledger, suitability, result tables.

`run_scenario` is what the planner page and ``python -m siting plan allocate`` call with the
scenario's sites. Given the previous `ScenarioRun` of the same scenario it works incrementally:
needs are cheap and recomputed; the ledger re-queries only the farms that moved or changed
radius (`siting.scenario_ledger`); suitability re-checks only sites whose footprint, herd or
land need changed (`siting.scenario_scores`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

import geopandas as gpd

from siting.farm_needs import farm_needs
from siting.needs import receiving_lands
from siting.nutrients import parcel_absorption_capacity
from siting.scenario_ledger import LedgerState, ledger_farms, ledger_update
from siting.scenario_results import site_results
from siting.scenario_scores import score_inputs, score_scenario_sites, score_table

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from siting.allocate import AllocationParams
    from siting.parameters import CropTable, NutrientParams, RegionParams
    from siting.scenario_scores import SuitabilityInputs
    from siting.score import SiteResult
    from siting.site_footprint import FootprintParams


@dataclass(frozen=True, eq=False)
class ScenarioInputs:
    """Everything a scenario check needs besides its sites (one region).

    Attributes
    ----------
    analysis_crs
        Projected CRS for distances and areas (e.g. EPSG:4546).
    params
        The region's coefficients (`siting.parameters.RegionParams`).
    allocation
        Default allocation parameters (haul radius, road factor, priority by status).
    parcels
        Absorption parcels in ``analysis_crs`` that can take manure N or P (capacity > 0):
        ``parcel_id``, ``adcode``, ``crop``, ``area_mu``, ``n_capacity_kg_per_yr``,
        ``p_capacity_kg_per_yr``.
    suitability
        Constraint layers, siting parameters and weights; None if not available.
    footprint
        Footprint limits and defaults.
    counties
        County polygons (EPSG:4326) with ``adcode`` and names.
    region_extent
        The region outline (EPSG:4326) drawn and uploaded sites must lie in.
    illustrative
        Layer kinds used by the check that are illustrative (not real data), for display
        (e.g. ``absorption_parcels``, ``constraints``, ``dem``).
    dem_path
        The region's DEM file (read by the caller for per-site slope), or None.
    """

    analysis_crs: str
    params: RegionParams
    allocation: AllocationParams
    parcels: gpd.GeoDataFrame
    suitability: SuitabilityInputs | None
    footprint: FootprintParams
    counties: gpd.GeoDataFrame
    region_extent: BaseGeometry
    illustrative: tuple[str, ...] = ()
    dem_path: str | None = None


@dataclass(frozen=True, eq=False)
class ScenarioRun:
    """The checked scenario.

    Attributes
    ----------
    sites
        The sites checked (plan-store frame, EPSG:4326).
    needs
        `siting.farm_needs.farm_needs` on each site's receiving land (the ledger's parcels
        within its haul radius, else the region's default receiving crop).
    ledger
        The solved absorption-land ledger.
    results
        `siting.scenario_results.site_results` joined with `siting.scenario_scores.score_table`.
    scores
        Suitability results by site id (gates and criteria with explanations).
    score_cache
        Suitability results by site signature (for the next incremental run).
    timings_s
        Seconds spent on "needs", "ledger", "suitability" and "total".
    terrain
        Per-site slope used by the slope gate and criteria (``site_id``,
        ``slope_mean_deg``, ``slope_max_deg``, ...), or None without a DEM.
    """

    sites: gpd.GeoDataFrame
    needs: pd.DataFrame
    ledger: LedgerState
    results: pd.DataFrame
    scores: Mapping[str, SiteResult] = field(repr=False)
    score_cache: Mapping[str, SiteResult] = field(repr=False)
    timings_s: Mapping[str, float] = field(default_factory=dict)
    terrain: pd.DataFrame | None = None


def ledger_parcels(
    parcels: gpd.GeoDataFrame, crops: CropTable, params: NutrientParams, *, analysis_crs: str
) -> gpd.GeoDataFrame:
    """Return the parcels that can take manure N or P, with their capacity, in ``analysis_crs``.

    Parameters
    ----------
    parcels
        Absorption parcels (`layers.parcels.PARCEL_COLUMNS`, any CRS).

    Returns
    -------
    parcels
        The rows with ``n_capacity_kg_per_yr`` or ``p_capacity_kg_per_yr`` > 0 (see
        `siting.nutrients.parcel_absorption_capacity`), row order kept, index reset.
    """
    capacity = parcel_absorption_capacity(parcels.to_crs(analysis_crs), crops, params)
    usable = (capacity["n_capacity_kg_per_yr"] > 0) | (capacity["p_capacity_kg_per_yr"] > 0)
    return capacity[usable].reset_index(drop=True)


def run_scenario(
    sites: gpd.GeoDataFrame,
    inputs: ScenarioInputs,
    *,
    allocation: AllocationParams | None = None,
    previous: ScenarioRun | None = None,
    terrain: pd.DataFrame | None = None,
) -> ScenarioRun:
    """Check a scenario's sites; reuse ``previous`` (same scenario and inputs) where possible.

    Parameters
    ----------
    sites
        Plan-store sites (EPSG:4326, `store.SITE_COLUMNS`); may be empty.
    inputs
        Region inputs.
    allocation
        Allocation parameters to use instead of ``inputs.allocation`` (e.g. another
        priority order chosen by the user).
    previous
        The last run of this scenario with the same ``inputs``.
    terrain
        Per-site slope (`geo.raster.slope_stats` of the sites on ``inputs.dem_path``);
        None leaves the slope gate unchecked.

    Returns
    -------
    ScenarioRun

    Raises
    ------
    ParameterError
        A site with an unknown manure route or bad head counts (every one named).
    SchemaError, InvalidGeometryError
        From the ledger and suitability checks.
    """
    start = time.perf_counter()
    params = allocation or inputs.allocation
    earlier = None if previous is None else previous.needs
    supply = farm_needs(sites, inputs.params, previous=earlier)
    t_needs = time.perf_counter()
    farms = ledger_farms(sites, supply, analysis_crs=inputs.analysis_crs)
    ledger = ledger_update(
        None if previous is None else previous.ledger, farms, inputs.parcels, params
    )
    t_ledger = time.perf_counter()
    lands = receiving_lands(
        ledger.candidates.pairs,
        inputs.parcels,
        sites["site_id"].astype(str).tolist(),
        inputs.params,
    )
    needs = farm_needs(sites, inputs.params, lands, previous=earlier)
    results = site_results(sites, needs, ledger)
    frame = score_inputs(sites, results, crs=inputs.analysis_crs)
    scores, cache = _suitability(frame, inputs, previous, terrain)
    results = results.merge(score_table(frame, scores), on="site_id", how="left")
    end = time.perf_counter()
    timings = {
        "needs": t_needs - start,
        "ledger": t_ledger - t_needs,
        "suitability": end - t_ledger,
        "total": end - start,
    }
    return ScenarioRun(sites, needs, ledger, results, scores, cache, timings, terrain)


def _suitability(
    frame: gpd.GeoDataFrame,
    inputs: ScenarioInputs,
    previous: ScenarioRun | None,
    terrain: pd.DataFrame | None,
) -> tuple[dict[str, SiteResult], dict[str, SiteResult]]:
    if inputs.suitability is None or frame.empty:
        return {}, {}
    cache = None if previous is None else previous.score_cache
    suitability = replace(inputs.suitability, terrain=terrain)
    return score_scenario_sites(frame, suitability, cache)
