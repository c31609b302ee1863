"""Page-wide layout: less padding above the page, metrics that fit a narrow column, and the
file-upload box in the interface language.

Results stand beside the map at 1440×900, so the main block starts higher than Streamlit's
default (but below its 3.75 rem header bar) and metric values are smaller (a six-figure 亩
value fits a third of a side column in English without being cut to "233,…").

Streamlit's upload box writes its button ("Upload") and its line ("50MB per file • GPKG, …")
in English only; `uploader_css` hides both texts and shows the catalogue's instead (display
only: the accepted types are named in each uploader's own label or caption).
"""

from __future__ import annotations

import json
from typing import Final

import streamlit as st

from ui.labels import t

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


#: Streamlit's upload box: the button text and the size line (replaced in `uploader_css`).
UPLOAD_BUTTON_TEXT: Final[str] = (
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
)
UPLOAD_LIMIT_TEXT: Final[str] = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def compact_layout(lang: str) -> None:
    """Apply `COMPACT_CSS` and `uploader_css` (call once per run, before the page)."""
    st.html(COMPACT_CSS + uploader_css(lang))


def uploader_css(lang: str) -> str:
    """Return CSS that shows the upload box's button and size limit in ``lang``."""
    limit_mb = st.get_option("server.maxUploadSize")
    return (
        "<style>"
        + _replaced_text(UPLOAD_BUTTON_TEXT, t("upload.box_button", lang))
        + _replaced_text(UPLOAD_LIMIT_TEXT, t("upload.box_limit", lang).format(mb=limit_mb))
        + "</style>"
    )


def _replaced_text(selector: str, text: str) -> str:
    """CSS rules that hide the text of ``selector`` and show ``text`` in its place."""
    content = json.dumps(text, ensure_ascii=False)  # a CSS string: quotes escaped
    return (
        f"{selector} {{ font-size: 0; }}"
        f"{selector}::after {{ content: {content}; font-size: 0.875rem; }}"
    )
