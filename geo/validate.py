"""Collect-then-raise validation of CRSs, column schemas and geometries.

Every check gathers all problems first and raises one bilingual error that names the input,
the offending values and the fix (``require_*``), or returns the problems found so that the
caller can choose to raise or skip (``check_*``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api import types as ptypes

import geopandas as gpd
import shapely
from pyproj import CRS
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry

from errors import CrsMismatchError, InvalidGeometryError, MissingCrsError, SchemaError
from geo.catalogued import catalogued
from geo.crs import crs_from_user_input
from locales import Message

GeometryKind = Literal["polygon", "point", "line", "any"]
ProblemCode = Literal["missing", "type", "invalid", "outside"]
ColumnKind = Literal["string", "float", "int", "bool"]

# How far outside the region extent a feature may reach before it is rejected (degrees,
# ~1 km at 40N): absorbs boundary generalisation, not a measurement.
REGION_TOLERANCE_DEG: float = 0.01
# Problems listed one by one in an error message; the rest are counted.
MAX_LISTED_PROBLEMS: int = 10

_KIND_TYPES: dict[str, tuple[str, ...]] = {
    "polygon": ("Polygon", "MultiPolygon"),
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString", "LinearRing"),
}
_FIX_EN: dict[str, str] = {
    "missing": "delete features without geometry or draw them again",
    "type": "keep only features of the expected type in the file",
    "invalid": "repair the geometries in your GIS (QGIS: Processing > Fix geometries) "
    "or allow automatic repair",
    "outside": "check the coordinates: the file may be in another CRS than it declares, "
    "in GCJ-02 (Amap/Gaode; choose the GCJ-02 option), or for another region",
}
_FIX_ZH: dict[str, str] = {
    "missing": "删除没有几何图形的要素或重新绘制",
    "type": "文件中只保留所需类型的要素",
    "invalid": "在 GIS 软件中修复几何（QGIS：处理工具 > 修复几何）或允许自动修复",
    "outside": "检查坐标：文件的实际坐标系可能与声明的不同，"
    "可能是 GCJ-02（高德；请选择 GCJ-02 选项），或属于其他地区",
}


# --- CRS and schema -------------------------------------------------------------------


def require_crs(frame: object, *, what: str) -> CRS:
    """Return the CRS of ``frame`` (anything with a ``.crs``) as a pyproj CRS.

    Raises
    ------
    MissingCrsError
        If ``frame.crs`` is None.
    """
    crs = getattr(frame, "crs", None)
    if crs is None:
        msg = (
            f"`{what}` has no CRS. Set it where the data is loaded (e.g. "
            "set_crs('EPSG:4326') for lon/lat) or fix the source file."
        )
        zh = (
            f"{what} 没有坐标系。"
            "请在加载数据时指定（例如经纬度 set_crs('EPSG:4326')）或修正源文件。"
        )
        raise MissingCrsError(msg, zh=zh)
    return crs_from_user_input(crs)


def require_same_crs(a: object, b: object, *, names: tuple[str, str]) -> CRS:
    """Return the common CRS of ``a`` and ``b`` (objects with ``.crs``: frames, rasters).

    Raises
    ------
    MissingCrsError
        If either has no CRS.
    CrsMismatchError
        If the two CRSs differ; the message lists both and how to reproject.
    """
    crs_a = require_crs(a, what=names[0])
    crs_b = require_crs(b, what=names[1])
    if crs_a != crs_b:
        label_a, label_b = crs_label(crs_a), crs_label(crs_b)
        msg = (
            f"`{names[0]}` is in {label_a} but `{names[1]}` is in {label_b}; they must share "
            f"one CRS. Reproject one of them first, e.g. {names[0]}.to_crs('{label_b}')."
        )
        zh = (
            f"{names[0]} 的坐标系为 {label_a}，而 {names[1]} 为 {label_b}，两者必须一致。"
            f"请先转换其中之一，例如 {names[0]}.to_crs('{label_b}')。"
        )
        raise CrsMismatchError(msg, zh=zh)
    return crs_a


def crs_label(crs: CRS) -> str:
    """Return a short label for ``crs``: ``"EPSG:4546"`` when it has an authority code."""
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]}" if authority else crs.name


def require_columns(frame: pd.DataFrame, schema: Mapping[str, str], *, what: str) -> None:
    """Check that ``frame`` has every column of ``schema`` with the right kind of values.

    Parameters
    ----------
    frame
        The table to check (a DataFrame or GeoDataFrame).
    schema
        Column name -> kind, one of "string", "float", "int", "bool". "float" accepts integer
        columns; "int" accepts floats whose values are all whole numbers (CSV with blanks).
    what
        Name of the input in messages, e.g. "county targets (county_targets.csv)".

    Raises
    ------
    SchemaError
        Listing ALL missing and ill-typed columns at once.
    """
    unknown = sorted(set(schema.values()) - set(_COLUMN_CHECKS))
    if unknown:
        msg = f"Unknown column kinds {unknown}; use one of {sorted(_COLUMN_CHECKS)}."
        raise ValueError(msg)
    missing = [name for name in schema if name not in frame.columns]
    wrong = [
        (name, kind, _describe_values(frame[name]))
        for name, kind in schema.items()
        if name in frame.columns and not _COLUMN_CHECKS[kind](frame[name])
    ]
    if missing or wrong:
        raise _schema_error(what, missing, wrong, list(map(str, frame.columns)))


def _is_string_column(values: pd.Series) -> bool:
    return bool(ptypes.is_string_dtype(values) or values.isna().all())


def _is_float_column(values: pd.Series) -> bool:
    return bool(ptypes.is_numeric_dtype(values) and not ptypes.is_bool_dtype(values))


def _is_int_column(values: pd.Series) -> bool:
    if ptypes.is_bool_dtype(values):
        return False
    if ptypes.is_integer_dtype(values):
        return True
    present = values.dropna()
    return bool(ptypes.is_float_dtype(values) and (present == present.round()).all())


_COLUMN_CHECKS: dict[str, Callable[[pd.Series], bool]] = {
    "string": _is_string_column,
    "float": _is_float_column,
    "int": _is_int_column,
    "bool": lambda values: bool(ptypes.is_bool_dtype(values)),
}


def _describe_values(values: pd.Series) -> str:
    numbers = pd.to_numeric(values, errors="coerce")
    not_numeric = values[numbers.isna() & values.notna()]
    example = not_numeric.iloc[0] if len(not_numeric) else values.dropna().iloc[:1].tolist()
    return f"{values.dtype}, e.g. {example!r}"


def _schema_error(
    what: str, missing: list[str], wrong: list[tuple[str, str, str]], present: list[str]
) -> SchemaError:
    lines_en, lines_zh = [], []
    if missing:
        lines_en.append(f"missing columns: {', '.join(missing)}")
        lines_zh.append(f"缺少列：{'、'.join(missing)}")
    for name, kind, found in wrong:
        lines_en.append(f"column '{name}' should hold {kind} values but has {found}")
        lines_zh.append(f"列“{name}”应为 {kind} 类型，实际为 {found}")
    msg = (
        f"`{what}` does not match the expected columns:\n- "
        + "\n- ".join(lines_en)
        + f"\nColumns found: {', '.join(present)}. Rename or fix these columns and load again."
    )
    zh = (
        f"{what} 的列不符合要求：\n- "
        + "\n- ".join(lines_zh)
        + f"\n现有列：{'、'.join(present)}。请修改列名或数值后重新加载。"
    )
    return SchemaError(msg, zh=zh)


# --- Geometry checks ------------------------------------------------------------------


@dataclass(frozen=True)
class GeometryProblem:
    """One rejected feature: its 1-based number in the source and why (``input.reason.*``)."""

    feature_no: int
    code: ProblemCode
    reason: Message


@dataclass(frozen=True)
class GeometryCheck:
    """Features that passed a check (possibly repaired) plus the problems and notes found.

    ``features`` keeps the input's columns (including ``feature_no``); ``repaired_count``
    counts geometries fixed with ``shapely.make_valid``. Checks never warn: the caller emits
    one ``GeometryRepairedWarning`` if the overall read succeeds. ``notes`` are catalogue
    messages (``input.note.*``), rendered by the entry points.
    """

    features: gpd.GeoDataFrame
    problems: tuple[GeometryProblem, ...] = ()
    notes: tuple[Message, ...] = ()
    repaired_count: int = field(default=0)

    def then(self, step: Callable[[gpd.GeoDataFrame], GeometryCheck]) -> GeometryCheck:
        """Run ``step`` on the features that passed so far and merge its findings."""
        nxt = step(self.features)
        return replace(
            nxt,
            problems=self.problems + nxt.problems,
            notes=self.notes + nxt.notes,
            repaired_count=self.repaired_count + nxt.repaired_count,
        )


def _feature_numbers(features: gpd.GeoDataFrame) -> list[int]:
    if "feature_no" in features.columns:
        return [int(n) for n in features["feature_no"]]
    return list(range(1, len(features) + 1))


def _with_geometry(
    features: gpd.GeoDataFrame, geoms: list[BaseGeometry | None]
) -> gpd.GeoDataFrame:
    out = features.copy()
    out[features.geometry.name] = gpd.GeoSeries(geoms, index=features.index, crs=features.crs)
    return out


def _split(
    features: gpd.GeoDataFrame, bad: pd.Series, problems: list[GeometryProblem]
) -> GeometryCheck:
    kept = features.loc[~bad.to_numpy()]
    return GeometryCheck(features=kept, problems=tuple(problems))


def check_present(features: gpd.GeoDataFrame) -> GeometryCheck:
    """Reject features whose geometry is null (absent or unparsable) or empty."""
    geoms = features.geometry
    bad = geoms.isna() | geoms.is_empty
    problems = [
        GeometryProblem(no, "missing", Message.of("input.reason.missing"))
        for no, is_bad in zip(_feature_numbers(features), bad, strict=True)
        if is_bad
    ]
    return _split(features, bad, problems)


def _flatten(geom: BaseGeometry) -> list[BaseGeometry]:
    if geom.geom_type.startswith("Multi") or isinstance(geom, GeometryCollection):
        return [part for sub in shapely.get_parts(geom) for part in _flatten(sub)]
    return [geom]


def reduce_to_kind(geom: BaseGeometry, kind: GeometryKind) -> BaseGeometry | None:
    """Return ``geom`` restricted to ``kind`` (parts of a GeometryCollection), or None.

    Single and Multi* geometries of the kind are returned unchanged; a collection keeps only
    its parts of the kind (combined into a Multi* when there are several).
    """
    if kind == "any" or geom.geom_type in _KIND_TYPES[kind]:
        return geom
    parts = [p for p in _flatten(geom) if p.geom_type in _KIND_TYPES[kind] and not p.is_empty]
    if not parts or not isinstance(geom, GeometryCollection):
        return None
    return parts[0] if len(parts) == 1 else _multi_of_kind(parts, kind)


def _multi_of_kind(
    parts: list[BaseGeometry], kind: Literal["polygon", "point", "line"]
) -> BaseGeometry:
    """Combine single parts already filtered to ``kind`` into one Multi* geometry."""
    if kind == "polygon":
        return MultiPolygon([p for p in parts if isinstance(p, Polygon)])
    if kind == "point":
        return MultiPoint([p for p in parts if isinstance(p, Point)])
    return MultiLineString([p for p in parts if isinstance(p, LineString)])


def check_kind(features: gpd.GeoDataFrame, kind: GeometryKind) -> GeometryCheck:
    """Reject features of the wrong geometry type; reduce GeometryCollections to ``kind``."""
    if kind == "any":
        return GeometryCheck(features=features)
    reduced = [reduce_to_kind(g, kind) for g in features.geometry]
    bad = pd.Series([g is None for g in reduced])
    n_collections = sum(
        1
        for g, r in zip(features.geometry, reduced, strict=True)
        if r is not None and g.geom_type == "GeometryCollection"
    )
    expected = "/".join(_KIND_TYPES[kind][:2])
    problems = [
        GeometryProblem(
            no,
            "type",
            Message.of(
                "input.reason.type",
                geom_type=g.geom_type,
                kind=kind_name(kind),
                expected=expected,
            ),
        )
        for no, g, r in zip(_feature_numbers(features), features.geometry, reduced, strict=True)
        if r is None
    ]
    kept = _with_geometry(features, reduced).loc[~bad.to_numpy()]
    notes = (
        (Message.of("input.note.collections_reduced", count=n_collections, kind=kind_name(kind)),)
        if n_collections
        else ()
    )
    return GeometryCheck(features=kept, problems=tuple(problems), notes=notes)


def kind_name(kind: str) -> Message:
    """Return the name of a geometry kind (``geometry_kind.<kind>``: polygon, point ...)."""
    return Message.of(f"geometry_kind.{kind}")


def check_valid(features: gpd.GeoDataFrame, *, kind: GeometryKind, repair: bool) -> GeometryCheck:
    """Repair invalid geometries with ``shapely.make_valid`` (or reject them if not ``repair``).

    For ``kind="polygon"`` only the polygonal part of a repaired geometry is kept; a repair
    that leaves no polygon (e.g. a ring folded onto a line) rejects the feature. With
    ``kind="any"`` a repair keeps the geometry's own kind: a zero-area polygon that
    repairs to a point or a line is rejected, never passed on as a point.
    """
    geoms = features.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return GeometryCheck(features=features)
    numbers = _feature_numbers(features)
    if not repair:
        problems = [
            GeometryProblem(
                no,
                "invalid",
                Message.of("input.reason.invalid", why=shapely.is_valid_reason(g)),
            )
            for no, g, bad in zip(numbers, geoms, invalid, strict=True)
            if bad
        ]
        return _split(features, pd.Series(invalid), problems)
    kinds = [_own_kind(g) if kind == "any" else kind for g in geoms]
    repaired = [
        reduce_to_kind(shapely.make_valid(g), k) if bad else g
        for g, bad, k in zip(geoms, invalid, kinds, strict=True)
    ]
    lost = pd.Series([g is None or g.is_empty for g in repaired])
    problems = [
        GeometryProblem(no, "invalid", Message.of("input.reason.lost_in_repair", kind=kind_name(k)))
        for no, is_lost, k in zip(numbers, lost, kinds, strict=True)
        if is_lost
    ]
    count = int(invalid.sum()) - len(problems)
    kept = _with_geometry(features, repaired).loc[~lost.to_numpy()]
    notes = (Message.of("input.note.repaired", count=count),) if count else ()
    return GeometryCheck(features=kept, problems=tuple(problems), notes=notes, repaired_count=count)


def _own_kind(geom: BaseGeometry) -> GeometryKind:
    """Return the kind of a single or Multi* geometry ("any" for collections)."""
    for kind in ("polygon", "point", "line"):
        if geom.geom_type in _KIND_TYPES[kind]:
            return kind
    return "any"


def _covered_by(geoms: npt.NDArray[np.object_], area: BaseGeometry) -> npt.NDArray[np.bool_]:
    """Return ``shapely.covered_by(geoms, area)``, deciding most by the faster test first.

    A geometry in the interior of ``area`` (``contains_properly``, quick on a prepared
    area) is covered; only the others get the exact test (issue 12: thousands of sites).
    """
    shapely.prepare(area)
    inside = np.asarray(shapely.contains_properly(area, geoms), dtype=bool)
    rest = ~inside
    inside[rest] = shapely.covered_by(geoms[rest], area)
    return inside


def check_within(
    features: gpd.GeoDataFrame,
    region_extent: BaseGeometry,
    *,
    tolerance_deg: float = REGION_TOLERANCE_DEG,
) -> GeometryCheck:
    """Reject features not inside ``region_extent`` grown by ``tolerance_deg``.

    Both ``features`` and ``region_extent`` must be in EPSG:4326 lon/lat.
    """
    allowed = region_extent.buffer(tolerance_deg)
    inside = _covered_by(features.geometry.to_numpy(), allowed)
    x0, y0, x1, y1 = region_extent.bounds
    problems = []
    for no, g, ok in zip(_feature_numbers(features), features.geometry, inside, strict=True):
        if ok:
            continue
        point = g.representative_point()
        problems.append(
            GeometryProblem(
                no,
                "outside",
                Message.of(
                    "input.reason.outside",
                    lon=point.x,
                    lat=point.y,
                    west=x0,
                    east=x1,
                    south=y0,
                    north=y1,
                ),
            )
        )
    return _split(features, pd.Series(~inside), problems)


def check_geometries(
    features: gpd.GeoDataFrame,
    *,
    geometry_kind: GeometryKind = "any",
    repair: bool = True,
    region_extent: BaseGeometry | None = None,
) -> GeometryCheck:
    """Run every geometry check in order: present, kind, valid (or repair), within region.

    Parameters
    ----------
    features
        Features with a ``feature_no`` column (1-based number in the source; row position
        + 1 when absent). Must be in EPSG:4326 when ``region_extent`` is given.
    geometry_kind
        Expected kind; Multi* of the same kind are accepted.
    repair
        Repair invalid geometries with ``shapely.make_valid`` instead of rejecting them.
    region_extent
        Region outline in EPSG:4326; features outside it (plus a tolerance) are rejected.

    Returns
    -------
    GeometryCheck
        Surviving features and every problem found; nothing is raised or warned here.
    """
    result = check_present(features)
    result = result.then(lambda kept: check_kind(kept, geometry_kind))
    result = result.then(lambda kept: check_valid(kept, kind=geometry_kind, repair=repair))
    if region_extent is not None:
        result = result.then(lambda kept: check_within(kept, region_extent))
    return result


def geometry_problems_error(
    problems: tuple[GeometryProblem, ...], *, source_name: str, n_features: int
) -> InvalidGeometryError:
    """Build one error listing ``problems`` (the first MAX_LISTED_PROBLEMS) and the fixes."""
    ordered = sorted(problems, key=lambda p: p.feature_no)
    shown = ordered[:MAX_LISTED_PROBLEMS]
    more = len(ordered) - len(shown)
    lines_en = [f"- feature {p.feature_no}: {p.reason.render('en')}" for p in shown]
    lines_zh = [f"- 第 {p.feature_no} 个要素：{p.reason.render('zh')}" for p in shown]
    if more:
        lines_en.append(f"- ... and {more} more")
        lines_zh.append(f"- ……另有 {more} 个")
    codes = [c for c in _FIX_EN if any(p.code == c for p in problems)]
    return catalogued(
        InvalidGeometryError,
        "input.feature_problems",
        file=source_name,
        count=len(problems),
        total=n_features,
        lines="\n".join(lines_en),
        fixes="; ".join(_FIX_EN[c] for c in codes),
        zh_values={"lines": "\n".join(lines_zh), "fixes": "；".join(_FIX_ZH[c] for c in codes)},
    )
