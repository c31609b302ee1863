"""The Streamlit app headless (AppTest): smoke run, language switch, map assets, upload errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from errors import InputDataError
from ui import state
from ui.assets import STATIC_DIR
from ui.upload.page import check_upload

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT_S = 60
# A square of about 1 km x 1 km in 赛罕区 (lon/lat degrees, WGS84).
SITE_GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "候选牧场 A"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [111.80, 40.75],
                            [111.812, 40.75],
                            [111.812, 40.759],
                            [111.80, 40.759],
                            [111.80, 40.75],
                        ]
                    ],
                },
            }
        ],
    }
).encode()


def _map_args(at: AppTest) -> dict:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def _upload_page() -> None:
    from ui import state
    from ui.upload import page as upload

    state.init_state()
    upload.render()


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    return at.run()


def test_app_runs_in_chinese_by_default(app: AppTest) -> None:
    assert not app.exception
    assert not app.error
    assert [title.value for title in app.title] == ["饲草种植规划目标"]
    # 2021 silage corn: 40 + 25 + 22 + 6 + 5 + 1 + 1 = 100 万亩 over the seven counties
    assert app.metric[0].value == "100.00"


def test_map_loads_only_local_assets_that_exist(app: AppTest) -> None:
    args = _map_args(app)
    links = [*args["js_links"], *args["css_links"]]
    assert links, "the map loads no Leaflet at all"
    for link in links:
        assert link.startswith("/app/static/vendor/"), link
        assert (STATIC_DIR / link.removeprefix("/app/static/")).is_file(), (
            f"{link} is missing: run `make assets`"
        )
    assert "http://" not in args["script"] and "https://" not in args["script"]


def test_switching_to_english_changes_the_title() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    at.radio(key=state.LANG).set_value("en").run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Forage acreage targets"]


def test_choosing_a_crop_recolours_and_totals() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    at.radio(key=state.TARGET_CROP).set_value("alfalfa").run()
    assert not at.exception
    # 3 + 2.8 + 2.13 + 2 + 1.8 + 0.2 + 0.07 = 12.00 万亩
    assert at.metric[0].value == "12.00"
    assert "苜蓿目标" in _map_args(at)["script"].encode().decode("unicode_escape")


def test_broken_upload_shows_one_error_and_no_traceback() -> None:
    at = AppTest.from_function(_upload_page, default_timeout=TIMEOUT_S).run()
    assert [info.value for info in at.info] == ["请上传一个文件。"]
    at.file_uploader(key=state.UPLOAD_FILE).set_value(
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [', "application/json")
    )
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    assert "broken.geojson" in at.error[0].value
    assert not at.success


def test_good_upload_shows_features_on_the_map() -> None:
    at = AppTest.from_function(_upload_page, default_timeout=TIMEOUT_S).run()
    at.file_uploader(key=state.UPLOAD_FILE).set_value(
        ("site.geojson", SITE_GEOJSON, "application/geo+json")
    )
    at.run()
    assert not at.exception
    assert not at.error
    assert len(at.success) == 1
    assert "site.geojson" in at.success[0].value
    assert "候选牧场 A" in _map_args(at)["script"].encode().decode("unicode_escape")


def test_check_upload_raises_input_data_error_for_garbage() -> None:
    with pytest.raises(InputDataError, match=r"garbage\.kml"):
        check_upload(
            b"\x00\x01 not a kml",
            "garbage.kml",
            region_id="hohhot",
            gcj02=False,
            kind="polygon",
            skip_bad=False,
        )


def test_check_upload_counts_a_repair_instead_of_passing_its_english_warning() -> None:
    lon, lat = 111.7, 40.8  # inside Hohhot
    delta = 0.01
    bowtie = [
        [lon, lat],
        [lon + delta, lat + delta],
        [lon + delta, lat],
        [lon, lat + delta],
        [lon, lat],
    ]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "bowtie"},
                "geometry": {"type": "Polygon", "coordinates": [bowtie]},
            }
        ],
    }
    result, read_warnings = check_upload(
        json.dumps(geojson).encode(),
        "bowtie.geojson",
        region_id="hohhot",
        gcj02=False,
        kind="polygon",
        skip_bad=False,
    )
    assert result.repaired_count == 1
    assert read_warnings == []  # shown from repaired_count, in the page's language
    assert [note.key for note in result.notes] == ["input.note.repaired"]
