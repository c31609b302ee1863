"""Bundled scenario files of a region pack: the demo build-out scenario (layer ``demo_scenario``).

The Hohhot demo restates the 2021-2023 plan: 15 ranches under construction in 2021 and 10
proposed ranches, in the counties the plan names, 5,000 head of dairy cattle each (assumption
from the plan's "15 ranches need about 25万亩 forage land"); positions are illustrative
(`layers.build.demo_scenario`, data/README.md "Demo scenario").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from errors import FileFormatError, SchemaError
from geo.io import read_vector
from geo.validate import require_columns
from layers.counties import load_city_outline, load_counties
from siting.site_attributes import PLANNED_SITE_COLUMNS

if TYPE_CHECKING:
    from layers.region import Region

DEMO_SCENARIO_KIND: Final[str] = "demo_scenario"
#: Name of the demo scenario when it is loaded into the scenario store.
DEMO_SCENARIO_NAME: Final[str] = "2021–2023 规划示范 demo"
DEMO_STATUSES: Final[tuple[str, ...]] = ("existing", "under_construction", "proposed")
DEMO_COLUMNS: Final[dict[str, str]] = {
    "site_id": "string",
    "name_zh": "string",
    "name_en": "string",
    "adcode": "string",
    "status": "string",
    "start_year": "int",
    "dairy_cow_head": "int",
    "goat_head": "int",
    "manure_route": "string",
    "haul_radius_km": "float",
    "footprint_mu": "float",
}
#: Columns of `demo_scenario_sites`: the site fields a planner sets in the scenario store.
SITE_FIELDS: Final[tuple[str, ...]] = PLANNED_SITE_COLUMNS
_HERD: Final[tuple[str, ...]] = ("dairy_cow_head", "goat_head")


def load_demo_scenario(region: Region) -> gpd.GeoDataFrame:
    """Load and check the region's demo scenario.

    Returns
    -------
    ranches
        EPSG:4326 polygons (facility footprints) with the columns of `DEMO_COLUMNS`:
        ``site_id``, ``name_zh``, ``name_en``, ``adcode`` (county), ``status``
        (under_construction | proposed), ``start_year``, ``dairy_cow_head`` (all dairy
        cattle on stock, young stock included, as the plan counts them) and ``goat_head``
        (dairy goats), ``manure_route``, ``haul_radius_km`` (km),
        ``footprint_mu`` (亩); sorted by ``site_id``.

    Raises
    ------
    FileFormatError
        If the region has no demo scenario or the file is missing or unreadable.
    SchemaError
        Listing missing or ill-typed columns, duplicate ids, unknown statuses or counties,
        negative herds.
    InvalidGeometryError
        If a footprint is not a valid polygon inside the region.
    """
    specs = [s for s in region.layers.values() if s.kind == DEMO_SCENARIO_KIND]
    if not specs:
        msg = (
            f"Region {region.id!r} has no demo scenario (no layer of kind "
            f"{DEMO_SCENARIO_KIND!r} in its manifest); use a scenario from the scenario store."
        )
        raise FileFormatError(msg, zh=f"地区 {region.id!r} 没有示范方案；请使用方案库中的方案。")
    path = region.layer_path(specs[0].name)
    outline = load_city_outline(region).geometry.iloc[0]
    result = read_vector(path, geometry_kind="polygon", region_extent=outline, repair=False)
    ranches = result.features.drop(columns="feature_no")
    require_columns(ranches, DEMO_COLUMNS, what=f"demo scenario ({path.name})")
    _check_values(ranches, set(load_counties(region)["adcode"]), path.name)
    return ranches[[*DEMO_COLUMNS, "geometry"]].sort_values("site_id").reset_index(drop=True)


def _check_values(ranches: pd.DataFrame, adcodes: set[str], name: str) -> None:
    problems: list[str] = []
    ids = ranches["site_id"].astype(str)
    checks = {
        "repeated site_id": ids.duplicated(keep=False),
        f"status not in {', '.join(DEMO_STATUSES)}": ~ranches["status"].isin(DEMO_STATUSES),
        "adcode not a county of the region": ~ranches["adcode"].isin(adcodes),
        "negative herd": (ranches[list(_HERD)] < 0).any(axis=1),
    }
    for rule, mask in checks.items():
        if bool(mask.any()):
            problems.append(f"{rule}: {', '.join(ids[mask])}")
    if problems:
        msg = f"Demo scenario {name} has {len(problems)} problem(s): {'; '.join(problems)}."
        raise SchemaError(
            msg + " Rebuild it (python -m layers.build.demo_scenario).",
            zh=f"示范方案 {name} 有问题：{'；'.join(problems)}。",
        )


def demo_scenario_sites(region: Region) -> gpd.GeoDataFrame:
    """Return the demo ranches as plan-store site fields, ready to add to a scenario.

    Returns
    -------
    sites
        EPSG:4326 polygons with the columns of `SITE_FIELDS` (``name`` = ``name_zh``,
        ``county_code`` = ``adcode``, ``footprint_source`` = "uploaded", ``note`` naming the
        demo id and that the position is illustrative; ``source_id`` = the demo's ``site_id``;
        beef cattle and sheep 0), in ``site_id`` order. Build ``store.SiteRecord(**row)``
        from each row.

    Raises
    ------
    FileFormatError, SchemaError, InvalidGeometryError
        As `load_demo_scenario`.
    """
    ranches = load_demo_scenario(region)
    zeros = np.zeros(len(ranches), dtype=np.int64)
    note = [
        f"demo {sid}: {en}; position and herd illustrative (data/README.md, Demo scenario)"
        for sid, en in zip(ranches["site_id"], ranches["name_en"], strict=True)
    ]
    sites = pd.DataFrame(
        {
            "name": ranches["name_zh"].astype(str),
            "status": ranches["status"].astype(str),
            "start_year": ranches["start_year"].astype("int64"),
            "dairy_cow_head": ranches["dairy_cow_head"].astype("int64"),
            "beef_cattle_head": zeros,
            "sheep_head": zeros,
            "goat_head": ranches["goat_head"].astype("int64"),
            "manure_route": ranches["manure_route"].astype(str),
            "haul_radius_km": ranches["haul_radius_km"].astype(float),
            "footprint_source": "uploaded",
            "county_code": ranches["adcode"].astype(str),
            "note": note,
            "source_id": ranches["site_id"].astype(str),
        }
    )
    return gpd.GeoDataFrame(
        sites[list(SITE_FIELDS)], geometry=ranches.geometry.to_numpy(), crs=ranches.crs
    )
