"""Data access of the planner page: cached region inputs and the plan store.

The store file is chosen here, as for the CLI: env ``FORAGE_SITING_STORE``
(`store.STORE_PATH_ENV`), else `store.default_store_path()`. `PlanStore` opens a fresh
connection per call, so a new `PlanStore` per script run is cheap and always current.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

import geopandas as gpd

from geo.crs import STORAGE_CRS
from planning.plan_inputs import load_plan_inputs
from planning.regions import load_counties, load_region
from planning.scenarios import STORE_PATH_ENV, PlanStore, default_store_path
from planning.site_scoring import county_water_use
from ui.map import display_frame

if TYPE_CHECKING:
    from siting.plan_run import PlanInputs


def store_path() -> Path:
    """Return the plan store file: ``$FORAGE_SITING_STORE`` or the user's default."""
    configured = os.environ.get(STORE_PATH_ENV, "").strip()
    return Path(configured).expanduser() if configured else default_store_path()


def open_store() -> PlanStore:
    """Return the plan store (created on first use)."""
    return PlanStore(store_path())


@st.cache_resource(show_spinner=False)
def plan_inputs(region_id: str) -> PlanInputs:
    """Return the scenario-check inputs of ``region_id`` (parcels with capacity, parameters).

    Cached once per region and shared (``cache_resource``: copying ~9 MB of parcels and
    constraint layers on every rerun would cost ~0.1 s). The county water use is the
    site-check page's (`planning.site_scoring.county_water_use` of the region's
    ``[plan] water_baseline_year``), so both pages score the same criteria. Read-only:
    nothing in ``siting`` mutates its inputs, and callers must not either.
    """
    region = load_region(region_id)
    water = county_water_use(region, region.plan.water_baseline_year)  # as the site check
    return load_plan_inputs(region, county_water=water)


@st.cache_resource(show_spinner=False)
def parcels_lonlat(region_id: str) -> gpd.GeoSeries:
    """Return the ledger's parcel footprints in EPSG:4326 by ``parcel_id`` (for display).

    Reprojected once per region: a reprojection per rerun would build a new PROJ
    transformer each time (they are per thread and every Streamlit run has its own).
    """
    parcels = plan_inputs(region_id).parcels
    return gpd.GeoSeries(parcels.geometry.to_numpy(), index=parcels["parcel_id"],
                         crs=parcels.crs).to_crs(STORAGE_CRS)


@st.cache_data(show_spinner=False)
def county_outlines(region_id: str) -> dict[str, Any]:
    """Return the region's county outlines as display GeoJSON (EPSG:4326, simplified)."""
    region = load_region(region_id)
    shown = display_frame(load_counties(region), analysis_crs=region.analysis_crs,
                          coverage=True)
    return dict(shown.__geo_interface__)
