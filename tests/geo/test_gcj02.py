"""GCJ-02 <-> WGS84: round trip, size and direction of the offset near Hohhot, edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from pyproj import Geod
from shapely.geometry import Polygon

from geo.gcj02 import (
    gcj02_to_wgs84,
    geometry_gcj02_to_wgs84,
    geometry_wgs84_to_gcj02,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
# A 10 x 10 grid over the Hohhot city outline (lon 110.5-112.3 E, lat 39.6-41.4 N).
GRID_LON, GRID_LAT = np.meshgrid(np.linspace(110.5, 112.3, 10), np.linspace(39.6, 41.4, 10))
HOHHOT_CENTRE = (111.75, 40.84)  # 新城区/回民区, the city centre, degrees
ROUND_TRIP_MAX_M = 0.5
# Expected GCJ-02 minus WGS84 near Hohhot (docs/decisions.md: about +585 m E, +160 m N).
# Over the whole grid the offset is 502-602 m east and 97-229 m north (the sine terms make it
# vary by ~100 m); the rough 100-250 m north band is widened to 90 m for the SW corner.
EAST_RANGE_M = (500.0, 700.0)
NORTH_RANGE_M = (90.0, 250.0)


def _distance_m(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    _, _, dist_m = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist_m)


def _east_north_m(
    lon: np.ndarray, lat: np.ndarray, lon_to: np.ndarray, lat_to: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic east and north components (m) of the move (lon, lat) -> (lon_to, lat_to)."""
    east_m = _distance_m(lon, lat, lon_to, lat) * np.sign(lon_to - lon)
    north_m = _distance_m(lon, lat, lon, lat_to) * np.sign(lat_to - lat)
    return east_m, north_m


def test_round_trip_wgs84_gcj02_wgs84_is_below_half_a_metre() -> None:
    g_lon, g_lat = wgs84_to_gcj02(GRID_LON, GRID_LAT)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert _distance_m(GRID_LON, GRID_LAT, w_lon, w_lat).max() < ROUND_TRIP_MAX_M


def test_round_trip_gcj02_wgs84_gcj02_is_below_half_a_metre() -> None:
    w_lon, w_lat = gcj02_to_wgs84(GRID_LON, GRID_LAT)
    g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
    assert _distance_m(GRID_LON, GRID_LAT, g_lon, g_lat).max() < ROUND_TRIP_MAX_M


def test_offset_near_hohhot_is_a_few_hundred_metres_east_and_north() -> None:
    g_lon, g_lat = wgs84_to_gcj02(GRID_LON, GRID_LAT)
    east_m, north_m = _east_north_m(GRID_LON, GRID_LAT, g_lon, g_lat)
    assert east_m.min() > EAST_RANGE_M[0] and east_m.max() < EAST_RANGE_M[1]
    assert north_m.min() > NORTH_RANGE_M[0] and north_m.max() < NORTH_RANGE_M[1]


def test_offset_at_the_city_centre_matches_the_recorded_decision() -> None:
    lon, lat = np.array([HOHHOT_CENTRE[0]]), np.array([HOHHOT_CENTRE[1]])
    east_m, north_m = _east_north_m(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert east_m[0] == pytest.approx(585, abs=40)
    assert north_m[0] == pytest.approx(160, abs=40)


def test_inverse_moves_west_and_south_near_hohhot() -> None:
    w_lon, w_lat = gcj02_to_wgs84(GRID_LON, GRID_LAT)
    east_m, north_m = _east_north_m(GRID_LON, GRID_LAT, w_lon, w_lat)
    assert (east_m < -EAST_RANGE_M[0]).all()
    assert (north_m < -NORTH_RANGE_M[0]).all()


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (2.35, 48.85),  # Paris
        (-74.0, 40.7),  # New York
        (139.7, 35.7),  # Tokyo, east of the box the offset applies in
        (111.75, -40.84),  # Hohhot's longitude, southern hemisphere
    ],
)
def test_points_outside_china_are_unchanged(lon: float, lat: float) -> None:
    assert tuple(map(float, wgs84_to_gcj02(lon, lat))) == (lon, lat)
    assert tuple(map(float, gcj02_to_wgs84(lon, lat))) == (lon, lat)


def test_array_input_keeps_shape_and_matches_scalar_results() -> None:
    g_lon, g_lat = wgs84_to_gcj02(GRID_LON, GRID_LAT)
    assert g_lon.shape == GRID_LON.shape and g_lat.shape == GRID_LAT.shape
    one_lon, one_lat = wgs84_to_gcj02(float(GRID_LON[3, 4]), float(GRID_LAT[3, 4]))
    assert float(one_lon) == g_lon[3, 4] and float(one_lat) == g_lat[3, 4]
    list_lon, list_lat = gcj02_to_wgs84([111.0, 111.5], [40.0, 40.5])
    assert list_lon.shape == (2,) and list_lat.dtype == np.float64


def test_empty_array_input_returns_empty_arrays() -> None:
    lon, lat = gcj02_to_wgs84(np.array([]), np.array([]))
    assert lon.size == 0 and lat.size == 0


def test_geometry_conversion_moves_every_vertex_like_the_point_function() -> None:
    square = Polygon([(111.0, 40.0), (111.1, 40.0), (111.1, 40.1), (111.0, 40.1)])
    converted = geometry_gcj02_to_wgs84(square)
    lon, lat = np.array(square.exterior.coords).T
    expected = np.column_stack(gcj02_to_wgs84(lon, lat))
    np.testing.assert_allclose(np.array(converted.exterior.coords), expected, rtol=0, atol=1e-12)
    back = geometry_wgs84_to_gcj02(converted)
    assert back.equals_exact(square, tolerance=1e-8)
