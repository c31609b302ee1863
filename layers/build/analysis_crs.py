"""Choose a new region pack's analysis CRS: the CGCS2000 3-degree Gauss-Kruger zone of its centre.

The zone is the one whose central meridian (CM 75E ... 135E, EPSG:4534 ... 4554) contains the
central longitude of the region's bounds (`geo.crs.gk3_zone_epsg`). A region wider than one
zone (a province, a big league) is still measured in that one zone, so that areas and
distances of the whole region are comparable; the price is a larger scale error towards its
east and west edges. Transverse Mercator's point scale grows with the distance from the
central meridian, about ``k = 1 + (dlon * cos(lat))**2 / 2`` (dlon in radians); the
area error is about ``k**2 - 1``. The choice reports the scale error at the region's
farthest longitude (on its latitude nearest the equator, where it is largest) so that the
manifest can say it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyproj import CRS, Proj

from geo.crs import crs_from_user_input, gk3_zone_epsg


@dataclass(frozen=True)
class AnalysisCrsChoice:
    """The chosen zone and its worst distortion over the region's bounds."""

    epsg: int
    central_meridian_deg: float
    farthest_lon_deg: float
    max_scale_error_frac: float

    @property
    def crs(self) -> str:
        """Return the CRS as ``"EPSG:<code>"``."""
        return f"EPSG:{self.epsg}"

    @property
    def name(self) -> str:
        """Return the CRS name pyproj gives (e.g. CGCS2000 / 3-degree Gauss-Kruger CM 105E)."""
        return str(crs_from_user_input(self.crs).name)


def choose_analysis_crs(bounds_lonlat: tuple[float, float, float, float]) -> AnalysisCrsChoice:
    """Return the 3-degree GK zone of the centre of ``bounds_lonlat`` and its edge distortion.

    Parameters
    ----------
    bounds_lonlat
        ``(min_lon, min_lat, max_lon, max_lat)`` of the region in degrees (WGS84/CGCS2000).

    Raises
    ------
    GeographicCrsError
        If the centre is outside the CGCS2000 3-degree zones (73.5E to 136.5E).
    """
    min_lon, min_lat, max_lon, max_lat = bounds_lonlat
    epsg = gk3_zone_epsg((min_lon + max_lon) / 2)
    crs = crs_from_user_input(f"EPSG:{epsg}")
    central_meridian = _central_meridian_deg(crs)
    farthest = max((min_lon, max_lon), key=lambda lon: abs(lon - central_meridian))
    equatorward_lat = min((min_lat, max_lat), key=abs)
    factors = Proj(crs).get_factors(farthest, equatorward_lat)
    return AnalysisCrsChoice(
        epsg=epsg,
        central_meridian_deg=central_meridian,
        farthest_lon_deg=farthest,
        max_scale_error_frac=float(factors.meridional_scale) - 1.0,
    )


def _central_meridian_deg(crs: CRS) -> float:
    operation = crs.coordinate_operation
    params = operation.params if operation is not None else []
    return next(float(p.value) for p in params if p.name == "Longitude of natural origin")
