"""The Plan page's proposals headless (AppTest): surface overlay, candidates, remaining ranches.

The surface is Hohhot's at the coarse 300 m cell (~10 s): the first test computes it through
the page's button into a temporary cache folder (``FORAGE_SITING_CACHE``), the others find it
there. Proposed ranches added to a scenario pass its check: every new site passes the gates
and gets all the absorption land it needs, and no county limit of the build-out check turns
to "exceeded".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planning.buildout_inputs import checked_scenario_buildout
from planning.proposal import load_proposal_params, ranch_footprint
from planning.regions import load_region
from planning.scenario_inputs import load_scenario_inputs
from planning.scenario_ops import check_scenario
from planning.site_files import demo_site_file
from planning.surface import SurfaceOptions
from planning.surface_cache import CACHE_DIR_ENV, cached_surface
from store import STORE_PATH_ENV, ScenarioStore
from ui.planner import propose

TIMEOUT_S = 300
CELL_M = 300.0
COWS = 5_000  # optimiser.csv ranch_dairy_cow_head
TARGET_YEAR = 2023  # Hohhot manifest [plan] target_year


def _page() -> None:
    from ui import state
    from ui.planner import page as planner

    state.init_state()
    planner.render()


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "plans.gpkg"
    monkeypatch.setenv(STORE_PATH_ENV, str(path))
    ScenarioStore(path).create_scenario("方案一", user="test")
    return path


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder: the page computes the surface."""
    root = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(root))
    return root


@pytest.fixture
def cached(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder holding the ranch surface at `CELL_M` (as the page would compute it)."""
    root = tmp_path_factory.getbasetemp() / "propose_cache"
    region = load_region("hohhot")
    footprint = ranch_footprint(region, load_proposal_params(region.dir))
    monkeypatch.setenv(CACHE_DIR_ENV, str(root))
    return cached_surface(region, footprint, SurfaceOptions(cell_m=CELL_M), root)


def _open(cell_m: float = CELL_M) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=TIMEOUT_S)
    at.session_state[propose.CELL] = cell_m
    at.run()
    assert not at.exception, at.exception
    return at


def _map_script(at: AppTest) -> str:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    return str(json.loads(maps[0].proto.json_args)["script"])


def _shows(script: str, text: str) -> bool:
    """Whether the map script holds ``text`` (folium writes non-ASCII as JSON escapes)."""
    return text in script or json.dumps(text)[1:-1] in script


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_surface_is_computed_cached_and_shown_then_candidates_are_added(
    store_path: Path, cache_root: Path
) -> None:
    at = _open()
    assert not _shows(_map_script(at), "适宜性栅格")
    assert [i.value for i in at.info if "请先计算适宜性栅格" in i.value]
    at.button(key="propose_compute").click().run()
    assert not at.exception, at.exception
    surfaces = list((cache_root / "hohhot" / "surfaces").glob("*.tif"))
    assert len(surfaces) == 1 and f"_{CELL_M:g}m_" in surfaces[0].name
    assert any(surfaces[0].name in c.value for c in at.caption)
    script = _map_script(at)
    # the overlay, named in the layer control, and its legend naming a failing gate
    assert _shows(script, "适宜性栅格") and "data:image/png;base64" in script
    assert _shows(script, "不通过：位于禁养区内")
    # the layer control names the overlay by its variable: it must be declared first
    # (else the browser stops on an undefined layer: tests/browser/test_planner_surface_...)
    assert script.index("L.imageOverlay(") < script.index("L.control.layers(")
    # hide it: the map loses the overlay
    at.checkbox(key=propose.SHOW).uncheck().run()
    assert "data:image/png;base64" not in _map_script(at)
    at.checkbox(key=propose.SHOW).check().run()
    assert at.number_input(key=propose.ADD_COUNT).value == propose.DEFAULT_ADDED_CANDIDATES
    at.number_input(key=propose.ADD_COUNT).set_value(3)
    at.number_input(key=propose.DISTANCE).set_value(5.0)
    at.button(key="propose_candidates").click().run()
    assert not at.exception, at.exception
    assert "已把 3 个建议场址加入当前方案（状态：拟建）。" in [s.value for s in at.success]
    sites = ScenarioStore(store_path).sites("方案一")
    assert len(sites) == 3
    assert set(sites["status"]) == {"proposed"}
    assert set(sites["start_year"]) == {TARGET_YEAR}
    assert set(sites["dairy_cow_head"]) == {COWS}
    assert all(name.startswith("建议候选·") for name in sites["name"])
    assert sites["name"].is_unique


def _hold_demo_ranches_outside(store: ScenarioStore, adcode: str) -> int:
    """Add the demo's proposed ranches of every county but ``adcode``; return how many."""
    records = [
        r
        for r in demo_site_file(load_region("hohhot")).records
        if r.status == "proposed" and r.county_code != adcode
    ]
    store.add_sites("方案一", records, user="test")
    return len(records)


def test_remaining_ranches_are_proposed_explained_and_pass_the_scenario_check(
    store_path: Path, cached: Path
) -> None:
    store = ScenarioStore(store_path)
    held = _hold_demo_ranches_outside(store, "150121")
    assert held == 8  # 和林县 3, 托县 4, 清水河县 1: only 土左旗's 2 remain
    region = load_region("hohhot")
    inputs = load_scenario_inputs(region)
    years = tuple(region.plan.years)
    before = checked_scenario_buildout(region, store.sites("方案一"), years).result.checks
    at = _open()
    assert not at.exception
    assert any("土默特左旗 2" in c.value for c in at.caption)
    assert at.number_input(key=propose.count_key("150121", 2)).value == 2
    at.number_input(key=propose.COUNT).set_value(20)
    at.button(key="propose_remaining").click().run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["目标值（评分 − 运输惩罚）"]) > 0
    frames = [d.value for d in at.dataframe if list(d.value.columns) == ["场址", "旗县", "评分"]]
    assert len(frames) == 1, [m.value for m in at.markdown] + [w.value for w in at.warning]
    chosen = frames[0]
    assert list(chosen["旗县"]) == ["土默特左旗", "土默特左旗"]
    texts = _texts(at)
    assert "**起约束作用的限制**" in texts and "**每县再增一个牧场需要什么**" in texts
    assert any(t.startswith("- 土默特左旗：") for t in texts)
    at.button(key="propose_add").click().run()
    assert not at.exception, at.exception
    assert "已把 2 个建议场址加入当前方案（状态：拟建）。" in [s.value for s in at.success]
    snapshot, run = check_scenario(store, "方案一", inputs)
    new = snapshot.sites[snapshot.sites["name"].str.startswith("建议牧场·土默特左旗")]
    assert sorted(new["name"]) == ["建议牧场·土默特左旗 1", "建议牧场·土默特左旗 2"]
    assert set(new["county_code"]) == {"150121"}
    results = run.results.set_index("site_id").loc[new["site_id"]]
    assert results["gates_passed"].all()
    assert (results["unmet_kg_per_yr"] <= 0.5).all()  # whole need on land within reach
    after = checked_scenario_buildout(region, snapshot.sites, years).result.checks
    key = ["adcode", "year", "check"]
    joined = before.merge(after, on=key, suffixes=("_before", "_after"))
    newly = joined[(joined["status_after"] == "exceeded") & (joined["status_before"] != "exceeded")]
    assert newly.empty, newly[key].to_string()


def test_counts_no_set_can_meet_are_explained_per_county(store_path: Path, cached: Path) -> None:
    at = _open()
    # an empty scenario: the plan's 10 (土左旗 2, 和林县 3, 托县 4, 清水河县 1); ask for 和林县's 3
    for adcode, n in (("150121", 2), ("150122", 4), ("150124", 1)):
        at.number_input(key=propose.count_key(adcode, n)).set_value(0)
    at.number_input(key=propose.COUNT).set_value(10)
    at.run()
    at.button(key="propose_remaining").click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == ["在现有限制下无法按各县数量选址。各县情况："]
    lines = [m.value for m in at.markdown if m.value.startswith("- 和林格尔县：需 3 个")]
    assert len(lines) == 1, [m.value for m in at.markdown]
    # the build-out adds 17,889 亩 of forage need per 5,000-cow ranch there (its yields and
    # the plan's local shares); 40,136 亩 are free with the baseline herd: 2 fit, not 3
    assert "按饲草地余量最多 2 个" in lines[0]
    assert "propose_add" not in [b.key for b in at.button]
    assert ScenarioStore(store_path).sites("方案一").empty
