"""Data access of the planner page: cached region inputs and the plan store.

The store file is chosen here, as for the CLI: env ``FORAGE_SITING_STORE``
(`store.STORE_PATH_ENV`), else `store.default_store_path()`. `PlanStore` opens a fresh
connection per call, so a new `PlanStore` per script run is cheap and always current.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from layers.plan_inputs import load_plan_inputs
from layers.region import load_region
from store import STORE_PATH_ENV, PlanStore, default_store_path

if TYPE_CHECKING:
    from siting.plan_run import PlanInputs


def store_path() -> Path:
    """Return the plan store file: ``$FORAGE_SITING_STORE`` or the user's default."""
    configured = os.environ.get(STORE_PATH_ENV, "").strip()
    return Path(configured).expanduser() if configured else default_store_path()


def open_store() -> PlanStore:
    """Return the plan store (created on first use)."""
    return PlanStore(store_path())


@st.cache_data(show_spinner=False)
def plan_inputs(region_id: str) -> PlanInputs:
    """Return the scenario-check inputs of ``region_id`` (parcels with capacity, parameters).

    Cached per region; callers must not mutate the frames inside.
    """
    return load_plan_inputs(load_region(region_id))
