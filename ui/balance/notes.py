"""Notes of environmental staff on a county's manure-land balance (store records).

Everyone sees the notes; the form is offered to the roles that may annotate (environmental
staff, administrators; anyone in single-user mode). The store checks the role again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui.data import open_store
from ui.labels import t
from ui.login import acting, allows

if TYPE_CHECKING:
    import pandas as pd

COUNTY = "balance_note_county"
TEXT = "balance_note_text"
SAVE = "balance_note_save"


def render_notes(counties: pd.DataFrame, lang: str) -> None:
    """Show the notes on ``counties`` (``adcode``, ``name_zh``, ``name_en``) and the form."""
    st.subheader(t("balance.notes.title", lang))
    names = dict(
        zip(counties["adcode"], counties["name_zh" if lang == "zh" else "name_en"], strict=True)
    )
    store = open_store()
    notes = store.balance_annotations()
    notes = notes[notes["county_code"].isin(list(names))]
    if notes.empty:
        st.caption(t("balance.notes.none", lang))
    else:
        shown = notes.assign(county_code=notes["county_code"].map(names))
        columns = {
            c: t(f"balance.notes.col.{c}", lang)
            for c in ("created_at", "county_code", "author", "text")
        }
        st.dataframe(shown[list(columns)].rename(columns=columns), hide_index=True, width="stretch")
    if not allows("balance.annotate"):
        return
    county = st.selectbox(
        t("balance.notes.county", lang), list(names), key=COUNTY, format_func=names.__getitem__
    )
    text = st.text_area(t("balance.notes.text", lang), key=TEXT)
    if st.button(t("balance.notes.save", lang), key=SAVE):
        if not str(text).strip():
            st.error(t("balance.notes.need_text", lang))
            return
        store.add_balance_annotation(str(county), str(text), user=acting())
        st.success(t("balance.notes.saved", lang).format(county=names[str(county)]))
