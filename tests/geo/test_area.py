"""Tests for geo.area: areas in the analysis CRS against a geodesic reference."""

from __future__ import annotations

import pytest

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import box
from shapely.geometry.polygon import orient

from errors import GeographicCrsError, MissingCrsError
from geo.area import area_ha, area_m2, area_mu
from geo.units import M2_PER_HA, M2_PER_MU

# About 1 km x 1 km near Hohhot: 0.0118 deg of longitude and 0.009 deg of latitude at 40.8N.
SITE_LONLAT = box(111.650, 40.800, 111.6618, 40.809)


def _site(crs: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[SITE_LONLAT], crs="EPSG:4326").to_crs(crs)


def _geodesic_area_m2() -> float:
    area_signed_m2, _ = Geod(ellps="GRS80").geometry_area_perimeter(orient(SITE_LONLAT))
    return abs(area_signed_m2)


def test_reference_polygon_is_about_one_km2() -> None:
    assert _geodesic_area_m2() == pytest.approx(1_000_000, rel=0.01)


def test_area_mu_in_gauss_kruger_matches_geodesic_area() -> None:
    expected_mu = _geodesic_area_m2() / M2_PER_MU
    got_mu = area_mu(_site("EPSG:4546")).iloc[0]
    assert got_mu == pytest.approx(expected_mu, rel=0.0005)


def test_area_m2_and_ha_agree_with_mu() -> None:
    site = _site("EPSG:4546")
    m2 = area_m2(site).iloc[0]
    assert area_ha(site).iloc[0] == pytest.approx(m2 / M2_PER_HA, rel=1e-12)
    assert area_mu(site).iloc[0] == pytest.approx(m2 / M2_PER_MU, rel=1e-12)
    assert area_mu(site.geometry).iloc[0] == pytest.approx(m2 / M2_PER_MU, rel=1e-12)


def test_hundred_metre_square_is_fifteen_mu() -> None:
    square = gpd.GeoDataFrame(
        geometry=[box(500_000, 4_500_000, 500_100, 4_500_100)], crs="EPSG:4546"
    )
    assert area_mu(square).iloc[0] == pytest.approx(10_000 / (10_000 / 15))


def test_area_refuses_degrees() -> None:
    with pytest.raises(GeographicCrsError, match=r"geographic CRS \(EPSG:4326\)") as info:
        area_mu(_site("EPSG:4326"))
    assert "地理坐标系" in info.value.message("zh")


def test_area_refuses_web_mercator() -> None:
    with pytest.raises(GeographicCrsError, match="Web Mercator") as info:
        area_m2(_site("EPSG:3857"))
    assert "墨卡托" in info.value.message("zh")


def test_area_refuses_missing_crs() -> None:
    with pytest.raises(MissingCrsError, match="has no CRS"):
        area_m2(gpd.GeoDataFrame(geometry=[SITE_LONLAT]))
