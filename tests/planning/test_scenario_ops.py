"""Checking a stored scenario, keeping its allocations current, exporting with results."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import pyogrio

from errors import StoreConflictError
from planning.scenario_ops import (
    PARCEL_USE,
    SITE_RESULTS,
    allocations_current,
    check_scenario,
    export_checked,
    save_allocations,
    site_gates,
)
from store import Scenario, ScenarioStore
from tests.siting.scenario_fixtures import scenario_inputs, site

INPUTS = scenario_inputs()


def _store(tmp_path: Path) -> tuple[ScenarioStore, Scenario]:
    store = ScenarioStore(tmp_path / "plans.gpkg")
    scenario = store.create_scenario("S", user="t")
    store.add_sites(
        scenario,
        [
            dataclasses.replace(site("A", 0.0, dairy=15), site_id=None),
            dataclasses.replace(site("B", 5.0, dairy=30), site_id=None),
        ],
        user="t",
    )
    return store, scenario


def test_allocations_are_saved_once(tmp_path: Path) -> None:
    store, scenario = _store(tmp_path)
    snapshot, run = check_scenario(store, scenario, INPUTS)
    assert snapshot.allocations.empty
    updated = save_allocations(store, snapshot, run, INPUTS, user="t")
    assert updated is not None and updated.version == snapshot.scenario.version + 1
    again, run2 = check_scenario(store, scenario, INPUTS, previous=run)
    assert allocations_current(
        again.allocations, run2.ledger.result.allocations.rename(columns={"farm_id": "site_id"})
    )
    assert save_allocations(store, again, run2, INPUTS, user="t") is None


def test_a_stale_allocation_is_refused(tmp_path: Path) -> None:
    store, scenario = _store(tmp_path)
    snapshot, run = check_scenario(store, scenario, INPUTS)
    site_a = store.sites(scenario).iloc[0]
    record = store.get_site(site_a["site_id"])
    store.update_site(
        dataclasses.replace(record, dairy_cow_head=45),
        expected_version=record.version,
        user="other",
    )
    with pytest.raises(StoreConflictError, match="S"):
        save_allocations(store, snapshot, run, INPUTS, user="t")


def test_export_holds_the_same_numbers(tmp_path: Path) -> None:
    store, scenario = _store(tmp_path)
    snapshot, run = check_scenario(store, scenario, INPUTS)
    save_allocations(store, snapshot, run, INPUTS, user="t")
    out = export_checked(store, scenario, tmp_path / "plan.gpkg", "gpkg", INPUTS)
    layers = {str(name) for name, _ in pyogrio.list_layers(out)}
    assert {"sites", "allocations", "county_totals", SITE_RESULTS, PARCEL_USE} <= layers
    results = pyogrio.read_dataframe(out, layer=SITE_RESULTS).set_index("site_id")
    expected = run.results.set_index("site_id")
    for column in (
        "n_need_kg_per_yr",
        "land_allocated_mu",
        "mean_haul_km",
        "unmet_kg_per_yr",
        "suitability_score",
    ):
        assert results.loc[expected.index, column].to_numpy() == pytest.approx(
            expected[column].to_numpy(), rel=1e-12
        ), column
    allocations = pyogrio.read_dataframe(out, layer="allocations")
    assert allocations["area_mu"].sum() == pytest.approx(
        expected["land_allocated_mu"].sum(), rel=1e-12
    )
    use = pyogrio.read_dataframe(out, layer=PARCEL_USE)
    assert use.crs.to_epsg() == 4326 and use["used_area_mu"].sum() == pytest.approx(
        expected["land_allocated_mu"].sum(), rel=1e-9
    )


def test_site_gates_are_the_plan_pages_results(tmp_path: Path) -> None:
    store, scenario = _store(tmp_path)
    _, run = check_scenario(store, scenario, INPUTS)
    gates = site_gates(store, scenario, INPUTS).set_index("site_id")
    assert sorted(gates.index) == sorted(run.results["site_id"])
    for site_id, result in run.scores.items():
        assert gates.loc[site_id, "gates_passed"] == result.passed
        assert gates.loc[site_id, "failed_gates_en"] == ", ".join(
            g.name_en for g in result.failed_gates
        )
