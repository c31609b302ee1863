"""Bring your own data into a copy of the Ningxia pack: preview, write, and refusals.

Coordinates are checked against conversions written here independently: a PROJ string
for the zone-prefixed Gauss-Kruger file, and the published GCJ-02 forward transform (the
import inverts it, so forward(imported) must give back the file's coordinates).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from affine import Affine

import geopandas as gpd
import pyogrio
import rasterio
import shapely
from pyproj import Transformer
from shapely.geometry import box

from cli import main
from errors import InputDataError, ParameterError, SchemaError
from layers.coefficients import load_nutrient_params
from layers.parcels import load_parcels
from layers.region import REGIONS_DIR, load_region
from layers.water_caps import load_water_caps
from planning.buildout_inputs import load_buildout_inputs
from planning.data_import import commit_import, import_layer, preview_import
from siting.buildout import run_buildout

M2_PER_MU = 10_000 / 15
SIDE_M = 1_000.0
#: Zone 35 of the CGCS2000 3-degree Gauss-Kruger with the zone number in the easting, as a
#: PROJ string (independent of the EPSG code the import finds).
ZONE35_PROJ = "+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=35500000 +y_0=0 +ellps=GRS80 +units=m"
# Published GCJ-02 constants (Krasovsky 1940), for the independent forward transform.
A_M, EE = 6378245.0, 0.00669342162296594323


def _gcj02_forward(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    d_lat = d_lat * 180.0 / ((A_M * (1 - EE)) / (magic * math.sqrt(magic)) * math.pi)
    d_lon = d_lon * 180.0 / (A_M / math.sqrt(magic) * math.cos(rad) * math.pi)
    return lon + d_lon, lat + d_lat


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "ningxia"
    shutil.copytree(REGIONS_DIR / "ningxia", folder)
    return folder


def _squares_zone35(n: int) -> list[shapely.Polygon]:
    """``n`` 1 km squares near 灵武市 (106.35E, 38.10N), zone-prefixed eastings."""
    to_zone = Transformer.from_crs("EPSG:4326", ZONE35_PROJ, always_xy=True)
    x0, y0 = to_zone.transform(106.35, 38.10)
    step = 1.5 * SIDE_M
    return [box(x0 + i * step, y0, x0 + i * step + SIDE_M, y0 + SIDE_M) for i in range(n)]


def _gbk_parcels(folder: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"ZZZW": ["青贮玉米", "玉米", "苜蓿"], "TRDJ": ["II", "I", "III"], "TBMJ": [1e6] * 3},
        geometry=_squares_zone35(3),
        crs=ZONE35_PROJ,
    ).to_crs("EPSG:4326")
    path = folder / "sandi.shp"
    pyogrio.write_dataframe(frame, path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_gbk_shapefile_without_cpg_becomes_the_packs_parcels(pack: Path, tmp_path: Path) -> None:
    region = load_region(pack)
    source = _gbk_parcels(tmp_path)
    preview, updated = import_layer(
        region,
        "parcels",
        source,
        mapping={"crop": "ZZZW", "soil_class": "TRDJ", "area": "TBMJ"},
        defaults={"manure_allowed": True},
    )
    assert (preview.encoding, preview.encoding_how) == ("GB18030", "sniffed")
    assert preview.feature_count == 3
    expected_mu = 3 * SIDE_M * SIDE_M / M2_PER_MU  # 4,500 亩 = 300 ha
    assert preview.area_mu == pytest.approx(expected_mu, rel=1e-6)
    assert preview.area_ha == pytest.approx(300.0, rel=1e-6)
    assert preview.stated_area_mu == pytest.approx(expected_mu)
    spec = updated.layers["absorption_parcels"]
    assert (spec.status, spec.illustrative, spec.file) == (
        "user",
        False,
        "user_absorption_parcels.gpkg",
    )
    assert spec.source.startswith("user file sandi.shp, imported ")
    assert "encoding GB18030 (sniffed)" in spec.source
    parcels = load_parcels(load_region(pack))
    assert sorted(parcels["crop"]) == ["alfalfa", "maize", "silage_corn"]
    assert sorted(parcels["soil_n_class"]) == ["I", "II", "III"]
    assert set(parcels["adcode"]) == {"640181"}  # 灵武市


def test_zone_prefixed_gauss_kruger_file_is_placed_by_its_zone(pack: Path, tmp_path: Path) -> None:
    squares = _squares_zone35(2)
    frame = gpd.GeoDataFrame({"BH": ["JBNT-1", "JBNT-2"]}, geometry=squares)
    path = tmp_path / "jbnt.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(frame, path)  # no .prj: the eastings say zone 35
    preview = preview_import(load_region(pack), "basic_farmland", path)
    assert (preview.crs_found, preview.crs_how) == ("EPSG:4523", "zone_prefix")
    assert preview.features is not None
    to_lonlat = Transformer.from_crs(ZONE35_PROJ, "EPSG:4326", always_xy=True)
    for square, imported in zip(squares, preview.features.geometry, strict=True):
        x, y = square.exterior.coords[0]
        lon, lat = to_lonlat.transform(x, y)
        assert imported.exterior.coords[0] == pytest.approx((lon, lat), abs=1e-8)
    assert preview.area_mu == pytest.approx(2 * SIDE_M * SIDE_M / M2_PER_MU, rel=1e-6)
    updated = commit_import(load_region(pack), preview)
    assert updated.layers["basic_farmland"].file == "user_basic_farmland.gpkg"
    again = commit_import(updated, preview)  # a re-import: new file, the old one removed
    assert again.layers["basic_farmland"].file == "user_basic_farmland-2.gpkg"
    assert not (pack / "user_basic_farmland.gpkg").exists()
    assert (pack / "user_basic_farmland-2.gpkg").is_file()


def test_gcj02_file_is_converted_to_wgs84(pack: Path, tmp_path: Path) -> None:
    corners = [(106.30, 38.10), (106.32, 38.10), (106.32, 38.12), (106.30, 38.12)]
    path = tmp_path / "jinyangqu.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "禁养区1"},
                        "geometry": {"type": "Polygon", "coordinates": [[*corners, corners[0]]]},
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    preview = preview_import(load_region(pack), "no_farming", path, source_crs="gcj02")
    assert preview.crs_how == "gcj02"
    assert preview.features is not None
    ring = list(preview.features.geometry.iloc[0].exterior.coords)
    for wgs, gcj in zip(ring, [*corners, corners[0]], strict=True):
        assert _gcj02_forward(*wgs) == pytest.approx(gcj, abs=1e-8)
        assert wgs[0] < gcj[0]  # the GCJ-02 offset near Yinchuan is east and north
    assert preview.features["name"].tolist() == ["禁养区1"]


def test_bad_file_leaves_the_pack_unchanged(pack: Path, tmp_path: Path) -> None:
    before = _snapshot(pack)
    far = gpd.GeoDataFrame({"ZZZW": ["青贮玉米"]}, geometry=[box(111.0, 40.0, 111.01, 40.01)])
    path = tmp_path / "hohhot.gpkg"
    far.set_crs("EPSG:4326").to_file(path, driver="GPKG")
    with pytest.raises(InputDataError) as caught:
        import_layer(load_region(pack), "no_farming", path)
    assert caught.value.message("en").startswith(
        "hohhot.gpkg: 1 of 1 features have problems:\n- feature 1: lies outside the region"
    )
    assert caught.value.message("zh").startswith("hohhot.gpkg")
    bad_csv = tmp_path / "caps.csv"
    bad_csv.write_text(
        "adcode,name_zh,cap_m3_per_yr,other_use_m3_per_yr,status,source,note\n"
        "640181,灵武市,-5,0,verified,水利厅,\n",
        encoding="gbk",
    )
    with pytest.raises(SchemaError) as table_error:
        import_layer(load_region(pack), "water_caps", bad_csv)
    assert table_error.value.message("en") == (
        "The water caps table 'caps.csv' has 2 problem(s):\n"
        "- column 'cap_m3_per_yr' is negative on line(s) 2: -5.0\n"
        "- column 'other_use_m3_per_yr' is above cap_m3_per_yr on line(s) 2: 0.0\n"
        "Correct the file (columns and units: data/README.md)."
    )
    assert _snapshot(pack) == before


def test_failed_swap_leaves_the_pack_unchanged(
    pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    region = load_region(pack)
    preview = preview_import(
        region,
        "parcels",
        _gbk_parcels(tmp_path),
        mapping={"crop": "ZZZW", "soil_class": "TRDJ"},
        defaults={"manure_allowed": True},
    )
    before = _snapshot(pack)
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "manifest.toml":
            msg = "disk full"
            raise OSError(msg)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        commit_import(region, preview)
    assert _snapshot(pack) == before


def test_gbk_water_caps_table_is_read_and_written_as_utf8(pack: Path, tmp_path: Path) -> None:
    path = tmp_path / "caps.csv"
    path.write_text(
        "县码,name_zh,上限,other_use_m3_per_yr,status,source,note\n"
        "640181,灵武市,350000000,200000000,verified,宁夏水利厅 2024,用水总量控制\n",
        encoding="gbk",
    )
    preview, updated = import_layer(
        load_region(pack),
        "water_caps",
        path,
        mapping={"adcode": "县码", "cap_m3_per_yr": "上限"},
    )
    assert (preview.encoding, preview.encoding_how, preview.feature_count) == (
        "GB18030",
        "sniffed",
        1,
    )
    caps = load_water_caps(updated)
    assert caps[["adcode", "name_zh", "cap_m3_per_yr"]].values.tolist() == [
        ["640181", "灵武市", 350_000_000.0]
    ]


def test_cli_import_dry_run_and_bad_mapping(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _gbk_parcels(tmp_path)
    before = _snapshot(pack)
    args = ["import", str(source), "--region", str(pack), "--layer", "parcels"]
    mapped = ["--map", "crop=ZZZW,soil_class=TRDJ", "--default", "manure_allowed=true"]
    assert main([*args, *mapped, "--dry-run", "--lang", "zh"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "图层: absorption_parcels"
    assert out[1] == "要素数（表格为行数，DEM 为像元数）: 3"
    assert out[2] == "面积（亩 / 公顷）: 4,500.0 / 300.0"
    assert out[4] == "识别的编码: GB18030 (自动识别)"
    assert out[-1] == "仅检查：未写入 ningxia 的 absorption_parcels。"
    assert main([*args, "--map", "crop=ZZZ", "--dry-run"]) == 2
    assert capsys.readouterr().err == (
        "python -m siting import: error: sandi.shp: mapped column(s) ZZZ not in the file "
        "(it has: ZZZW, TRDJ, TBMJ).\n"
    )
    assert _snapshot(pack) == before


def _bd09_forward(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 -> BD-09: the GCJ-02 forward, then Baidu's published transform."""
    x_pi = math.pi * 3000.0 / 180.0
    g_lon, g_lat = _gcj02_forward(lon, lat)
    z = math.sqrt(g_lon * g_lon + g_lat * g_lat) + 0.00002 * math.sin(g_lat * x_pi)
    theta = math.atan2(g_lat, g_lon) + 0.000003 * math.cos(g_lon * x_pi)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def test_bd09_file_is_converted_to_wgs84(pack: Path, tmp_path: Path) -> None:
    corners = [(106.31, 38.11), (106.33, 38.11), (106.33, 38.13), (106.31, 38.13)]
    frame = gpd.GeoDataFrame(
        {"名称": ["水源地一级保护区"]}, geometry=[shapely.Polygon(corners)], crs="EPSG:4326"
    )
    path = tmp_path / "shuiyuan.gpkg"
    frame.to_file(path, driver="GPKG")
    preview = preview_import(load_region(pack), "water_source", path, source_crs="bd09")
    assert preview.crs_how == "bd09"
    assert preview.features is not None
    assert preview.features["category"].tolist() == ["water_source"]
    ring = list(preview.features.geometry.iloc[0].exterior.coords)
    for wgs, bd in zip(ring, [*corners, corners[0]], strict=True):
        assert _bd09_forward(*wgs) == pytest.approx(bd, abs=2e-6)  # Baidu's inverse: ~0.2 m
    updated = commit_import(load_region(pack), preview)
    spec = updated.layers["water_source"]
    assert (spec.kind, spec.status) == ("no_farming_zone", "user")


def _write_dem(path: Path, crs: str, cell: float, origin: tuple[float, float]) -> None:
    profile = {
        "driver": "GTiff",
        "width": 4,
        "height": 3,
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": Affine(cell, 0.0, origin[0], 0.0, -cell, origin[1]),
    }
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(np.full((1, 3, 4), 1_150.0, dtype="float32"))


def test_dem_in_metres_is_added_and_one_in_degrees_refused(pack: Path, tmp_path: Path) -> None:
    good = tmp_path / "dem.tif"
    _write_dem(good, "EPSG:4544", 30.0, (530_000.0, 4_220_000.0))
    preview, updated = import_layer(load_region(pack), "dem", good)
    assert preview.feature_count == 12
    assert preview.area_mu == pytest.approx(12 * 30.0 * 30.0 / M2_PER_MU)
    assert updated.layers["dem"].file == "user_dem.tif"
    before = _snapshot(pack)
    bad = tmp_path / "dem_deg.tif"
    _write_dem(bad, "EPSG:4326", 0.0003, (106.3, 38.2))
    with pytest.raises(InputDataError) as caught:
        import_layer(load_region(pack), "dem", bad)
    assert caught.value.message("en") == (
        "dem_deg.tif: a DEM must be in a projected CRS in metres (found EPSG:4326); warp it, "
        "e.g. gdalwarp -t_srs EPSG:4544 -tr 30 30 -r bilinear in.tif out.tif."
    )
    assert _snapshot(pack) == before


def test_own_herd_table_replaces_the_illustrative_one_in_the_group_check(
    pack: Path, tmp_path: Path
) -> None:
    lines = ["县区代码,县区,年份,奶牛,status,source"]
    cores = ["640104", "640105", "640122", "640121", "640181", "640302", "640381"]
    lines += [
        f"{a},核心县{i},2023,95000,verified,县农业农村局 2023 年报" for i, a in enumerate(cores)
    ]
    path = tmp_path / "cunlan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    mapping = {
        "adcode": "县区代码",
        "name_zh": "县区",
        "year": "年份",
        "dairy_cow_head": "奶牛",
    }
    with pytest.raises(SchemaError, match="missing column"):
        import_layer(load_region(pack), "herd", path, mapping=mapping)  # no other species
    for column in ("goat_head", "beef_cattle_head", "sheep_head", "pig_head", "poultry_head"):
        lines[0] += f",{column}"
        lines[1:] = [line + ",0" for line in lines[1:]]
    lines[0] += ",note"
    lines[1:] = [line + "," for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    _, updated = import_layer(load_region(pack), "herd", path, mapping=mapping)
    assert updated.layers["herd_baseline"].status == "user"
    inputs, parameters = load_buildout_inputs(updated, load_nutrient_params(updated.dir))
    farms = pd.DataFrame(columns=["farm_id", "adcode", "status", "start_year", "dairy_cow_head"])
    result = run_buildout(farms, [2023], inputs, parameters)
    rows = result.checks[result.checks["scope"] == "group"].set_index("adcode")
    assert rows.loc["two_cores", "value"] == 7 * 95_000  # 665,000 > the 630,000 ceiling
    assert rows.loc["two_cores", "status"] == "exceeded"
    assert rows.loc["two_wings", "value"] == 0


def test_table_with_a_wrong_mapping_gets_one_message(pack: Path, tmp_path: Path) -> None:
    path = tmp_path / "caps.csv"
    path.write_text("县码,上限\n640181,350000000\n", encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        import_layer(load_region(pack), "water_caps", path, mapping={"adcode": "县区代码"})
    assert caught.value.message("en") == (
        "caps.csv: mapped column(s) 县区代码 not in the file (it has: 县码, 上限)."
    )
    assert (
        caught.value.message("zh") == "caps.csv：文件中没有映射的列 县区代码（现有：县码, 上限）。"
    )
