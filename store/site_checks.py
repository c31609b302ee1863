"""Checks of what planners hand to the store: site records, names and user names.

Every check collects all problems of one input and raises once (`problems.Problems`):
`InvalidGeometryError` if the footprint is unusable, otherwise `ParameterError`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from numbers import Integral, Real
from typing import Final

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from errors import InvalidGeometryError, ParameterError, PlannerError
from problems import Problems
from store.records import (
    FOOTPRINT_SOURCES,
    HERD_COLUMNS,
    REVIEW_DECISIONS,
    SITE_STATUSES,
    Scenario,
    SiteRecord,
)
from store.site_rows import StoredSite

MAX_NAME_CHARS: Final[int] = 200
MAX_COMMENT_CHARS: Final[int] = 10_000
START_YEAR_RANGE: Final[tuple[int, int]] = (1900, 2100)
_COUNTY_CODE = re.compile(r"\d{6}")
_LON_DEG: Final[tuple[float, float]] = (-180.0, 180.0)
_LAT_DEG: Final[tuple[float, float]] = (-90.0, 90.0)


def require_text(value: object, what: str, what_zh: str, *, max_chars: int = MAX_NAME_CHARS) -> str:
    """Return ``value`` stripped, or raise ParameterError unless it is non-empty text."""
    problems = Problems(what, what_zh)
    _check_text(problems, value, max_chars)
    problems.raise_if_any()
    return str(value).strip()


def _check_text(problems: Problems, value: object, max_chars: int) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.add(f"{value!r} is empty; fill it in", f"{value!r} 为空，请填写")
    elif len(value.strip()) > max_chars:
        problems.add(
            f"is {len(value.strip())} characters long; use at most {max_chars}",
            f"长度为 {len(value.strip())} 个字符，最多 {max_chars} 个",
        )


def check_site(site: SiteRecord) -> SiteRecord:
    """Return ``site`` normalised for storage, or raise if any attribute is unusable.

    Normalisation: names stripped, empty optional text -> None, geometry 2D with a
    counter-clockwise exterior ring (a single-part MultiPolygon becomes its polygon).

    Raises
    ------
    InvalidGeometryError
        If the geometry is missing, not a polygon, empty, invalid or not lon/lat degrees.
    ParameterError
        If any other attribute is out of range (all problems listed at once).
    """
    label = site.name if isinstance(site.name, str) and site.name.strip() else "(no name)"
    problems = Problems(f"site {label!r}", f"站点 {label!r}")
    geometry = _checked_geometry(problems, site.geometry)
    if problems:
        problems.raise_if_any(InvalidGeometryError)
    _check_attributes(problems, site)
    problems.raise_if_any()
    return dataclasses.replace(
        site,
        name=site.name.strip(),
        geometry=geometry,
        start_year=None if site.start_year is None else int(site.start_year),
        haul_radius_km=None if site.haul_radius_km is None else float(site.haul_radius_km),
        manure_route=_optional_text(site.manure_route),
        county_code=_optional_text(site.county_code),
        note=_optional_text(site.note),
        source_id=_optional_text(site.source_id),
        dairy_cow_head=int(site.dairy_cow_head),
        beef_cattle_head=int(site.beef_cattle_head),
        sheep_head=int(site.sheep_head),
        goat_head=int(site.goat_head),
    )


def _optional_text(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _check_attributes(problems: Problems, site: SiteRecord) -> None:
    if not isinstance(site.name, str) or not site.name.strip():
        problems.add("name is empty; give the site a name", "名称为空，请为站点命名")
    elif len(site.name.strip()) > MAX_NAME_CHARS:
        problems.add(
            f"name is longer than {MAX_NAME_CHARS} characters", f"名称超过 {MAX_NAME_CHARS} 个字符"
        )
    _check_choice(problems, "status", site.status, SITE_STATUSES)
    _check_choice(problems, "footprint_source", site.footprint_source, FOOTPRINT_SOURCES)
    for col in HERD_COLUMNS:
        _check_head(problems, col, getattr(site, col))
    _check_start_year(problems, site.start_year)
    _check_haul_radius(problems, site.haul_radius_km)
    _check_optional_text(problems, site)


def _check_choice(problems: Problems, field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        problems.add(
            f"{field} {value!r} is not one of {', '.join(allowed)}",
            f"{field} {value!r} 不在 {', '.join(allowed)} 之中",
        )


def _check_head(problems: Problems, field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        problems.add(
            f"{field} = {value!r} must be a whole number of head >= 0",
            f"{field} = {value!r} 须为不小于 0 的整数头数",
        )


def _check_start_year(problems: Problems, value: object) -> None:
    low, high = START_YEAR_RANGE
    if value is None:
        return
    # int(): numbers.Integral declares only < and <=, and an Integral's int() is its value
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= int(value) <= high:
        problems.add(
            f"start_year = {value!r} must be a year between {low} and {high} or None",
            f"start_year = {value!r} 须为 {low}–{high} 之间的年份或留空",
        )


def _check_haul_radius(problems: Problems, value: object) -> None:
    if value is None:
        return
    # "not value <= 0": numbers.Real declares only < and <= (finite, so the same as > 0)
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not (math.isfinite(value) and not value <= 0)
    ):
        problems.add(
            f"haul_radius_km = {value!r} must be a distance in km > 0 or None",
            f"haul_radius_km = {value!r} 须为大于 0 的公里数或留空",
        )


def _check_optional_text(problems: Problems, site: SiteRecord) -> None:
    for field in ("manure_route", "county_code", "note", "source_id"):
        value = getattr(site, field)
        if value is not None and not isinstance(value, str):
            problems.add(
                f"{field} = {value!r} must be text or None", f"{field} = {value!r} 须为文本或留空"
            )
    code = site.county_code
    if isinstance(code, str) and code.strip() and not _COUNTY_CODE.fullmatch(code.strip()):
        problems.add(
            f"county_code {code!r} must be the 6-digit county code, e.g. '150121'",
            f"county_code {code!r} 须为 6 位行政区划代码，如 '150121'",
        )


def _checked_geometry(problems: Problems, geom: object) -> Polygon:
    """Record geometry problems; return the polygon to store (2D, exterior CCW)."""
    if not isinstance(geom, BaseGeometry):
        problems.add(
            f"geometry is {type(geom).__name__}, not a shapely Polygon; draw or "
            "upload the footprint",
            f"几何为 {type(geom).__name__}，不是面；请绘制或上传占地范围",
        )
        return Polygon()
    if isinstance(geom, MultiPolygon) and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if not isinstance(geom, Polygon):
        problems.add(
            f"geometry is a {geom.geom_type}; a site footprint must be one Polygon "
            "(split a multi-part footprint into several sites)",
            f"几何类型为 {geom.geom_type}；站点占地须为单个面（多部件请拆分为多个站点）",
        )
        return Polygon()
    if geom.is_empty:
        problems.add("geometry is empty; draw the footprint", "几何为空，请绘制占地范围")
        return geom
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        problems.add(
            f"geometry is invalid ({reason}); repair it (e.g. geo validation) first",
            f"几何无效（{reason}），请先修复",
        )
    min_x, min_y, max_x, max_y = geom.bounds
    if min_x < _LON_DEG[0] or max_x > _LON_DEG[1] or min_y < _LAT_DEG[0] or max_y > _LAT_DEG[1]:
        problems.add(
            f"coordinates reach ({max_x:.1f}, {max_y:.1f}), outside lon/lat degrees; "
            "the store keeps EPSG:4326: reproject with to_crs('EPSG:4326')",
            f"坐标达到 ({max_x:.1f}, {max_y:.1f})，超出经纬度范围；请先转换到 EPSG:4326",
        )
    return shapely.orient_polygons(shapely.force_2d(geom), exterior_cw=False)


def check_sites(sites: list[SiteRecord]) -> list[SiteRecord]:
    """Check every site; raise once listing the problems of all bad sites."""
    checked, errors = [], []
    for site in sites:
        try:
            checked.append(check_site(site))
        except PlannerError as err:
            errors.append(err)
    if errors:
        msg = "; ".join(e.message("en") for e in errors)
        zh = "；".join(e.message("zh") for e in errors)
        raise type(errors[0])(msg, zh=zh)
    return checked


def require_unique_names(scenario: Scenario, existing: list[str], new: list[str]) -> None:
    taken = set(existing)
    clashes = []
    for name in new:
        if name in taken:
            clashes.append(name)
        taken.add(name)
    if clashes:
        msg = (
            f"Site name(s) {', '.join(map(repr, clashes))} are already used in scenario "
            f"{scenario.name!r}; give each site its own name."
        )
        zh = (
            f"站点名称 {'、'.join(clashes)} 在方案“{scenario.name}”中已被使用，"
            "请为每个站点取不同名称。"
        )
        raise ParameterError(msg, zh=zh)


def require_site_in(stored: StoredSite, scenario: Scenario) -> None:
    if stored.record.scenario_id != scenario.scenario_id:
        msg = (
            f"Site {stored.record.name!r} belongs to another scenario than "
            f"{scenario.name!r}; comment on it in its own scenario."
        )
        zh = f"站点“{stored.record.name}”不属于方案“{scenario.name}”，请在其所属方案中评论。"
        raise ParameterError(msg, zh=zh)


def check_review(decision: str, reason: str) -> str:
    if decision not in REVIEW_DECISIONS:
        msg = (
            f"Review decision {decision!r} is not one of {', '.join(REVIEW_DECISIONS)}; "
            "choose one of them."
        )
        zh = f"审核结论 {decision!r} 不在 {', '.join(REVIEW_DECISIONS)} 之中。"
        raise ParameterError(msg, zh=zh)
    reason = reason.strip() if isinstance(reason, str) else ""
    if decision != "approve" and not reason:
        msg = (
            f"A review decision {decision!r} needs a reason; write what must change or why "
            "the site is rejected."
        )
        zh = f"审核结论 {decision!r} 需要填写理由：说明需要修改的内容或不通过的原因。"
        raise ParameterError(msg, zh=zh)
    return reason
