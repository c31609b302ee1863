"""GCJ-02 (the obfuscated datum of Amap/Gaode and Tencent maps) <-> WGS84, and BD-09 (Baidu).

The forward transform is the publicly known GCJ-02 offset function (Krasovsky 1940
ellipsoid constants, polynomial-plus-sine offset). It shifts points in China by a few
hundred metres. There is no closed-form inverse; `gcj02_to_wgs84` inverts it by fixed-point
iteration until the residual is below ``tol_deg`` (1e-9 deg ~ 0.1 mm), which gives a round
trip far inside the 0.5 m the planner needs. Points outside mainland China are returned
unchanged, as the offset is not applied there.

BD-09 (Baidu Maps lon/lat) is a further published transform of GCJ-02 (a small rotation and
scaling about the origin plus a fixed shift); `bd09_to_gcj02` is its usual closed-form
inverse (error below 1e-6 degree, ~0.1 m), and BD-09 -> WGS84 goes through GCJ-02.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from shapely import transform
from shapely.geometry.base import BaseGeometry

# Constants of the published algorithm: Krasovsky 1940 semi-major axis and eccentricity².
_A_M = 6378245.0
_EE = 0.00669342162296594323
# Rough bounding box of mainland China in which the offset applies.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)
_MAX_ITER = 30
_TOL_DEG = 1e-9
# Constants of the published BD-09 transform: angle factor (pi x 3000 / 180), the radius and
# angle perturbations, and the final shift in degrees.
_BD_X_PI = np.pi * 3000.0 / 180.0
_BD_R_PERTURB = 0.00002
_BD_ANGLE_PERTURB = 0.000003
_BD_DLON_DEG = 0.0065
_BD_DLAT_DEG = 0.006

FloatArray = npt.NDArray[np.float64]


def _inside_china(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    return (
        (lon >= _CHINA_LON[0])
        & (lon <= _CHINA_LON[1])
        & (lat >= _CHINA_LAT[0])
        & (lat <= _CHINA_LAT[1])
    )


def _offset_deg(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the GCJ-02 offset (dlon, dlat) in degrees at WGS84 positions."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A_M * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A_M / sqrt_magic * np.cos(rad_lat) * np.pi)
    inside = _inside_china(lon, lat)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Shift WGS84 lon/lat (degrees) to GCJ-02."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    d_lon, d_lat = _offset_deg(lon_a, lat_a)
    return lon_a + d_lon, lat_a + d_lat


def gcj02_to_wgs84(
    lon: npt.ArrayLike, lat: npt.ArrayLike, *, tol_deg: float = _TOL_DEG
) -> tuple[FloatArray, FloatArray]:
    """Invert GCJ-02 lon/lat (degrees) to WGS84 by fixed-point iteration.

    Starting from the GCJ-02 position, repeat ``p <- p - (gcj(p) - target)`` until the largest
    residual is below ``tol_deg``. The offset varies slowly (its gradient is ~1e-3), so this
    converges in 2-4 iterations.
    """
    g_lon = np.asarray(lon, dtype=np.float64)
    g_lat = np.asarray(lat, dtype=np.float64)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(_MAX_ITER):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        r_lon, r_lat = f_lon - g_lon, f_lat - g_lat
        w_lon = w_lon - r_lon
        w_lat = w_lat - r_lat
        if (
            max(
                float(np.max(np.abs(r_lon), initial=0.0)), float(np.max(np.abs(r_lat), initial=0.0))
            )
            < tol_deg
        ):
            break
    return w_lon, w_lat


def gcj02_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Shift GCJ-02 lon/lat (degrees) to BD-09 (Baidu)."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    z = np.sqrt(x * x + y * y) + _BD_R_PERTURB * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + _BD_ANGLE_PERTURB * np.cos(x * _BD_X_PI)
    return z * np.cos(theta) + _BD_DLON_DEG, z * np.sin(theta) + _BD_DLAT_DEG


def bd09_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Shift BD-09 (Baidu) lon/lat (degrees) back to GCJ-02 (the published inverse)."""
    x = np.asarray(lon, dtype=np.float64) - _BD_DLON_DEG
    y = np.asarray(lat, dtype=np.float64) - _BD_DLAT_DEG
    z = np.sqrt(x * x + y * y) - _BD_R_PERTURB * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - _BD_ANGLE_PERTURB * np.cos(x * _BD_X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def bd09_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 lon/lat (degrees) to WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _apply_to_coords(
    geom: BaseGeometry, func: Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
) -> BaseGeometry:
    def _xy(coords: FloatArray) -> FloatArray:
        lon_out, lat_out = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon_out, lat_out])

    return transform(geom, _xy)


def geometry_gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return a copy of a lon/lat shapely geometry converted from GCJ-02 to WGS84."""
    return _apply_to_coords(geom, gcj02_to_wgs84)


def geometry_wgs84_to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    """Return a copy of a lon/lat shapely geometry converted from WGS84 to GCJ-02."""
    return _apply_to_coords(geom, wgs84_to_gcj02)


def geometry_bd09_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return a copy of a lon/lat shapely geometry converted from BD-09 to WGS84."""
    return _apply_to_coords(geom, bd09_to_wgs84)
