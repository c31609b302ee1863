"""Load siting constraint and context layers (禁养区, 永久基本农田, 生态保护红线 ...) and the DEM.

Bundled layers come from the region manifest: every layer whose ``kind`` is one of
`siting.criteria.LAYER_KINDS` (several layers of one kind are merged, e.g. rivers and lakes
as ``surface_water``), and the raster of kind ``dem``. Users' own layers, in any CRS, go
through `prepare_constraint_features` / `constraint_layers_from_frames`: they are reprojected
to the analysis CRS and given ``feature_id`` and ``name`` if they lack them. A DEM may be in
any projected CRS (`geo.raster.slope_stats` reprojects the sites, not the raster).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import pandas as pd

import geopandas as gpd
import pyogrio.errors

from errors import FileFormatError, MissingCrsError, SchemaError
from geo.gcj02 import geometry_gcj02_to_wgs84
from locales import text
from siting.criteria import FEATURE_COLUMNS, LAYER_KINDS, ConstraintLayers

if TYPE_CHECKING:
    from pathlib import Path

    from layers.region import LayerSpec, Region

GENERATOR_KIND: Final[str] = "constraint_generator"
DEM_KIND: Final[str] = "dem"
#: GeoPackage layer written by `layers.build.constraints` -> layer kind.
CONSTRAINT_LAYERS: Final[dict[str, str]] = {
    "no_farming_zone": "no_farming_zone",
    "basic_farmland": "basic_farmland",
    "eco_redline": "eco_redline",
    "settlements": "settlements",
    "main_roads": "main_roads",
    "rivers": "surface_water",
    "lakes": "surface_water",
    "processing_plants": "processing_plants",
    "dairy_farms": "dairy_farms",
}
_ID_COLUMNS: Final[tuple[str, ...]] = ("feature_id", "id", "fid", "code", "编号")
_NAME_COLUMNS: Final[tuple[str, ...]] = ("name", "name_zh", "名称", "NAME", "Name")
_MAKE_DATA_HINT: Final[str] = (
    "Build it with `make data` (python -m layers.build <region> --generated-only)."
)


def constraint_specs(region: Region) -> dict[str, list[LayerSpec]]:
    """Return the manifest layers of each constraint kind (kinds without layers omitted)."""
    out: dict[str, list[LayerSpec]] = {}
    for spec in region.layers.values():
        if spec.kind in LAYER_KINDS:
            out.setdefault(spec.kind, []).append(spec)
    return out


def load_constraint_layers(
    region: Region,
    *,
    parcels: gpd.GeoDataFrame | None = None,
    counties: gpd.GeoDataFrame | None = None,
    county_water: pd.DataFrame | None = None,
) -> ConstraintLayers:
    """Load every constraint layer of ``region`` in its analysis CRS.

    Parameters
    ----------
    region
        A loaded region pack.
    parcels
        Optional absorption/forage parcels (any CRS) for the land criteria.
    counties
        Optional county polygons (any CRS, with ``adcode``) to locate each site's county.
    county_water
        Optional county water table (`siting.criteria.COUNTY_WATER_COLUMNS`).

    Raises
    ------
    FileFormatError
        If a layer's file is missing (generated layers: run ``make data``) or unreadable.
    MissingCrsError, SchemaError
        If a layer has no CRS or no geometry.
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    illustrative: dict[str, bool] = {}
    for kind, specs in constraint_specs(region).items():
        parts = [_read_spec(region, spec) for spec in specs]
        frames[kind] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        illustrative[kind] = any(spec.illustrative for spec in specs)
    return constraint_layers_from_frames(
        frames,
        analysis_crs=region.analysis_crs,
        illustrative=illustrative,
        parcels=parcels,
        counties=counties,
        county_water=county_water,
    )


def _read_spec(region: Region, spec: LayerSpec) -> gpd.GeoDataFrame:
    path = region.layer_path(spec.name)
    if not path.is_file():
        hint = _MAKE_DATA_HINT if spec.generated else "Restore the file from the repository."
        msg = f"Layer {spec.name!r} ({path.name}) of region {region.id!r} is missing. {hint}"
        zh = (
            f"地区 {region.id!r} 的图层 {spec.name!r}（{path.name}）不存在。请运行 make data 生成。"
        )
        raise FileFormatError(msg, zh=zh)
    try:
        frame = gpd.read_file(path, layer=spec.layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        msg = f"Cannot read layer {spec.layer!r} of {path.name}: {err}. {_MAKE_DATA_HINT}"
        raise FileFormatError(msg, zh=f"无法读取 {path.name} 的图层 {spec.layer!r}：{err}") from err
    if spec.datum == "GCJ-02":
        frame = frame.set_geometry(frame.geometry.map(geometry_gcj02_to_wgs84))
    return prepare_constraint_features(
        frame,
        spec.kind,
        analysis_crs=region.analysis_crs,
        what=f"{path.name}:{spec.layer or spec.name}",
    )


def prepare_constraint_features(
    features: gpd.GeoDataFrame, kind: str, *, analysis_crs: str, what: str
) -> gpd.GeoDataFrame:
    """Return ``features`` (any CRS) in the analysis CRS with ``feature_id`` and ``name``.

    ``feature_id`` is taken from the first of ``feature_id, id, fid, code, 编号`` present
    (else ``<kind>-<n>``); ``name`` from ``name, name_zh, 名称 ...`` (else the kind's label
    and the id). Other columns are kept. The input is not modified.

    Raises
    ------
    SchemaError
        If ``kind`` is unknown.
    MissingCrsError
        If the features have no CRS.
    """
    if kind not in LAYER_KINDS:
        msg = f"{what}: unknown constraint kind {kind!r}; use one of {', '.join(LAYER_KINDS)}."
        raise SchemaError(msg, zh=f"{what}：未知约束图层类型 {kind!r}。")
    if features.crs is None:
        msg = f"{what} has no CRS. Save it with one (e.g. EPSG:4326 for lon/lat) and load it again."
        raise MissingCrsError(msg, zh=f"{what} 没有坐标系，请指定后重新加载。")
    frame = features[~(features.geometry.isna() | features.geometry.is_empty)]
    frame = frame.to_crs(analysis_crs).reset_index(drop=True)
    ids = _first_column(frame, _ID_COLUMNS)
    ids = (
        ids.astype(str)
        if ids is not None
        else pd.Series([f"{kind}-{n + 1}" for n in range(len(frame))], index=frame.index)
    )
    names = _first_column(frame, _NAME_COLUMNS)
    label = text(f"layer_kind.{kind}", "zh")
    names = names.astype(str) if names is not None else label + " " + ids
    return frame.assign(feature_id=ids, name=names)


def _first_column(frame: pd.DataFrame, candidates: tuple[str, ...]) -> pd.Series | None:
    for column in candidates:
        if column in frame.columns and frame[column].notna().all():
            return frame[column]
    return None


def constraint_layers_from_frames(
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    analysis_crs: str,
    illustrative: Mapping[str, bool] | None = None,
    parcels: gpd.GeoDataFrame | None = None,
    counties: gpd.GeoDataFrame | None = None,
    county_water: pd.DataFrame | None = None,
) -> ConstraintLayers:
    """Build `ConstraintLayers` from frames by kind, in any CRS (users' own layers).

    Frames that already have ``feature_id`` and ``name`` in the analysis CRS pass through;
    ``parcels`` and ``counties`` are reprojected to the analysis CRS.
    """
    prepared = {}
    for kind, frame in frames.items():
        ready = all(c in frame.columns for c in FEATURE_COLUMNS) and frame.crs == analysis_crs
        prepared[kind] = (
            frame
            if ready
            else prepare_constraint_features(
                frame, kind, analysis_crs=analysis_crs, what=f"{kind} layer"
            )
        )
    land = None if parcels is None else parcels.to_crs(analysis_crs)
    areas = None if counties is None else counties.to_crs(analysis_crs)
    return ConstraintLayers(
        crs=analysis_crs,
        features=prepared,
        illustrative=dict(illustrative or {}),
        parcels=land,
        counties=areas,
        county_water=county_water,
    )


def dem_path(region: Region) -> Path:
    """Return the path of the region's DEM (layer of kind ``dem``).

    Raises
    ------
    SchemaError
        If the manifest has no DEM layer.
    FileFormatError
        If the file is missing (run ``make data``).
    """
    spec = region.layer_of_kind(DEM_KIND)
    path = region.layer_path(spec.name)
    if not path.is_file():
        msg = f"DEM {path.name} of region {region.id!r} is missing. {_MAKE_DATA_HINT}"
        zh = f"地区 {region.id!r} 的 DEM（{path.name}）不存在，请运行 make data。"
        raise FileFormatError(msg, zh=zh)
    return path
