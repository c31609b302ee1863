"""A tiny region for the planner tests: one county, a row of parcels, bundled coefficients.

Everything is in EPSG:4546 (CGCS2000 GK CM 111E) around (X0_M, Y0_M) = 111.0 E, ~40.8 N.
Parcels are 100 m x 100 m squares (1 ha = 10,000 / M2_PER_MU mu) on the line y = Y0_M,
``x_km`` east of X0_M, with N capacity ``N_PER_MU`` and P capacity ``P_PER_MU`` kg per mu.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import box

from geo.crs import STORAGE_CRS
from geo.units import M2_PER_MU, M_PER_KM
from layers.siting_params import load_siting_params
from planning.region_inputs import load_region_params
from siting.allocate import AllocationParams
from siting.criteria import ConstraintLayers
from siting.scenario_run import ScenarioInputs
from siting.scenario_scores import SuitabilityInputs
from siting.score import default_weights
from siting.site_footprint import FootprintParams
from store import SiteRecord
from store.frame_schema import sites_frame

CRS = "EPSG:4546"
X0_M = 500_000.0
Y0_M = 4_520_000.0
COUNTY = "150121"
ZONE = "plain"
PARCEL_AREA_MU = 10_000 / M2_PER_MU
N_PER_MU = 12.0
P_PER_MU = 2.0
ALLOCATION = AllocationParams(
    road_factor=1.0,
    default_haul_radius_km=10.0,
    priority_by_status={"existing": 0, "under_construction": 1, "proposed": 2},
)
FOOTPRINT = FootprintParams(
    min_footprint_mu=10.0, min_compactness_frac=0.1, default_footprint_mu=500.0
)


def parcels(xs_km: Sequence[float]) -> gpd.GeoDataFrame:
    """Return 100 m squares centred ``x_km`` east of X0_M, with capacities (EPSG:4546)."""
    half = 50.0
    geoms = [
        box(X0_M + x * M_PER_KM - half, Y0_M - half, X0_M + x * M_PER_KM + half, Y0_M + half)
        for x in xs_km
    ]
    return gpd.GeoDataFrame(
        {
            "parcel_id": [f"P{k:03d}" for k in range(len(xs_km))],
            "adcode": COUNTY,
            "crop": "silage_corn",
            "manure_allowed": True,
            "area_mu": PARCEL_AREA_MU,
            "n_capacity_kg_per_yr": PARCEL_AREA_MU * N_PER_MU,
            "p_capacity_kg_per_yr": PARCEL_AREA_MU * P_PER_MU,
        },
        geometry=geoms,
        crs=CRS,
    )


def county() -> gpd.GeoDataFrame:
    """Return one county, a 60 km x 20 km box around the parcels (EPSG:4326)."""
    area = box(X0_M - 30_000, Y0_M - 10_000, X0_M + 30_000, Y0_M + 10_000)
    frame = gpd.GeoDataFrame(
        {"adcode": [COUNTY], "name_zh": ["土默特左旗"]}, geometry=[area], crs=CRS
    )
    return frame.to_crs(STORAGE_CRS)


def scenario_inputs(
    xs_km: Sequence[float] = tuple(range(1, 11)), *, suitability: bool = True
) -> ScenarioInputs:
    """Return planner inputs over ``parcels(xs_km)`` with the bundled coefficients."""
    land = parcels(xs_km)
    needs = replace(load_region_params(None), county_zones={COUNTY: ZONE})
    params = load_siting_params()
    suit = (
        SuitabilityInputs(ConstraintLayers(CRS, {}, parcels=land), params, default_weights(params))
        if suitability
        else None
    )
    counties = county()
    return ScenarioInputs(
        analysis_crs=CRS,
        params=needs,
        allocation=ALLOCATION,
        parcels=land,
        suitability=suit,
        footprint=FOOTPRINT,
        counties=counties,
        region_extent=counties.geometry.iloc[0],
    )


def footprint(x_km: float, y_km: float = 0.0, side_m: float = 200.0) -> shapely.Polygon:
    """Return a ``side_m`` square centred ``x_km``, ``y_km`` from (X0_M, Y0_M), in EPSG:4326."""
    cx, cy = X0_M + x_km * M_PER_KM, Y0_M + y_km * M_PER_KM
    square = box(cx - side_m / 2, cy - side_m / 2, cx + side_m / 2, cy + side_m / 2)
    return gpd.GeoSeries([square], crs=CRS).to_crs(STORAGE_CRS).iloc[0]


def site(
    site_id: str, x_km: float, *, dairy: int = 0, status: str = "proposed", **fields: object
) -> SiteRecord:
    """Return a stored-looking site (id, version 1) at ``x_km`` east of X0_M."""
    values: dict[str, object] = {
        "name": site_id,
        "geometry": footprint(x_km),
        "status": status,
        "dairy_cow_head": dairy,
        "county_code": COUNTY,
        "site_id": site_id,
        "version": 1,
    }
    values.update(fields)
    return SiteRecord(**values)  # type: ignore[arg-type]


def sites(*records: SiteRecord) -> gpd.GeoDataFrame:
    """Return the records as a plan-store sites frame (EPSG:4326)."""
    return sites_frame(records)


def replaced(frame: gpd.GeoDataFrame, record: SiteRecord) -> gpd.GeoDataFrame:
    """Return ``frame`` with the row of ``record.site_id`` replaced by ``record``."""
    others = frame[frame["site_id"] != record.site_id]
    return gpd.GeoDataFrame(
        pd.concat([others, sites_frame([record])], ignore_index=True), crs=frame.crs
    )
