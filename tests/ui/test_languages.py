"""Every page in each language shows only that language (besides proper names).

Each registered page (`ui.navigation.PAGES`) and the app's sidebar are run headless (AppTest) in
Chinese and in English, and every text a user reads is collected: titles, captions,
markdown, metric and widget labels, options, help and placeholders, messages, and the
column names and text cells of tables. The map component is skipped (its script is code);
the Leaflet.draw texts of the map are tested on the rendered folium HTML instead.

- Chinese: a word of 4 or more ASCII letters fails unless it is in `ZH_ALLOWED_WORDS`
  (proper names, file formats, commands and units that have no Chinese form).
- English: a CJK character fails unless the text is a proper name read from data (county
  and region names, ``name_zh`` columns, demo site names), listed in `EN_ALLOWED`.

`KNOWN_OFFENDERS` (texts still in one language, with the module that produces them) is empty;
keep it so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import geopandas as gpd
import pyogrio
from shapely.geometry import Point

from layers.scenario_files import DEMO_SCENARIO_NAME
from store import STORE_PATH_ENV
from ui import state
from ui.map import MapLayer, MapView, build_map
from ui.navigation import PAGES
from ui.review.page import LOAD_DEMO
from ui.sites import page as sites

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 180
PROTO_TEXT_FIELDS = frozenset(
    {"body", "label", "options", "help", "placeholder", "caption", "text", "title"}
)
ASCII_WORD = re.compile(r"[A-Za-z]{4,}")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: ASCII words a Chinese page may show, each a name, format or unit with no Chinese form.
ZH_ALLOWED_WORDS = frozenset(
    {
        "OpenStreetMap",  # basemap brand name
        "Language",
        "English",  # the language switch names the other language in its own words
        "GeoJSON",
        "GeoPackage",
        "Shapefile",
        "GeoTIFF",
        "HTML",
        "XLSX",  # file formats
        "EPSG",  # CRS authority (EPSG:4546)
        "TIANDITU",
        "secrets",
        "make",
        "assets",
        "python",
        "siting",
        "score",
        "report",  # what a user types
        "Olsen",  # Olsen-P, the name of the soil-test method
        "Saaty",  # Saaty 1–9 scale of the AHP, named after its author
    }
)
#: The language switch names each language in its own words (中文, "Language / 语言").
LANGUAGE_SWITCH = ("语言", "中文")
#: File names, paths and dotted module names (``water_caps.csv``, ``siting.water``).
FILE_NAME = re.compile(r"\S*[/.]\S+")
#: Chinese document titles and numbers cited by name (《...》, 农办牧〔2018〕1号).
CITATION = re.compile(r"《[^》]*》|\S*〔\d{4}〕\d+号")
#: Data columns whose texts are names or citations, shown as recorded in both languages.
#: Names (counties, features, demo sites, the demo scenario) are proper names. Sources and
#: notes are recorded in one language in data/; giving them a zh/en pair is the data pass
#: (layers/, data/), not the UI's: TODO.
DATA_TEXT_COLUMNS = frozenset(
    {
        "name",
        "name_zh",
        "name_en",
        "name_short_zh",
        "label_zh",
        "label_en",
        "feature_id",
        "site_id",
        "source",
        "note",
    }
)
#: Texts still in one language only, each with the module that produces it (regular
#: expressions searched in the text). Empty: siting/ returns message keys with parameters
#: (`locales.Message`), rendered by the pages; tests/test_messages.py keeps it so.
KNOWN_OFFENDERS: dict[str, str] = {}


def _page(key: str) -> None:
    from ui import state
    from ui.navigation import PAGES

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
    if not isinstance(frame.index, pd.RangeIndex):
        yield from (str(label) for label in frame.index)
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
            texts += (x for x in _proto_texts(proto) if not x.startswith("<style>"))  # CSS
    return texts


def _csv_texts(path: Path) -> set[str]:
    frame = pd.read_csv(path, dtype=str)
    columns = [c for c in frame.columns if c in DATA_TEXT_COLUMNS]
    return {str(v) for c in columns for v in frame[c].dropna()}


def _layer_texts(path: Path) -> set[str]:
    texts: set[str] = set()
    for layer, _ in pyogrio.list_layers(path):
        fields = [
            f for f in pyogrio.read_info(path, layer=layer)["fields"] if f in DATA_TEXT_COLUMNS
        ]
        if fields and layer != "absorption_parcels":
            frame = pyogrio.read_dataframe(path, layer=layer, columns=fields, read_geometry=False)
            texts |= {str(v) for c in fields for v in frame[c].dropna()}
    return texts


@pytest.fixture(scope="module")
def data_texts() -> tuple[str, ...]:
    """Names and citations read from the data, longest first (see `DATA_TEXT_COLUMNS`)."""
    data = ROOT / "data"
    texts = {DEMO_SCENARIO_NAME}
    for path in [
        *sorted((data / "coefficients").glob("*.csv")),
        *sorted((data / "regions").glob("*/*.csv")),
    ]:
        texts |= _csv_texts(path)
    for path in [
        *sorted((data / "regions").glob("*/*.gpkg")),
        *sorted((data / "regions").glob("*/*.geojson")),
    ]:
        texts |= _layer_texts(path)
    return tuple(sorted((t for t in texts if t.strip()), key=len, reverse=True))


def _without(text: str, parts: tuple[str, ...]) -> str:
    for part in parts:
        if part in text:
            text = text.replace(part, " ")
    return text


def english_in_chinese(texts: list[str], data: tuple[str, ...] = ()) -> list[str]:
    """Return the texts with ASCII words of 4+ letters not allowed on a Chinese page."""
    found = set()
    for text in texts:
        rest = FILE_NAME.sub(" ", _without(text, data))
        words = set(ASCII_WORD.findall(rest)) - ZH_ALLOWED_WORDS
        if words and not _known(text):
            found.add(text)
    return sorted(found)


def chinese_in_english(texts: list[str], data: tuple[str, ...] = ()) -> list[str]:
    """Return the texts with CJK characters outside names and citations on an English page."""
    found = set()
    for text in texts:
        rest = CITATION.sub(" ", _without(text, (*data, *LANGUAGE_SWITCH)))
        if CJK.search(rest) and not _known(text):
            found.add(text)
    return sorted(found)


def _known(text: str) -> bool:
    return any(re.search(pattern, text) for pattern in KNOWN_OFFENDERS)


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
def test_sidebar_shows_only_its_language(lang: str, data_texts: tuple[str, ...]) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state[state.LANG] = lang
    at.run()
    assert not at.exception
    texts = page_texts(at)
    assert len(texts) > 5
    if lang == "zh":
        assert english_in_chinese(texts, data_texts) == []
    else:
        assert chinese_in_english(texts, data_texts) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_page_shows_only_its_language(
    key: str,
    lang: str,
    data_texts: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _run_page(key, lang, tmp_path / "plans.gpkg", monkeypatch)
    texts = page_texts(at)
    assert len(texts) > 5
    if lang == "zh":
        assert english_in_chinese(texts, data_texts) == []
    else:
        assert chinese_in_english(texts, data_texts) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ahp_weights_show_only_their_language(
    lang: str, data_texts: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_page("sites", lang, tmp_path / "plans.gpkg", monkeypatch)
    at.radio(key=sites.METHOD).set_value("ahp").run()
    assert not at.exception
    texts = page_texts(at)
    assert "forage_land_ratio" not in texts  # matrix headers are criterion names, not keys
    if lang == "zh":
        assert english_in_chinese(texts, data_texts) == []
    else:
        assert chinese_in_english(texts, data_texts) == []


def test_the_checks_catch_the_other_language() -> None:
    zh_texts = ["承载力（load index）", "饲草 GeoPackage", "EPSG:4546（经纬度）"]
    assert english_in_chinese(zh_texts) == ["承载力（load index）"]
    en_texts = ["County 赛罕区", "Warning grade 预警", "Upload a GeoPackage"]
    assert chinese_in_english(en_texts, ("赛罕区",)) == ["Warning grade 预警"]


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
