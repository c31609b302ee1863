"""Build the ILLUSTRATIVE siting constraint layers and DEM of a region pack.

Registered in `layers.build.BUILDERS` as ``"constraints"``; ``make data`` runs it. From the
real city outline and the settings (manifest layer of kind ``constraint_generator``) it
writes ``constraints.gpkg`` (EPSG:4326; one GeoPackage layer per kind: 禁养区, 永久基本农田,
生态保护红线, settlements, main roads, rivers, lakes, processing plants, existing farms) and
the 30 m DEM ``dem_30m.tif`` (analysis CRS, tiled, DEFLATE-compressed float32). The same
settings and outline always give the same files (fixed seed, stable order). Method:
`layers.build.constraint_shapes`, `layers.build.terrain_model`; caveats: data/README.md.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import geopandas as gpd
import rasterio
import shapely
from rasterio.windows import Window
from shapely.geometry.base import BaseGeometry

from errors import SchemaError
from geo.crs import STORAGE_CRS
from geo.units import M_PER_KM
from layers.build import constraint_shapes as shapes
from layers.build.constraint_settings import (
    ConstraintSettings,
    Landscape,
    build_landscape,
    load_constraint_settings,
)
from layers.build.grid import grid_for_bounds
from layers.build.terrain_model import DemModel, dem_model
from layers.constraints import CONSTRAINT_LAYERS, DEM_KIND, GENERATOR_KIND
from layers.counties import load_city_outline

if TYPE_CHECKING:
    from pathlib import Path

    from layers.region import LayerSpec, Region

_LOG = logging.getLogger(__name__)
DEM_BLOCK_ROWS: Final[int] = 512
_DEM_NODATA: Final[float] = -9999.0
_VILLAGE_EXCLUDE_BUFFER_M: Final[float] = 300.0
_RIVER_CUT_BUFFER_M: Final[float] = 100.0


def build_constraints(region: Region, generated_only: bool) -> None:
    """Write the region's constraint layers and DEM, if its manifest declares them.

    Does nothing when the manifest has none of them, or when ``generated_only`` is set and
    none of them is generated.
    """
    specs = [
        s for s in region.layers.values() if s.layer in CONSTRAINT_LAYERS or s.kind == DEM_KIND
    ]
    if not specs or (generated_only and not any(s.generated for s in specs)):
        return
    started = time.perf_counter()
    settings = load_constraint_settings(
        region.layer_path(region.layer_of_kind(GENERATOR_KIND).name)
    )
    city = load_city_outline(region).geometry.iloc[0]
    landscape = build_landscape(settings, city, region.analysis_crs)
    city_m = gpd.GeoSeries([city], crs=STORAGE_CRS).to_crs(region.analysis_crs).iloc[0]
    grid = grid_for_bounds(
        city_m.bounds,
        float(settings.section("terrain")["cell_m"]),
        float(settings.section("terrain")["margin_km"]) * M_PER_KM,
        crs=region.analysis_crs,
    )
    model = dem_model(grid, landscape, settings)
    layers = generate_constraint_layers(settings, landscape, city_m, model)
    for spec in specs:
        if spec.kind == DEM_KIND:
            write_dem(model, region.layer_path(spec.name), settings, crs=region.analysis_crs)
        else:
            _write_layer(layers, spec, region.layer_path(spec.name))
    _LOG.info(
        "%s: illustrative constraint layers and DEM (%d x %d cells) written in %.1f s",
        region.id,
        grid.width,
        grid.height,
        time.perf_counter() - started,
    )


def _write_layer(layers: dict[str, gpd.GeoDataFrame], spec: LayerSpec, path: Path) -> None:
    name = spec.layer or ""
    if name not in layers:
        msg = (
            f"Manifest layer {spec.name!r} asks for GeoPackage layer {name!r}, which the "
            f"constraint builder does not make (it makes {sorted(layers)})."
        )
        raise SchemaError(msg, zh=f"清单图层 {spec.name!r} 的 layer {name!r} 无法生成。")
    if name == next(iter(layers)) and path.exists():
        path.unlink()  # start a fresh GeoPackage with the first layer
    layers[name].to_file(path, layer=name, driver="GPKG")


def generate_constraint_layers(
    settings: ConstraintSettings,
    landscape: Landscape,
    city_m: BaseGeometry,
    model: DemModel,
) -> dict[str, gpd.GeoDataFrame]:
    """Generate every vector layer (EPSG:4326), keyed by GeoPackage layer name.

    Parameters
    ----------
    city_m
        The city outline in the analysis CRS; polygons are clipped to it.
    model
        The DEM model (its gully dissection places the soil-conservation red line).
    """
    crs = landscape.analysis_crs
    zones = _clip(shapes.no_farming_zones(settings, landscape), city_m)
    rivers, lakes = shapes.surface_water(landscape)
    water = shapely.union_all([*rivers.geometry, *lakes.geometry])
    seats = shapes.county_seats(settings, landscape)
    exclude = shapely.union_all([*seats.geometry, water.buffer(_VILLAGE_EXCLUDE_BUFFER_M)])
    settlements = pd.concat(
        [seats, shapes.villages(settings, landscape, city_m, exclude)], ignore_index=True
    )
    redline = _clip(
        shapes.eco_redlines(
            settings, landscape, _erosion_cells(settings, landscape, city_m, model)
        ),
        city_m,
    )
    farmland_cut = shapely.union_all(
        [
            *settlements.geometry.buffer(settings.section("basic_farmland")["settlement_buffer_m"]),
            water.buffer(_RIVER_CUT_BUFFER_M),
        ]
    )
    layers = {
        "no_farming_zone": zones,
        "basic_farmland": _basic_farmland(settings, landscape, city_m, farmland_cut),
        "eco_redline": redline,
        "settlements": gpd.GeoDataFrame(settlements, geometry="geometry", crs=crs),
        "main_roads": _clip(shapes.main_roads(settings, landscape), city_m),
        "rivers": rivers,
        "lakes": lakes,
        "processing_plants": shapes.processing_plants(settings, landscape),
        "dairy_farms": _dairy_farms(
            settings, landscape, city_m, shapely.union_all([*zones.geometry, *redline.geometry])
        ),
    }
    return {name: _finish(frame, settings) for name, frame in layers.items()}


def _clip(frame: gpd.GeoDataFrame, city_m: BaseGeometry) -> gpd.GeoDataFrame:
    clipped = frame.assign(geometry=shapely.intersection(frame.geometry.values, city_m))
    return clipped[~clipped.geometry.is_empty].reset_index(drop=True)


def _finish(frame: gpd.GeoDataFrame, settings: ConstraintSettings) -> gpd.GeoDataFrame:
    out = frame.assign(illustrative=True, status=settings.status, source=settings.source)
    out["feature_id"] = out["feature_id"].astype(str)
    return out.to_crs(STORAGE_CRS)


def _basic_farmland(
    settings: ConstraintSettings, landscape: Landscape, city_m: BaseGeometry, cut: BaseGeometry
) -> gpd.GeoDataFrame:
    """永久基本农田: blocks of a grid kept by zone probability, shrunk, jittered and cut."""
    cfg = settings.section("basic_farmland")
    rng = settings.rng("farmland")
    block_m = cfg["block_km"] * M_PER_KM
    xmin, ymin, xmax, ymax = city_m.bounds
    gx, gy = np.meshgrid(
        np.arange(xmin, xmax, block_m) + block_m / 2, np.arange(ymin, ymax, block_m) + block_m / 2
    )
    x_m, y_m = gx.ravel(), gy.ravel()
    shrink_low, shrink_high = cfg["shrink_frac"]
    draw, size, shift = (
        rng.random(len(x_m)),
        rng.uniform(shrink_low, shrink_high, (2, len(x_m))),
        rng.uniform(-1, 1, (2, len(x_m))),
    )
    keep_prob = np.array([cfg["keep_prob"].get(z, 0.0) for z in landscape.zones(x_m, y_m)])
    keep = (draw < keep_prob) & shapely.contains(city_m, shapely.points(x_m, y_m))
    half = size[:, keep] * block_m / 2
    cx = x_m[keep] + shift[0, keep] * (block_m / 2 - half[0])
    cy = y_m[keep] + shift[1, keep] * (block_m / 2 - half[1])
    blocks = shapely.box(cx - half[0], cy - half[1], cx + half[0], cy + half[1])
    pieces = shapely.intersection(shapely.difference(blocks, cut), city_m)
    pieces = pieces[~shapely.is_empty(pieces)]
    ids = [f"BF{n + 1:05d}" for n in range(len(pieces))]
    return gpd.GeoDataFrame(
        {
            "feature_id": ids,
            "name": [f"永久基本农田图斑 {i}（示意）" for i in ids],
            "name_en": [f"Basic farmland patch {i} (illustrative)" for i in ids],
            "category": "basic_farmland",
        },
        geometry=pieces,
        crs=landscape.analysis_crs,
    )


def _erosion_cells(
    settings: ConstraintSettings, landscape: Landscape, city_m: BaseGeometry, model: DemModel
) -> BaseGeometry:
    """Cells of the most strongly dissected loess hills (soil-conservation red line)."""
    cfg = settings.section("eco_redline")
    cell_m = cfg["erosion_cell_km"] * M_PER_KM
    xmin, ymin, xmax, ymax = city_m.bounds
    gx, gy = np.meshgrid(
        np.arange(xmin, xmax, cell_m) + cell_m / 2, np.arange(ymin, ymax, cell_m) + cell_m / 2
    )
    x_m, y_m = gx.ravel(), gy.ravel()
    hills = (landscape.zones(x_m, y_m) == "hills") & shapely.contains(
        city_m, shapely.points(x_m, y_m)
    )
    strength = _sample_dissection(model, x_m[hills], y_m[hills])
    strong = strength >= np.quantile(strength, cfg["erosion_quantile"])
    cx, cy, h = x_m[hills][strong], y_m[hills][strong], cell_m / 2
    return shapely.union_all(shapely.box(cx - h, cy - h, cx + h, cy + h))


def _sample_dissection(model: DemModel, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
    grid = model.grid
    rows = np.clip(((grid.top_m - y_m) // grid.cell_m).astype(int), 0, grid.height - 1)
    cols = np.clip(((x_m - grid.left_m) // grid.cell_m).astype(int), 0, grid.width - 1)
    out = np.empty(len(x_m))
    for row in np.unique(rows):
        values = model.dissection(int(row), int(row) + 1)[0]
        out[rows == row] = values[cols[rows == row]]
    return out


def _dairy_farms(
    settings: ConstraintSettings, landscape: Landscape, city_m: BaseGeometry, exclude: BaseGeometry
) -> gpd.GeoDataFrame:
    """Existing farms: random points by zone, outside 禁养区 and red lines, spaced apart."""
    cfg = settings.section("dairy_farms")
    rng = settings.rng("farms")
    spacing_m = cfg["min_spacing_km"] * M_PER_KM
    x_m, y_m = shapes.jittered_grid(city_m.bounds, spacing_m / 2, rng)
    keep_prob = np.array([cfg["keep_prob"].get(z, 0.0) for z in landscape.zones(x_m, y_m)])
    points = shapely.points(x_m, y_m)
    ok = (rng.random(len(x_m)) < keep_prob) & shapely.contains(city_m, points)
    ok &= ~shapely.intersects(exclude, points)
    chosen: list[int] = []
    for k in rng.permutation(np.flatnonzero(ok)):
        if len(chosen) == cfg["count"]:
            break
        if all(np.hypot(x_m[k] - x_m[c], y_m[k] - y_m[c]) >= spacing_m for c in chosen):
            chosen.append(int(k))
    chosen.sort()
    ids = [f"FARM-{n + 1:02d}" for n in range(len(chosen))]
    return gpd.GeoDataFrame(
        {
            "feature_id": ids,
            "name": [f"现有奶牛场 {i}（示意）" for i in ids],
            "name_en": [f"Existing dairy farm {i} (illustrative)" for i in ids],
            "category": "dairy_farm",
        },
        geometry=shapely.points(x_m[chosen], y_m[chosen]),
        crs=landscape.analysis_crs,
    )


def write_dem(model: DemModel, path: Path, settings: ConstraintSettings, *, crs: str) -> None:
    """Write the DEM as a tiled, DEFLATE-compressed float32 GeoTIFF in ``crs`` (metres)."""
    grid = model.grid
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": grid.transform,
        "nodata": _DEM_NODATA,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "compress": "DEFLATE",
        "predictor": 3,
        "zlevel": 1,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.update_tags(
            illustrative="true",
            status=settings.status,
            source=settings.source,
            seed=str(settings.seed),
            units="metre",
            generator="layers/build/constraints.py + layers/build/terrain_model.py",
        )
        for row0 in range(0, grid.height, DEM_BLOCK_ROWS):
            row1 = min(row0 + DEM_BLOCK_ROWS, grid.height)
            dst.write(model.block(row0, row1), 1, window=Window(0, row0, grid.width, row1 - row0))
