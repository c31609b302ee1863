"""The suitability surface on the planner map: a PNG image overlay and its legend.

The surface (a COG of gate codes and scores, `planning.surface_cache`) is read once per file
at a reduced size on Web Mercator pixels (`planning.surface_style.surface_display`), coloured
here (passing cells on the score ramp `SCORE_RAMP`, each failing gate in its own colour,
outside the region transparent) and added as one ``folium.raster_layers.ImageOverlay`` named
in the layer control, so the planner can switch it off. The PNG travels inside the map as a
data URL: no tiles, no network, never a GeoJSON of cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import folium
import numpy as np
import streamlit as st

from planning.surface_style import SCORE_RAMP, GateName, gate_legend, surface_display
from siting.surface import OUTSIDE_CODE, PASS_CODE
from ui.labels import t
from ui.legend import legend_html
from ui.map import add_html_control

if TYPE_CHECKING:
    from pathlib import Path

    from planning.regions import Region

#: Longest side of the overlay image (pixels): sharp enough at the city's zoom, small
#: enough to travel in the page (~0.3 MB PNG).
OVERLAY_MAX_PX: Final[int] = 1_400
OVERLAY_OPACITY: Final[float] = 0.7
#: Colour of cells where the footprint fails gate k (k = 1, 2, ... in rule order; cycled).
GATE_COLORS: Final[tuple[str, ...]] = (
    "#d7191c",
    "#fdae61",
    "#8c510a",
    "#c51b7d",
    "#7b3294",
    "#878787",
    "#b2182b",
    "#4d4d4d",
    "#dfc27d",
    "#542788",
)
_HEX_DIGITS: Final[int] = 16
_OPAQUE: Final[int] = 255


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return (
        int(value[0:2], _HEX_DIGITS),
        int(value[2:4], _HEX_DIGITS),
        int(value[4:6], _HEX_DIGITS),
    )


def gate_colour(code: int) -> str:
    """Return the colour of cells where gate ``code`` (1-based) fails first."""
    return GATE_COLORS[(code - 1) % len(GATE_COLORS)]


def colour_surface(gate_code: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Return the RGBA image (uint8, rows x cols x 4) of a surface's codes and scores.

    Passing cells take the score ramp (linear between `SCORE_RAMP` stops), failing cells
    their gate's colour, cells outside the region are transparent.
    """
    rgba = np.zeros((*gate_code.shape, 4), dtype=np.uint8)
    passing = (gate_code == PASS_CODE) & np.isfinite(score)
    stops = np.array([s for s, _ in SCORE_RAMP])
    colours = np.array([_rgb(c) for _, c in SCORE_RAMP], dtype=float)
    for channel in range(3):
        rgba[..., channel][passing] = np.round(
            np.interp(score[passing], stops, colours[:, channel])
        ).astype(np.uint8)
    for code in np.unique(gate_code[(gate_code != PASS_CODE) & (gate_code != OUTSIDE_CODE)]):
        rgba[gate_code == code, :3] = _rgb(gate_colour(int(code)))
    rgba[..., 3] = np.where(gate_code == OUTSIDE_CODE, 0, _OPAQUE).astype(np.uint8)
    rgba[(gate_code == PASS_CODE) & ~passing, 3] = 0
    return rgba


@dataclass(frozen=True, eq=False)
class SurfaceImage:
    """The coloured overlay: RGBA pixels, (west, south, east, north) degrees, codes shown."""

    rgba: np.ndarray
    bounds_lonlat: tuple[float, float, float, float]
    codes: tuple[int, ...]
    pass_share_frac: float


@st.cache_data(show_spinner=False, max_entries=4)
def surface_image(path_text: str, modified_ns: int) -> SurfaceImage:
    """Return the overlay of the surface at ``path_text`` (``modified_ns`` is a cache key)."""
    del modified_ns  # cache key only: a recomputed file has a new time
    from pathlib import Path

    display = surface_display(Path(path_text), max_px=OVERLAY_MAX_PX)
    codes = tuple(int(c) for c in np.unique(display.gate_code) if c != OUTSIDE_CODE)
    return SurfaceImage(
        colour_surface(display.gate_code, display.score),
        display.bounds_lonlat,
        codes,
        display.pass_share_frac(),
    )


def surface_legend(gates: tuple[GateName, ...], codes: tuple[int, ...], lang: str) -> str:
    """Return the legend: the score ramp's stops, then each failing gate shown."""
    entries = [
        (colour, t("propose.legend.score", lang).format(score=f"{value:g}"))
        for value, colour in SCORE_RAMP
    ]
    names = {g.code: (g.name_zh if lang == "zh" else g.name_en) for g in gates}
    entries += [
        (gate_colour(code), t("propose.legend.fails", lang).format(gate=names.get(code, code)))
        for code in codes
        if code != PASS_CODE
    ]
    return legend_html(t("propose.legend.title", lang), entries, opacity=OVERLAY_OPACITY)


def add_surface_layer(m: folium.Map, surface_path: Path, region: Region, lang: str) -> None:
    """Add the surface overlay (toggled in the layer control) and its legend to ``m``."""
    image = surface_image(str(surface_path), surface_path.stat().st_mtime_ns)
    west, south, east, north = image.bounds_lonlat
    folium.raster_layers.ImageOverlay(
        image=image.rgba,
        bounds=[[south, west], [north, east]],
        name=t("propose.layer.surface", lang),
        opacity=OVERLAY_OPACITY,
        interactive=False,
    ).add_to(m)
    add_html_control(
        m, surface_legend(gate_legend(region), image.codes, lang), position="bottomleft"
    )
    _layer_control_last(m)


def _layer_control_last(m: folium.Map) -> None:
    """Move the map's layer control after the overlay in the map's script.

    The control is written where it stands among the map's children and names every layer
    by its variable: one added after it would be handed to Leaflet undefined (the browser
    stops at "Cannot read properties of undefined (reading 'setZIndex')").
    """
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(key)
