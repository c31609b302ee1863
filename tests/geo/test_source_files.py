"""Reading a bureau's file as it comes: GBK .dbf without .cpg, zone-prefixed GK, BD-09."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import geopandas as gpd
import pyogrio
from shapely.geometry import box

from errors import MissingCrsError
from geo.gcj02 import bd09_to_gcj02, gcj02_to_bd09
from geo.source_files import read_source, shapefile_encoding, zone_prefixed_gk_epsg

X_PI = math.pi * 3000.0 / 180.0


def _bd09_from_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Baidu's published forward transform, written out independently of geo.gcj02."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


@pytest.mark.parametrize(
    ("eastings", "epsg"),
    [
        ([38_500_000.0, 38_512_345.6], 4526),  # 3-degree zone 38 (CM 114E)
        ([35_400_000.0], 4523),  # zone 35 (CM 105E), Ningxia
        ([36_450_000.0], 4524),  # zone 36 (CM 108E), Ordos
        ([18_500_000.0], 4496),  # 6-degree zone 18 (CM 105E)
    ],
)
def test_zone_prefixed_eastings_give_the_zone(eastings: list[float], epsg: int) -> None:
    assert zone_prefixed_gk_epsg(np.array(eastings)) == epsg


@pytest.mark.parametrize(
    "eastings",
    [[500_000.0], [38_500_000.0, 39_500_000.0], [24_500_000.0], [106.3]],
)
def test_no_zone_when_plain_mixed_or_unknown(eastings: list[float]) -> None:
    assert zone_prefixed_gk_epsg(np.array(eastings)) is None


def test_bd09_round_trip_against_the_published_forward() -> None:
    gcj = (106.2744, 38.4705)
    bd = _bd09_from_gcj02(*gcj)
    assert tuple(float(v) for v in gcj02_to_bd09(*gcj)) == pytest.approx(bd, abs=1e-12)
    back = bd09_to_gcj02(*bd)
    assert float(back[0]) == pytest.approx(gcj[0], abs=2e-6)
    assert float(back[1]) == pytest.approx(gcj[1], abs=2e-6)


def _gbk_shapefile(folder: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"ZZZW": ["青贮玉米", "苜蓿"]}, geometry=[box(106.3, 38.1, 106.31, 38.11)] * 2, crs=4326
    )
    path = folder / "parcels.shp"
    pyogrio.write_dataframe(frame, path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    return path


def test_gbk_dbf_without_cpg_is_sniffed_and_decoded(tmp_path: Path) -> None:
    path = _gbk_shapefile(tmp_path)
    assert "青贮玉米".encode("gbk") in path.with_suffix(".dbf").read_bytes()
    found = shapefile_encoding(path)
    assert (found.encoding, found.how) == ("GB18030", "sniffed")
    read = read_source(path, source_name="parcels.shp")
    assert read.features["ZZZW"].tolist() == ["青贮玉米", "苜蓿"]


def test_file_without_crs_or_zone_prefix_gets_one_message(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(geometry=[box(400_000, 4_200_000, 401_000, 4_201_000)])
    path = tmp_path / "plain.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(frame, path)
    with pytest.raises(MissingCrsError) as caught:
        read_source(path, source_name="plain.shp")
    assert caught.value.message("en") == (
        "plain.shp has no CRS (.prj missing) and its eastings carry no zone number; give "
        "the CRS, e.g. --source-crs EPSG:4545 (Gauss-Kruger CM 108E) or EPSG:4326."
    )
    assert caught.value.message("zh") == (
        "plain.shp 没有坐标系（缺少 .prj），东坐标也不带带号；请指定坐标系，"
        "如 --source-crs EPSG:4545（高斯-克吕格 CM 108E）或 EPSG:4326。"
    )
