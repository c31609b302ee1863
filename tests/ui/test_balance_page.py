"""The balance page headless (AppTest on app.py): county table, parcels, farm calculator.

The page must give the numbers of ``python -m siting balance`` and ``capacity``: both are
run here as subprocesses and compared with what the page shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import geopandas as gpd
from shapely.geometry import box

from ui import state
from ui.balance import state as balance_state
from ui.labels import t

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT_S = 120
PAGE_KEY = "balance"
HOHHOT_COUNTIES = [
    "新城区",
    "回民区",
    "玉泉区",
    "赛罕区",
    "土默特左旗",
    "托克托县",
    "和林格尔县",
    "清水河县",
    "武川县",
]
SPECIES = ("dairy_cow", "beef_cattle", "sheep", "goat", "pig", "poultry")
CLI_BALANCE = [
    "balance",
    "--animals",
    "dairy_cow=5000",
    "--crop",
    "maize",
    "--yield-kg-per-mu",
    "600",
    "--soil-class",
    "II",
    "--manure-share",
    "0.5",
    "--json",
]


def _cli(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "siting", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    return json.loads(done.stdout)


def _open(tab: str | None = None) -> AppTest:
    """Run app.py, switch to the balance page (and ``tab``), return the AppTest."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    # st.navigation pages built from callables have no script file, so AppTest.switch_page
    # cannot find them; st.Page hashes its url_path, which is what a browser session sends.
    hashes = [h for h, info in at._registered_pages.items() if info.get("url_pathname") == PAGE_KEY]
    assert len(hashes) == 1, "the balance page is not registered"
    at._page_hash = hashes[0]
    if tab is not None:
        at.session_state[balance_state.TAB] = t(f"balance.tab.{tab}", "zh")
    return at.run()


def _zh(key: str) -> str:
    """Return the widget key of a translated choice in Chinese."""
    return balance_state.widget_key(key, "zh")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _coefficients(at: AppTest) -> pd.DataFrame:
    key_col = t("farm.col.key", "zh")
    tables = [df.value for df in at.dataframe if key_col in df.value.columns]
    assert len(tables) == 1
    return tables[0].set_index(key_col)


def _farm(
    at: AppTest,
    *,
    herd: dict[str, int],
    crop: str,
    yield_kg_per_mu: float,
    soil_class: str,
    manure_share: float,
    n_utilisation: float,
) -> AppTest:
    for species in SPECIES:
        at.number_input(key=balance_state.head_key(species)).set_value(herd.get(species, 0))
    at.selectbox(key=_zh(balance_state.CROP)).set_value(crop)
    at.radio(key=_zh(balance_state.SOIL_N_CLASS)).set_value(soil_class)
    at.radio(key=_zh(balance_state.SOIL_P_CLASS)).set_value(soil_class)
    at.number_input(key=balance_state.coefficient_key("hohhot", "manure_share_frac")).set_value(
        manure_share
    )
    at.number_input(key=balance_state.coefficient_key("hohhot", "n_utilisation_frac")).set_value(
        n_utilisation
    )
    at.run()
    at.number_input(key=balance_state.yield_key(crop)).set_value(yield_kg_per_mu)
    return at.run()


@pytest.fixture(scope="module")
def county_page() -> AppTest:
    return _open()


@pytest.fixture(scope="module")
def farm_page() -> AppTest:
    at = _open("farm")
    return _farm(
        at,
        herd={"dairy_cow": 5000},
        crop="maize",
        yield_kg_per_mu=600,
        soil_class="II",
        manure_share=0.5,
        n_utilisation=0.30,  # the default (the guide's high end), as `balance` uses
    )


def test_page_runs_and_the_county_table_shows_nine_counties(county_page: AppTest) -> None:
    assert not county_page.exception
    assert not county_page.error
    assert [title.value for title in county_page.title] == ["畜禽粪污土地承载力"]
    table = county_page.dataframe[0].value
    assert table[t("col.county", "zh")].tolist() == HOHHOT_COUNTIES
    maps = [el for el in county_page.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    assert any("示意" in caption.value for caption in county_page.caption)


def test_county_table_gives_the_cli_capacity_numbers(county_page: AppTest) -> None:
    cli = {
        row["adcode"]: row for row in _cli("capacity", "--region", "hohhot", "--json")["counties"]
    }
    table = county_page.dataframe[0].value
    saihan = table.loc[table[t("col.county", "zh")] == "赛罕区"].iloc[0]
    row = cli["150105"]
    assert saihan["现有存栏（猪当量）"] == f"{row['present_pe']:,.0f}"
    assert saihan["承载力（猪当量，以氮计）"] == f"{row['capacity_pe_n']:,.0f}"
    assert saihan["承载力（折奶牛头数，以磷计）"] == f"{row['capacity_dairy_cows_p']:,.0f}"
    assert saihan["负荷指数（以氮计）"] == f"{row['load_index_n']:.3f}"
    assert saihan["预警等级（以磷计）"].split()[0] == row["grade_p"]


def test_farm_calculator_gives_the_cli_numbers(farm_page: AppTest) -> None:
    assert not farm_page.exception
    metrics = _metrics(farm_page)
    # 5000 cows × 100/15 PE × 7.0 kg N ÷ (600/100 × 2.3 × 0.45 × 0.5 ÷ 0.30 kg N/亩)
    expected_n = 5000 * 100 / 15 * 7.0 / (600 / 100 * 2.3 * 0.45 * 0.5 / 0.30)
    # 5000 × 100/15 × 1.2 kg P ÷ (600/100 × 0.3 × 0.45 × 0.5 ÷ 0.35 kg P/亩)
    expected_p = 5000 * 100 / 15 * 1.2 / (600 / 100 * 0.3 * 0.45 * 0.5 / 0.35)
    assert metrics[t("farm.m.land_n", "zh")] == f"{expected_n:,.0f}" == "22,544"
    assert metrics[t("farm.m.land_p", "zh")] == f"{expected_p:,.0f}" == "34,568"
    cli = _cli(*CLI_BALANCE)
    assert metrics[t("farm.m.land_n", "zh")] == f"{cli['land_required_mu_n']:,.0f}"
    assert metrics[t("farm.m.land_p", "zh")] == f"{cli['land_required_mu_p']:,.0f}"
    assert metrics[t("farm.m.pe", "zh")] == f"{cli['pig_equivalents']:,.0f}"
    assert metrics[t("farm.m.n_supply", "zh")] == f"{cli['n_supply_kg_per_yr']:,.0f}"
    assert metrics[t("farm.m.n_demand", "zh")] == f"{cli['n_demand_kg_per_mu']:.2f}"
    assert metrics[t("farm.m.p_demand", "zh")] == f"{cli['p_demand_kg_per_mu']:.2f}"


def test_farm_calculator_traces_every_cli_coefficient(farm_page: AppTest) -> None:
    table = _coefficients(farm_page)
    cli = {c["key"]: c for c in _cli(*CLI_BALANCE)["coefficients"]}
    assert set(table.index) == set(cli)
    share = table.loc["manure_share_frac"]
    assert share["数值"] == "0.5"
    assert share["数据状态"] == t("status.illustrative", "zh")
    assert share["来源"] == cli["manure_share_frac"]["source"]
    assert table.loc["pe_per_head.dairy_cow", "数据状态"] == t("status.recalled", "zh")
    assert any("22,544" in s.value for s in farm_page.success)  # N basis binds (guide rule)


def test_changing_the_manure_share_changes_the_result_and_marks_it_user() -> None:
    at = _open("farm")
    at = _farm(
        at,
        herd={"dairy_cow": 5000},
        crop="maize",
        yield_kg_per_mu=600,
        soil_class="II",
        manure_share=1.0,
        n_utilisation=0.25,
    )
    assert not at.exception
    # manure share 0.5 -> 1.0 doubles the demand per 亩 and halves the land
    expected_n = 5000 * 100 / 15 * 7.0 / (600 / 100 * 2.3 * 0.45 * 1.0 / 0.25)
    assert _metrics(at)[t("farm.m.land_n", "zh")] == f"{expected_n:,.0f}" == "9,393"
    table = _coefficients(at)
    assert table.loc["manure_share_frac", "数据状态"] == t("status.user", "zh") == "用户设定"
    assert table.loc["manure_share_frac", "数值"] == "1"
    assert table.loc["fert_share_frac.II", "数据状态"] == t("status.recalled", "zh")
    assert any("粪肥占施肥比例 = 1（默认 0.5）" in info.value for info in at.info)


def test_a_measured_retention_is_a_user_route() -> None:
    # Beef cattle have no cited route: only the guide default or a measured retention.
    at = _open("farm")
    at = _farm(
        at,
        herd={"beef_cattle": 3000},
        crop="maize",
        yield_kg_per_mu=600,
        soil_class="II",
        manure_share=0.5,
        n_utilisation=0.25,
    )
    route = at.selectbox(key=_zh(balance_state.ROUTE))
    assert [o for o in route.options if "贾伟" in o or "固液分离" in o] == []
    route.set_value("measured").run()
    at.number_input(key=balance_state.N_RETENTION).set_value(0.5)
    at.number_input(key=balance_state.P_RETENTION).set_value(0.8).run()
    assert not at.exception
    expected_n = 3000 * 100 / 30 * 11 * 0.5  # head x PE per head x N excreted x measured
    assert _metrics(at)[t("farm.m.n_supply", "zh")] == f"{expected_n:,.0f}"
    assert _coefficients(at).loc["route.measured.n_retention_frac", "数据状态"] == t(
        "status.user", "zh"
    )


def test_edited_fertilisation_share_is_user_and_changes_the_county_balance() -> None:
    at = _open()
    before = at.dataframe[0].value["承载力（猪当量，以氮计）"].tolist()
    at.number_input(key=balance_state.coefficient_key("hohhot", "fert_share_frac.II")).set_value(
        0.5
    )
    at.run()
    assert not at.exception
    assert at.dataframe[0].value["承载力（猪当量，以氮计）"].tolist() != before
    at.session_state[balance_state.TAB] = t("balance.tab.farm", "zh")
    at.run()
    assert _coefficients(at).loc["fert_share_frac.II", "数据状态"] == "用户设定"


def test_parcel_tab_draws_one_county_marked_illustrative() -> None:
    at = _open("parcels")
    assert not at.exception
    at.selectbox(key=_zh(balance_state.PARCEL_COUNTY)).set_value("150103").run()  # 回民区
    assert not at.exception
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    script = json.loads(maps[0].proto.json_args)["script"].encode().decode("unicode_escape")
    assert "示意数据" in script
    assert "150103-000001" in script and "150105-000001" not in script
    assert any("尚无分配台账" in caption.value for caption in at.caption)


def test_switching_to_english_keeps_the_open_tab_and_the_choices() -> None:
    at = _open("farm")
    at = _farm(
        at,
        herd={"dairy_cow": 5000},
        crop="maize",
        yield_kg_per_mu=600,
        soil_class="III",
        manure_share=0.5,
        n_utilisation=0.25,
    )
    land_n = _metrics(at)[t("farm.m.land_n", "zh")]
    at.radio(key=state.LANG).set_value("en").run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Manure–land balance"]
    # New widgets (keys carry the language) start from the choices made in Chinese.
    crop = at.selectbox(key=balance_state.widget_key(balance_state.CROP, "en"))
    assert crop.value == "maize" and crop.options[crop.index] == "maize (grain)"
    assert at.radio(key=balance_state.widget_key(balance_state.SOIL_N_CLASS, "en")).value == "III"
    assert _metrics(at)[t("farm.m.land_n", "en")] == land_n


def _user_gpkg(tmp_path: Path) -> bytes:
    """Two ~0.5 km squares in 赛罕区 with Chinese column names and values."""
    parcels = gpd.GeoDataFrame(
        {
            "DKBH": ["A1", "A2"],
            "ZWMC": ["玉米", "青贮玉米"],
            "TRDJ": ["2", "3"],
            "KSF": ["是", "否"],
        },
        geometry=[box(111.800, 40.750, 111.806, 40.7545), box(111.810, 40.750, 111.816, 40.7545)],
        crs="EPSG:4326",
    )
    path = tmp_path / "my_parcels.gpkg"
    parcels.to_file(path, layer="parcels")
    return path.read_bytes()


def test_uploaded_parcels_replace_the_bundled_layer(tmp_path: Path) -> None:
    at = _open()
    at.file_uploader(key=balance_state.UPLOAD_FILE).set_value(
        ("my_parcels.gpkg", _user_gpkg(tmp_path), "application/geopackage+sqlite3")
    )
    at.run()
    assert not at.exception and not at.error
    for column, ours in (
        ("DKBH", "parcel_id"),
        ("ZWMC", "crop"),
        ("TRDJ", "soil_n_class"),
        ("KSF", "manure_allowed"),
    ):
        at.selectbox(key=balance_state.mapping_key(ours)).set_value(column)
    at.selectbox(key=balance_state.default_key("soil_p_class")).set_value("II")
    submit = [b for b in at.button if b.label == t("parcels_upload.submit", "zh")]
    submit[0].click().run()
    assert not at.exception and not at.error
    assert any("my_parcels.gpkg" in s.value for s in at.success)
    assert any("my_parcels.gpkg" in c.value and "2 块" in c.value for c in at.caption)
    table = at.dataframe[0].value.set_index(t("col.county", "zh"))
    # Only 赛罕区 has (user) land now; a county with livestock and no land is grade VI.
    assert table.loc["赛罕区", "负荷指数（以氮计）"] != "∞"
    assert table.loc["武川县", "预警等级（以氮计）"].startswith("VI")
    back = [b for b in at.button if b.label == t("parcels_upload.use_bundled", "zh")]
    back[0].click().run()
    assert (
        at.dataframe[0]
        .value.set_index(t("col.county", "zh"))
        .loc["武川县", "预警等级（以氮计）"]
        .startswith("I ")
    )


def test_upload_without_a_crop_column_or_default_shows_one_error(tmp_path: Path) -> None:
    at = _open()
    at.file_uploader(key=balance_state.UPLOAD_FILE).set_value(
        ("my_parcels.gpkg", _user_gpkg(tmp_path), "application/geopackage+sqlite3")
    )
    at.run()
    submit = [b for b in at.button if b.label == t("parcels_upload.submit", "zh")]
    submit[0].click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert "crop" in at.error[0].value and "my_parcels.gpkg" in at.error[0].value
    assert balance_state.USER_PARCELS not in at.session_state
