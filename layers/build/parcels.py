"""Build the ILLUSTRATIVE absorption-land (粪污消纳用地) parcel layer of a region pack.

Registered in `layers.build.BUILDERS` as ``"parcels"``; ``make data`` runs it. It writes the
layer of kind ``absorption_parcels`` (a GeoPackage, ``generated = true``, not committed) from
the real county boundaries, the county forage targets and the generator settings (layer of
kind ``parcel_generator``). The same settings and boundaries always give the same file
(fixed seed, stable order). Method: `layers.build.parcel_synthesis`; caveats: data/README.md.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from errors import SchemaError
from geo.area import area_mu
from geo.grid import Grid
from layers.build.grid import make_grid, sw_cell_boxes
from layers.build.parcel_attributes import (
    assign_forage,
    assign_manure_allowed,
    assign_other_crops,
    assign_soil,
    assign_yields,
    river_lines,
)
from layers.build.parcel_synthesis import (
    at_cells,
    classify_zones,
    clip_to_counties,
    cut_strips,
    select_cropland,
    smooth_field,
)
from layers.coefficients import load_crop_table
from layers.counties import load_counties
from layers.county_zones import load_county_zones
from layers.forage_params import load_forage_params
from layers.parcel_model import ParcelModel, load_parcel_model, with_forage_yields
from layers.parcels import PARCEL_COLUMNS, PARCELS_KIND, PARCELS_LAYER
from layers.targets import load_forage_targets

if TYPE_CHECKING:
    from layers.region import Region

GENERATOR_KIND: str = "parcel_generator"
_ID_DIGITS = 6
_LOG = logging.getLogger(__name__)


def build_parcels(region: Region, generated_only: bool) -> None:
    """Write the region's absorption-parcel layer, if its manifest declares one.

    Does nothing when the manifest has no layer of kind ``absorption_parcels``, or when
    ``generated_only`` is set and that layer is committed (``generated = false``).
    """
    specs = [spec for spec in region.layers.values() if spec.kind == PARCELS_KIND]
    if not specs or (generated_only and not specs[0].generated):
        return
    spec = region.layer_of_kind(PARCELS_KIND)
    started = time.perf_counter()
    parcels = generate_parcels(region)
    write_parcels(parcels, region.layer_path(spec.name), layer=spec.layer or PARCELS_LAYER)
    _LOG.info(
        "%s: %d illustrative parcels written to %s in %.1f s",
        region.id,
        len(parcels),
        spec.file,
        time.perf_counter() - started,
    )


def generate_parcels(region: Region) -> gpd.GeoDataFrame:
    """Generate the illustrative parcels of ``region`` in its storage CRS (EPSG:4326).

    Returns
    -------
    parcels
        Columns of `layers.parcels.PARCEL_COLUMNS` (``area_mu`` measured in the analysis
        CRS), sorted by ``parcel_id``.

    Raises
    ------
    FileFormatError, SchemaError
        If the boundaries, targets, crop table or generator settings are missing or bad.
    ParameterError
        If a county has too little cropland for its forage targets.
    """
    model = with_forage_yields(
        load_parcel_model(region.layer_path(region.layer_of_kind(GENERATOR_KIND).name)),
        county_forage_yields(region),
    )
    _require_known_crops(model, set(load_crop_table(region.dir)), region)
    counties = load_counties(region).to_crs(region.analysis_crs)
    targets = load_forage_targets(region)
    targets = targets.loc[targets["year"] == model.forage_target_year]
    parcels = synthesize_parcels(counties[["adcode", "geometry"]], targets, model)
    return parcels.to_crs(region.storage_crs)


def synthesize_parcels(
    counties: gpd.GeoDataFrame, targets: pd.DataFrame, model: ParcelModel
) -> gpd.GeoDataFrame:
    """Run the generator on ``counties`` (``adcode``, geometry; projected analysis CRS).

    ``targets`` holds ``adcode``, ``crop`` (silage_corn, oat_hay, alfalfa) and ``target_mu``.
    Returns the parcels in the counties' CRS with the columns of `PARCEL_COLUMNS`.
    """
    grid = make_grid(tuple(counties.total_bounds), model.cell_m, crs=counties.crs.to_string())
    zones = classify_zones(grid, model, counties.crs)
    boxes = sw_cell_boxes(grid)
    cells = np.sort(
        shapely.STRtree(boxes).query(shapely.union_all(counties.geometry), predicate="intersects")
    )
    strips = cut_strips(grid, cells.astype(np.int64), zones, model)
    pieces = clip_to_counties(strips, counties, grid, model.min_parcel_mu)
    piece_cells = pieces["cell"].to_numpy()
    piece_zones = at_cells(zones, grid, piece_cells)
    county_area_mu = pd.Series(area_mu(counties).to_numpy(), index=counties["adcode"])
    field = smooth_field(model.rng("cropland_field"), grid, model.cropland_smoothing_km)
    field_of_piece = at_cells(field, grid, piece_cells)
    cropland = select_cropland(pieces, county_area_mu, field_of_piece, piece_zones, model)
    parcels = pieces.assign(zone=piece_zones).loc[cropland].reset_index(drop=True)
    return _with_attributes(parcels, targets, counties, grid, model)


def _with_attributes(
    parcels: gpd.GeoDataFrame,
    targets: pd.DataFrame,
    counties: gpd.GeoDataFrame,
    grid: Grid,
    model: ParcelModel,
) -> gpd.GeoDataFrame:
    forage = assign_forage(parcels, targets, grid, model)
    parcels = parcels.assign(crop=assign_other_crops(parcels["zone"], forage, model))
    parcels = parcels.assign(
        yield_kg_per_mu=assign_yields(parcels, grid, model),
        manure_allowed=assign_manure_allowed(parcels, river_lines(counties, model), grid, model),
        illustrative=True,
    ).join(assign_soil(parcels, grid, model))
    parcels = parcels.sort_values(["adcode", "cell", "k", "part"], kind="stable")
    number = parcels.groupby("adcode").cumcount() + 1
    parcels["parcel_id"] = parcels["adcode"] + "-" + number.astype(str).str.zfill(_ID_DIGITS)
    parcels["area_mu"] = area_mu(parcels)
    return parcels[[*PARCEL_COLUMNS, "geometry"]].reset_index(drop=True)


def county_forage_yields(region: Region) -> dict[str, dict[str, float]]:
    """Return ``adcode -> feed -> t/亩``: each county's forage yields (zone default or override).

    The same table (``forage_yields.csv`` + the region's ``forage_yield_overrides``) gives
    forage supply (`siting.forage.county_yields`), so the parcels' manure demand and the
    forage supply use one yield per county and crop.
    """
    params = load_forage_params(region)
    zones = load_county_zones(region)
    return {
        str(adcode): params.yields_for(str(adcode), str(zone))
        for adcode, zone in zip(zones["adcode"], zones["zone"], strict=True)
    }


def write_parcels(parcels: gpd.GeoDataFrame, path: Path, *, layer: str = PARCELS_LAYER) -> None:
    """Write ``parcels`` to the GeoPackage ``path`` (replaced atomically), layer ``layer``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
    partial.unlink(missing_ok=True)
    parcels.to_file(partial, layer=layer, driver="GPKG", engine="pyogrio")
    partial.replace(path)


def _require_known_crops(model: ParcelModel, known: set[str], region: Region) -> None:
    unknown = sorted(model.crop_keys() - known)
    if not unknown:
        return
    msg = (
        f"The parcel generator settings of region {region.id!r} use crop keys that the crop "
        f"table does not know: {', '.join(unknown)} (known: {', '.join(sorted(known))}). "
        "Use keys of data/coefficients/crops.csv."
    )
    zh = (
        f"地区 {region.id!r} 的地块生成设置使用了作物表中没有的作物：{'、'.join(unknown)}"
        f"（已知：{'、'.join(sorted(known))}）。请使用 crops.csv 中的作物键。"
    )
    raise SchemaError(msg, zh=zh)
