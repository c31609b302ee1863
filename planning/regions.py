"""A region pack as the entry points see it: find, load and describe its layers.

The UI, the command line and the reports load region data only through `planning`; this
module names the loaders of `layers` they use, so that the entry points never reach below
`planning` for data (STYLE.md B1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layers.allocation_params import load_allocation_params
from layers.coefficients import (
    load_crop_table,
    load_manure_routes,
    load_nutrient_params,
    load_warning_grades,
)
from layers.constraints import constraint_specs, prepare_constraint_features
from layers.counties import load_city_outline, load_counties
from layers.herd import HERD_COLUMNS, load_herd_baseline
from layers.parcels import PARCELS_KIND, load_parcels, load_user_parcels
from layers.region import (
    MANIFEST_NAME,
    REGIONS_DIR_ENV,
    Region,
    default_region_id,
    list_regions,
    load_region,
    use_regions_dir,
)
from layers.scenario_files import (
    DEMO_SCENARIO_KIND,
    DEMO_SCENARIO_NAME,
    demo_scenario_sites,
    load_demo_scenario,
)
from layers.targets import load_city_targets, load_forage_targets

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "DEMO_SCENARIO_KIND",
    "DEMO_SCENARIO_NAME",
    "HERD_COLUMNS",
    "MANIFEST_NAME",
    "PARCELS_KIND",
    "REGIONS_DIR_ENV",
    "Region",
    "constraint_specs",
    "default_region_id",
    "demo_scenario_sites",
    "list_regions",
    "load_allocation_params",
    "load_city_outline",
    "load_city_targets",
    "load_counties",
    "load_crop_table",
    "load_demo_scenario",
    "load_forage_targets",
    "load_herd_baseline",
    "load_manure_routes",
    "load_nutrient_params",
    "load_parcels",
    "load_region",
    "load_user_parcels",
    "load_warning_grades",
    "prepare_constraint_features",
    "region_outline",
    "use_regions_dir",
]


def region_outline(region: Region) -> BaseGeometry:
    """Return the region's outline (one geometry, EPSG:4326) that uploads must fall in."""
    outline: BaseGeometry = load_city_outline(region).geometry.iloc[0]
    return outline
