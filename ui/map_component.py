"""A folium map as the st_folium component, serialised once and shown again from that.

``st_folium`` builds and renders the whole folium map to JavaScript on every run (0.2–0.6 s
for the planner's base map, about 1 s for the targets page's county map at a load of 6),
although between two runs usually nothing on it changed (the Plan page: only the edited
site's overlay). `serialise` turns a map into the component's arguments once; callers keep
them under a key of what the map shows (`ui.map_widget.show_built_map`, the Plan page) and
`show` sends them, with an optional overlay feature group, as ``st_folium`` would.
The component's frontend only runs the map script when its iframe is new, so identical
arguments also keep the map (and the user's pan and zoom) in place.

Built on streamlit-folium 0.27.4's own helpers (pinned in requirements.txt): the argument
names and the session-state key of the value are those of ``st_folium``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import folium
import streamlit as st
import streamlit_folium as sf

if TYPE_CHECKING:
    from branca.element import Element


@dataclass(frozen=True)
class MapScript:
    """A rendered folium map: what ``st_folium`` sends to its frontend about the map."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _elements(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def serialise(m: folium.Map) -> MapScript:
    """Render ``m`` as ``st_folium`` does (no CDN link is added: Leaflet is served locally)."""
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    map_id = sf.get_full_id(m)  # after the script, as st_folium does
    css: list[str] = []
    js: list[str] = []
    for element in _elements(m):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return MapScript(
        script, header, html, map_id, tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))
    )


def feature_group_script(group: folium.FeatureGroup) -> str:
    """Return the JavaScript that adds ``group`` to the shown map (``feature_group_to_add``)."""
    return str(sf._get_feature_group_string(group, map=folium.Map(tiles=None), idx=0))


def show(
    map_script: MapScript,
    *,
    key: str,
    feature_group: str | None,
    returned_objects: Sequence[str],
    center: tuple[float, float] | None,
    zoom: int | None,
    height: int,
    on_change: Callable[[], None] | None = None,
) -> Any:
    """Show the map as ``st_folium(..., use_container_width=True)``; return its last value.

    The value is also kept under ``key`` in the session state (as ``st_folium`` does).
    """
    hash_key = sf.generate_js_hash(map_script.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=map_script.script,
        header=map_script.header,
        html=map_script.html,
        id=map_script.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=dict.fromkeys(returned_objects),
        zoom=zoom,
        center=center,
        feature_group=feature_group,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(map_script.css_links),
        js_links=list(map_script.js_links),
        on_change=_on_change,
        wrap_longitude=False,
    )
