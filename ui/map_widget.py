"""Show a folium map in Streamlit (st_folium) and build the view from the sidebar choices."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit_folium import st_folium

from ui import map_component, state
from ui.assets import missing_assets
from ui.labels import t
from ui.map import MapView
from ui.sidebar import tianditu_key
from ui.worker import in_worker

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


#: Serialised maps kept by `show_built_map` (a few views of a few regions).
MAX_BUILT_MAPS = 32


@st.cache_resource(show_spinner=False, max_entries=MAX_BUILT_MAPS)
def _serialised(cache_key: Hashable, _build: Callable[[], folium.Map]) -> map_component.MapScript:
    del cache_key  # cache key only
    return in_worker(lambda: map_component.serialise(_build()))


def show_built_map(
    build: Callable[[], folium.Map],
    *,
    cache_key: Hashable,
    key: str,
    returned_objects: Sequence[str] = (),
    height: int = MAP_HEIGHT_PX,
) -> dict[str, Any] | None:
    """Like `show_map`, but ``build()`` runs only the first time ``cache_key`` is seen.

    ``cache_key`` must name everything the map shows (region, choices, language, basemap):
    the serialised map is shared by every session of the server (`ui.map_component`). A new
    session's first page and a page switch then send a map without building it (the county
    map of the targets page took 0.5–1.5 s to build and render per run).
    """
    missing = missing_assets()
    if missing:
        st.error(t("assets.missing", state.lang()).format(files=", ".join(missing)))
        return None
    view_key = (cache_key, st.session_state[state.BASEMAP], tianditu_key(), state.lang())
    return map_component.show(  # type: ignore[no-any-return]
        _serialised(view_key, build),
        key=key,
        feature_group=None,
        returned_objects=returned_objects,
        center=None,
        zoom=None,
        height=height,
    )
