"""Sidebar: language toggle, region and basemap choice, about text; the 天地图 key lookup."""

from __future__ import annotations

import os

import streamlit as st

from ui import data, state
from ui.labels import LANG_NAMES, LANGS, t
from ui.map import available_basemaps

TIANDITU_KEY_NAME = "TIANDITU_KEY"


def tianditu_key() -> str | None:
    """Return the 天地图 key from ``st.secrets`` or the environment, or None if unset."""
    if st.secrets.load_if_toml_exists():
        key = st.secrets.get(TIANDITU_KEY_NAME)
        if key:
            return str(key)
    return os.environ.get(TIANDITU_KEY_NAME) or None


def render_sidebar() -> None:
    """Draw the sidebar widgets (bound to session-state keys) and the about text."""
    with st.sidebar:
        st.radio(
            t("sidebar.language", state.lang()),
            LANGS,
            key=state.LANG,
            format_func=LANG_NAMES.__getitem__,
            horizontal=True,
        )
        lang = state.lang()
        regions = data.region_ids()
        if st.session_state.get(state.REGION) not in regions:
            st.session_state[state.REGION] = regions[0] if regions else None
        st.selectbox(
            t("sidebar.region", lang),
            regions,
            key=state.REGION,
            format_func=lambda rid: _region_name(rid, lang),
        )
        choices = available_basemaps(tianditu_key() is not None)
        if st.session_state.get(state.BASEMAP) not in choices:
            st.session_state[state.BASEMAP] = choices[0]
        st.selectbox(
            t("sidebar.basemap", lang),
            choices,
            key=state.BASEMAP,
            format_func=lambda b: t(f"basemap.{b}", lang),
            help=t("sidebar.basemap_help", lang),
        )
        st.caption(t("sidebar.about", lang))


def _region_name(region_id: str, lang: str) -> str:
    region = data.region(region_id)
    return region.name_en if lang == "en" else region.name_zh
