"""County balance view: choropleth HTML (nine counties, grades, illustrative note), table, CSV."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from layers.coefficients import load_crop_table, load_nutrient_params, load_warning_grades
from layers.counties import load_counties
from layers.herd import HERD_COLUMNS, load_herd_baseline
from layers.parcels import load_parcels
from layers.region import load_region
from siting.nutrients import county_balance, parcel_absorption_capacity
from ui.balance.county import (
    GRADE_COLORS,
    balance_csv,
    balance_map,
    balance_table,
    county_frame,
    grade_legend_html,
)
from ui.map import MapView

JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
URL = re.compile(r"https?://[^\s\"'<>)\\]+")
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


@pytest.fixture(scope="module")
def hohhot():
    region = load_region("hohhot")
    params = load_nutrient_params(region.dir)
    grades = load_warning_grades(region.dir)
    with_capacity = parcel_absorption_capacity(
        load_parcels(region), load_crop_table(region.dir), params
    )
    balance = county_balance(
        with_capacity, load_herd_baseline(region), params, grades, species_columns=HERD_COLUMNS
    )
    counties = load_counties(region)
    names = pd.DataFrame(counties[["adcode", "name_zh", "name_en", "name_short_zh"]])
    return region, counties, names.merge(balance, on="adcode", how="right"), grades


def _render(m) -> str:
    html = m.get_root().render()
    return JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), html)


def _map_html(hohhot, basis: str = "N", inputs=("消纳地块", "分旗县区存栏")) -> str:
    region, counties, balance, grades = hohhot
    frame = county_frame(counties, balance, basis=basis, grades=grades, lang="zh")
    view = MapView(center_lonlat=region.map_center_lonlat, zoom=region.map_zoom)
    return _render(
        balance_map(
            frame,
            basis=basis,
            grades=grades,
            analysis_crs=region.analysis_crs,
            view=view,
            illustrative_inputs=inputs,
        )
    )


def test_choropleth_has_nine_counties_grades_and_the_illustrative_label(hohhot) -> None:
    html = _map_html(hohhot)
    for name in HOHHOT_COUNTIES:
        assert name in html
    assert "示意数据（非真实数据）：消纳地块、分旗县区存栏" in html
    assert "粪污负荷预警等级（以氮计）（示意）" in html  # layer control name
    assert "planner-legend" in html and "I 无威胁（0–0.4）" in html
    assert "VI 很严重威胁（&gt; 2.5）" in html
    assert "阈值状态：待核实" in html and "applied literature" in html
    assert URL.findall(html) == [u for u in URL.findall(html) if "fx361.cc" in u]  # sources only
    assert "/app/static/vendor/leaflet/leaflet.js" in html


def test_tooltip_carries_capacity_load_and_grade(hohhot) -> None:
    html = _map_html(hohhot, basis="P")
    for alias in (
        "承载力（猪当量，以磷计）",
        "承载力（折奶牛，头）",
        "现有存栏（猪当量）",
        "负荷指数",
        "预警等级",
    ):
        assert alias in html
    # 土默特左旗 on P: load index 0.4247 at P 0.30 -> × 0.35 / 0.30 = 0.4955 at the default high
    # end (index ∝ utilisation) -> grade II (generated parcels, forage yields from
    # forage_yields.csv since the one-yield-table change)
    assert '"0.495"' in html and "II 稍有威胁" in html


def test_without_illustrative_inputs_there_is_no_note(hohhot) -> None:
    html = _map_html(hohhot, inputs=())
    assert "示意数据" not in html


def test_colour_follows_the_grade_of_the_chosen_basis(hohhot) -> None:
    _, counties, balance, grades = hohhot
    by_basis = {
        basis: county_frame(counties, balance, basis=basis, grades=grades, lang="zh").set_index(
            "adcode"
        )["fill_color"]
        for basis in ("N", "P")
    }
    # 清水河县 (150124) at the default high ends (index ∝ utilisation): N 0.4638 × 0.30 / 0.25
    # = 0.557 (grade II), P 0.6345 × 0.35 / 0.30 = 0.740 (grade III)
    assert by_basis["N"]["150124"] == GRADE_COLORS[1]
    assert by_basis["P"]["150124"] == GRADE_COLORS[2]


def test_legend_lists_every_grade_once(hohhot) -> None:
    *_, grades = hohhot
    html = grade_legend_html(grades, basis="P", lang="en")
    assert "Warning grade (load index, P)" in html
    assert "I no threat (0–0.4)" in html and "VI very serious threat (&gt; 2.5)" in html
    assert html.count("recalled") == 1  # each status once
    assert html.count("applied literature") == 2  # each distinct source once


def test_table_and_csv_have_nine_counties_with_units(hohhot) -> None:
    _, _, balance, grades = hohhot
    table = balance_table(balance, grades, "en")
    assert len(table) == 9
    assert "Manure land (10,000 mu)" in table.columns and "Manure land (ha)" in table.columns
    csv = pd.read_csv(io.BytesIO(balance_csv(balance)), encoding="utf-8-sig", dtype={"adcode": str})
    assert len(csv) == 9
    assert {"capacity_pe_n", "load_index_p", "manure_area_mu"} <= set(csv.columns)
    assert csv["present_pe"].tolist() == pytest.approx(balance["present_pe"].tolist())
