"""Tests for geo.crs: Gauss-Kruger zone choice and CRS input normalisation."""

from __future__ import annotations

import pytest

from pyproj import CRS

from errors import GeographicCrsError, MissingCrsError
from geo.crs import crs_from_user_input, gk3_zone_epsg, require_projected


@pytest.mark.parametrize(
    ("lon_deg", "epsg"),
    [
        (111.0, 4546),
        (114.0, 4547),
        (117.0, 4548),
        (112.4, 4546),
        (112.6, 4547),
        (75.0, 4534),
        (135.0, 4554),
    ],
)
def test_gk3_zone_epsg(lon_deg: float, epsg: int) -> None:
    assert gk3_zone_epsg(lon_deg) == epsg


def test_gk3_zone_epsg_matches_the_central_meridian_in_the_epsg_name() -> None:
    assert "CM 111E" in CRS.from_epsg(gk3_zone_epsg(111.65)).name


@pytest.mark.parametrize("lon_deg", [10.0, 140.0])
def test_gk3_zone_epsg_outside_china(lon_deg: float) -> None:
    with pytest.raises(GeographicCrsError, match=f"Longitude {lon_deg} is outside") as info:
        gk3_zone_epsg(lon_deg)
    assert "三度带" in info.value.message("zh")


@pytest.mark.parametrize(
    "value", ["EPSG:4546", 4546, CRS.from_epsg(4546), CRS.from_epsg(4546).to_wkt()]
)
def test_crs_from_user_input_accepts_common_forms(value: object) -> None:
    assert crs_from_user_input(value).to_epsg() == 4546


def test_crs_from_user_input_none() -> None:
    with pytest.raises(MissingCrsError, match="No CRS given") as info:
        crs_from_user_input(None)
    assert "未指定坐标系" in info.value.message("zh")


@pytest.mark.parametrize("value", ["EPSG:999999", "not a crs", 3.5])
def test_crs_from_user_input_rejects_garbage(value: object) -> None:
    with pytest.raises(MissingCrsError, match="is not a coordinate reference system") as info:
        crs_from_user_input(value)
    assert "EPSG" in info.value.message("zh")


def test_require_projected_accepts_gauss_kruger() -> None:
    assert require_projected("EPSG:4546").to_epsg() == 4546


@pytest.mark.parametrize(
    ("crs", "pattern"),
    [
        ("EPSG:4326", "geographic CRS"),
        ("EPSG:4490", "geographic CRS"),
        ("EPSG:3857", "Web Mercator"),
    ],
)
def test_require_projected_rejects_degrees_and_web_mercator(crs: str, pattern: str) -> None:
    with pytest.raises(GeographicCrsError, match=pattern):
        require_projected(crs, what="sites")


def test_require_projected_missing() -> None:
    with pytest.raises(MissingCrsError, match="`sites` has no CRS"):
        require_projected(None, what="sites")
