"""Farm footprints drawn or uploaded by the planner: square from a point, sliver check, county.

A footprint arrives in EPSG:4326 (lon/lat) and is measured only in the region's analysis
CRS. A point (a map marker, a lon/lat CSV row) becomes a square of the given size centred
on it. Slivers are refused: a footprint below ``min_footprint_mu`` or thinner than
``min_compactness_frac`` (Polsby-Popper ``4 pi A / P^2``: 1 for a circle, 0.785 for a square)
is a stray click or a digitising error, not a farm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

import geopandas as gpd
import shapely
from shapely.geometry import Point

from errors import InvalidGeometryError
from geo.crs import STORAGE_CRS
from geo.units import M2_PER_MU
from locales import Message
from problems import Problems
from siting.parameters import Coefficient

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

FOOTPRINT_KEYS: Final[tuple[str, ...]] = (
    "min_footprint_mu",
    "min_compactness_frac",
    "default_footprint_mu",
)


@dataclass(frozen=True, slots=True)
class FootprintParams:
    """Limits and defaults for farm footprints (``data/coefficients/planner.csv``).

    Parameters
    ----------
    min_footprint_mu
        Smallest accepted footprint (亩).
    min_compactness_frac
        Smallest accepted ``4 pi area / perimeter^2`` (0-1).
    default_footprint_mu
        Size of the square built from a point when none is given (亩).
    coefficients
        The records the values came from (value, unit, status, source).
    """

    min_footprint_mu: float
    min_compactness_frac: float
    default_footprint_mu: float
    coefficients: tuple[Coefficient, ...] = ()

    def __post_init__(self) -> None:
        problems = Problems("FootprintParams", "占地参数")
        problems.require_positive("min_footprint_mu", self.min_footprint_mu, allow_zero=True)
        problems.require_fraction(
            "min_compactness_frac", self.min_compactness_frac, allow_zero=True
        )
        problems.require_positive("default_footprint_mu", self.default_footprint_mu)
        if self.default_footprint_mu < self.min_footprint_mu:
            problems.add(
                f"default_footprint_mu = {self.default_footprint_mu} is below "
                f"min_footprint_mu = {self.min_footprint_mu}",
                f"default_footprint_mu = {self.default_footprint_mu} 小于 min_footprint_mu",
            )
        problems.raise_if_any()

    @classmethod
    def from_coefficients(cls, records: Mapping[str, Coefficient]) -> FootprintParams:
        """Build from coefficient records keyed as in `FOOTPRINT_KEYS`."""
        values = {key: records[key].value for key in FOOTPRINT_KEYS}
        return cls(**values, coefficients=tuple(records[k] for k in FOOTPRINT_KEYS))


def square_footprint(point: Point, area_mu: float, *, analysis_crs: str) -> shapely.Polygon:
    """Return a square of ``area_mu`` 亩 centred on ``point``, in EPSG:4326.

    Parameters
    ----------
    point
        Centre in EPSG:4326 (lon, lat degrees).
    area_mu
        Area of the square (亩, > 0); the square is built in ``analysis_crs`` (projected).

    Raises
    ------
    ParameterError
        If ``area_mu`` is not a finite number > 0.
    """
    problems = Problems("point footprint", "点位占地")
    problems.require_positive("area_mu", area_mu)
    problems.raise_if_any()
    centre = gpd.GeoSeries([point], crs=STORAGE_CRS).to_crs(analysis_crs).iloc[0]
    half_m = math.sqrt(area_mu * M2_PER_MU) / 2
    square = shapely.box(centre.x - half_m, centre.y - half_m, centre.x + half_m, centre.y + half_m)
    footprint: shapely.Polygon = (
        gpd.GeoSeries([square], crs=analysis_crs).to_crs(STORAGE_CRS).iloc[0]
    )
    return footprint


def footprint_area_mu(geometries: Sequence[BaseGeometry], *, analysis_crs: str) -> np.ndarray:
    """Return the area (亩) of EPSG:4326 footprints, measured in ``analysis_crs``."""
    projected = gpd.GeoSeries(list(geometries), crs=STORAGE_CRS).to_crs(analysis_crs)
    area_m2: np.ndarray = projected.area.to_numpy(dtype=float)
    return area_m2 / M2_PER_MU


def compactness_frac(geometries: Sequence[BaseGeometry], *, analysis_crs: str) -> np.ndarray:
    """Return ``4 pi area / perimeter^2`` (0-1) of EPSG:4326 footprints in ``analysis_crs``."""
    projected = gpd.GeoSeries(list(geometries), crs=STORAGE_CRS).to_crs(analysis_crs)
    perimeter: npt.NDArray[np.float64] = projected.length.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        area_m2: npt.NDArray[np.float64] = projected.area.to_numpy(dtype=float)
        ratio = 4 * math.pi * area_m2 / perimeter**2
    return np.nan_to_num(ratio, nan=0.0)


def check_footprints(
    geometries: Sequence[BaseGeometry],
    names: Sequence[str],
    *,
    params: FootprintParams,
    analysis_crs: str,
) -> None:
    """Refuse slivers: footprints too small or too thin (every one listed, in one error).

    Parameters
    ----------
    geometries
        Footprint polygons in EPSG:4326.
    names
        Name of each footprint, used in the message.

    Raises
    ------
    InvalidGeometryError
        Naming each sliver with its area (亩) or compactness and the limit.
    """
    area = footprint_area_mu(geometries, analysis_crs=analysis_crs)
    compact = compactness_frac(geometries, analysis_crs=analysis_crs)
    problems = Problems("farm footprint", "牧场占地")
    for name, mu, ratio in zip(names, area, compact, strict=True):
        if mu < params.min_footprint_mu:
            problems.add(
                f"{name!r} covers {mu:,.1f} mu, below the {params.min_footprint_mu:g} mu "
                "minimum (a sliver or a stray click); draw the whole farm outline",
                f"{name!r} 面积 {mu:,.1f} 亩，小于最小占地 {params.min_footprint_mu:g} 亩"
                "（疑为碎片或误点），请绘制完整的场区轮廓",
            )
        elif ratio < params.min_compactness_frac:
            problems.add(
                f"{name!r} is a thin strip (compactness {ratio:.3f} < "
                f"{params.min_compactness_frac:g}); draw the farm outline, not a line",
                f"{name!r} 形状过于狭长（紧凑度 {ratio:.3f} < {params.min_compactness_frac:g}），"
                "请绘制场区轮廓而非线条",
            )
    problems.raise_if_any(InvalidGeometryError)


def single_footprint(
    geometry: BaseGeometry, *, name: str, params: FootprintParams, analysis_crs: str
) -> tuple[shapely.Polygon, tuple[Message, ...]]:
    """Return one polygon for a footprint that a repair may have split into several parts.

    Repairing a self-intersecting outline (``make_valid``) can leave the main part plus
    small loops; parts below ``min_footprint_mu`` are dropped with a note. Two or more parts
    above it are two footprints, which is refused.

    Parameters
    ----------
    geometry
        A Polygon or MultiPolygon in EPSG:4326.
    name
        Name of the footprint, used in notes and messages.

    Returns
    -------
    polygon, notes
        The footprint and what was dropped, as messages (empty when nothing was).

    Raises
    ------
    InvalidGeometryError
        If two or more parts are at least ``min_footprint_mu`` each.
    """
    parts = list(getattr(geometry, "geoms", [geometry]))
    if len(parts) == 1:
        return parts[0], ()
    area = footprint_area_mu(parts, analysis_crs=analysis_crs)
    big = [k for k in np.argsort(-area) if area[k] >= params.min_footprint_mu]
    if len(big) > 1:
        sizes = ", ".join(f"{area[k]:,.0f}" for k in big)
        msg = (
            f"Footprint {name!r} has {len(big)} separate parts ({sizes} mu), e.g. an "
            "outline that crosses itself; draw one outline per farm."
        )
        zh = (
            f"占地 {name!r} 含 {len(big)} 个独立部分（{sizes} 亩），可能是轮廓线自相交；"
            "请每个牧场只画一个轮廓。"
        )
        raise InvalidGeometryError(msg, zh=zh)
    keep = big[0] if big else int(np.argmax(area))
    dropped = float(area.sum() - area[keep])
    note = Message.of(
        "footprint.note.small_parts_dropped",
        name=repr(name),
        parts=len(parts) - 1,
        dropped_mu=dropped,
    )
    return parts[keep], (note,)


def county_codes(
    geometries: Sequence[BaseGeometry], counties: gpd.GeoDataFrame
) -> list[str | None]:
    """Return the ``adcode`` of the county holding each footprint's representative point.

    A containment test, not a measurement, so it runs in the storage CRS (no reprojection:
    a point well inside a footprint is inside the same county in any CRS).

    Parameters
    ----------
    geometries
        Footprints in EPSG:4326.
    counties
        County polygons with ``adcode`` (reprojected to EPSG:4326 if needed).

    Returns
    -------
    codes
        One code per footprint; None for a footprint outside every county.
    """
    points = shapely.point_on_surface(np.asarray(list(geometries), dtype=object))
    areas = counties[["adcode", counties.geometry.name]]
    if areas.crs is not None and not areas.crs.equals(STORAGE_CRS):
        areas = areas.to_crs(STORAGE_CRS)
    joined = gpd.sjoin(
        gpd.GeoDataFrame(geometry=points, crs=STORAGE_CRS), areas, how="left", predicate="within"
    )
    first = joined[~joined.index.duplicated(keep="first")]["adcode"]
    return [None if not isinstance(code, str) else code for code in first]
