"""The folium map builder: offline assets only, county names, simplification, legend, notes."""

from __future__ import annotations

import re

import pytest

import geopandas as gpd
from shapely.geometry import Point, Polygon

from errors import MissingCrsError
from layers.counties import load_counties
from layers.region import load_region
from layers.targets import load_forage_targets
from ui.colorscale import NO_DATA_COLOR, sequential_scale
from ui.map import (
    BASEMAP_OSM,
    BASEMAP_TIANDITU_IMG,
    BASEMAP_TIANDITU_VEC,
    MapLayer,
    MapView,
    available_basemaps,
    build_map,
    display_frame,
)
from ui.targets.view import county_targets, targets_map

JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
URL = re.compile(r"https?://[^\s\"'<>)\\]+")
CDN_HOSTS = ("cdn.jsdelivr", "unpkg", "cdnjs", "code.jquery", "bootstrapcdn", "d3js")
HOHHOT_COUNTIES = (
    "新城区",
    "回民区",
    "玉泉区",
    "赛罕区",
    "土默特左旗",
    "托克托县",
    "和林格尔县",
    "清水河县",
    "武川县",
)
# Attribution links are anchors (followed only on click), not requests.
ATTRIBUTION_URLS = ("https://www.openstreetmap.org/copyright",)


@pytest.fixture(scope="module")
def hohhot():
    region = load_region("hohhot")
    return region, load_counties(region), load_forage_targets(region)


def _render(m) -> str:
    """Return the map HTML with JSON ``\\uXXXX`` escapes decoded (GeoJSON is ASCII-escaped)."""
    html = m.get_root().render()
    return JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), html)


def _targets_html(hohhot, **view_kw) -> str:
    region, counties, targets = hohhot
    frame = county_targets(counties, targets, crop="silage_corn", year=2021, lang="zh")
    view = MapView(center_lonlat=region.map_center_lonlat, zoom=region.map_zoom, **view_kw)
    m = targets_map(
        frame,
        crop="silage_corn",
        year=2021,
        analysis_crs=region.analysis_crs,
        view=view,
        illustrative=False,
    )
    return _render(m)


def test_targets_map_shows_the_nine_counties_with_local_assets_only(hohhot) -> None:
    html = _targets_html(hohhot)
    for name in HOHHOT_COUNTIES:
        assert name in html
    assert URL.findall(html) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "/app/static/vendor/leaflet/leaflet.css" in html
    for host in CDN_HOSTS:
        assert host not in html
    # d3 as a script (folium's colormaps load it), not "d3." inside a random hex element id
    assert re.search(r"\bd3\.(v\d+\.)?(min\.)?js", html) is None
    assert re.search(r"[^0-9a-f_]d3\.select", html) is None
    assert "jquery" not in html.lower()
    assert "bootstrap" not in html.lower()


def test_targets_map_tooltip_has_target_in_wan_mu_and_ha_and_source(hohhot) -> None:
    html = _targets_html(hohhot)
    assert "目标（万亩）" in html and "目标（公顷）" in html and "来源" in html
    # 土默特左旗 silage corn 2021: 40 万亩 = 400,000 亩 = 400,000 / 15 ha = 26,667 ha
    assert '"40.00"' in html
    assert '"26,667"' in html
    assert "行动方案" in html


def test_legend_is_html_on_the_map(hohhot) -> None:
    html = _targets_html(hohhot)
    assert "planner-legend" in html
    assert "青贮玉米目标（万亩）" in html
    assert "无目标" in html


def test_osm_basemap_adds_only_osm_tiles(hohhot) -> None:
    html = _targets_html(hohhot, basemap=BASEMAP_OSM)
    urls = set(URL.findall(html)) - set(ATTRIBUTION_URLS)
    assert urls == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}


def test_tianditu_basemap_uses_key_and_annotation_layer(hohhot) -> None:
    html = _targets_html(hohhot, basemap=BASEMAP_TIANDITU_IMG, tianditu_key="KEY123")
    urls = set(URL.findall(html))
    assert urls, "no tile URL"
    assert all(
        u.startswith("https://t{s}.tianditu.gov.cn/") and u.endswith("tk=KEY123") for u in urls
    )
    assert {"img_w", "cia_w"} == {re.search(r"/(\w+_w)/", u).group(1) for u in urls}


def test_tianditu_without_key_adds_no_tiles(hohhot) -> None:
    html = _targets_html(hohhot, basemap=BASEMAP_TIANDITU_VEC, tianditu_key=None)
    assert URL.findall(html) == []


def test_tianditu_is_offered_only_with_a_key() -> None:
    assert available_basemaps(False) == ("none", "osm")
    assert available_basemaps(True) == ("none", "osm", "tianditu_vec", "tianditu_img")


def test_draw_control_uses_local_leaflet_draw() -> None:
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(111.6, 40.8)], crs="EPSG:4326")
    view = MapView(center_lonlat=(111.6, 40.8), zoom=9, draw=True)
    html = _render(
        build_map(
            [MapLayer(frame, "pts", "EPSG:4546", kind="point", tooltip_fields=("name",))], view=view
        )
    )
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in html
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.css" in html
    assert URL.findall(html) == []


def test_illustrative_layer_is_labelled_on_the_map() -> None:
    square = Polygon([(111.6, 40.8), (111.7, 40.8), (111.7, 40.9), (111.6, 40.9)])
    frame = gpd.GeoDataFrame({"name": ["x"]}, geometry=[square], crs="EPSG:4326")
    layer = MapLayer(frame, "耕地", "EPSG:4546", illustrative=True)
    html = _render(build_map([layer], view=MapView((111.6, 40.8), 9)))
    assert "示意数据（非真实数据）：耕地" in html
    assert "耕地（示意）" in html
    html_en = _render(build_map([layer], view=MapView((111.6, 40.8), 9, lang="en")))
    assert "Illustrative data (not real): 耕地" in html_en


def test_display_frame_simplifies_in_metres_and_returns_lonlat(hohhot) -> None:
    region, counties, _ = hohhot
    before = counties.copy()
    shown = display_frame(
        counties,
        analysis_crs=region.analysis_crs,
        tolerance_m=100.0,
        coverage=True,
        columns=["name_zh"],
    )
    assert shown.crs.to_epsg() == 4326
    assert list(shown.columns) == ["name_zh", "geometry"]
    assert shown.geometry.count_coordinates().sum() < counties.geometry.count_coordinates().sum()
    # coverage simplification is area-based (Visvalingam-Whyatt, area ~ tolerance²): the
    # outline moves by a few tolerances at most - invisible at city zoom (~470 m/px)
    moved = shown.to_crs(region.analysis_crs).geometry.hausdorff_distance(
        counties.to_crs(region.analysis_crs).geometry, align=False
    )
    assert (moved < 3 * 100.0).all()
    assert counties.equals(before)


def test_display_frame_without_crs_raises() -> None:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)])
    with pytest.raises(MissingCrsError, match="no CRS"):
        display_frame(frame, analysis_crs="EPSG:4546")


def test_color_scale_classes_and_no_data() -> None:
    scale = sequential_scale([40.0, 25.0, 22.0, 6.0, 5.0, 1.0, 1.0])
    # max 40 over 5 colours -> raw step 8 -> nice step 10 -> 4 classes up to 40
    assert scale.breaks == (10.0, 20.0, 30.0, 40.0)
    assert scale.color_for(40.0) == scale.colors[-1]
    assert scale.color_for(1.0) == scale.colors[0]
    assert scale.color_for(10.5) == scale.colors[1]
    assert scale.color_for(float("nan")) == NO_DATA_COLOR
    assert scale.color_for(0.0) == NO_DATA_COLOR


def test_scale_bar_is_metric_only() -> None:
    from ui.map import new_map

    html = new_map(MapView(center_lonlat=(111.7, 40.8), zoom=8)).get_root().render()
    assert "L.control.scale({metric: true, imperial: false" in html
    assert "L.control.scale()" not in html  # folium's own (miles and feet) is off
