"""The planner page headless (AppTest): draw, fill, save, edit, conflicts, bad drawings.

The scenario store is a file in ``tmp_path`` (``FORAGE_SITING_STORE``). Drawings are injected
the way streamlit-folium returns them: the component's session-state key is
``generate_js_hash(script, <st_folium key>, False)`` (docs: stack-notes.md).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit_folium import generate_js_hash

from shapely.geometry import Polygon

from siting.site_footprint import footprint_area_mu
from store import STORE_PATH_ENV, ScenarioStore
from ui.labels import t
from ui.planner import state as ps
from ui.planner.events import EDIT_OF
from ui.planner.page import MAP_KEY

TIMEOUT_S = 120
# A ~420 m x 555 m square in 土默特左旗 inside the footprint of an illustrative demo ranch
# (placed off the illustrative constraint layers; lon/lat, WGS84).
LON, LAT = 111.4978, 40.8137
HALF_DEG = 0.0025
SQUARE = [
    [LON - HALF_DEG, LAT - HALF_DEG],
    [LON + HALF_DEG, LAT - HALF_DEG],
    [LON + HALF_DEG, LAT + HALF_DEG],
    [LON - HALF_DEG, LAT + HALF_DEG],
    [LON - HALF_DEG, LAT - HALF_DEG],
]
COWS = 5_000
START_YEAR = 2023
N_NEED_KG = COWS * 100 / 15 * 7.0  # 2018 MoA guide: 15 cows = 100 PE, 7.0 kg N per PE


def _page() -> None:
    from ui import state
    from ui.planner import page as planner

    state.init_state()
    planner.render()


def _feature(geometry: dict) -> dict:
    return {"type": "Feature", "properties": {}, "geometry": geometry}


def _draw(at: AppTest, geometry: dict) -> AppTest:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    key = generate_js_hash(json.loads(maps[0].proto.json_args)["script"], MAP_KEY, False)
    at.session_state[key] = {"last_active_drawing": _feature(geometry), "last_object_clicked": None}
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "plans.gpkg"
    monkeypatch.setenv(STORE_PATH_ENV, str(path))
    return path


@pytest.fixture
def page(store_path: Path) -> AppTest:
    """The page with one empty scenario "方案一" created through the UI."""
    at = AppTest.from_function(_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert "还没有规划方案" in at.info[0].value
    at.text_input(key=ps.NEW_SCENARIO_NAME).set_value("方案一")
    at.button(key="planner_create_scenario").click().run()
    assert [s.value for s in at.success] == ["已新建方案“方案一”。"]
    return at


def test_draw_fill_save_and_find_it_in_the_store(page: AppTest, store_path: Path) -> None:
    at = _draw(page, {"type": "Polygon", "coordinates": [SQUARE]})
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "已绘制新场址的占地范围（未保存）。" in [c.value for c in at.caption]
    at.text_input(key=ps.FIELD_NAME).set_value("测试牧场")
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(COWS)
    at.selectbox(key=ps.FIELD_STATUS).set_value("under_construction")
    at.number_input(key=ps.FIELD_START_YEAR).set_value(START_YEAR)
    at.run()
    metrics = _metrics(at)
    assert metrics["粪污氮（kg/年）"] == f"{N_NEED_KG:,.0f}"
    allocated_mu = float(metrics["已分配（亩）"].replace(",", ""))
    assert allocated_mu > 0
    assert any("计算用时" in c.value and "增量" in c.value for c in at.caption)
    _assert_water_breakdown(at)
    at.button(key="planner_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value == "已保存“测试牧场”（第 1 版）。"
    store = ScenarioStore(store_path)
    sites = store.sites("方案一")
    assert list(sites["name"]) == ["测试牧场"]
    assert sites["dairy_cow_head"].iloc[0] == COWS
    assert sites["status"].iloc[0] == "under_construction"
    assert sites["start_year"].iloc[0] == START_YEAR
    assert sites["footprint_source"].iloc[0] == "drawn"
    assert sites["county_code"].iloc[0] == "150121"
    assert "通过已检查的选址门槛" in at.success[1].value  # gates and score of the saved site
    allocations = store.allocations("方案一")
    assert allocations["area_mu"].sum() == pytest.approx(allocated_mu, abs=0.5)
    # the saved site stays selected, its checks shown
    assert at.selectbox(key=ps.SELECTED).value == sites["site_id"].iloc[0]
    assert _metrics(at)["粪污氮（kg/年）"] == f"{N_NEED_KG:,.0f}"


def _figure(text: str, before: str) -> float:
    """Return the number that follows ``before`` in ``text`` (thousands separators)."""
    match = re.search(re.escape(before) + r" ?([\d,]+)", text)
    assert match, (before, text)
    return float(match.group(1).replace(",", ""))


def _assert_water_breakdown(at: AppTest) -> None:
    """Water: drinking and cleaning, irrigation, total vs the county's headroom, by name."""
    [water] = [m.value for m in at.markdown if "用水（m³/年）" in m.value]
    assert "土默特左旗" in water and "150121" not in water
    livestock = _figure(water, "牲畜饮用与清洗")
    irrigation = _figure(water, "饲草灌溉")
    total = _figure(water, "合计")
    assert livestock > 0 and irrigation > 0
    assert total == pytest.approx(livestock + irrigation, abs=1)
    room, cap, use = (_figure(water, w) for w in ("旗县余量", "总量指标", "年用水"))
    assert room == pytest.approx(cap - use, abs=1)
    if "剩余" in water:
        assert _figure(water, "剩余") == pytest.approx(room - total, abs=2)


def test_edit_saves_a_new_version_and_a_concurrent_change_is_refused(
    page: AppTest, store_path: Path
) -> None:
    at = _draw(page, {"type": "Polygon", "coordinates": [SQUARE]})
    at.text_input(key=ps.FIELD_NAME).set_value("甲")
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(1_000)
    at.run()
    at.button(key="planner_save").click().run()
    # a proposed ranch needs its start year before it is saved (the review's build-out)
    assert [w.value for w in at.warning] == [t("planner.start_year_required", "zh")]
    assert ScenarioStore(store_path).sites("方案一").empty
    at.number_input(key=ps.FIELD_START_YEAR).set_value(START_YEAR)
    at.run()
    at.button(key="planner_save").click().run()
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(2_000)
    at.run()
    assert _metrics(at)["粪污氮（kg/年）"] == f"{2_000 * 100 / 15 * 7.0:,.0f}"
    at.button(key="planner_save").click().run()
    assert at.success[0].value == "已保存“甲”（第 2 版）。"
    store = ScenarioStore(store_path)
    record = store.get_site(store.sites("方案一")["site_id"].iloc[0])
    assert (record.version, record.dairy_cow_head) == (2, 2_000)
    # someone else saves the same site; our next save is refused with a clear message
    store.update_site(dataclasses.replace(record, note="other"), expected_version=2, user="someone")
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(3_000)
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "someone" in at.error[0].value
    assert "重新加载" in at.error[0].value
    assert store.get_site(record.site_id).dairy_cow_head == 2_000


def test_sliver_and_outside_drawings_are_refused(page: AppTest) -> None:
    tiny = [[LON, LAT], [LON + 0.0003, LAT], [LON + 0.0003, LAT + 0.0003], [LON, LAT]]
    at = _draw(page, {"type": "Polygon", "coordinates": [tiny]})
    assert not at.exception
    assert len(at.error) == 1 and "小于最小占地 10 亩" in at.error[0].value
    far = [[x + 5.0, y] for x, y in SQUARE]  # 5 degrees east: far outside Hohhot
    at = _draw(at, {"type": "Polygon", "coordinates": [far]})
    # a drawing is not a file: no file name, no coordinate-system choice, the region named
    assert [e.value for e in at.error] == [
        "所绘图形位于地区呼和浩特市范围之外；请在地区边界内绘制。"
    ]
    assert at.session_state[ps.DRAFT] is None
    # after a good drawing, an outside one is refused and the good one stays the draft
    at = _draw(at, {"type": "Polygon", "coordinates": [SQUARE]})
    assert not at.error
    kept = at.session_state[ps.DRAFT]
    assert kept is not None and kept.geometry.equals(Polygon(SQUARE))
    at = _draw(at, {"type": "Polygon", "coordinates": [far]})
    assert [e.value for e in at.error] == [
        "所绘图形位于地区呼和浩特市范围之外；请在地区边界内绘制。"
    ]
    assert at.session_state[ps.DRAFT] is kept


def test_self_intersecting_outline_is_repaired_with_a_note(page: AppTest) -> None:
    d = 2 * HALF_DEG
    # a square with a small loop at one corner (the outline crosses itself)
    ring = [
        [LON, LAT],
        [LON + d, LAT],
        [LON + d, LAT + d],
        [LON, LAT + d],
        [LON, LAT - 0.0004],
        [LON + 0.0004, LAT - 0.0004],
        [LON - 0.0001, LAT + 0.0003],
        [LON, LAT],
    ]
    at = _draw(page, {"type": "Polygon", "coordinates": [ring]})
    assert not at.exception and not at.error
    assert any("make_valid" in w.value or "修复" in w.value for w in at.warning)


def test_a_point_gets_a_square_footprint_and_can_be_deleted(
    page: AppTest, store_path: Path
) -> None:
    at = _draw(page, {"type": "Point", "coordinates": [LON, LAT]})
    assert not at.exception and not at.error
    footprint = at.number_input(key=ps.FIELD_FOOTPRINT)
    assert footprint.value is None  # the default size applies
    at.text_input(key=ps.FIELD_NAME).set_value("点位牧场")
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(1_000)
    at.number_input(key=ps.FIELD_START_YEAR).set_value(START_YEAR)
    footprint.set_value(800.0)
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.error
    store = ScenarioStore(store_path)
    sites = store.sites("方案一")
    assert sites["footprint_source"].iloc[0] == "point_footprint"
    assert footprint_area_mu(list(sites.geometry), analysis_crs="EPSG:4546")[0] == pytest.approx(
        800.0, rel=1e-6
    )
    assert not store.allocations("方案一").empty
    at.checkbox(key="planner_delete_confirm").check().run()
    at.button(key="planner_delete").click().run()
    assert at.success[0].value == "已删除“点位牧场”。"
    assert store.sites("方案一").empty and store.allocations("方案一").empty


def test_an_absurd_herd_is_refused_at_save(page: AppTest, store_path: Path) -> None:
    at = _draw(page, {"type": "Polygon", "coordinates": [SQUARE]})
    at.text_input(key=ps.FIELD_NAME).set_value("巨场")
    at.number_input(key=ps.FIELD_START_YEAR).set_value(START_YEAR)
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(10**12)
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.exception
    assert any("超过单场合理上限 60,000 头" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert ScenarioStore(store_path).sites("方案一").empty


def _reshape(at: AppTest, site_id: str, ring: list[list[float]]) -> AppTest:
    """Send a reshaped outline of ``site_id`` the way the edit tool returns it."""
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    key = generate_js_hash(json.loads(maps[0].proto.json_args)["script"], MAP_KEY, False)
    feature = {**_feature({"type": "Polygon", "coordinates": [ring]})}
    feature["properties"] = {EDIT_OF: site_id}
    at.session_state[key] = {"all_drawings": [feature], "last_active_drawing": None}
    return at.run()


def test_reshape_a_saved_site_save_revert_and_undo(page: AppTest, store_path: Path) -> None:
    at = _draw(page, {"type": "Polygon", "coordinates": [SQUARE]})
    at.text_input(key=ps.FIELD_NAME).set_value("乙")
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(COWS)
    at.number_input(key=ps.FIELD_START_YEAR).set_value(START_YEAR)
    at.run()
    at.button(key="planner_save").click().run()
    store = ScenarioStore(store_path)
    site_id = store.sites("方案一")["site_id"].iloc[0]
    script = json.loads(
        next(
            el for el in at.main if getattr(el, "type", "") == "component_instance"
        ).proto.json_args
    )["script"]
    assert site_id in script and "edit_of" in script  # the saved outline is under the edit tool
    assert '"edit": true' in script
    # drag the north-east corner 0.0025 degrees further east: the footprint grows by 1/8
    east = LON + 2 * HALF_DEG
    wider = [[x if (x, y) != (LON + HALF_DEG, LAT + HALF_DEG) else east, y] for x, y in SQUARE]
    at = _reshape(at, site_id, wider)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("planner.draft_redraw", "zh") in [c.value for c in at.caption]
    before_mu = footprint_area_mu([Polygon(SQUARE)], analysis_crs="EPSG:4546")[0]
    after_mu = footprint_area_mu([Polygon(wider)], analysis_crs="EPSG:4546")[0]
    assert after_mu == pytest.approx(before_mu * 1.25, rel=0.01)  # a triangle of 1/4 added
    assert any("通过已检查的选址门槛" in s.value for s in at.success)  # the verdict is there
    # undo brings the saved outline back (nothing to save), redo by sending it again
    at.button(key="planner_undo").click().run()
    assert at.session_state[ps.DRAFT] is None and at.button(key="planner_save").disabled
    at = _reshape(at, site_id, [[x + 1e-7, y] for x, y in wider])  # a new edit, same shape
    at.button(key="planner_save").click().run()
    assert at.success[0].value == "已保存“乙”（第 2 版）。"
    saved = store.get_site(site_id)
    assert footprint_area_mu([saved.geometry], analysis_crs="EPSG:4546")[0] == pytest.approx(
        after_mu, rel=1e-3
    )
    # revert to version 1: saved as version 3 with version 1's outline
    history = store.site_history(site_id)
    assert list(history["version"]) == [1, 2]
    at.selectbox(key=ps.HISTORY_PICK).set_value(1)
    at.button(key="planner_revert").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value == t("planner.msg.reverted", "zh").format(
        name="乙", old=1, version=3
    )
    reverted = store.get_site(site_id)
    assert reverted.version == 3
    assert reverted.geometry.equals_exact(history.geometry.iloc[0], tolerance=1e-9)


def test_an_implausible_herd_is_flagged_before_save(page: AppTest) -> None:
    at = _draw(page, {"type": "Polygon", "coordinates": [SQUARE]})
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(10**9)
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("60,000" in w or "60000" in w for w in warnings), warnings


def test_undo_takes_back_form_edits_then_the_drawing(page: AppTest) -> None:
    at = _draw(page, {"type": "Polygon", "coordinates": [SQUARE]})
    herd = at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"])
    herd.set_value(COWS).run()
    at.text_input(key=ps.FIELD_NAME).set_value("丙").run()
    at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).set_value(2 * COWS).run()
    assert _metrics(at)["粪污氮（kg/年）"] == f"{2 * N_NEED_KG:,.0f}"
    # one undo: the herd edit is taken back, the name stays; the check follows
    at.button(key="planner_undo").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).value == COWS
    assert at.text_input(key=ps.FIELD_NAME).value == "丙"
    assert _metrics(at)["粪污氮（kg/年）"] == f"{N_NEED_KG:,.0f}"
    # then the name, then the herd's first value, then the drawing itself
    at.button(key="planner_undo").click().run()
    assert at.text_input(key=ps.FIELD_NAME).value == ""
    at.button(key="planner_undo").click().run()
    assert at.number_input(key=ps.HERD_FIELDS["dairy_cow_head"]).value == 0
    assert at.session_state[ps.DRAFT] is not None
    at.button(key="planner_undo").click().run()
    assert at.session_state[ps.DRAFT] is None
    assert t("planner.draw_first", "zh") in [i.value for i in at.info]  # nothing left to edit
