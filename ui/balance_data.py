"""Cached loaders and computations of the manure–land balance page.

Thin ``st.cache_data`` wrappers around `layers` loaders and `siting.nutrients`, called with
the same inputs as ``python -m siting capacity`` / ``balance`` so the page and the CLI give
the same numbers. Arguments are hashable (region id, frozen parameter objects, a parcel
token); a parcel frame is passed as ``_parcels`` only together with the token that
identifies it. Callers must not mutate what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from planning.regions import (
    HERD_COLUMNS,
    PARCELS_KIND,
    load_crop_table,
    load_herd_baseline,
    load_manure_routes,
    load_nutrient_params,
    load_parcels,
    load_region,
    load_warning_grades,
)
from siting.nutrients import county_balance, parcel_absorption_capacity
from siting.nutrients.remaining import remaining_capacity
from ui import balance_state
from ui.data import counties

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.parameters import (
        CropTable,
        ManureRouteTable,
        NutrientParams,
        WarningGrades,
    )

BUNDLED_TOKEN = "bundled"


@dataclass(frozen=True)
class ParcelSource:
    """Which parcel layer the page uses: the region pack's or one the user uploaded.

    ``token`` identifies the layer's content (cache key); ``file_name`` is the uploaded
    file's name (None for the region pack's layer); ``illustrative`` is True for the
    generated Hohhot layer.
    """

    token: str
    illustrative: bool
    file_name: str | None = None


@st.cache_data(show_spinner=False)
def nutrient_params(region_id: str) -> NutrientParams:
    """Return the nutrient coefficients of ``region_id`` (pack overrides, else defaults)."""
    return load_nutrient_params(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def crop_table(region_id: str) -> CropTable:
    """Return the crop uptake table of ``region_id``."""
    return load_crop_table(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def manure_routes(region_id: str) -> ManureRouteTable:
    """Return the manure route stages of ``region_id``."""
    return load_manure_routes(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def warning_grades(region_id: str) -> WarningGrades:
    """Return the load-index warning grades of ``region_id``."""
    return load_warning_grades(load_region(region_id).dir)


@st.cache_data(show_spinner=False)
def bundled_parcels(region_id: str) -> gpd.GeoDataFrame:
    """Return the region pack's absorption parcels (EPSG:4326, ``layers.parcels`` schema)."""
    return load_parcels(load_region(region_id))


@st.cache_data(show_spinner=False)
def herd_baseline(region_id: str) -> pd.DataFrame:
    """Return the head on stock per county of ``region_id`` (the manifest's base year)."""
    return load_herd_baseline(load_region(region_id))


def active_parcels(region_id: str) -> tuple[ParcelSource, gpd.GeoDataFrame]:
    """Return the parcel layer in use: the user's upload for this region, else the bundled one."""
    uploaded = st.session_state.get(balance_state.USER_PARCELS)
    if uploaded is not None and uploaded.region_id == region_id:
        return uploaded.source, uploaded.parcels
    spec = load_region(region_id).layer_of_kind(PARCELS_KIND)
    source = ParcelSource(BUNDLED_TOKEN, illustrative=spec.illustrative)
    return source, bundled_parcels(region_id)


@st.cache_data(show_spinner=False)
def county_balance_table(region_id: str, params: NutrientParams, parcels_token: str,
                         _parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the county balance exactly as ``python -m siting capacity`` computes it.

    One row per county (adcode order) with ``name_zh``, ``name_en`` and the columns of
    `siting.nutrients.COUNTY_BALANCE_COLUMNS`. Computed once per (region, parameters,
    parcel layer).
    """
    with_capacity = parcel_absorption_capacity(_parcels, crop_table(region_id), params)
    balance = county_balance(with_capacity, herd_baseline(region_id), params,
                             warning_grades(region_id), species_columns=HERD_COLUMNS)
    names = pd.DataFrame(counties(region_id)[["adcode", "name_zh", "name_en",
                                              "name_short_zh"]])
    return names.merge(balance, on="adcode", how="right")


@st.cache_data(show_spinner=False)
def county_parcels(region_id: str, params: NutrientParams, parcels_token: str, adcode: str,
                   _parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the parcels of one county with capacity and remaining capacity (kg/yr, kg/亩).

    Remaining = capacity − the scenario's allocation ledger; no ledger is passed yet, so it
    is the full capacity.
    """
    chosen = _parcels.loc[_parcels["adcode"] == adcode]
    with_capacity = parcel_absorption_capacity(chosen, crop_table(region_id), params)
    return remaining_capacity(with_capacity, allocations=None)
