"""CRS roles: storage (lon/lat), analysis (projected, per region) and display (EPSG:4326).

* ``STORAGE_CRS`` - what bundled and saved data is stored in (WGS84 lon/lat; CGCS2000
  EPSG:4490 agrees with it to well under a metre at planning scale).
* analysis CRS - one projected CRS per region, read from the region manifest (Hohhot:
  CGCS2000 3-degree Gauss-Kruger CM 111E, EPSG:4546). All areas and distances are measured
  there, nowhere else.
* ``DISPLAY_CRS`` - EPSG:4326, used only by the map builder in ``ui/``.
"""

from __future__ import annotations

import math

from pyproj import CRS

from errors import GeographicCrsError, MissingCrsError

STORAGE_CRS: str = "EPSG:4326"
DISPLAY_CRS: str = "EPSG:4326"

# CGCS2000 3-degree Gauss-Kruger "CM" zones (no zone prefix in the easting):
# EPSG:4534 is CM 75E, step 3 degrees, up to EPSG:4554 at CM 135E.
_GK3_CM_FIRST_EPSG = 4534
_GK3_CM_FIRST_LON = 75
_GK3_STEP_DEG = 3
_GK3_CM_LAST_LON = 135
# Web Mercator codes: display only, never measurement.
_WEB_MERCATOR_EPSG = {3857, 900913, 3785, 102100, 102113}


def crs_from_user_input(value: object) -> CRS:
    """Normalise any CRS input (``"EPSG:4546"``, an int, WKT, a pyproj CRS) to a pyproj CRS.

    Raises
    ------
    MissingCrsError
        If ``value`` is None or not a CRS pyproj understands.
    """
    if value is None:
        msg = "No CRS given. Name one, e.g. 'EPSG:4326' for lon/lat or 'EPSG:4546'."
        zh = "未指定坐标系。请指定，例如经纬度 'EPSG:4326' 或 'EPSG:4546'。"
        raise MissingCrsError(msg, zh=zh)
    try:
        return CRS.from_user_input(value)
    except Exception as err:  # pyproj raises CRSError and TypeError variants
        msg = f"{value!r} is not a coordinate reference system pyproj knows. Use an EPSG code."
        zh = f"{value!r} 不是可识别的坐标系，请使用 EPSG 代码。"
        raise MissingCrsError(msg, zh=zh) from err


def gk3_zone_epsg(lon_deg: float) -> int:
    """Return the EPSG code of the CGCS2000 3-degree GK "CM" zone containing ``lon_deg``."""
    # Zone edges at CM +/- 1.5 deg belong to the eastern zone (floor, not banker's rounding).
    cm_lon = _GK3_STEP_DEG * math.floor(lon_deg / _GK3_STEP_DEG + 0.5)
    if not _GK3_CM_FIRST_LON <= cm_lon <= _GK3_CM_LAST_LON:
        msg = f"Longitude {lon_deg} is outside the CGCS2000 3-degree zones (73.5E to 136.5E)."
        zh = f"经度 {lon_deg} 超出 CGCS2000 三度带范围（73.5E–136.5E）。"
        raise GeographicCrsError(msg, zh=zh)
    return _GK3_CM_FIRST_EPSG + (cm_lon - _GK3_CM_FIRST_LON) // _GK3_STEP_DEG


def require_projected(crs: object, *, what: str = "layer") -> CRS:
    """Return ``crs`` as a pyproj CRS if it is fit for measuring areas and distances.

    Raises
    ------
    MissingCrsError
        If ``crs`` is None.
    GeographicCrsError
        If ``crs`` is geographic (degrees) or Web Mercator.
    """
    if crs is None:
        msg = f"`{what}` has no CRS; set one before measuring."
        raise MissingCrsError(msg, zh=f"{what} 没有坐标系，无法量算。")
    crs_obj = crs_from_user_input(crs)
    if crs_obj.is_geographic:
        msg = (
            f"`{what}` is in a geographic CRS ({crs_obj.to_string()}); areas and distances "
            "are measured only in the region's projected analysis CRS. Reproject with "
            "to_crs(region.analysis_crs) first."
        )
        zh = f"{what} 为地理坐标系（{crs_obj.to_string()}），面积和距离只能在分析投影坐标系中量算。"
        raise GeographicCrsError(msg, zh=zh)
    if crs_obj.to_epsg() in _WEB_MERCATOR_EPSG or "Pseudo-Mercator" in crs_obj.name:
        msg = (
            f"`{what}` is in Web Mercator ({crs_obj.to_string()}), which is for display only "
            "(areas 50% too large at 40N). Reproject to the region's analysis CRS."
        )
        zh = f"{what} 为 Web 墨卡托投影，仅用于显示（面积偏差约 50%），请转换到分析坐标系。"
        raise GeographicCrsError(msg, zh=zh)
    return crs_obj
