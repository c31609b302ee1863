"""Scenario check: needs -> ledger (incremental) -> results and scores (siting.plan_*)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd

from siting import scenario_scores
from siting.scenario_ledger import changed_farms, ledger_farms, ledger_update
from siting.scenario_results import (
    PARCEL_USE_COLUMNS,
    SITE_RESULT_COLUMNS,
    STORE_ALLOCATION_COLUMNS,
    farm_allocations,
    parcel_use,
    store_allocations,
)
from siting.scenario_run import run_scenario
from store import ScenarioStore
from tests.siting.scenario_fixtures import (
    COUNTY,
    N_PER_MU,
    P_PER_MU,
    PARCEL_AREA_MU,
    footprint,
    replaced,
    scenario_inputs,
    site,
    sites,
)

INPUTS = scenario_inputs()
# 15 dairy cows = 100 pig equivalents -> 700 kg N and 120 kg P per year (guide default).
COWS = 15
N_NEED = 700.0
P_NEED = 120.0
PARCEL_N = PARCEL_AREA_MU * N_PER_MU  # 180 kg N per 100 m square


def test_one_farm_takes_the_nearest_land() -> None:
    run = run_scenario(sites(site("A", 0.0, dairy=COWS, status="existing")), INPUTS)
    row = run.results.iloc[0]
    assert list(run.results.columns[: len(SITE_RESULT_COLUMNS)]) == list(SITE_RESULT_COLUMNS)
    assert row["n_need_kg_per_yr"] == pytest.approx(N_NEED, rel=1e-12)
    assert row["p_need_kg_per_yr"] == pytest.approx(P_NEED, rel=1e-12)
    # local demand = 12 kg N and 2 kg P per mu on every parcel within 10 km
    assert row["absorption_land_n_mu"] == pytest.approx(N_NEED / N_PER_MU, rel=1e-9)
    assert row["absorption_land_p_mu"] == pytest.approx(P_NEED / P_PER_MU, rel=1e-9)
    assert row["absorption_demand_source"] == "local"
    assert row["land_allocated_mu"] == pytest.approx(N_NEED / N_PER_MU, rel=1e-9)
    assert row["unmet_kg_per_yr"] == pytest.approx(0.0, abs=1e-6)
    # parcels at 1, 2, 3 km full, the rest (700 - 3 x 180 = 160 kg) from the one at 4 km
    expected_haul = (PARCEL_N * (1 + 2 + 3) + (N_NEED - 3 * PARCEL_N) * 4) / N_NEED
    assert row["mean_haul_km"] == pytest.approx(expected_haul, rel=1e-6)
    assert row["parcel_count"] == 4 and row["candidate_parcel_count"] == 10
    assert bool(row["scored"]) and bool(row["gates_passed"])
    assert row["suitability_rank"] == 1


def test_unmet_need_when_the_land_is_too_small() -> None:
    inputs = scenario_inputs((1.0, 2.0))
    run = run_scenario(sites(site("A", 0.0, dairy=COWS)), inputs)
    row = run.results.iloc[0]
    assert row["unmet_kg_per_yr"] == pytest.approx(N_NEED - 2 * PARCEL_N, rel=1e-9)
    assert row["unmet_frac"] == pytest.approx((N_NEED - 2 * PARCEL_N) / N_NEED, rel=1e-9)


def test_existing_farm_is_served_before_a_proposed_one() -> None:
    inputs = scenario_inputs((1.0, 2.0, 3.0, 4.0))  # 720 kg N: only one farm can be served
    frame = sites(
        site("P", 1.5, dairy=COWS, status="proposed"), site("E", 0.0, dairy=COWS, status="existing")
    )
    res = run_scenario(frame, inputs).results.set_index("site_id")
    assert res.loc["E", "unmet_kg_per_yr"] == pytest.approx(0.0, abs=1e-6)
    assert res.loc["P", "unmet_kg_per_yr"] == pytest.approx(
        N_NEED - (4 * PARCEL_N - N_NEED), rel=1e-9
    )
    # the user swaps the order: the proposed farm first
    swapped = dataclasses.replace(
        inputs.allocation,
        priority_by_status={"existing": 2, "under_construction": 1, "proposed": 0},
    )
    res = run_scenario(frame, inputs, allocation=swapped).results.set_index("site_id")
    assert res.loc["P", "unmet_kg_per_yr"] == pytest.approx(0.0, abs=1e-6)


def test_editing_one_site_is_incremental_and_equals_a_rebuild() -> None:
    frame = sites(
        site("A", 0.0, dairy=COWS, status="existing"),
        site("B", 5.0, dairy=COWS, status="proposed"),
        site("C", 9.0, dairy=2 * COWS, status="proposed"),
    )
    first = run_scenario(frame, INPUTS)
    assert first.ledger.rebuilt and first.ledger.n_farms_requeried == 3
    moved = replaced(frame, site("B", 6.0, dairy=COWS, status="proposed"))
    again = run_scenario(moved, INPUTS, previous=first)
    assert not again.ledger.rebuilt
    assert again.ledger.n_farms_requeried == 1
    full = run_scenario(moved, INPUTS)
    keys = ["farm_id", "parcel_id"]
    pd.testing.assert_frame_equal(
        again.ledger.result.allocations.sort_values(keys, ignore_index=True),
        full.ledger.result.allocations.sort_values(keys, ignore_index=True),
        rtol=1e-9,
        atol=1e-9,
    )
    # no parcel is counted twice
    per_parcel = again.ledger.result.allocations.groupby("parcel_id")["share_frac"].sum()
    assert (per_parcel <= 1 + 1e-9).all()


def test_changed_farms_are_moved_new_or_resized_not_re_herded() -> None:
    frame = sites(site("A", 0.0, dairy=COWS), site("B", 5.0, dairy=COWS))
    needs = run_scenario(frame, INPUTS).needs
    farms = ledger_farms(frame, needs, analysis_crs=INPUTS.analysis_crs)
    state = ledger_update(None, farms, INPUTS.parcels, INPUTS.allocation)
    edited = farms.copy()
    edited.loc[0, "n_need_kg_per_yr"] = 2 * N_NEED  # more cows: same candidates
    edited.loc[1, "haul_radius_km"] = 3.0  # smaller radius: re-query
    assert changed_farms(state.candidates, edited, INPUTS.allocation) == (["B"], [])
    dropped = edited.iloc[[0]]
    assert changed_farms(state.candidates, dropped, INPUTS.allocation) == ([], ["B"])


def test_store_rows_are_accepted_by_the_scenario_store(tmp_path) -> None:
    store = ScenarioStore(tmp_path / "plans.gpkg")
    scenario = store.create_scenario("S", user="t")
    added = store.add_sites(
        scenario, [dataclasses.replace(site("A", 0.0, dairy=COWS), site_id=None)], user="t"
    )
    run = run_scenario(store.sites(scenario), INPUTS)
    rows = store_allocations(run.ledger, INPUTS.parcels)
    assert list(rows.columns) == list(STORE_ALLOCATION_COLUMNS)
    assert set(rows["county_code"]) == {COUNTY}
    store.save_allocations(scenario, rows, user="t")
    saved = store.allocations(scenario)
    assert set(saved["site_id"]) == {added[0].site_id}
    assert saved["area_mu"].sum() == pytest.approx(N_NEED / N_PER_MU, rel=1e-9)


def test_parcel_use_names_the_farms_of_each_parcel() -> None:
    frame = sites(
        site("A", 0.0, dairy=COWS, status="existing", name="甲"),
        site("B", 4.0, dairy=COWS, status="proposed", name="乙"),
    )
    run = run_scenario(frame, INPUTS)
    use = parcel_use(run.ledger, INPUTS.parcels, frame.set_index("site_id")["name"])
    assert list(use.columns[:-1]) == list(PARCEL_USE_COLUMNS)
    assert isinstance(use, gpd.GeoDataFrame) and use.crs == INPUTS.parcels.crs
    shared = use[use["site_count"] == 2]
    assert len(shared) == 1 and shared["site_names"].iloc[0] == "甲;乙"
    assert use["used_area_mu"].sum() == pytest.approx(2 * N_NEED / N_PER_MU, rel=1e-9)
    mine = farm_allocations(run.ledger, INPUTS.parcels, "A")
    assert list(mine["haul_km"]) == sorted(mine["haul_km"])


def test_scores_are_cached_per_site_and_ranked(monkeypatch: pytest.MonkeyPatch) -> None:
    scored: list[list[str]] = []
    real = scenario_scores.score_sites

    def counting(frame: gpd.GeoDataFrame, *args: object, **kwargs: object) -> object:
        scored.append(sorted(frame["site_id"]))
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(scenario_scores, "score_sites", counting)
    frame = sites(
        site("A", 0.0, dairy=COWS),
        site("B", 30.0, dairy=COWS),
        site("N", 5.0, dairy=0, beef_cattle_head=30),
    )
    first = run_scenario(frame, INPUTS)
    assert scored == [["A", "B"]]  # N has no dairy cattle: not scored
    assert not bool(first.results.set_index("site_id").loc["N", "scored"])
    again = run_scenario(replaced(frame, site("B", 29.0, dairy=COWS)), INPUTS, previous=first)
    assert scored[-1] == ["B"]
    res = again.results.set_index("site_id")
    # B lies 19 km beyond the last parcel: no land within 10 km -> lower score, rank 2
    assert res.loc["A", "suitability_rank"] == 1
    assert res.loc["B", "suitability_rank"] == 2
    assert res.loc["A", "suitability_score"] > res.loc["B", "suitability_score"]
    # no land in reach: the region's default receiving crop
    assert res.loc["B", "absorption_demand_source"] == "crop"
    assert np.isnan(res.loc["N", "suitability_score"])


def test_empty_scenario_runs() -> None:
    run = run_scenario(sites().iloc[0:0], INPUTS)
    assert run.results.empty and run.ledger.result.allocations.empty


def test_footprint_fixture_is_in_the_county() -> None:
    assert INPUTS.region_extent.contains(footprint(3.0))
