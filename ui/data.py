"""Cached loaders for the UI: thin ``st.cache_data`` wrappers around ``layers.load_*``.

They take only hashable arguments (the region id) and read no globals. Callers must not
mutate what they return (copy first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from planning.regions import (
    list_regions,
    load_city_outline,
    load_counties,
    load_forage_targets,
    load_plan_targets,
    load_region,
)

if TYPE_CHECKING:
    import pandas as pd

    import geopandas as gpd

    from planning.regions import Region


@st.cache_data(show_spinner=False)
def region_ids() -> list[str]:
    """Return the ids of the region packs available."""
    return [str(r) for r in list_regions()]


@st.cache_data(show_spinner=False)
def region(region_id: str) -> Region:
    """Return the manifest of region ``region_id``."""
    return load_region(region_id)


@st.cache_data(show_spinner=False)
def counties(region_id: str) -> gpd.GeoDataFrame:
    """Return the county polygons of ``region_id`` (EPSG:4326)."""
    return load_counties(load_region(region_id))


@st.cache_data(show_spinner=False)
def city_outline(region_id: str) -> gpd.GeoDataFrame:
    """Return the city outline of ``region_id`` (EPSG:4326)."""
    return load_city_outline(load_region(region_id))


@st.cache_data(show_spinner=False)
def forage_targets(region_id: str) -> pd.DataFrame:
    """Return the county forage targets of ``region_id`` (crop × year, 万亩/亩/ha)."""
    return load_forage_targets(load_region(region_id))


@st.cache_data(show_spinner=False)
def plan_targets(region_id: str) -> pd.DataFrame:
    """Return the city-level plan targets of ``region_id``."""
    return load_plan_targets(load_region(region_id))


def is_illustrative(region_obj: Region, *kinds: str) -> bool:
    """Return True if any layer of one of ``kinds`` is marked illustrative in the manifest."""
    return any(spec.illustrative for spec in region_obj.layers.values() if spec.kind in kinds)
