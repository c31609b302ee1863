"""Session-state keys of the planner page (constants) and their defaults.

Kept apart from `ui.state` so the page owns its keys (like `ui.balance.state`);
`init_planner_state` sets every key that is not set yet and is called by the page.
Widgets bind to the ``FIELD_*`` keys with ``key=``; the other keys hold page state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import streamlit as st

#: Selection value meaning "a new site" (not a site id).
NEW_SITE: Final[str] = ""

SCENARIO = "planner_scenario_id"
USER = "planner_user"
SELECTED = "planner_selected_site"
LOADED_VERSION = "planner_loaded_version"  # version of the selected site when it was picked
PENDING_SELECT = "planner_pending_select"  # set by a map click, applied on the next run
DRAFT = "planner_draft"  # `ui.planner.sites.DraftFootprint` or None
LAST_DRAWING = "planner_last_drawing"  # fingerprint of the last drawing handled
LAST_CLICK = "planner_last_click"  # fingerprint of the last click handled
LAST_EDIT = "planner_last_edit"  # fingerprint of the last reshaped outline handled
DRAFT_STACK = "planner_draft_stack"  # `ui.planner.sites.UndoStep`s of the edited site
FORM_SEEN = "planner_form_seen"  # the form's values as last shown (what an edit changed)
HISTORY_PICK = "planner_history_pick"  # version chosen in the version history
MESSAGE = "planner_message"  # (kind, text) shown once after a save, delete or import
RUNS = "planner_runs"  # cache of `ScenarioRun`s: {"saved": (key, run), "draft": (key, run)}
NEW_SCENARIO_NAME = "planner_new_scenario_name"
COPY_SCENARIO_NAME = "planner_copy_scenario_name"
UPLOAD_FILE = "planner_upload_file"
UPLOAD_GCJ02 = "planner_upload_gcj02"
UPLOAD_CRS = "planner_upload_crs"

FIELD_NAME = "planner_field_name"
FIELD_STATUS = "planner_field_status"
FIELD_START_YEAR = "planner_field_start_year"
FIELD_ROUTE = "planner_field_route"
FIELD_RADIUS = "planner_field_radius_km"
FIELD_FOOTPRINT = "planner_field_footprint_mu"
FIELD_NOTE = "planner_field_note"
HERD_FIELDS: Final[Mapping[str, str]] = {
    "dairy_cow_head": "planner_field_dairy_cow_head",
    "beef_cattle_head": "planner_field_beef_cattle_head",
    "sheep_head": "planner_field_sheep_head",
    "goat_head": "planner_field_goat_head",
}
#: Service rank of each farm status in the allocation (the user may change it).
PRIORITY_FIELDS: Final[Mapping[str, str]] = {
    "existing": "planner_priority_existing",
    "under_construction": "planner_priority_under_construction",
    "proposed": "planner_priority_proposed",
}
DEFAULT_USER: Final[str] = "planner"
#: Empty form: a proposed site with no herd yet (route and radius: region defaults).
FIELD_DEFAULTS: Final[Mapping[str, Any]] = {
    FIELD_NAME: "",
    FIELD_STATUS: "proposed",
    FIELD_START_YEAR: None,
    FIELD_ROUTE: "",
    FIELD_RADIUS: None,
    FIELD_FOOTPRINT: None,
    FIELD_NOTE: "",
    **dict.fromkeys(HERD_FIELDS.values(), 0),
}
DEFAULTS: Final[Mapping[str, Any]] = {
    SCENARIO: None,
    USER: DEFAULT_USER,
    SELECTED: NEW_SITE,
    LOADED_VERSION: None,
    PENDING_SELECT: None,
    DRAFT: None,
    LAST_DRAWING: None,
    LAST_CLICK: None,
    LAST_EDIT: None,
    DRAFT_STACK: [],
    FORM_SEEN: None,
    MESSAGE: None,
    RUNS: {},
    NEW_SCENARIO_NAME: "",
    COPY_SCENARIO_NAME: "",
    UPLOAD_GCJ02: False,
    UPLOAD_CRS: "",
    **FIELD_DEFAULTS,
}


def init_planner_state() -> None:
    """Set every planner key that is not set yet to its default."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = type(value)(value) if isinstance(value, dict | list) else value


def form_state() -> dict[str, Any]:
    """Return the form's values (`FIELD_DEFAULTS` keys) as a plain dict."""
    return {key: st.session_state[key] for key in FIELD_DEFAULTS}


def set_fields(values: Mapping[str, Any]) -> None:
    """Put ``values`` (field key -> value) into the form; call before the widgets are drawn."""
    for key, value in {**FIELD_DEFAULTS, **values}.items():
        st.session_state[key] = value
