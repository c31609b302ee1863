"""Validation of site records handed to the store."""

from __future__ import annotations

import dataclasses

import pytest

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from errors import InvalidGeometryError, ParameterError
from store import SiteRecord
from store.site_checks import check_site
from tests.store.conftest import footprint, full_site


def test_normalises_for_storage() -> None:
    clockwise_3d = Polygon(
        [(111.0, 40.0, 5.0), (111.0, 40.1, 5.0), (111.1, 40.1, 5.0), (111.1, 40.0, 5.0)]
    )
    site = SiteRecord(
        name="  A  ",
        geometry=MultiPolygon([clockwise_3d]),
        manure_route=" ",
        note="",
        county_code=" 150121 ",
    )
    checked = check_site(site)
    assert checked.name == "A"
    assert checked.geometry.geom_type == "Polygon"
    assert not checked.geometry.has_z
    assert shapely.is_ccw(checked.geometry.exterior)
    assert (checked.manure_route, checked.note, checked.county_code) == (None, None, "150121")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"dairy_cow_head": -5}, r"dairy_cow_head = -5 must be a whole number of head >= 0"),
        ({"sheep_head": 2.5}, r"sheep_head = 2\.5 must be a whole number"),
        ({"goat_head": True}, r"goat_head = True must be a whole number"),
        (
            {"status": "planned"},
            r"status 'planned' is not one of existing, under_construction, "
            r"proposed",
        ),
        ({"footprint_source": "gps"}, r"footprint_source 'gps' is not one of drawn, uploaded"),
        ({"name": " "}, r"name is empty; give the site a name"),
        ({"start_year": 20230}, r"start_year = 20230 must be a year between 1900 and 2100"),
        ({"haul_radius_km": 0.0}, r"haul_radius_km = 0\.0 must be a distance in km > 0"),
        ({"haul_radius_km": float("nan")}, r"haul_radius_km = nan must be a distance"),
        ({"county_code": "15012"}, r"county_code '15012' must be the 6-digit county code"),
        ({"note": 5}, r"note = 5 must be text or None"),
    ],
)
def test_parameter_errors(change: dict[str, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        check_site(dataclasses.replace(full_site(), **change))


def test_all_problems_are_listed_at_once() -> None:
    bad = dataclasses.replace(full_site("X"), dairy_cow_head=-1, status="?", start_year=1)
    with pytest.raises(
        ParameterError,
        match=r"site 'X': status '\?' .*; dairy_cow_head = -1 "
        r".*; start_year = 1",
    ):
        check_site(bad)


@pytest.mark.parametrize(
    ("geometry", "match"),
    [
        (None, r"geometry is NoneType, not a shapely Polygon"),
        (Point(111, 40), r"geometry is a Point; a site footprint must be one Polygon"),
        (LineString([(111, 40), (111.1, 40)]), r"geometry is a LineString"),
        (MultiPolygon([footprint(111, 40), footprint(112, 40)]), r"geometry is a MultiPolygon"),
        (Polygon(), r"geometry is empty"),
        (
            Polygon([(111, 40), (111.1, 40.1), (111.1, 40), (111, 40.1)]),
            r"geometry is invalid \(Self-intersection",
        ),
        (
            footprint(500_000.0, 4_500_000.0, 100.0),
            r"outside lon/lat degrees; the store keeps "
            r"EPSG:4326: reproject with to_crs\('EPSG:4326'\)",
        ),
    ],
)
def test_geometry_errors(geometry: object, match: str) -> None:
    with pytest.raises(InvalidGeometryError, match=match):
        check_site(dataclasses.replace(full_site(), geometry=geometry))


def test_bilingual_message() -> None:
    with pytest.raises(ParameterError) as info:
        check_site(dataclasses.replace(full_site(), dairy_cow_head=-5))
    assert "须为不小于 0 的整数头数" in info.value.message("zh")
