"""Show a folium map in Streamlit (st_folium) and build the view from the sidebar choices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit_folium import st_folium

from ui import state
from ui.assets import missing_assets
from ui.labels import t
from ui.map import MapView
from ui.sidebar import tianditu_key

if TYPE_CHECKING:
    import folium

    from planning.regions import Region

MAP_HEIGHT_PX = 600


def map_view(region: Region, *, draw: bool = False) -> MapView:
    """Return the map view of ``region`` with the basemap and language chosen in the sidebar."""
    lon, lat = region.map_center_lonlat
    return MapView(
        center_lonlat=(float(lon), float(lat)),
        zoom=int(region.map_zoom),
        basemap=str(st.session_state[state.BASEMAP]),
        tianditu_key=tianditu_key(),
        lang=state.lang(),
        draw=draw,
    )


def show_map(
    m: folium.Map,
    *,
    key: str,
    returned_objects: Sequence[str] = (),
    height: int = MAP_HEIGHT_PX,
) -> dict[str, Any] | None:
    """Render ``m`` with st_folium; only ``returned_objects`` changes trigger a rerun.

    Shows one error (and no map) if the local Leaflet files are missing.
    """
    missing = missing_assets()
    if missing:
        st.error(t("assets.missing", state.lang()).format(files=", ".join(missing)))
        return None
    return st_folium(
        m, key=key, returned_objects=list(returned_objects), height=height, use_container_width=True
    )
