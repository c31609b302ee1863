"""The generated (illustrative) constraint layers and DEM of the Hohhot pack, and their loader.

Uses the files from ``make data``; if they are missing, builds them into a copy of the pack.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

import geopandas as gpd
import rasterio
from rasterio.windows import Window
from shapely.geometry import Point, box

from errors import FileFormatError, MissingCrsError, SchemaError
from geo.grid import Grid
from geo.raster import read_raster_window, slope_deg
from layers.build import build_region
from layers.build.constraint_settings import build_landscape, load_constraint_settings
from layers.build.terrain_model import spline_field
from layers.constraints import (
    CONSTRAINT_LAYERS,
    constraint_layers_from_frames,
    dem_path,
    load_constraint_layers,
    prepare_constraint_features,
)
from layers.counties import load_city_outline, load_counties
from layers.region import REGIONS_DIR, Region, load_region
from siting.criteria import LAYER_KINDS

GENERATED = ("constraints.gpkg", "dem_30m.tif")
ANALYSIS_CRS = "EPSG:4546"


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Region:
    """The Hohhot pack with its generated layers (built into a copy if missing)."""
    if all((REGIONS_DIR / "hohhot" / name).is_file() for name in GENERATED):
        return load_region("hohhot")
    pack = tmp_path_factory.mktemp("pack") / "hohhot"
    shutil.copytree(REGIONS_DIR / "hohhot", pack, ignore=shutil.ignore_patterns(*GENERATED))
    build_region(load_region(pack), generated_only=True, only=["constraints"])
    return load_region(pack)


def _lonlat_window(region: Region, lon: float, lat: float, half_m: float = 1500.0) -> np.ndarray:
    x, y = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(ANALYSIS_CRS).iloc[0].xy
    bounds = (x[0] - half_m, y[0] - half_m, x[0] + half_m, y[0] + half_m)
    return read_raster_window(dem_path(region), bounds, ANALYSIS_CRS, pad_cells=1)


def test_every_generated_layer_exists_and_is_marked_illustrative(region: Region) -> None:
    specs = [s for s in region.layers.values() if s.layer in CONSTRAINT_LAYERS or s.kind == "dem"]
    assert {s.layer for s in specs if s.kind != "dem"} == set(CONSTRAINT_LAYERS)
    for spec in specs:
        assert spec.generated and spec.illustrative, spec.name
        assert "示意" in spec.description_zh and "illustrative" in spec.description_en.lower()
        assert region.layer_path(spec.name).is_file(), spec.name
    path = region.layer_path("no_farming_zone")
    for layer in CONSTRAINT_LAYERS:
        frame = gpd.read_file(path, layer=layer)
        assert len(frame) and frame.crs.to_epsg() == 4326, layer
        assert frame["illustrative"].all() and frame["status"].eq("illustrative").all(), layer
        assert frame["feature_id"].is_unique, layer
    with rasterio.open(dem_path(region)) as dem:
        assert dem.tags()["illustrative"] == "true"


def test_loader_gives_every_kind_in_the_analysis_crs(region: Region) -> None:
    layers = load_constraint_layers(region)
    assert set(layers.features) == set(LAYER_KINDS)
    assert all(layers.illustrative.values())
    for kind, frame in layers.features.items():
        assert frame.crs == ANALYSIS_CRS and {"feature_id", "name"} <= set(frame.columns), kind
    surface = layers.features["surface_water"]
    assert {"RIV-YELLOW", "RIV-DAHEI", "LAKE-HASUHAI"} <= set(surface["feature_id"])


def test_county_seats_sit_in_their_counties(region: Region) -> None:
    settlements = gpd.read_file(region.layer_path("settlements"), layer="settlements")
    seats = settlements[settlements["category"] == "county_seat"]
    counties = load_counties(region).set_index("adcode")
    assert set(seats["seat_of_adcode"]) == {"150121", "150122", "150123", "150124", "150125"}
    for adcode, geometry in zip(seats["seat_of_adcode"], seats.geometry, strict=True):
        assert counties.loc[adcode, "geometry"].contains(geometry.centroid), adcode
    city = settlements[settlements["category"] == "city"].geometry.iloc[0].centroid
    urban = counties.loc[["150102", "150103", "150104", "150105"]].union_all()
    assert urban.contains(city)
    assert (settlements["category"] == "village").sum() > 300


def test_yellow_river_follows_the_city_border(region: Region) -> None:
    rivers = gpd.read_file(region.layer_path("rivers"), layer="rivers").to_crs(ANALYSIS_CRS)
    yellow = rivers.loc[rivers["feature_id"] == "RIV-YELLOW", "geometry"].iloc[0]
    outline = load_city_outline(region).to_crs(ANALYSIS_CRS).geometry.iloc[0]
    assert yellow.length > 150_000  # the 托县 and 清水河 river border, about 200 km
    assert outline.boundary.hausdorff_distance(outline.boundary.union(yellow)) < 1.0
    togtoh, qingshuihe = (
        load_counties(region)
        .set_index("adcode")
        .loc[["150122", "150124"], "geometry"]
        .to_crs(ANALYSIS_CRS)
    )
    assert yellow.distance(togtoh) < 1.0 and yellow.distance(qingshuihe) < 1.0


def test_dem_covers_the_city_at_30_m_in_the_analysis_crs(region: Region) -> None:
    outline = load_city_outline(region).to_crs(ANALYSIS_CRS).geometry.iloc[0]
    with rasterio.open(dem_path(region)) as dem:
        assert dem.crs.to_epsg() == 4546
        assert dem.res == (30.0, 30.0)
        assert dem.profile["tiled"] and dem.compression is not None
        left, bottom, right, top = dem.bounds
    xmin, ymin, xmax, ymax = outline.bounds
    assert left <= xmin and bottom <= ymin and right >= xmax and top >= ymax


def test_terrain_is_plain_mountains_and_loess_hills(region: Region) -> None:
    plain = _lonlat_window(region, 111.30, 40.45)  # 托县 north, 土默川 plain
    mountains = _lonlat_window(region, 111.40, 40.90)  # 大青山
    hills = _lonlat_window(region, 111.85, 39.98)  # 清水河 loess hills
    slope = {
        name: np.nanmean(slope_deg(w.values, w.transform))
        for name, w in (("plain", plain), ("mountains", mountains), ("hills", hills))
    }
    assert 980 < np.nanmean(plain.values) < 1100
    assert np.nanmean(mountains.values) > np.nanmean(plain.values) + 500
    assert np.nanmean(hills.values) > np.nanmean(plain.values) + 150
    assert slope["plain"] < 2 and slope["mountains"] > 12 and slope["hills"] > 6
    assert plain.nodata_cells == mountains.nodata_cells == hills.nodata_cells == 0


def test_terrain_spline_reproduces_a_linear_field() -> None:
    # Cubic B-splines reproduce linear functions: control value j at fine position
    # (j - 2) * step cells, so the field at fine cell k is a + b * (k / step + 2).
    grid = Grid(ANALYSIS_CRS, cell_m=30.0, left_m=0.0, top_m=1200.0, width=50, height=40)
    step = 8.0
    rows, cols = np.meshgrid(np.arange(11), np.arange(12), indexing="ij")
    field = spline_field(3.0 + 2.0 * cols - 5.0 * rows, grid, step)
    values = np.vstack([field.rows(0, 17), field.rows(17, 40)])
    k_row, k_col = np.meshgrid(np.arange(40), np.arange(50), indexing="ij")
    expected = 3.0 + 2.0 * (k_col / step + 2) - 5.0 * (k_row / step + 2)
    np.testing.assert_allclose(values, expected, atol=1e-4)


def test_landscape_zones_match_the_geography(region: Region) -> None:
    settings = load_constraint_settings(region.layer_path("constraint_generator"))
    outline = load_city_outline(region).geometry.iloc[0]
    landscape = build_landscape(settings, outline, ANALYSIS_CRS)
    points = gpd.GeoSeries(
        [
            Point(111.30, 40.45),
            Point(111.40, 40.90),
            Point(111.85, 39.98),
            Point(111.45, 41.15),
            Point(111.69, 40.82),
        ],
        crs="EPSG:4326",
    ).to_crs(ANALYSIS_CRS)
    zones = landscape.zones(points.x.to_numpy(), points.y.to_numpy())
    assert zones.tolist() == ["plain", "mountain", "hills", "plateau", "urban"]


def test_users_layers_in_any_crs_get_ids_and_names() -> None:
    zone = gpd.GeoDataFrame(
        {"类别": ["水源地"]}, geometry=[box(111.3, 40.4, 111.32, 40.42)], crs="EPSG:4326"
    )
    prepared = prepare_constraint_features(
        zone, "no_farming_zone", analysis_crs=ANALYSIS_CRS, what="my_zones.gpkg"
    )
    assert prepared.crs == ANALYSIS_CRS
    assert prepared["feature_id"].tolist() == ["no_farming_zone-1"]
    assert prepared["name"].tolist() == ["禁养区 no_farming_zone-1"]
    assert "feature_id" not in zone.columns  # input untouched
    named = zone.assign(name=["东郊水源地"], id=[7])
    layers = constraint_layers_from_frames({"no_farming_zone": named}, analysis_crs=ANALYSIS_CRS)
    frame = layers.features["no_farming_zone"]
    assert frame["feature_id"].tolist() == ["7"] and frame["name"].tolist() == ["东郊水源地"]
    with pytest.raises(SchemaError, match="unknown constraint kind 'zoo'"):
        prepare_constraint_features(zone, "zoo", analysis_crs=ANALYSIS_CRS, what="z.gpkg")
    with pytest.raises(MissingCrsError, match=r"z\.gpkg has no CRS"):
        prepare_constraint_features(
            zone.set_crs(None, allow_override=True),
            "no_farming_zone",
            analysis_crs=ANALYSIS_CRS,
            what="z.gpkg",
        )


def test_missing_generated_files_say_make_data(tmp_path: Path) -> None:
    pack = tmp_path / "hohhot"
    shutil.copytree(REGIONS_DIR / "hohhot", pack, ignore=shutil.ignore_patterns(*GENERATED))
    region = load_region(pack)
    with pytest.raises(FileFormatError, match="make data"):
        dem_path(region)
    with pytest.raises(FileFormatError, match="make data"):
        load_constraint_layers(region)


def test_generation_is_deterministic(region: Region) -> None:
    from layers.build.constraints import DEM_BLOCK_ROWS, generate_constraint_layers
    from layers.build.grid import grid_for_bounds
    from layers.build.terrain_model import dem_model

    settings = load_constraint_settings(region.layer_path("constraint_generator"))
    outline = load_city_outline(region).geometry.iloc[0]
    landscape = build_landscape(settings, outline, ANALYSIS_CRS)
    city_m = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(ANALYSIS_CRS).iloc[0]
    grid = grid_for_bounds(city_m.bounds, 30.0, 2000.0, crs=ANALYSIS_CRS)
    model = dem_model(grid, landscape, settings)
    again = dem_model(grid, landscape, settings)
    np.testing.assert_array_equal(model.block(3000, 3040), again.block(3000, 3040))
    layers = generate_constraint_layers(settings, landscape, city_m, model)
    stored = gpd.read_file(region.layer_path("basic_farmland"), layer="basic_farmland")
    assert layers["basic_farmland"]["feature_id"].tolist() == stored["feature_id"].tolist()
    assert math.isclose(
        layers["basic_farmland"].to_crs(ANALYSIS_CRS).area.sum(),
        stored.to_crs(ANALYSIS_CRS).area.sum(),
        rel_tol=1e-9,
    )
    # The file is written in blocks of DEM_BLOCK_ROWS rows; the same block gives the same
    # bytes (another blocking may differ in the last bit of float32 sums).
    row0 = 3000 // DEM_BLOCK_ROWS * DEM_BLOCK_ROWS
    with rasterio.open(dem_path(region)) as dem:
        stored_rows = dem.read(1, window=Window(0, row0, grid.width, DEM_BLOCK_ROWS))
    np.testing.assert_array_equal(stored_rows, model.block(row0, row0 + DEM_BLOCK_ROWS))


def test_geography_agrees_with_the_parcel_generator(region: Region) -> None:
    import tomllib

    mine = tomllib.loads(region.layer_path("constraint_generator").read_text(encoding="utf-8"))
    parcels = tomllib.loads(
        (REGIONS_DIR / "hohhot" / "parcel_generator.toml").read_text(encoding="utf-8")
    )
    shared = (
        "mountain_front_lonlat",
        "mountain_depth_deg",
        "hills_line_lonlat",
        "urban_center_lonlat",
        "urban_radius_km",
        "yellow_river_box_lonlat",
        "dahei_river_lonlat",
    )
    for key in shared:
        assert mine["geography"][key] == parcels["geography"][key], key
