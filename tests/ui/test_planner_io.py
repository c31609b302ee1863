"""Exports of the planner page: the files the download buttons give."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd

from planning.scenario_ops import check_scenario
from store import Scenario, ScenarioStore
from tests.siting.scenario_fixtures import scenario_inputs, site
from ui.labels import LABELS, t
from ui.planner.files import KML_LABEL_PREFIX, export_bytes

INPUTS = scenario_inputs()


def _scenario(tmp_path: Path) -> tuple[ScenarioStore, Scenario]:
    store = ScenarioStore(tmp_path / "plans.gpkg")
    scenario = store.create_scenario("S", user="t")
    store.add_sites(
        scenario, [dataclasses.replace(site("A", 0.0, dairy=15, name="甲"), site_id=None)], user="t"
    )
    return store, store.get_scenario("S")


def test_kml_descriptions_carry_labelled_key_figures(tmp_path: Path) -> None:
    store, scenario = _scenario(tmp_path)
    _, run = check_scenario(store, scenario, INPUTS)
    labels = {
        k.removeprefix(KML_LABEL_PREFIX): t(k, "zh")
        for k in LABELS
        if k.startswith(KML_LABEL_PREFIX)
    }
    data = export_bytes(store, scenario, "kml", run, INPUTS, labels)
    (tmp_path / "out.kml").write_bytes(data)
    description = gpd.read_file(tmp_path / "out.kml")["description"].iloc[0]
    assert "粪污氮（kg/年）" in description and "700" in description  # 15 cows = 700 kg N


def test_xlsx_has_the_result_sheets(tmp_path: Path) -> None:
    store, scenario = _scenario(tmp_path)
    _, run = check_scenario(store, scenario, INPUTS)
    sheets = pd.read_excel(
        io.BytesIO(export_bytes(store, scenario, "xlsx", run, INPUTS, {})), sheet_name=None
    )
    assert {"sites", "allocations", "county_totals", "site_results", "parcel_use"} <= set(sheets)
    assert sheets["site_results"]["land_allocated_mu"].iloc[0] == pytest.approx(
        run.results["land_allocated_mu"].iloc[0], rel=1e-12
    )
