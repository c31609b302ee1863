"""Every page in each language shows only that language (besides proper names).

Each registered page (`ui.pages.PAGES`) and the app's sidebar are run headless (AppTest) in
Chinese and in English, and every text a user reads is collected: titles, captions,
markdown, metric and widget labels, options, help and placeholders, messages, and the
column names and text cells of tables. The map component is skipped (its script is code);
the Leaflet.draw texts of the map are tested on the rendered folium HTML instead.

- Chinese: a word of 4 or more ASCII letters fails unless it is in `ZH_ALLOWED_WORDS`
  (proper names, file formats, commands and units that have no Chinese form).
- English: a CJK character fails unless the text is a proper name read from data (county
  and region names, ``name_zh`` columns, demo site names), listed in `EN_ALLOWED`.

Known offenders that are not fixed yet are listed in `KNOWN_OFFENDERS` with the module that
produces them (TODO: move each into the catalogues and delete its entry).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import geopandas as gpd
from shapely.geometry import Point

from layers.counties import load_counties
from layers.region import load_region
from store import STORE_PATH_ENV
from ui import state
from ui.map import MapLayer, MapView, build_map
from ui.pages import PAGES
from ui.pages.review import LOAD_DEMO

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 180
PROTO_TEXT_FIELDS = frozenset({"body", "label", "options", "help", "placeholder", "caption",
                               "text", "title"})
ASCII_WORD = re.compile(r"[A-Za-z]{4,}")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: ASCII words a Chinese page may show, each a name, format or unit with no Chinese form.
ZH_ALLOWED_WORDS = frozenset({
    "OpenStreetMap",  # basemap brand name
    "Language",  # the language switch is labelled in both languages on purpose
    "English",  # the name of the other language, in that language
    "GeoJSON", "GeoPackage", "Shapefile", "gpkg", "json", "geojson", "shp", "kmz",  # formats
    "EPSG",  # CRS authority code (EPSG:4546)
    "Amap", "Tencent",  # none: the Chinese texts say 高德/腾讯 (kept here only if data shows them)
    "TIANDITU", "secrets",  # the setting name a user must type (TIANDITU_KEY in secrets)
    "make", "assets", "python", "siting", "score",  # commands a user types
    "Olsen",  # Olsen-P, the soil-test method's name
    "WGS84", "CGCS",  # datum names
})
#: TODO, each with the module that produces it: texts still in one language only.
KNOWN_OFFENDERS: dict[str, str] = {}


def _page(key: str) -> None:
    from ui import state
    from ui.pages import PAGES

    state.init_state()
    {spec.key: spec for spec in PAGES}[key].render()


def _proto_texts(message: object) -> Iterator[str]:
    for field, value in message.ListFields():  # type: ignore[attr-defined]
        items = value if hasattr(value, "__len__") and not isinstance(value, str) else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in items:
                yield from _proto_texts(item)
        elif field.type == field.TYPE_STRING and field.name in PROTO_TEXT_FIELDS:
            yield from (str(item) for item in items)


def _frame_texts(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(column) for column in frame.columns)
    for column in frame.columns:
        if frame[column].dtype == object or isinstance(frame[column].dtype, pd.StringDtype):
            yield from (str(v) for v in frame[column].dropna().unique())


def _nodes(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def page_texts(at: AppTest) -> list[str]:
    """Return every text a user reads on the page (map component excluded)."""
    texts: list[str] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", "")
        if kind == "component_instance":
            continue
        if kind in ("arrow_data_frame", "dataframe", "table"):
            texts += _frame_texts(node.value)  # type: ignore[attr-defined]
            continue
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts += _proto_texts(proto)
    return texts


@pytest.fixture(scope="module")
def proper_names() -> frozenset[str]:
    """Names read from data, shown as they are in both languages."""
    region = load_region("hohhot")
    counties = load_counties(region)
    return frozenset({*counties["name_zh"].astype(str), region.name_zh})


def english_in_chinese(texts: list[str]) -> list[str]:
    """Return the texts with ASCII words of 4+ letters not allowed on a Chinese page."""
    return sorted({text for text in texts
                   if set(ASCII_WORD.findall(text)) - ZH_ALLOWED_WORDS
                   and text not in KNOWN_OFFENDERS})


def chinese_in_english(texts: list[str], names: frozenset[str]) -> list[str]:
    """Return the texts with CJK characters outside proper names on an English page."""
    found = set()
    for text in texts:
        rest = text
        for name in sorted(names, key=len, reverse=True):
            rest = rest.replace(name, "")
        if CJK.search(rest) and text not in KNOWN_OFFENDERS:
            found.add(text)
    return sorted(found)


def _run_page(key: str, lang: str, store_file: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(STORE_PATH_ENV, str(store_file))
    at = AppTest.from_function(_page, args=(key,), default_timeout=TIMEOUT_S)
    at.session_state[state.LANG] = lang
    at.run()
    if key == "review":
        at.button(key=LOAD_DEMO).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_page_shows_only_its_language(key: str, lang: str, proper_names: frozenset[str],
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run_page(key, lang, tmp_path / "plans.gpkg", monkeypatch)
    texts = page_texts(at)
    assert len(texts) > 5
    if lang == "zh":
        assert english_in_chinese(texts) == []
    else:
        assert chinese_in_english(texts, proper_names) == []


def test_the_checks_catch_the_other_language() -> None:
    zh_texts = ["承载力（load index）", "饲草 GeoPackage", "EPSG:4546（经纬度）"]
    assert english_in_chinese(zh_texts) == ["承载力（load index）"]
    en_texts = ["County 赛罕区", "Warning grade 预警", "Upload a GeoPackage"]
    assert chinese_in_english(en_texts, frozenset({"赛罕区"})) == ["Warning grade 预警"]


def _draw_map_html(lang: str) -> str:
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(111.6, 40.8)], crs="EPSG:4326")
    view = MapView(center_lonlat=(111.6, 40.8), zoom=9, draw=True, lang=lang)
    m = build_map([MapLayer(frame, "pts", "EPSG:4546", kind="point")], view=view)
    return m.get_root().render()


def test_draw_toolbar_speaks_chinese() -> None:
    html = _draw_map_html("zh")
    assert 'L.drawLocal.draw.toolbar.finish.text = "完成";' in html
    assert 'L.drawLocal.draw.toolbar.undo.text = "删除最后一点";' in html
    assert 'L.drawLocal.draw.toolbar.actions.text = "取消";' in html
    assert 'L.drawLocal.draw.toolbar.buttons.polygon = "绘制多边形";' in html
    # set before the toolbar is built
    assert html.index("L.drawLocal.draw.toolbar") < html.index("new L.Control.Draw")


def test_draw_toolbar_speaks_english() -> None:
    html = _draw_map_html("en")
    assert 'L.drawLocal.draw.toolbar.finish.text = "Finish";' in html
    assert "完成" not in html
