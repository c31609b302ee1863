"""Choice widgets whose option labels are translated, kept correct across a language switch.

Streamlit identifies a keyed widget by its key alone, and the browser keeps the *label* of
the chosen option: after a switch to the other language that label is no longer among the
options, so the widget shows nothing (radio) or the old label (selectbox). Here the widget
key carries the language, so the browser draws a fresh widget, and the chosen value is kept
under a language-neutral key that seeds the new widget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from ui.balance_state import widget_key

T = TypeVar("T")


def translated_choice(
    widget: Callable[..., Any], label: str, options: Sequence[T], *, key: str, default: T,
    lang: str, **kwargs: Any,
) -> T:
    """Draw ``widget`` (``st.radio``, ``st.selectbox`` or a column's) and return the choice.

    ``key`` holds the value (not a widget key); the widget itself is keyed
    ``widget_key(key, lang)``. ``default`` is used until the user chooses, or when the kept
    value is no longer among ``options``.
    """
    current = st.session_state.get(key, default)
    choices = list(options)
    index = choices.index(current) if current in choices else choices.index(default)
    value: T = widget(label, choices, index=index, key=widget_key(key, lang), **kwargs)
    st.session_state[key] = value
    return value
