"""Load everything a scenario check needs for one region (`siting.scenario_run.ScenarioInputs`).

Composes the region loaders: the coefficient bundle (`planning.region_inputs`), the
allocation, footprint, siting rules and criteria tables, counties and city outline, and
the absorption parcels with their N and P capacity. Used by the planner page (cached) and
``python -m siting plan``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layers.allocation_params import load_allocation_params
from layers.constraints import DEM_KIND, dem_path, load_constraint_layers
from layers.counties import load_city_outline, load_counties
from layers.parcels import PARCELS_KIND, load_parcels
from layers.planner_params import load_footprint_params
from layers.siting_params import load_siting_params
from planning.region_inputs import load_region_params
from siting.scenario_run import ScenarioInputs, ledger_parcels
from siting.scenario_scores import SuitabilityInputs
from siting.score import default_weights

if TYPE_CHECKING:
    import pandas as pd

    from layers.region import Region
    from siting.criteria import ConstraintLayers

#: Name under which the constraint layers are listed as illustrative (one entry for all).
ILLUSTRATIVE_CONSTRAINTS = "constraints"


def load_scenario_inputs(
    region: Region, *, county_water: pd.DataFrame | None = None
) -> ScenarioInputs:
    """Load the inputs of a scenario check for ``region``.

    Parameters
    ----------
    county_water
        County water caps and current use (`siting.criteria.COUNTY_WATER_COLUMNS`, e.g.
        `planning.site_scoring.county_water_use`, passed in by the caller as for
        `planning.siting_inputs.load_siting_inputs`); None leaves the water-headroom criterion
        not available.

    Returns
    -------
    ScenarioInputs
        Parcels (analysis CRS) limited to those that can take manure; the suitability
        inputs hold the region's constraint layers (`layers.constraints`), the siting rules
        and criteria, the default weights and the full parcel layer (for the land
        criteria); ``dem_path`` is the DEM when the region has one.

    Raises
    ------
    FileFormatError, SchemaError, InvalidGeometryError
        From the loaders (a missing generated layer names ``make data``).
    """
    params = load_region_params(region)
    parcels = load_parcels(region)
    crs = region.analysis_crs
    siting_params = load_siting_params(region.dir)
    layers = load_constraint_layers(region, parcels=parcels, county_water=county_water)
    suitability = SuitabilityInputs(
        layers=layers, params=siting_params, weights=default_weights(siting_params)
    )
    has_dem = any(spec.kind == DEM_KIND for spec in region.layers.values())
    return ScenarioInputs(
        analysis_crs=crs,
        params=params,
        allocation=load_allocation_params(region.dir),
        parcels=ledger_parcels(parcels, params.crops, params.nutrients, analysis_crs=crs),
        suitability=suitability,
        footprint=load_footprint_params(region.dir),
        counties=load_counties(region),
        region_extent=load_city_outline(region).geometry.union_all(),
        illustrative=_illustrative(region, layers),
        dem_path=str(dem_path(region)) if has_dem else None,
    )


def _illustrative(region: Region, layers: ConstraintLayers) -> tuple[str, ...]:
    """Return the kinds of illustrative inputs: parcels, constraint layers (as one), DEM."""

    def flagged(kind: str) -> bool:
        return any(s.kind == kind and s.illustrative for s in region.layers.values())

    kinds = [PARCELS_KIND] if flagged(PARCELS_KIND) else []
    if any(layers.illustrative.values()):
        kinds.append(ILLUSTRATIVE_CONSTRAINTS)
    if flagged(DEM_KIND):
        kinds.append(DEM_KIND)
    return tuple(kinds)
