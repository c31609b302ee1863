"""Show planner errors as one clear message in the active language, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from errors import InputDataError, ParameterError, PlannerError


@contextmanager
def user_errors(lang: str) -> Iterator[None]:
    """Run a block and show any `PlannerError` it raises as a single message.

    ``InputDataError`` (bad file or data) becomes ``st.error``, ``ParameterError`` (a value
    out of range) ``st.warning``, any other ``PlannerError`` ``st.error``. Other exceptions
    are programming errors and propagate unchanged.

    Parameters
    ----------
    lang
        "zh" or "en": the language of the message shown.
    """
    try:
        yield
    except ParameterError as err:
        st.warning(err.message("en" if lang == "en" else "zh"))
    except (InputDataError, PlannerError) as err:
        st.error(err.message("en" if lang == "en" else "zh"))
