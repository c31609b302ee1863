"""The review page headless (AppTest): demo scenario, check table, decisions, no draw control.

Uses the real Hohhot region pack and generated parcels (``make data``); the scenario store is a
temporary file named by ``FORAGE_SITING_STORE``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from layers.counties import load_counties
from layers.region import load_region
from layers.scenario_files import DEMO_SCENARIO_NAME
from planning.scenario_inputs import load_scenario_inputs
from planning.scenario_ops import check_scenario
from planning.site_scoring import county_water_use
from store import STORE_PATH_ENV, ScenarioStore
from ui.labels import t
from ui.review import page as review
from ui.review.packet import county_packet

TIMEOUT_S = 180


def _review_page() -> None:
    from ui import state
    from ui.review import page as review

    state.init_state()
    review.render()


def _map_script(at: AppTest) -> str:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)["script"]


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("review") / "plans.gpkg"


@pytest.fixture(scope="module")
def loaded(store_file: Path) -> AppTest:
    """The page after loading the demo scenario into an empty store (2023 chosen)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_PATH_ENV, str(store_file))
        at = AppTest.from_function(_review_page, default_timeout=TIMEOUT_S).run()
        assert [i.value for i in at.info] == [t("review.no_scenarios", "zh")]
        at.button(key=review.LOAD_DEMO).click().run()
    assert not at.exception
    return at


@pytest.fixture
def page(loaded: AppTest, store_file: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(STORE_PATH_ENV, str(store_file))
    return loaded


def test_demo_is_loaded_into_the_store(page: AppTest, store_file: Path) -> None:
    names = [s.name for s in ScenarioStore(store_file).list_scenarios()]
    assert names == [DEMO_SCENARIO_NAME]
    assert len(ScenarioStore(store_file).sites(DEMO_SCENARIO_NAME)) == 25
    assert not page.error


def test_check_table_flags_exceeded_limits_in_2023(page: AppTest) -> None:
    assert page.selectbox(key=review.YEAR).value == 2023
    status = t("rcol.status", "zh")
    tables = [df.value for df in page.dataframe if status in df.value.columns]
    assert tables, "no check table"
    flags = tables[0][status].tolist()
    # The city-wide hay self-sufficiency falls short of the plan from 2021 (decisions.md).
    assert any(f == "✖ 超限" for f in flags), flags


def test_map_has_counties_sites_and_no_draw_control(page: AppTest) -> None:
    script = _map_script(page).encode().decode("unicode_escape")
    assert "L.Control.Draw" not in script and "leaflet-draw" not in script.lower()
    assert "超限" in script  # county tooltip status
    assert "待审核" in script  # sites without a decision


def test_decision_with_reason_is_stored_and_audited(page: AppTest, store_file: Path) -> None:
    site_id = page.selectbox(key=review.SITE).value
    page.radio(key=review.DECISION).set_value("request_changes")
    page.text_area(key=review.REASON).set_value("离水源地太近，请移到 2 km 外")
    page.text_input(key=review.REVIEWER).set_value("王审核")
    page.button(key=review.SAVE).click().run()
    assert not page.exception
    assert not page.error, [e.value for e in page.error]
    scenario_store = ScenarioStore(store_file)
    reviews = scenario_store.reviews(DEMO_SCENARIO_NAME)
    assert reviews[["site_id", "decision", "reason", "reviewer"]].values.tolist() == [
        [site_id, "request_changes", "离水源地太近，请移到 2 km 外", "王审核"]
    ]
    audit = scenario_store.audit(DEMO_SCENARIO_NAME)
    mine = audit[(audit["entity_id"] == site_id) & (audit["user"] == "王审核")]
    assert len(mine) == 1 and mine["action"].iloc[0].startswith("review")
    assert "需修改" in _map_script(page).encode().decode("unicode_escape")


def test_reject_without_reason_shows_an_error_and_stores_nothing(
    page: AppTest, store_file: Path
) -> None:
    before = len(ScenarioStore(store_file).reviews(DEMO_SCENARIO_NAME))
    page.radio(key=review.DECISION).set_value("reject")
    page.text_area(key=review.REASON).set_value("   ")
    page.text_input(key=review.REVIEWER).set_value("王审核")
    page.button(key=review.SAVE).click().run()
    assert not page.exception
    assert [e.value for e in page.error] == [t("review.need_reason", "zh").format(decision="驳回")]
    assert len(ScenarioStore(store_file).reviews(DEMO_SCENARIO_NAME)) == before


def test_comment_is_stored_for_the_site(page: AppTest, store_file: Path) -> None:
    site_id = page.selectbox(key=review.SITE).value
    page.text_area(key=review.COMMENT).set_value("请补充水源证明")
    page.text_input(key=review.REVIEWER).set_value("王审核")
    page.button(key=review.ADD_COMMENT).click().run()
    assert not page.error, [e.value for e in page.error]
    comments = ScenarioStore(store_file).comments(DEMO_SCENARIO_NAME)
    assert comments[["site_id", "text"]].values.tolist()[-1] == [site_id, "请补充水源证明"]


def test_a_site_without_start_year_is_listed_by_name_and_the_rest_still_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_file = tmp_path / "plans.gpkg"
    monkeypatch.setenv(STORE_PATH_ENV, str(store_file))
    at = AppTest.from_function(_review_page, default_timeout=TIMEOUT_S).run()
    at.button(key=review.LOAD_DEMO).click().run()
    scenario_store = ScenarioStore(store_file)
    sites = scenario_store.sites(DEMO_SCENARIO_NAME)
    row = sites[sites["status"] != "existing"].iloc[0]
    record = scenario_store.get_site(row["site_id"])
    scenario_store.update_site(
        dataclasses.replace(record, start_year=None), expected_version=record.version, user="t"
    )
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [w.value for w in at.warning] == [t("review.unusable", "zh").format(count=1)]
    missing = t("rcol.missing", "zh")
    unusable = [df.value for df in at.dataframe if missing in df.value.columns]
    assert unusable[0][t("rcol.name", "zh")].tolist() == [row["name"]]
    assert unusable[0][missing].tolist() == [t("review.gap.start_year", "zh")]
    assert row["site_id"] not in unusable[0].to_string()  # named, not by UUID
    # the map, the check table and the decision form are all still there
    assert "超限" in _map_script(at).encode().decode("unicode_escape")
    status = t("rcol.status", "zh")
    assert [df.value for df in at.dataframe if status in df.value.columns]
    assert at.button(key=review.SAVE)


def test_ranch_table_shows_gates_and_score(page: AppTest) -> None:
    gates = t("rcol.gates", "zh")
    tables = [df.value for df in page.dataframe if gates in df.value.columns]
    assert tables, "no ranch table with gates"
    labels = tables[0][gates].tolist()
    assert all(label.startswith(("✓", "✖", "—")) for label in labels), labels
    assert t("rcol.score", "zh") in tables[0].columns


def test_approving_a_site_that_fails_a_gate_needs_an_override_with_reason(
    page: AppTest, store_file: Path
) -> None:
    gates = t("rcol.gates", "zh")
    table = next(df.value for df in page.dataframe if gates in df.value.columns)
    failed = table[table[gates].str.startswith("✖")][t("rcol.name", "zh")].tolist()
    assert failed, "the demo has no site failing a gate"
    scenario_store = ScenarioStore(store_file)
    sites = scenario_store.sites(DEMO_SCENARIO_NAME)
    site_id = sites.loc[sites["name"] == failed[0], "site_id"].iloc[0]
    page.selectbox(key=review.SITE).set_value(site_id).run()
    page.radio(key=review.DECISION).set_value("approve").run()
    assert page.checkbox(key=review.OVERRIDE).value is False
    page.text_area(key=review.REASON).set_value("")
    page.text_input(key=review.REVIEWER).set_value("李审核")
    before = len(scenario_store.reviews(DEMO_SCENARIO_NAME))
    page.button(key=review.SAVE).click().run()
    assert [e.value for e in page.error] == [t("review.need_override", "zh")]
    page.checkbox(key=review.OVERRIDE).check()
    page.button(key=review.SAVE).click().run()
    assert [e.value for e in page.error] == [
        t("review.need_reason", "zh").format(decision=t("decision.approve", "zh"))
    ]
    assert len(scenario_store.reviews(DEMO_SCENARIO_NAME)) == before
    page.text_area(key=review.REASON).set_value("县政府会议同意调整防护距离")
    page.button(key=review.SAVE).click().run()
    assert not page.error, [e.value for e in page.error]
    audit = scenario_store.audit(DEMO_SCENARIO_NAME)
    mine = audit[(audit["entity_id"] == site_id) & (audit["user"] == "李审核")]
    assert len(mine) == 1
    assert mine["detail"].iloc[0]["gate_override"] is True
    assert mine["detail"].iloc[0]["reason"] == "县政府会议同意调整防护距离"


def _fit_bounds(script: str) -> list[float]:
    match = re.search(
        r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]", script
    )
    assert match, "no fitBounds in the map script"
    return [float(v) for v in match.groups()]  # south, west, north, east


def test_choosing_a_county_zooms_to_it(page: AppTest) -> None:
    counties = load_counties(load_region("hohhot"))
    page.selectbox(key=review.COUNTY).set_value("150123").run()  # 和林格尔县
    south, west, north, east = _fit_bounds(_map_script(page))
    minx, miny, maxx, maxy = counties[counties["adcode"] == "150123"].total_bounds
    assert (south, west, north, east) == pytest.approx((miny, minx, maxy, maxx), abs=1e-6)
    page.selectbox(key=review.COUNTY).set_value("150100").run()  # the whole city again
    city = _fit_bounds(_map_script(page))
    assert city[3] - city[1] > east - west


def test_packet_downloads_are_the_report_files(page: AppTest) -> None:
    page.selectbox(key=review.COUNTY).set_value("150123").run()
    assert not [el for el in page.main if getattr(el, "type", "") == "download_button"]
    page.button(key=review.MAKE_PACKET).click().run()
    assert not page.exception and not page.error, [e.value for e in page.error]
    files = county_packet(
        "hohhot",
        page.selectbox(key=review.SCENARIO).value,
        ScenarioStore(Path(os.environ[STORE_PATH_ENV])).get_scenario(DEMO_SCENARIO_NAME).version,
        os.environ[STORE_PATH_ENV],
        tuple(load_region("hohhot").plan.years),
        "150123",
        "zh",
    )
    assert {s: name for s, (name, _) in files.items()} == {
        "pdf": "report_150123.pdf",
        "html": "report_150123.html",
        "xlsx": "report_150123.xlsx",
    }
    assert files["pdf"][1].startswith(b"%PDF")
    assert "和林格尔县" in files["html"][1].decode()
    assert files["xlsx"][1][:2] == b"PK"  # a zip (Office Open XML) file
    downloads = [el for el in page.main if getattr(el, "type", "") == "download_button"]
    assert [d.proto.label for d in downloads] == ["PDF", "HTML", "XLSX"]


def test_ranch_table_shows_the_plan_checks_land_and_water(page: AppTest, store_file: Path) -> None:
    """Land (亩 with ha) and water of a demo ranch are the Plan page's check's figures."""
    region = load_region("hohhot")
    water = county_water_use(region, region.plan.water_baseline_year)
    inputs = load_scenario_inputs(region, county_water=water)
    _, run = check_scenario(ScenarioStore(store_file), DEMO_SCENARIO_NAME, inputs)
    results = run.results.set_index("site_id")
    needs = run.needs.set_index("site_id")
    land_col, water_col = t("rcol.land_need", "zh"), t("rcol.water_use", "zh")
    table = next(df.value for df in page.dataframe if land_col in df.value.columns)
    ids = run.sites.set_index("name")["site_id"]
    # the first listed ranch (of the chosen place) the check gives a land need
    shown = [str(ids[n]) for n in table[t("rcol.name", "zh")]]
    site_id = next(s for s in shown if pd.notna(results.loc[s, "absorption_land_n_mu"]))
    land_mu = float(results.loc[site_id, "absorption_land_n_mu"])
    water_m3 = float(
        needs.loc[site_id, "livestock_water_m3_per_yr"]
        + needs.loc[site_id, "irrigation_water_m3_per_yr"]
    )
    assert land_mu > 0 and water_m3 > 0
    row = table.iloc[shown.index(site_id)]
    assert row[land_col] == f"{land_mu:,.0f} 亩（{land_mu / 15:,.1f} 公顷）"
    assert row[water_col] == f"{water_m3:,.0f}"
