"""Assemble the build-out inputs from a region pack (file reads; shared by the CLI and the UI).

`load_buildout_inputs` reads the region's data and parameters into the frozen
`BuildoutRegion` / `siting.parameters.RegionParams` that `siting.buildout.run_buildout`
takes (the bundle from `planning.region_inputs.load_region_params`);
`scenario_farms_table` turns plan-store or demo sites into its farm table, and
`scenario_buildout` runs the check of a scenario's sites. `usable_farms` and
`checked_scenario_buildout` set aside the sites the check cannot use (no start year, no herd,
no county) and check the rest, so one incomplete site does not hide the whole scenario.
``python -m siting buildout`` and the review page both call these, so they check the same
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

import geopandas as gpd

from layers.coefficients import load_nutrient_params
from layers.counties import load_counties
from layers.group_targets import (
    load_county_groups,
    load_group_targets,
    load_size_class_targets,
)
from layers.herd import load_herd_baseline
from layers.manure_plants import load_manure_plants
from layers.parcels import PARCEL_COLUMNS, PARCELS_KIND, load_parcels
from layers.targets import load_city_targets, load_forage_targets
from layers.water_caps import WATER_CAPS_KIND, load_water_caps
from planning.region_inputs import load_region_params
from siting.buildout import BuildoutRegion, run_buildout
from siting.buildout_farms import FARM_GAPS, farm_gaps, farms_from_sites
from siting.nutrients import parcel_absorption_capacity
from siting.utilisation import no_plants

if TYPE_CHECKING:
    from layers.region import Region
    from siting.buildout import BuildoutResult
    from siting.parameters import NutrientParams, RegionParams


def load_buildout_inputs(
    region: Region, nutrients: NutrientParams
) -> tuple[BuildoutRegion, RegionParams]:
    """Load the region data and parameters of a build-out check.

    Parameters
    ----------
    region
        The region pack (its files are read here).
    nutrients
        Nutrient parameters (the region's defaults, possibly overridden by the user).
    """
    parameters = load_region_params(region, nutrients)
    parcels = load_parcels(region) if _has(region, PARCELS_KIND) else _no_parcels()
    inputs = BuildoutRegion(
        counties=pd.DataFrame(load_counties(region)[["adcode", "name_zh", "name_en"]]),
        zones=parameters.county_zones,
        baseline_herd=load_herd_baseline(region),
        parcels=parcel_absorption_capacity(parcels, parameters.crops, nutrients),
        forage_targets=(
            load_forage_targets(region)
            if _has(region, "forage_targets")
            else pd.DataFrame(columns=list(_FORAGE_TARGET_COLUMNS))
        ),
        city_targets=load_city_targets(region),
        water_caps=(
            load_water_caps(region)
            if _has(region, WATER_CAPS_KIND)
            else pd.DataFrame(columns=list(_WATER_CAP_COLUMNS))
        ),
        city_adcode=region.adcode,
        manure_plants=load_manure_plants(region) if _has(region, "manure_plants") else no_plants(),
        county_groups=load_county_groups(region),
        group_targets=load_group_targets(region),
        size_classes=load_size_class_targets(region),
    )
    return inputs, parameters


#: Columns of the empty frames standing in for optional layers a pack lacks: no parcels (no
#: absorption land known: the load index shows it), no county forage targets, no water caps
#: (the water rows have no limit).
_FORAGE_TARGET_COLUMNS = ("adcode", "name_zh", "crop", "year", "target_mu", "source", "status")
_WATER_CAP_COLUMNS = (
    "adcode",
    "name_zh",
    "cap_m3_per_yr",
    "other_use_m3_per_yr",
    "status",
    "source",
)


def _has(region: Region, kind: str) -> bool:
    return any(spec.kind == kind for spec in region.layers.values())


def _no_parcels() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PARCEL_COLUMNS})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs="EPSG:4326"))


def scenario_farms_table(sites: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the farm table of ``sites`` (plan-store or demo columns; EPSG:4326).

    A demo frame's ``adcode`` is read as ``county_code``; see
    `siting.buildout_farms.farms_from_sites` for the rest.
    """
    if "county_code" not in sites.columns and "adcode" in sites.columns:
        sites = sites.rename(columns={"adcode": "county_code"})
    return farms_from_sites(sites, counties)


def scenario_buildout(
    region: Region, sites: gpd.GeoDataFrame, years: tuple[int, ...]
) -> BuildoutResult:
    """Run the build-out check of a scenario's ``sites`` in ``years`` (region defaults).

    ``sites`` are plan-store sites (EPSG:4326); the nutrient parameters are the region's.
    """
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    farms = scenario_farms_table(sites, load_counties(region))
    return run_buildout(farms, list(years), inputs, parameters)


@dataclass(frozen=True)
class ScenarioFarms:
    """A scenario's farm table split into the farms the build-out can use and the rest.

    Attributes
    ----------
    farms
        Farm table of the usable sites (`scenario_farms_table` columns).
    unusable
        One row per set-aside site: ``site_id``, ``name``, ``missing`` (a tuple of
        `siting.buildout_farms.FARM_GAPS` codes, in that order).
    """

    farms: pd.DataFrame
    unusable: pd.DataFrame


@dataclass(frozen=True)
class ScenarioBuildout:
    """The build-out check of a scenario's usable sites and the sites it set aside."""

    result: BuildoutResult
    unusable: pd.DataFrame


def usable_farms(sites: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> ScenarioFarms:
    """Return the farm table of the ``sites`` the build-out can use and the others with reasons.

    Parameters
    ----------
    sites
        Plan-store or demo sites (EPSG:4326; ``site_id``, ``name``, ``status``, ``start_year``,
        herd columns).
    counties
        The region's county polygons (``adcode``), same CRS.
    """
    farms = scenario_farms_table(sites, counties)
    gaps = farm_gaps(farms, counties["adcode"].astype(str).tolist())
    bad = gaps.any(axis=1).to_numpy()
    names = sites["name"] if "name" in sites.columns else sites["site_id"]
    missing = [tuple(g for g in FARM_GAPS if row[g]) for row in gaps[bad].to_dict("records")]
    unusable = pd.DataFrame(
        {
            "site_id": farms["farm_id"].to_numpy()[bad],
            "name": names.astype(str).to_numpy()[bad],
            "missing": pd.Series(missing, dtype=object),
        }
    )
    return ScenarioFarms(farms[~bad].reset_index(drop=True), unusable)


def checked_scenario_buildout(
    region: Region, sites: gpd.GeoDataFrame, years: tuple[int, ...]
) -> ScenarioBuildout:
    """Run the build-out check of the usable ``sites`` in ``years``; list the set-aside ones.

    Unlike `scenario_buildout`, a site without a start year, herd or county does not stop the
    check: it is left out and listed in `ScenarioBuildout.unusable` (`usable_farms`).
    """
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    split = usable_farms(sites, load_counties(region))
    result = run_buildout(split.farms, list(years), inputs, parameters)
    return ScenarioBuildout(result, split.unusable)
