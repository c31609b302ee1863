"""Data of the review page: the plan store, the demo scenario and the cached build-out check.

The store path is chosen as the CLI does: env ``FORAGE_SITING_STORE`` (`store.STORE_PATH_ENV`),
else `store.default_store_path()`. The build-out check runs the same assembly as
``python -m siting buildout`` (`planning.buildout_inputs`) and is cached by region id,
scenario id and scenario version, so any change to the scenario's sites reruns it while
reviews and comments (which do not bump the version) do not.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd
import streamlit as st

from planning.buildout_inputs import load_buildout_inputs, scenario_farms_table
from planning.regions import (
    DEMO_SCENARIO_NAME,
    demo_scenario_sites,
    load_counties,
    load_nutrient_params,
    load_region,
)
from planning.scenarios import STORE_PATH_ENV, PlanStore, SiteRecord, default_store_path
from siting.buildout import run_buildout

if TYPE_CHECKING:
    from planning.scenarios import Scenario
    from siting.buildout import BuildoutResult

#: Who loads the demo scenario into the store (audit trail ``user``).
DEMO_LOADER: Final[str] = "demo loader"


def store_path() -> Path:
    """Return the plan-store file: env ``FORAGE_SITING_STORE``, else the user's default."""
    return Path(os.environ.get(STORE_PATH_ENV) or default_store_path())


def open_store() -> PlanStore:
    """Open (or create) the plan store at `store_path`."""
    return PlanStore(store_path())


def has_demo(plan_store: PlanStore) -> bool:
    """Return True if the store already holds the demo scenario."""
    return any(s.name == DEMO_SCENARIO_NAME for s in plan_store.list_scenarios())


def load_demo(plan_store: PlanStore, region_id: str) -> Scenario:
    """Create the demo scenario in the store and add the region's demo ranches (one step each)."""
    sites = demo_scenario_sites(load_region(region_id))
    records = [SiteRecord(**{k: (None if pd.isna(v) else v) for k, v in row.items()})
               for row in sites.to_dict("records")]
    scenario = plan_store.create_scenario(DEMO_SCENARIO_NAME, user=DEMO_LOADER,
                                          description="bundled demo (data/README.md)")
    plan_store.add_sites(scenario, records, user=DEMO_LOADER)
    return plan_store.get_scenario(scenario.scenario_id)


@st.cache_data(show_spinner=False, max_entries=8)
def buildout(region_id: str, scenario_id: str, version: int, store_file: str) -> BuildoutResult:
    """Return the build-out check of a store scenario (cached by id and version).

    ``version`` is only a cache key: the scenario's current sites are read from the store.
    """
    del version  # cache key only
    region = load_region(region_id)
    sites = PlanStore(Path(store_file)).sites(scenario_id)
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    farms = scenario_farms_table(sites, load_counties(region))
    return run_buildout(farms, list(region.plan.years), inputs, parameters)  # manifest [plan]


def site_counties(sites: pd.DataFrame, result: BuildoutResult) -> pd.Series:
    """Return each site's county code (the one the build-out used), indexed like ``sites``."""
    years = result.farm_years
    if years.empty or "adcode" not in years.columns:
        return sites["county_code"].fillna("").astype(str)
    by_farm = years.drop_duplicates("farm_id").set_index("farm_id")["adcode"]
    return sites["site_id"].map(by_farm).fillna(sites["county_code"]).fillna("").astype(str)
