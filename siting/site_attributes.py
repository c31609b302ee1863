"""Turn uploaded features (farms from a file) into planned sites with the plan-store fields.

Features come from `geo.io.read_vector` (EPSG:4326, validated, with ``feature_no``). Columns
are matched by name, with common spellings (`COLUMN_ALIASES`: ``Name`` from KML, Chinese
headers); what a file lacks gets a default (status ``proposed``, herd 0, region manure route
and haul radius). Points (a phone app's placemarks, a lon/lat CSV) become square footprints
of ``footprint_mu`` 亩 (or the default size). Every footprint passes the sliver check. The
file's own id (``source_id``: its ``site_id``, ``id``, ``编号`` ... column) is kept as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pandas as pd

import geopandas as gpd

from errors import SchemaError
from geo.crs import STORAGE_CRS
from locales import Message
from problems import Problems
from siting.site_footprint import (
    FootprintParams,
    check_footprints,
    county_codes,
    single_footprint,
    square_footprint,
)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

#: Fields of a planned site (the scenario store's `SiteRecord` inputs), in store order.
PLANNED_SITE_COLUMNS: Final[tuple[str, ...]] = (
    "name",
    "status",
    "start_year",
    "dairy_cow_head",
    "beef_cattle_head",
    "sheep_head",
    "goat_head",
    "manure_route",
    "haul_radius_km",
    "footprint_source",
    "county_code",
    "note",
    "source_id",
)
HERD_FIELDS: Final[tuple[str, ...]] = (
    "dairy_cow_head",
    "beef_cattle_head",
    "sheep_head",
    "goat_head",
)
PLANNED_STATUSES: Final[tuple[str, ...]] = ("existing", "under_construction", "proposed")
DEFAULT_STATUS: Final[str] = "proposed"
#: Our field -> accepted column names (first match wins; compared case-insensitively).
COLUMN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "name": ("name", "name_zh", "名称", "场名", "牧场", "site_name", "title"),
    "status": ("status", "状态", "建设状态"),
    "start_year": ("start_year", "投产年份", "年份", "year"),
    "dairy_cow_head": (
        "dairy_cow_head",
        "dairy_cows",
        "herd_dairy_cows",
        "奶牛",
        "奶牛存栏",
    ),  # vocab: old name
    "beef_cattle_head": ("beef_cattle_head", "beef_cattle", "肉牛", "肉牛存栏"),
    "sheep_head": ("sheep_head", "sheep", "羊", "肉羊", "绵羊"),
    "goat_head": ("goat_head", "goats", "山羊", "奶山羊", "奶羊"),
    "manure_route": ("manure_route", "粪污处理", "粪污处理方式"),
    "haul_radius_km": ("haul_radius_km", "运输半径", "运输半径km"),
    "note": ("note", "备注", "description"),
    "footprint_mu": ("footprint_mu", "占地", "占地亩", "占地面积"),
    "source_id": ("site_id", "id", "编号", "场址编号", "site_no"),
}
#: Fields a file may leave out without a "defaults used" note (nothing is filled in).
_SILENT_FIELDS: Final[frozenset[str]] = frozenset({"footprint_mu", "source_id"})
#: Status words people write -> our status.
STATUS_ALIASES: Final[dict[str, str]] = {
    "existing": "existing",
    "现有": "existing",
    "已建": "existing",
    "运营": "existing",
    "under_construction": "under_construction",
    "under construction": "under_construction",
    "在建": "under_construction",
    "续建": "under_construction",
    "proposed": "proposed",
    "拟建": "proposed",
    "新建": "proposed",
    "规划": "proposed",
}
_POINT_TYPES: Final[tuple[str, ...]] = ("Point", "MultiPoint")


@dataclass(frozen=True, eq=False)
class ScenarioSites:
    """Planned sites from a file: fields `PLANNED_SITE_COLUMNS` + footprint (EPSG:4326).

    ``notes`` say what was filled in, built or renamed (message keys with parameters).
    """

    sites: gpd.GeoDataFrame
    notes: tuple[Message, ...]


def planned_sites(
    features: gpd.GeoDataFrame,
    *,
    source_name: str,
    params: FootprintParams,
    counties: gpd.GeoDataFrame,
    analysis_crs: str,
) -> ScenarioSites:
    """Return the features as planned sites (see the module docstring for the rules).

    Parameters
    ----------
    features
        Validated polygons or points in EPSG:4326 with ``feature_no``.
    source_name
        File name, for default site names and messages.
    params
        Footprint limits and the default size of point footprints.
    counties
        County polygons with ``adcode`` (sets ``county_code``).
    analysis_crs
        Projected CRS for building and measuring footprints.

    Raises
    ------
    SchemaError
        Listing every unknown status and every non-numeric or negative number.
    InvalidGeometryError
        Listing every sliver footprint.
    """
    columns = _matched_columns(features)
    problems = Problems(source_name, source_name)
    labels = [f"feature {no}" for no in features["feature_no"]]
    frame = pd.DataFrame({"feature_no": features["feature_no"].to_numpy()})
    frame["name"] = _names(features, columns, source_name)
    frame["status"] = _statuses(features, columns, labels, problems)
    for field in ("start_year", *HERD_FIELDS, "haul_radius_km", "footprint_mu"):
        frame[field] = _numbers(features, columns.get(field), field, labels, problems)
    problems.raise_if_any(SchemaError)
    for field in ("manure_route", "note", "source_id"):
        frame[field] = _texts(features, columns.get(field))
    geoms, sources, notes = _footprints(features, frame, params, analysis_crs)
    check_footprints(geoms, list(frame["name"]), params=params, analysis_crs=analysis_crs)
    frame["footprint_source"] = sources
    frame["county_code"] = county_codes(geoms, counties)
    frame["start_year"] = frame["start_year"].astype("Int64")
    for field in HERD_FIELDS:
        frame[field] = frame[field].fillna(0).round().astype("int64")
    sites = gpd.GeoDataFrame(frame[list(PLANNED_SITE_COLUMNS)], geometry=geoms, crs=STORAGE_CRS)
    filled = sorted(set(COLUMN_ALIASES) - set(columns) - _SILENT_FIELDS)
    if filled:
        notes += (
            Message.of("footprint.note.defaults_used", source=source_name, columns=tuple(filled)),
        )
    return ScenarioSites(sites, notes)


def _matched_columns(features: pd.DataFrame) -> dict[str, str]:
    by_lower = {str(c).strip().lower(): str(c) for c in features.columns}
    matched = {}
    for field, aliases in COLUMN_ALIASES.items():
        hit = next((by_lower[a.lower()] for a in aliases if a.lower() in by_lower), None)
        if hit is not None:
            matched[field] = hit
    return matched


def _names(features: pd.DataFrame, columns: Mapping[str, str], source_name: str) -> list[str]:
    stem = source_name.rsplit(".", 1)[0]
    raw = _texts(features, columns.get("name"))
    names = [text or f"{stem} #{no}" for text, no in zip(raw, features["feature_no"], strict=True)]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _statuses(
    features: pd.DataFrame, columns: Mapping[str, str], labels: list[str], problems: Problems
) -> list[str]:
    out = []
    for label, text in zip(labels, _texts(features, columns.get("status")), strict=True):
        status = STATUS_ALIASES.get((text or DEFAULT_STATUS).lower())
        if status is None:
            known = ", ".join(PLANNED_STATUSES)
            problems.add(
                f"{label}: status {text!r} is not one of {known} (or 现有/在建/拟建)",
                f"{label}：状态 {text!r} 不是 现有/在建/拟建 之一",
            )
        out.append(status or DEFAULT_STATUS)
    return out


def _numbers(
    features: pd.DataFrame, column: str | None, field: str, labels: list[str], problems: Problems
) -> pd.Series:
    if column is None:
        return pd.Series(math.nan, index=range(len(features)), dtype="float64")
    raw = features[column].reset_index(drop=True)
    text = (
        raw.astype("object")
        .where(raw.notna(), None)
        .map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())
    )
    values = pd.to_numeric(text, errors="coerce")
    bad = (text.notna() & values.isna()) | (values < 0)
    for k in bad[bad].index:
        shown = raw[k].item() if hasattr(raw[k], "item") else raw[k]  # -5, not np.int32(-5)
        problems.add(
            f"{labels[k]}: {column} = {shown!r} is not a number >= 0",
            f"{labels[k]}：{column} = {shown!r} 不是不小于 0 的数",
        )
    return values.astype("float64")


def _texts(features: pd.DataFrame, column: str | None) -> list[str | None]:
    if column is None:
        return [None] * len(features)
    values = features[column].astype("object").where(features[column].notna(), None)
    return [None if v is None or str(v).strip() == "" else str(v).strip() for v in values]


def _footprints(
    features: gpd.GeoDataFrame, frame: pd.DataFrame, params: FootprintParams, analysis_crs: str
) -> tuple[list[BaseGeometry], list[str], tuple[Message, ...]]:
    geoms: list[BaseGeometry] = []
    sources: list[str] = []
    notes: list[Message] = []
    for geom, name, size in zip(
        features.geometry, frame["name"], frame["footprint_mu"], strict=True
    ):
        if geom.geom_type in _POINT_TYPES:
            point = geom.centroid if geom.geom_type == "MultiPoint" else geom
            area = params.default_footprint_mu if math.isnan(size) else float(size)
            geoms.append(square_footprint(point, area, analysis_crs=analysis_crs))
            sources.append("point_footprint")
            continue
        polygon, dropped = single_footprint(
            geom, name=name, params=params, analysis_crs=analysis_crs
        )
        geoms.append(polygon)
        sources.append("uploaded")
        notes += dropped
    n_points = sources.count("point_footprint")
    if n_points:
        notes.append(Message.of("footprint.note.points_squared", points=n_points))
    return geoms, sources, tuple(notes)
