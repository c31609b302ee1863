"""Streamlit entry point: page setup, sidebar and navigation only.

Run with ``make run`` (or ``python -m streamlit run app.py``). Pages live in a subpackage
each (``ui/planner/``, ...) and are registered in ``ui.navigation.PAGES``; Leaflet is
served from ``static/`` (``make assets``).
"""

from __future__ import annotations

import streamlit as st

from ui import data, login, state
from ui.labels import t
from ui.layout import compact_layout
from ui.navigation import PAGES
from ui.sidebar import render_sidebar

# 1. Page config and state
st.set_page_config(page_title=t("app.title", "zh"), page_icon="🌾", layout="wide")
data.use_configured_regions_dir()
state.init_state()
compact_layout(state.lang())

# 2. Inputs: language, region, basemap (bound to session-state keys)
render_sidebar()
lang = state.lang()

# 3. Accounts mode only: the log-in form until someone is logged in (README "Accounts")
if not login.gate(lang):
    st.stop()

# 4. Navigation: one st.Page per registered page; url_path is the same in both languages
pages = [
    st.Page(
        spec.render,
        title=t(spec.title_key, lang),
        icon=spec.icon,
        url_path=spec.key,
        default=(i == 0),
    )
    for i, spec in enumerate(PAGES)
]

# 5. Render the chosen page
st.navigation(pages, position="sidebar").run()
