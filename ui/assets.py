"""Point folium at the Leaflet / Leaflet.draw files the app serves itself (offline maps).

`make assets` unpacks Leaflet and Leaflet.draw from the npm registry into ``static/vendor/``
(gitignored); Streamlit serves ``static/`` at ``/app/static/`` because
``enableStaticServing = true`` in ``.streamlit/config.toml``. folium's defaults load Leaflet,
jQuery, Bootstrap, awesome-markers and Font Awesome from CDNs, and streamlit-folium loads
them one after another, so with no internet the map never renders. `use_local_assets`
replaces those lists with the local Leaflet files only. Nothing in the app may use
``folium.Icon`` (awesome-markers/Bootstrap) or a branca ``ColorMap`` (d3 from a CDN).
"""

from __future__ import annotations

from pathlib import Path

import folium
import folium.plugins

STATIC_DIR: Path = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/app/static"
VENDOR_URL = f"{STATIC_URL}/vendor"

# (name, path under static/) of every file the map needs in the browser.
LEAFLET_JS = ("leaflet", "vendor/leaflet/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "vendor/leaflet/leaflet.css")
DRAW_JS = ("leaflet_draw_js", "vendor/leaflet-draw/leaflet.draw.js")
DRAW_CSS = ("leaflet_draw_css", "vendor/leaflet-draw/leaflet.draw.css")
ALL_ASSETS: tuple[tuple[str, str], ...] = (LEAFLET_JS, LEAFLET_CSS, DRAW_JS, DRAW_CSS)


def asset_url(rel_path: str) -> str:
    """Return the URL (path only, same origin) at which the app serves ``static/<rel_path>``."""
    return f"{STATIC_URL}/{rel_path}"


def use_local_assets() -> None:
    """Make folium's Map and Draw load only the app's own Leaflet files (idempotent)."""
    folium.Map.default_js = [(LEAFLET_JS[0], asset_url(LEAFLET_JS[1]))]
    folium.Map.default_css = [(LEAFLET_CSS[0], asset_url(LEAFLET_CSS[1]))]
    folium.plugins.Draw.default_js = [(DRAW_JS[0], asset_url(DRAW_JS[1]))]
    folium.plugins.Draw.default_css = [(DRAW_CSS[0], asset_url(DRAW_CSS[1]))]


def missing_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """Return the paths (under ``static/``) of required asset files that do not exist."""
    return [rel for _, rel in ALL_ASSETS if not (static_dir / rel).is_file()]
