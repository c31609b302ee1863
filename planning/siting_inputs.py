"""Everything site suitability needs from a region pack, loaded once (the app caches it).

`load_siting_inputs` reads the constraint layers (analysis CRS), the counties, the absorption
parcels (if the pack has them), the rules and criteria tables, the default AHP matrix, and the
inputs of the herd's needs (`siting.needs.NeedInputs`: the region's coefficient bundle, the
haul radius and the parcels that take manure, as the planner's ledger sees them);
`site_terrain` measures the slope under candidate sites from the pack's DEM. The county water
table (cap and current use) comes from the build-out check and is passed in by the caller
(`planning.site_scoring.county_water_use`). Scoring itself is `siting.assess.assess_sites`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.raster import slope_stats
from layers.allocation_params import load_allocation_params
from layers.constraints import DEM_KIND, dem_path, load_constraint_layers
from layers.counties import load_counties
from layers.parcels import PARCELS_KIND, load_parcels
from layers.siting_params import load_ahp_matrix, load_siting_params
from planning.region_inputs import load_region_params
from siting.needs import NeedInputs
from siting.parameters import DEFAULT_RECEIVING_SOIL_CLASS
from siting.scenario_run import ledger_parcels

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    import geopandas as gpd

    from layers.region import Region
    from siting.criteria import ConstraintLayers, SitingParams


@dataclass(frozen=True, eq=False)
class SitingInputs:
    """Loaded inputs of site suitability for one region pack."""

    region: Region
    layers: ConstraintLayers
    params: SitingParams
    ahp_matrix: pd.DataFrame
    needs: NeedInputs
    dem: Path | None


def _needs(
    region: Region, parcels: gpd.GeoDataFrame | None, crop: str, soil_class: str
) -> NeedInputs:
    params = replace(
        load_region_params(region), receiving_crop=crop, receiving_soil_class=soil_class
    )
    crs = region.analysis_crs
    receiving = (
        None
        if parcels is None
        else ledger_parcels(parcels, params.crops, params.nutrients, analysis_crs=crs)
    )
    return NeedInputs(params, load_allocation_params(region.dir), receiving)


def load_siting_inputs(
    region: Region,
    *,
    crop: str | None = None,
    soil_class: str = DEFAULT_RECEIVING_SOIL_CLASS,
    with_parcels: bool = True,
    county_water: pd.DataFrame | None = None,
) -> SitingInputs:
    """Load the layers, parameters and DEM path of ``region``.

    Parameters
    ----------
    crop, soil_class
        The default receiving land (key of crops.csv, None: the region's ``[plan]
        receiving_crop``; soil class): where a site has no absorption parcel within its haul
        radius (or no parcels are loaded) its manure-land need is on this crop at its default
        yield.
    with_parcels
        Load the absorption parcels for the land criteria and the receiving land (if the
        pack has them).
    county_water
        County water caps and current use (`siting.criteria.COUNTY_WATER_COLUMNS`); None
        leaves the water-headroom criterion not available.

    Raises
    ------
    FileFormatError
        If a declared layer file is missing (generated layers: run ``make data``).
    SchemaError, ParameterError
        For bad tables or an unknown crop.
    """
    has_parcels = any(s.kind == PARCELS_KIND for s in region.layers.values())
    parcels = load_parcels(region) if with_parcels and has_parcels else None
    has_dem = any(s.kind == DEM_KIND for s in region.layers.values())
    layers = load_constraint_layers(
        region, parcels=parcels, counties=load_counties(region), county_water=county_water
    )
    return SitingInputs(
        region=region,
        layers=layers,
        params=load_siting_params(region.dir),
        ahp_matrix=load_ahp_matrix(region.dir),
        needs=_needs(region, parcels, crop or region.plan.receiving_crop, soil_class),
        dem=dem_path(region) if has_dem else None,
    )


def site_terrain(sites: gpd.GeoDataFrame, inputs: SitingInputs) -> pd.DataFrame | None:
    """Return the slope statistics of ``sites`` (any CRS) from the pack's DEM, or None."""
    if inputs.dem is None:
        return None
    return slope_stats(sites, inputs.dem, id_column="site_id")
