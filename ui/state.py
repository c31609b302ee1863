"""Session-state keys (constants) and their defaults, set once per session by `init_state`.

Widgets bind to these keys with ``key=`` so nothing is synced by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from planning.regions import list_regions

LANG = "lang"
REGION = "region_id"
BASEMAP = "basemap"
TARGET_CROP = "targets_crop"
TARGET_YEAR = "targets_year"
UPLOAD_FILE = "upload_file"
UPLOAD_GCJ02 = "upload_gcj02"
UPLOAD_KIND = "upload_kind"
UPLOAD_SKIP_BAD = "upload_skip_bad"
UPLOAD_CRS = "upload_crs"

#: Widget keys (by prefix) whose values outlive a page switch and a language switch.
#: Streamlit forgets a widget's value when a run does not draw it (another page is shown),
#: and a radio whose label changes (the language was switched while it is on screen) keeps
#: its value but shows no option selected. `keep_widget_values` writes these keys back at
#: the start of every run, which keeps the value and sends it to the browser again.
KEPT_PREFIXES: tuple[str, ...] = (
    TARGET_CROP,
    UPLOAD_KIND,
    "review_decision",
    "sites_w_",
    "sites_weights_method",
    "sites_source",
)

DEFAULTS: Mapping[str, Any] = {
    LANG: "zh",
    REGION: None,  # set by `init_state` to the first installed region pack
    BASEMAP: "none",
    TARGET_CROP: "silage_corn",
    TARGET_YEAR: None,
    UPLOAD_GCJ02: False,
    UPLOAD_KIND: "any",
    UPLOAD_SKIP_BAD: False,
    UPLOAD_CRS: "",
}


def init_state() -> None:
    """Set every session-state key that is not set yet to its default."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value
    if st.session_state[REGION] is None:
        regions = list_regions()
        st.session_state[REGION] = regions[0] if regions else None


def lang() -> str:
    """Return the active interface language ("zh" or "en")."""
    return str(st.session_state.get(LANG, DEFAULTS[LANG]))


def keep_widget_values() -> None:
    """Keep the values of the `KEPT_PREFIXES` widgets across page switches."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(KEPT_PREFIXES):
            st.session_state[key] = st.session_state[key]
