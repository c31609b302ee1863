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

#: Session-state key of the kept widget values (`keep` / `remember`): a plain dict, not a
#: widget, so Streamlit never drops it when a run does not draw the widget.
KEPT = "kept_widget_values"

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


def keep(key: str, default: Any) -> None:
    """Before drawing widget ``key``: give it its kept value (``default`` the first time).

    Streamlit forgets a widget's value when a run does not draw it (another page is shown),
    and copying the value back at the start of a run (its documented trick) can copy a stale
    value: after a change in a fragment rerun the widget's older entry wins. So the widget's
    ``on_change`` (`remember`) copies each change into the plain dict `KEPT`, and this puts
    it back before the widget is drawn.

    The value is written on every run, also when it never changed: a radio whose label
    changes (the language was switched while it is on screen) keeps its value but is drawn
    with no option selected unless the value is sent again.
    """
    kept = st.session_state.setdefault(KEPT, {})
    st.session_state[key] = kept.get(key, st.session_state.get(key, default))


def remember(key: str) -> None:
    """``on_change`` of a kept widget: copy its new value into `KEPT` (see `keep`)."""
    st.session_state.setdefault(KEPT, {})[key] = st.session_state[key]
