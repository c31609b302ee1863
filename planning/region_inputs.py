"""Load a region's coefficient bundle (`siting.parameters.RegionParams`) from its pack.

`load_region_params` is the one loader of the bundle: the site check
(`planning.siting_inputs`), the planner (`planning.scenario_inputs`), the build-out check
(`planning.buildout_inputs`), ``python -m siting balance`` and the farm calculator all take
their coefficients from it, so every page and command computes a herd's needs
(`siting.needs.herd_needs`) from the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layers.coefficients import (
    load_crop_table,
    load_manure_routes,
    load_nutrient_params,
    load_warning_grades,
)
from layers.county_zones import load_county_zones
from layers.forage_params import load_buildout_params, load_forage_params, load_water_params
from siting.parameters import RegionParams

if TYPE_CHECKING:
    from layers.region import Region
    from siting.parameters import NutrientParams


def load_region_params(
    region: Region | None, nutrients: NutrientParams | None = None
) -> RegionParams:
    """Load every coefficient object of ``region`` (None: the bundled defaults, no counties).

    Parameters
    ----------
    region
        The region pack; its ``coefficients/`` override the bundled tables. None loads the
        bundled defaults with no county zones (forage land and water are then unknown).
    nutrients
        Nutrient parameters to use instead of the region's (e.g. with the user's overrides).

    Raises
    ------
    FileFormatError, SchemaError, ParameterError
        From the coefficient loaders.
    """
    region_dir = None if region is None else region.dir
    zones = {} if region is None else _zones(region)
    crop = {} if region is None else {"receiving_crop": region.plan.receiving_crop}
    return RegionParams(
        nutrients=nutrients or load_nutrient_params(region_dir),
        routes=load_manure_routes(region_dir),
        crops=load_crop_table(region_dir),
        forage=load_forage_params(region),
        water=load_water_params(region_dir),
        county_zones=zones,
        grades=load_warning_grades(region_dir),
        buildout=load_buildout_params(region_dir),
        **crop,
    )


def _zones(region: Region) -> dict[str, str]:
    table = load_county_zones(region)
    return dict(zip(table["adcode"].astype(str), table["zone"].astype(str), strict=True))
