"""Page-wide layout: less padding above the page, metrics that fit a narrow column.

Results stand beside the map at 1440×900, so the main block starts higher than Streamlit's
default (but below its 3.75 rem header bar) and metric values are smaller (a six-figure 亩
value fits a third of a side column in English without being cut to "233,…").
"""

from __future__ import annotations

from typing import Final

import streamlit as st

#: CSS of the whole app (display only): top padding, title and metric sizes.
COMPACT_CSS: Final[str] = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-bottom: 2rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.9rem; padding-top: 0; }
[data-testid="stMetricValue"] { font-size: 1.3rem; }
[data-testid="stMetricValue"] > div { overflow: visible; text-overflow: clip; }
[data-testid="stMetricLabel"] p { font-size: 0.8rem; }
</style>
"""


def compact_layout() -> None:
    """Apply `COMPACT_CSS` (call once per run, before the page)."""
    st.html(COMPACT_CSS)
