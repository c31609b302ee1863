"""The site-check page headless (AppTest): demo candidates, CLI parity, weights, AHP, map.

Uses the real Hohhot region pack (``make data``). The page must give the numbers of
``python -m siting score`` on the demo candidates, run here as a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from layers.siting_params import load_siting_params
from siting.criteria import LAYER_KINDS
from ui.labels import t
from ui.sites import page as sites

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "regions" / "hohhot" / "demo_candidates.geojson"
TIMEOUT_S = 240
N_DEMO = 15


def _sites_page() -> None:
    from ui import state
    from ui.sites import page as sites

    state.init_state()
    sites.render()


def _ranking(at: AppTest) -> pd.DataFrame:
    site_col = t("scol.site", "zh")
    tables = [df.value for df in at.dataframe if site_col in df.value.columns]
    assert len(tables) == 1
    table = tables[0].copy()
    table["site_id"] = table[site_col].str.split().str[0]
    return table.set_index("site_id")


def _map_script(at: AppTest) -> str:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)["script"].encode().decode("unicode_escape")


@pytest.fixture(scope="module")
def cli() -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "siting", "score", str(DEMO), "--region", "hohhot", "--json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def page() -> AppTest:
    at = AppTest.from_function(_sites_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert not at.error
    return at


def test_demo_candidates_rank_like_the_cli(page: AppTest, cli: dict) -> None:
    table = _ranking(page)
    assert len(table) == N_DEMO
    passed = table[t("scol.passed", "zh")].eq("✔")
    assert 0 < passed.sum() < N_DEMO
    for site in cli["sites"]:
        row = table.loc[site["site_id"]]
        assert (row[t("scol.passed", "zh")] == "✔") == site["passed"]
        shown = row[t("scol.score", "zh")]
        if site["score"] is None:
            assert shown == "—" and row[t("scol.rank", "zh")] == "—"
            assert row[t("scol.failed", "zh")]  # the rules it fails, by name
        else:
            assert float(shown) == pytest.approx(site["score"], abs=0.05)
            assert int(row[t("scol.rank", "zh")]) == site["rank"]
            best, worst = site["rank_range"]
            delta = f"{cli['sensitivity']['delta_frac']:.0%}"
            assert row[t("scol.range", "zh").format(delta=delta)] == f"{best}–{worst}"


def test_ranking_is_sorted_with_failed_sites_last(page: AppTest) -> None:
    table = _ranking(page)
    ranks = table[t("scol.rank", "zh")].tolist()
    scored = [int(r) for r in ranks if r != "—"]
    assert scored == sorted(scored) and scored[0] == 1
    assert ranks == [*[str(r) for r in scored], *["—"] * (len(ranks) - len(scored))]
    failed = table[table[t("scol.rank", "zh")] == "—"][t("scol.failed", "zh")]
    # gates named by their rule, the limit from siting_rules.csv (DEMO-05: 336.6 m to a river)
    assert "粪污贮存设施距地表水体 ≥ 400 m" in failed.loc["DEMO-05"]
    assert "None" not in " ".join(table.astype(str).to_numpy().ravel())


def test_sensitivity_is_said_in_words(page: AppTest, cli: dict) -> None:
    top = cli["sensitivity"]["top_site_id"]
    if cli["sensitivity"]["top_stays_on_top"]:
        assert any(top in s.value and "始终第一" in s.value for s in page.success)
        return
    [warning] = [w.value for w in page.warning if top in w.value]
    assert "不能始终保持" in warning
    criteria = {c.key for c in load_siting_params().criteria}
    for change in cli["sensitivity"]["top_changes"]:
        label = t(f"criterion.{change['criterion']}", "zh")
        sign = "+" if change["direction"] == "+" else "−"
        assert f"{label} {sign}20 % → {change['new_top_site_id']}" in warning
    assert not any(key in warning for key in criteria)  # never an internal key


def test_selected_site_shows_gates_and_criteria(page: AppTest) -> None:
    rule_col, contrib_col = t("gcol.rule", "zh"), t("ccol.contribution", "zh")
    gates = [df.value for df in page.dataframe if rule_col in df.value.columns]
    criteria = [df.value for df in page.dataframe if contrib_col in df.value.columns]
    assert gates and criteria
    assert {t("gcol.feature", "zh"), t("gcol.limit", "zh"), t("gcol.source", "zh")} <= set(
        gates[0].columns
    )
    score = _ranking(page).loc[page.selectbox(key=sites.SITE).value, t("scol.score", "zh")]
    assert criteria[0][contrib_col].sum() == pytest.approx(float(score), abs=0.2)


def test_unavailable_criteria_are_disabled_like_the_cli(page: AppTest, cli: dict) -> None:
    criteria = cli["sites"][0]["criteria"]
    for c in criteria:
        available = any(
            x["available"] for s in cli["sites"] for x in s["criteria"] if x["key"] == c["key"]
        )
        assert page.slider(key=sites.weight_key(c["key"])).disabled == (not available)


def test_changing_a_weight_changes_scores(page: AppTest) -> None:
    at = AppTest.from_function(_sites_page, default_timeout=TIMEOUT_S).run()
    before = _ranking(at)[t("scol.score", "zh")].sort_index()
    at.slider(key=sites.weight_key("settlement_distance_km")).set_value(0.6).run()
    assert not at.exception
    after = _ranking(at)[t("scol.score", "zh")].sort_index()
    assert before.eq("—").equals(after.eq("—"))  # gates do not depend on weights
    assert not before[before != "—"].equals(after[after != "—"])
    assert _ranking(at).index[0] == "DEMO-15"  # near settlements no more counts most


def test_weights_outlive_a_page_switch() -> None:
    def script() -> None:
        import streamlit as st

        from ui import state

        if st.session_state.get("show", True):
            key = "sites_w_slope_mean_deg"
            state.keep(key, 0.1)
            st.slider("w", 0.0, 1.0, key=key, on_change=state.remember, args=(key,))

    at = AppTest.from_function(script).run()
    assert at.slider(key="sites_w_slope_mean_deg").value == pytest.approx(0.1)
    at.slider(key="sites_w_slope_mean_deg").set_value(0.42).run()
    at.session_state["show"] = False  # another page: the slider is not drawn
    at.run()
    at.session_state["show"] = True
    at.run()
    assert at.slider(key="sites_w_slope_mean_deg").value == pytest.approx(0.42)


def test_failed_site_highlights_its_deciding_feature(page: AppTest) -> None:
    at = AppTest.from_function(_sites_page, default_timeout=TIMEOUT_S).run()
    at.selectbox(key=sites.SITE).set_value("DEMO-05").run()
    script = _map_script(at)
    assert "大黑河" in script and t("sites.map_deciding", "zh") in script
    assert "dashArray" in script  # the measured 336.6 m to the river


def test_map_lists_every_constraint_layer_and_illustrative_label(page: AppTest) -> None:
    script = _map_script(page)
    suffix = t("map.illustrative_suffix", "zh")
    for kind in LAYER_KINDS:
        zh = t(f"layer_kind.{kind}", "zh")
        assert zh + suffix in script, zh
    assert t("map.illustrative_note", "zh").split("：")[0] in script


def test_inconsistent_ahp_matrix_is_flagged() -> None:
    at = AppTest.from_function(_sites_page, default_timeout=TIMEOUT_S).run()
    at.radio(key=sites.METHOD).set_value("ahp").run()
    assert not at.exception
    assert any("CR" in s.value for s in at.success)  # the bundled matrix is consistent
    names = {c.key: c.name_zh for c in load_siting_params().criteria}  # matrix headers
    at.session_state[sites.AHP] = {
        "edited_rows": {0: {names["forage_land_ratio"]: 1 / 9}, 1: {names["slope_max_deg"]: 1 / 9}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    flagged = [e.value for e in at.error if "CR" in e.value]
    assert flagged, [e.value for e in at.error]
    cr = float(flagged[0].split("CR = ")[1].split()[0])
    assert cr >= 0.1
