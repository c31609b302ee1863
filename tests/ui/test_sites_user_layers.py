"""Users' own constraint layers and DEM on the site-check page (AppTest, real Hohhot pack).

AppTest cannot drive ``st.file_uploader``, so the page script first passes the uploaded
bytes to the page's handlers (`ui.sites.user_layers.accept_layer` / ``accept_dem``, the
same calls the uploaders make), inside `ui.errors.user_errors`, then renders the page.
DEMO-11 passes every gate with the bundled layers (see ``python -m siting score``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from affine import Affine
from streamlit.testing.v1 import AppTest

import geopandas as gpd
import rasterio

from ui.labels import t

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "regions" / "hohhot" / "demo_candidates.geojson"
SITE = "DEMO-11"
ANALYSIS_CRS = "EPSG:4546"
TIMEOUT_S = 240
CELL_M = 30.0
DZ_DX = 0.1  # plane z = 0.1·x: slope atan(0.1)
PAD_M = 300.0
ZONE_ID, ZONE_NAME = "U-NFZ-1", "用户划定禁养区甲"

Upload = tuple[str, str, bytes]  # (kind or "dem", file name, bytes)


def _page(uploads: list[tuple[str, str, bytes]]) -> None:
    import streamlit as st

    from ui import state
    from ui.errors import user_errors
    from ui.sites import page as sites
    from ui.sites import user_layers as user

    state.init_state()
    region_id = str(st.session_state[state.REGION])
    for kind, filename, data in uploads:
        with user_errors(state.lang()):
            if kind == "dem":
                user.accept_dem(region_id, filename, data)
            else:
                user.accept_layer(region_id, kind, filename, data)
    sites.render()


def _run(uploads: list[Upload], selected: str | None = None) -> AppTest:
    from ui.sites import page as sites

    at = AppTest.from_function(_page, args=(uploads,), default_timeout=TIMEOUT_S).run()
    if selected is not None:
        at.selectbox(key=sites.SITE).set_value(selected).run()
    assert not at.exception
    return at


def _table(at: AppTest, column_key: str) -> pd.DataFrame:
    column = t(column_key, "zh")
    tables = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(tables) == 1
    return tables[0]


def _ranking(at: AppTest) -> pd.DataFrame:
    table = _table(at, "scol.county").copy()
    table["site_id"] = table[t("scol.site", "zh")].str.split().str[0]
    return table.set_index("site_id")


def _map_script(at: AppTest) -> str:
    maps = [el for el in at.main if getattr(el, "type", "") == "component_instance"]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)["script"].encode().decode("unicode_escape")


def _site_4546() -> gpd.GeoSeries:
    sites = gpd.read_file(DEMO)
    return sites[sites["site_id"] == SITE].to_crs(ANALYSIS_CRS).geometry


def _dem_bytes(path: Path, values: np.ndarray, transform: Affine, crs: str) -> bytes:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype="float64",
        crs=crs,
        transform=transform,
    ) as dst:
        dst.write(values, 1)
    return path.read_bytes()


def test_own_no_farming_zone_in_4546_fails_a_passing_site(tmp_path: Path) -> None:
    zone = gpd.GeoDataFrame(
        {"feature_id": [ZONE_ID], "name": [ZONE_NAME]},
        geometry=_site_4546().buffer(50.0).values,
        crs=ANALYSIS_CRS,
    )
    path = tmp_path / "my_zone.gpkg"
    zone.to_file(path, driver="GPKG")
    at = _run([("no_farming_zone", path.name, path.read_bytes())], selected=SITE)
    assert not at.error
    row = _ranking(at).loc[SITE]
    assert row[t("scol.passed", "zh")] == "✖"
    assert ZONE_NAME in row[t("scol.failed", "zh")]
    gates = _table(at, "gcol.feature")
    failed = gates[gates[t("gcol.passed", "zh")] == "✖"]
    assert failed[t("gcol.feature", "zh")].str.contains(ZONE_ID).any()
    assert "禁养区" + t("sites.user.suffix", "zh") in _map_script(at)
    assert any(path.name in c.value for c in at.caption)


def test_broken_file_gives_one_error_and_keeps_bundled_layers() -> None:
    at = _run([("no_farming_zone", "broken.geojson", b"{ this is not json")])
    assert len(at.error) == 1
    assert "broken.geojson" in at.error[0].value
    assert _ranking(at).loc["DEMO-01", t("scol.passed", "zh")] == "✖"  # bundled 禁养区
    script = _map_script(at)
    assert "禁养区" + t("map.illustrative_suffix", "zh") in script
    assert t("sites.user.suffix", "zh") not in script


def test_geographic_dem_is_refused(tmp_path: Path) -> None:
    values = np.zeros((20, 20))
    transform = Affine(0.0003, 0.0, 111.5, 0.0, -0.0003, 40.8)
    data = _dem_bytes(tmp_path / "lonlat_dem.tif", values, transform, "EPSG:4326")
    at = _run([("dem", "lonlat_dem.tif", data)])
    assert len(at.error) == 1
    assert "地理坐标系" in at.error[0].value and "lonlat_dem.tif" in at.error[0].value


def test_projected_plane_dem_sets_the_slope(tmp_path: Path) -> None:
    xmin, ymin, xmax, ymax = _site_4546().total_bounds
    x0, y1 = xmin - PAD_M, ymax + PAD_M
    n_cols = math.ceil((xmax + PAD_M - x0) / CELL_M)
    n_rows = math.ceil((y1 - (ymin - PAD_M)) / CELL_M)
    x_centres = x0 + (np.arange(n_cols) + 0.5) * CELL_M
    values = np.tile(DZ_DX * (x_centres - x0), (n_rows, 1))
    transform = Affine(CELL_M, 0.0, x0, 0.0, -CELL_M, y1)
    data = _dem_bytes(tmp_path / "plane.tif", values, transform, ANALYSIS_CRS)
    at = _run([("dem", "plane.tif", data)], selected=SITE)
    assert not at.error
    expected_deg = math.degrees(math.atan(DZ_DX))  # 5.7106°
    gates = _table(at, "gcol.feature")
    slope_gate = gates[gates[t("gcol.unit", "zh")] == t("unit.deg", "zh")][t("gcol.value", "zh")]
    assert slope_gate.iloc[0] == pytest.approx(expected_deg, abs=0.05)
    criteria = _table(at, "ccol.contribution")
    slopes = criteria[criteria[t("ccol.unit", "zh")] == t("unit.deg", "zh")][t("ccol.value", "zh")]
    assert len(slopes) == 2
    assert slopes.to_numpy(dtype=float) == pytest.approx([expected_deg] * 2, abs=0.01)
