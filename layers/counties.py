"""County and city boundaries of a region pack (layers of kind ``counties`` and ``city_outline``).

Both are returned in the region's storage CRS (EPSG:4326 lon/lat). Measure them only after
``to_crs(region.analysis_crs)`` (see `geo.area`). A layer whose manifest datum is ``GCJ-02``
is converted to WGS84 on load; the bundled Hohhot pack is already WGS84.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

import geopandas as gpd
import pyogrio.errors
import shapely

from errors import FileFormatError, InvalidGeometryError, MissingCrsError, SchemaError
from geo.gcj02 import geometry_gcj02_to_wgs84

if TYPE_CHECKING:
    from layers.region import LayerSpec, Region

COUNTY_COLUMNS: tuple[str, ...] = ("adcode", "name_zh", "name_en", "name_short_zh")
CITY_COLUMNS: tuple[str, ...] = ("adcode", "name_zh", "name_en")
_POLYGON_TYPES = ("Polygon", "MultiPolygon")
_ADCODE_PATTERN = re.compile(r"^\d{6}$")


def load_counties(region: Region) -> gpd.GeoDataFrame:
    """Load and validate the county-level divisions of ``region``.

    Returns
    -------
    counties
        One row per county, sorted by ``adcode``: ``adcode`` (6-digit text), ``name_zh``,
        ``name_en``, ``name_short_zh`` (the short name plans use, e.g. 土左旗), ``geometry``
        (valid, non-empty (Multi)Polygons) in ``region.storage_crs``.

    Raises
    ------
    FileFormatError
        If the GeoPackage or its layer is missing or unreadable.
    MissingCrsError
        If the layer has no CRS.
    SchemaError
        If columns are missing or adcodes are not unique 6-digit text (all listed).
    InvalidGeometryError
        If geometries are missing, empty, invalid or not polygons (all listed).
    """
    counties = _read_boundaries(region, region.layer_of_kind("counties"), COUNTY_COLUMNS)
    return counties.sort_values("adcode").reset_index(drop=True)


def load_city_outline(region: Region) -> gpd.GeoDataFrame:
    """Load and validate the outline of the whole region (one row).

    Returns
    -------
    city
        One row: ``adcode``, ``name_zh``, ``name_en``, ``geometry`` in ``region.storage_crs``.

    Raises
    ------
    FileFormatError, MissingCrsError, SchemaError, InvalidGeometryError
        As `load_counties`; `InvalidGeometryError` also if the layer has not exactly one row.
    """
    spec = region.layer_of_kind("city_outline")
    city = _read_boundaries(region, spec, CITY_COLUMNS)
    if len(city) != 1:
        msg = (
            f"Layer {spec.name!r} of region {region.id!r} must hold exactly one outline, "
            f"found {len(city)} features. Rebuild it with `python -m layers.build {region.id}`."
        )
        zh = f"地区 {region.id!r} 的图层 {spec.name!r} 应只有一个边界要素，实际 {len(city)} 个。"
        raise InvalidGeometryError(msg, zh=zh)
    return city.reset_index(drop=True)


def _read_boundaries(region: Region, spec: LayerSpec, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    path = region.layer_path(spec.name)
    where = f"{path.name}" + (f", layer {spec.layer!r}" if spec.layer else "")
    features = _read_layer(path, spec, where)
    _check_schema(features, columns, where)
    if features.crs is None:
        msg = (
            f"{where} has no CRS. Write it with a CRS (e.g. EPSG:4326) or rebuild it with "
            f"`python -m layers.build {region.id}`."
        )
        raise MissingCrsError(msg, zh=f"{where} 没有坐标系，请写入坐标系（如 EPSG:4326）后重试。")
    if spec.datum == "GCJ-02":
        features = features.set_geometry(features.geometry.map(geometry_gcj02_to_wgs84))
    features = features.to_crs(region.storage_crs)
    _check_geometry(features, where)
    return features[[*columns, "geometry"]]


def _read_layer(path: Path, spec: LayerSpec, where: str) -> gpd.GeoDataFrame:
    if not path.is_file():
        msg = f"Boundary file {path} does not exist. Rebuild it with `python -m layers.build`."
        zh = f"边界文件 {path} 不存在，请运行 `python -m layers.build` 重建。"
        raise FileFormatError(msg, zh=zh)
    try:
        return gpd.read_file(path, layer=spec.layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        msg = f"Cannot read {where} ({path}) as a vector layer: {err}. Check `file` and `layer`."
        zh = f"无法读取矢量图层 {where}：{err}。请检查清单中的 file 与 layer。"
        raise FileFormatError(msg, zh=zh) from err


def _check_schema(features: gpd.GeoDataFrame, columns: tuple[str, ...], where: str) -> None:
    problems: list[str] = []
    missing = [name for name in columns if name not in features.columns]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if "adcode" in features.columns:
        adcodes = features["adcode"]
        bad = [repr(v) for v in adcodes if not (isinstance(v, str) and _ADCODE_PATTERN.match(v))]
        if bad:
            problems.append(f"adcode must be 6-digit text, got {', '.join(bad)}")
        repeated = sorted({repr(v) for v in adcodes[adcodes.duplicated()]})
        if repeated:
            problems.append(f"repeated adcode(s) {', '.join(repeated)}")
    if problems:
        msg = f"{where} has {len(problems)} problem(s): {'; '.join(problems)}."
        zh = f"{where} 有 {len(problems)} 处字段问题：{'；'.join(problems)}。"
        raise SchemaError(msg + " Fix the layer or rebuild it.", zh=zh)


def _check_geometry(features: gpd.GeoDataFrame, where: str) -> None:
    geoms = features.geometry
    problems: list[str] = []
    labels = features["adcode"].astype(str)
    present = pd.Series(~shapely.is_missing(geoms.to_numpy()), index=geoms.index)
    checks = {
        "missing geometry": ~present,
        "empty geometry": present & geoms.is_empty,
        "not a (Multi)Polygon": present & ~geoms.geom_type.isin(_POLYGON_TYPES),
    }
    for rule, mask in checks.items():
        if bool(mask.any()):
            problems.append(f"{rule}: {', '.join(labels[mask])}")
    invalid = present & ~geoms.is_valid
    for label, geom in zip(labels[invalid], geoms[invalid], strict=True):
        problems.append(f"invalid geometry {label}: {shapely.is_valid_reason(geom)}")
    if not problems:
        return
    msg = (
        f"{where} has {len(problems)} geometry problem(s): {'; '.join(problems)}. "
        "Repair the polygons (e.g. shapely.make_valid in QGIS/GeoPandas) and save again."
    )
    zh = f"{where} 有 {len(problems)} 处几何问题：{'；'.join(problems)}。请修复多边形后重新保存。"
    raise InvalidGeometryError(msg, zh=zh)
