"""The targets page shows Ningxia's county-group and Ordos' size-class targets (AppTest)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

TIMEOUT_S = 180


def _targets_page(region_id: str) -> None:
    import streamlit as st

    from ui import data, state
    from ui.navigation import PAGES

    data.use_configured_regions_dir()
    state.init_state()
    st.session_state[state.REGION] = region_id
    {spec.key: spec for spec in PAGES}["targets"].render()


def _run(region_id: str) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_function(_targets_page, args=(region_id,), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    return at


def test_ningxia_groups_and_their_sum_against_the_region() -> None:
    at = _run("ningxia")
    assert "县区组目标" in [s.value for s in at.subheader]
    groups = next(d.value for d in at.dataframe if "县区组" in d.value.columns)
    cores = groups[groups["县区组"] == "双核（银川市、吴忠市）"]
    assert set(cores["所含县区"].iloc[0].split("、")) == {
        "兴庆区",
        "西夏区",
        "贺兰县",
        "永宁县",
        "灵武市",
        "利通区",
        "青铜峡市",
    }
    assert cores["数值"].tolist() == ["630,000", "3,270,000"]
    sums = next(d.value for d in at.dataframe if "各组合计" in d.value.columns)
    assert sums["各组合计"].tolist() == ["900,000", "4,500,000"]
    assert sums["差值"].tolist() == ["0", "0"]


def test_ordos_size_classes_are_listed() -> None:
    at = _run("ordos")
    assert "按存栏规模的养殖场数量目标" in [s.value for s in at.subheader]
    classes = next(d.value for d in at.dataframe if "规模档" in d.value.columns)
    assert classes["目标数量（个）"].tolist() == [20, 10, 15]
    assert classes["存栏上限（头，不含）"].tolist() == ["100", "1,000", "—"]
