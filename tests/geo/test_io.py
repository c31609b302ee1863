"""Tests for geo.io: every format, every error path, CRS handling and GCJ-02 conversion.

All input files are built in ``tmp_path`` at test time; nothing is committed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely
from pyogrio import errors as ogr_errors
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

from errors import (
    CrsMismatchError,
    FileFormatError,
    GeometryRepairedWarning,
    InvalidGeometryError,
    MissingCrsError,
    SchemaError,
)
from geo.archive import MAX_ZIP_MEMBERS
from geo.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from geo.io import (
    SUPPORTED_VECTOR_EXTENSIONS,
    ZIP_EXPANSION_LIMIT,
    VectorReadResult,
    read_vector,
    write_vector,
)

# Two ~850 m x 1100 m sites near Hohhot (lon/lat degrees) and a region box around the city.
SITE_A = box(111.60, 40.80, 111.61, 40.81)
SITE_B = box(111.70, 40.85, 111.71, 40.86)
HOHHOT_EXTENT = box(110.5, 39.5, 112.5, 41.5)
BOWTIE = Polygon([(111.60, 40.80), (111.61, 40.81), (111.61, 40.80), (111.60, 40.81)])


def _sites(geoms: list[object] | None = None, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    geoms = geoms if geoms is not None else [SITE_A, SITE_B]
    names = [f"site{i + 1}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"name": names}, geometry=geoms, crs=crs)


def _geojson(tmp_path: Path, geoms: list[object | None], name: str = "sites.geojson") -> Path:
    """Write a GeoJSON by hand (allows null geometries and no 'crs' member)."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"site{i + 1}"},
            "geometry": None if g is None else shapely.geometry.mapping(g),
        }
        for i, g in enumerate(geoms)
    ]
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _kml_text() -> str:
    def ring(poly: Polygon) -> str:
        return " ".join(f"{x},{y},0" for x, y in poly.exterior.coords)

    def placemark(name: str, poly: Polygon) -> str:
        return (
            f"<Placemark><name>{name}</name><Polygon><outerBoundaryIs><LinearRing>"
            f"<coordinates>{ring(poly)}</coordinates></LinearRing></outerBoundaryIs>"
            "</Polygon></Placemark>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><Folder><name>牧场</name>{placemark('site1', SITE_A)}</Folder>"
        f"<Folder><name>other</name>{placemark('site2', SITE_B)}</Folder></Document></kml>"
    )


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _shapefile_parts(tmp_path: Path, frame: gpd.GeoDataFrame, stem: str) -> dict[str, bytes]:
    folder = tmp_path / f"shp_{stem}"
    folder.mkdir()
    frame.to_file(folder / f"{stem}.shp", engine="pyogrio")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _zipped_shapefile(
    tmp_path: Path, frame: gpd.GeoDataFrame, *, drop: tuple[str, ...] = (), name: str = "sites.zip"
) -> Path:
    parts = _shapefile_parts(tmp_path, frame, "sites")
    kept = {n: b for n, b in parts.items() if Path(n).suffix not in drop}
    return _zip(tmp_path / name, kept)


def _assert_same_polygon(got: object, expected: Polygon, atol_deg: float = 1e-7) -> None:
    """Compare vertex by vertex after normalising ring start and orientation."""
    got_xy = shapely.get_coordinates(shapely.normalize(got))
    expected_xy = shapely.get_coordinates(shapely.normalize(expected))
    np.testing.assert_allclose(got_xy, expected_xy, atol=atol_deg, rtol=0)


def _read_polygons(path: Path | bytes, **kwargs: object) -> VectorReadResult:
    return read_vector(path, geometry_kind="polygon", **kwargs)  # type: ignore[arg-type]


# --- formats that read -----------------------------------------------------------------


def test_supported_extensions_cover_the_issue_formats() -> None:
    for ext in (".geojson", ".json", ".kml", ".kmz", ".zip", ".gpkg", ".shp", ".dxf", ".csv"):
        assert ext in SUPPORTED_VECTOR_EXTENSIONS


def test_geojson_reads_in_storage_crs_with_feature_numbers(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [SITE_A, SITE_B])
    result = _read_polygons(path, region_extent=HOHHOT_EXTENT)
    assert result.features.crs.to_epsg() == 4326
    assert result.features["feature_no"].tolist() == [1, 2]
    assert list(result.features.index) == [0, 1]
    assert result.features.geometry.iloc[0].equals_exact(SITE_A, 1e-12)
    assert result.source_name == "sites.geojson"
    assert result.notes == ()
    assert result.skipped.empty


def test_bytes_upload_uses_filename_for_format_and_name(tmp_path: Path) -> None:
    data = _geojson(tmp_path, [SITE_A]).read_bytes()
    result = _read_polygons(data, filename="C:\\Users\\me\\上传.geojson")
    assert result.source_name == "上传.geojson"
    assert len(result.features) == 1


def test_kml_folders_are_combined_in_order(tmp_path: Path) -> None:
    path = tmp_path / "sites.kml"
    path.write_text(_kml_text(), encoding="utf-8")
    result = _read_polygons(path)
    assert result.features["Name"].tolist() == ["site1", "site2"]
    assert result.features["feature_no"].tolist() == [1, 2]
    assert any("2 KML folders combined" in note for note in _texts(result, "en"))
    assert any("牧场" in note for note in _texts(result, "zh"))
    assert "Z coordinates (heights) dropped" in _texts(result, "en")
    assert not result.features.geometry.has_z.any()


def test_kml_folder_can_be_chosen(tmp_path: Path) -> None:
    path = tmp_path / "sites.kml"
    path.write_text(_kml_text(), encoding="utf-8")
    result = _read_polygons(path, layer="other")
    assert result.features["Name"].tolist() == ["site2"]


def test_kml_geometry_collection_reduced_to_polygon(tmp_path: Path) -> None:
    path = tmp_path / "mixed.kml"
    ring = " ".join(f"{x},{y}" for x, y in SITE_A.exterior.coords)
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><MultiGeometry>'
        "<Point><coordinates>111.605,40.805</coordinates></Point><Polygon><outerBoundaryIs>"
        f"<LinearRing><coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs>"
        "</Polygon></MultiGeometry></Placemark></Document></kml>",
        encoding="utf-8",
    )
    result = _read_polygons(path)
    assert result.features.geometry.iloc[0].geom_type == "Polygon"
    assert any("geometry collection" in note for note in _texts(result, "en"))


def test_kmz_reads_its_doc_kml(tmp_path: Path) -> None:
    path = _zip(tmp_path / "sites.kmz", {"doc.kml": _kml_text().encode(), "files/a.png": b"x"})
    result = _read_polygons(path)
    assert len(result.features) == 2


def test_kmz_without_kml_is_rejected(tmp_path: Path) -> None:
    path = _zip(tmp_path / "photos.kmz", {"a.png": b"x"})
    with pytest.raises(FileFormatError, match=r"photos\.kmz contains no \.kml") as info:
        _read_polygons(path)
    assert "KMZ" in info.value.message("zh")


def test_zipped_shapefile_in_gk_is_reprojected_back_within_1e7_deg(tmp_path: Path) -> None:
    projected = _sites().to_crs("EPSG:4546")
    path = _zipped_shapefile(tmp_path, projected)
    result = _read_polygons(path)
    assert result.source_crs == "EPSG:4546"
    assert "reprojected from EPSG:4546 to EPSG:4326 (lon/lat)" in _texts(result, "en")
    _assert_same_polygon(result.features.geometry.iloc[0], SITE_A, atol_deg=1e-7)


def test_zone_prefixed_gauss_kruger_is_read(tmp_path: Path) -> None:
    zoned = _sites().to_crs("EPSG:4525")  # CGCS2000 GK zone 37: eastings 37 xxx xxx m
    assert zoned.total_bounds[0] > 37_000_000
    path = tmp_path / "zoned.gpkg"
    zoned.to_file(path, layer="sites")
    result = _read_polygons(path, region_extent=HOHHOT_EXTENT)
    _assert_same_polygon(result.features.geometry.iloc[1], SITE_B)


def test_shapefile_zip_inside_a_folder(tmp_path: Path) -> None:
    parts = _shapefile_parts(tmp_path, _sites(), "sites")
    path = _zip(tmp_path / "nested.zip", {f"export/{n}": b for n, b in parts.items()})
    assert len(_read_polygons(path).features) == 2


def test_shapefile_path_read_directly(tmp_path: Path) -> None:
    path = tmp_path / "direct.shp"
    _sites().to_file(path)
    assert _read_polygons(path).features["name"].tolist() == ["site1", "site2"]


def test_lonlat_csv_points(tmp_path: Path) -> None:
    path = tmp_path / "farms.csv"
    path.write_text("name,经度,纬度\nA,111.6,40.8\nB,111.7,40.9\n", encoding="utf-8")
    result = read_vector(path, geometry_kind="point")
    assert result.features.geometry.iloc[1].equals(Point(111.7, 40.9))


def test_lonlat_csv_without_coordinate_columns(tmp_path: Path) -> None:
    path = tmp_path / "farms.csv"
    path.write_text("name,x_m\nA,1\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"farms\.csv needs a longitude") as info:
        read_vector(path, geometry_kind="point")
    assert "经度" in info.value.message("zh")


def _dxf(tmp_path: Path) -> Path:
    path = tmp_path / "plan.dxf"
    outline = LineString(
        [(500_000, 4_500_000), (501_000, 4_500_000), (501_000, 4_501_000), (500_000, 4_500_000)]
    )
    road = LineString([(500_000, 4_499_000), (502_000, 4_499_000)])
    frame = gpd.GeoDataFrame(geometry=[outline, road], crs="EPSG:4546")
    frame.to_file(path, driver="DXF")
    return path


def test_dxf_requires_a_declared_crs(tmp_path: Path) -> None:
    with pytest.raises(MissingCrsError, match=r"plan\.dxf has no CRS.*DXF drawings") as info:
        _read_polygons(_dxf(tmp_path))
    assert "DXF" in info.value.message("zh")


def test_dxf_with_declared_crs_turns_closed_polylines_into_polygons(tmp_path: Path) -> None:
    result = _read_polygons(_dxf(tmp_path), declared_crs="EPSG:4546")
    assert result.features.geometry.geom_type.tolist() == ["Polygon"]
    assert any("1 DXF entities that are not polygons ignored" in n for n in _texts(result, "en"))
    assert any("declared by the user" in n for n in _texts(result, "en"))


def test_geopackage_layer_choice(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    _sites().to_file(path, layer="sites")
    _sites([SITE_B]).to_file(path, layer="other")
    with pytest.raises(FileFormatError, match=r"2 layers \((sites, other|other, sites)\)") as e:
        _read_polygons(path)
    assert "图层" in e.value.message("zh")
    assert len(_read_polygons(path, layer="other").features) == 1
    with pytest.raises(FileFormatError, match="no layer named 'roads'"):
        _read_polygons(path, layer="roads")


def test_declared_crs_overrides_a_wrong_file_crs(tmp_path: Path) -> None:
    metres = _sites().to_crs("EPSG:4546").set_crs("EPSG:4326", allow_override=True)
    path = tmp_path / "wrong.gpkg"
    metres.to_file(path, layer="sites")
    result = _read_polygons(path, declared_crs="EPSG:4546")
    assert result.source_crs == "EPSG:4546"
    assert "CRS EPSG:4546 declared by the user (file: EPSG:4326)" in _texts(result, "en")
    _assert_same_polygon(result.features.geometry.iloc[0], SITE_A)


# --- file-level errors -----------------------------------------------------------------


def test_unknown_extension_lists_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(FileFormatError, match=r"notes\.txt: files of type '\.txt'.*\.geojson"):
        read_vector(path)
    with pytest.raises(FileFormatError) as info:
        read_vector(path)
    assert "支持的格式" in info.value.message("zh")


def test_corrupt_geopackage_chains_the_pyogrio_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(FileFormatError, match=r"broken\.gpkg cannot be read as GeoPackage") as e:
        read_vector(path)
    assert isinstance(e.value.__cause__, ogr_errors.DataSourceError)
    assert "损坏" in e.value.message("zh")


def test_oversized_upload_is_rejected_before_reading(tmp_path: Path) -> None:
    data = _geojson(tmp_path, [SITE_A]).read_bytes()
    with pytest.raises(FileFormatError, match=r"big\.geojson is .* MB, over the .* limit") as e:
        read_vector(data, filename="big.geojson", max_bytes=100)
    assert "上限" in e.value.message("zh")


def test_oversized_path_is_rejected(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [SITE_A])
    with pytest.raises(FileFormatError, match="limit"):
        read_vector(path, max_bytes=10)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"nowhere\.geojson: no such file") as info:
        read_vector(tmp_path / "nowhere.geojson")
    assert "不存在" in info.value.message("zh")


def test_bytes_without_filename(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="without its file name") as info:
        read_vector(b"{}")
    assert "文件名" in info.value.message("zh")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK but not really")
    with pytest.raises(FileFormatError, match=r"fake\.zip is not a readable zip") as info:
        read_vector(path)
    assert "zip" in info.value.message("zh")


def test_zip_with_parent_path_member_is_rejected(tmp_path: Path) -> None:
    parts = _shapefile_parts(tmp_path, _sites(), "sites")
    path = _zip(tmp_path / "evil.zip", {**parts, "../evil.sh": b"rm -rf"})
    with pytest.raises(FileFormatError, match=r"absolute paths or '\.\.' \(\.\./evil\.sh\)") as e:
        read_vector(path)
    assert "不安全" in e.value.message("zh")
    assert not (tmp_path.parent / "evil.sh").exists()


def test_zip_with_absolute_member_is_rejected(tmp_path: Path) -> None:
    path = _zip(tmp_path / "abs.zip", {"/etc/passwd.shp": b"x"})
    with pytest.raises(FileFormatError, match="absolute paths"):
        read_vector(path)


def test_zip_bomb_is_rejected(tmp_path: Path) -> None:
    max_bytes = 10_000
    path = _zip(
        tmp_path / "bomb.zip",
        {
            "sites.shp": bytes(max_bytes * ZIP_EXPANSION_LIMIT + 1),
            "sites.shx": b"",
            "sites.dbf": b"",
        },
    )
    assert path.stat().st_size < max_bytes
    with pytest.raises(FileFormatError, match=r"unpacks to more than .*zip bombs") as info:
        read_vector(path, max_bytes=max_bytes)
    assert "压缩炸弹" in info.value.message("zh")


def test_zip_with_too_many_members(tmp_path: Path) -> None:
    members = {f"f{i}.txt": b"" for i in range(MAX_ZIP_MEMBERS + 1)}
    path = _zip(tmp_path / "many.zip", members)
    with pytest.raises(FileFormatError, match=rf"holds {MAX_ZIP_MEMBERS + 1} files") as info:
        read_vector(path)
    assert "最多" in info.value.message("zh")


def test_zip_without_shapefile(tmp_path: Path) -> None:
    path = _zip(tmp_path / "docs.zip", {"readme.txt": b"x"})
    with pytest.raises(FileFormatError, match=r"contains no Shapefile.*readme\.txt"):
        read_vector(path)


def test_zipped_shapefile_without_dbf(tmp_path: Path) -> None:
    path = _zipped_shapefile(tmp_path, _sites(), drop=(".dbf",))
    with pytest.raises(FileFormatError, match=r"lacks its \.dbf") as info:
        read_vector(path)
    assert ".dbf" in info.value.message("zh")


def test_zipped_shapefile_without_prj_needs_a_crs(tmp_path: Path) -> None:
    path = _zipped_shapefile(tmp_path, _sites(), drop=(".prj",))
    with pytest.raises(MissingCrsError, match=r"sites\.zip has no CRS.*include the \.prj") as e:
        read_vector(path)
    assert ".prj" in e.value.message("zh")
    assert "坐标系" in e.value.message("zh")


def test_declared_crs_rescues_a_shapefile_without_prj(tmp_path: Path) -> None:
    path = _zipped_shapefile(tmp_path, _sites(), drop=(".prj",))
    result = read_vector(path, declared_crs="EPSG:4326")
    assert "CRS EPSG:4326 declared by the user (file: none)" in _texts(result, "en")


def test_zip_with_two_shapefiles_requires_a_choice(tmp_path: Path) -> None:
    first = _shapefile_parts(tmp_path, _sites(), "sites")
    second = _shapefile_parts(tmp_path, _sites([SITE_B]), "fields")
    path = _zip(tmp_path / "two.zip", {**first, **second})
    with pytest.raises(FileFormatError, match=r"2 shapefiles \(fields, sites\)") as info:
        read_vector(path)
    assert "fields" in info.value.message("zh")
    assert len(read_vector(path, layer="fields").features) == 1


def test_shp_upload_without_sidecars(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"lacks its \.shx, \.dbf.*one \.zip"):
        read_vector(b"\x00" * 100, filename="sites.shp")


def test_file_without_features(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [])
    with pytest.raises(InvalidGeometryError, match=r"sites\.geojson contains no features") as e:
        read_vector(path)
    assert "没有任何要素" in e.value.message("zh")


def test_projected_metres_declared_as_lonlat(tmp_path: Path) -> None:
    metres = _sites().to_crs("EPSG:4546")
    path = _geojson(tmp_path, list(metres.geometry), name="metres.geojson")
    with pytest.raises(
        InvalidGeometryError, match=r"look like projected metres.*probably wrong"
    ) as info:
        read_vector(path)
    assert "投影坐标" in info.value.message("zh")


def test_coordinates_impossible_in_the_declared_projected_crs(tmp_path: Path) -> None:
    zoned = _sites().to_crs("EPSG:4525").set_crs("EPSG:4546", allow_override=True)
    path = tmp_path / "zoned.gpkg"
    zoned.to_file(path, layer="sites")
    with pytest.raises(InvalidGeometryError, match=r"cannot be converted.*EPSG:4513-4533") as e:
        read_vector(path)
    assert "带号" in e.value.message("zh")


# --- geometry problems -----------------------------------------------------------------


def test_bowtie_is_repaired_with_one_warning(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [BOWTIE, SITE_B, BOWTIE])
    with pytest.warns(GeometryRepairedWarning, match=r"sites\.geojson: 2 invalid geometries"):
        result = _read_polygons(path)
    repaired = result.features.geometry.iloc[0]
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon"
    assert repaired.area == pytest.approx(2 * (0.01 * 0.005 / 2), rel=1e-9)
    assert "2 invalid geometries (e.g. self-intersecting polygons) repaired" in _texts(result, "en")
    assert "已修复 2 个无效几何（如自相交多边形）" in _texts(result, "zh")


def test_bowtie_without_repair_is_an_error(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [SITE_A, BOWTIE])
    with pytest.raises(
        InvalidGeometryError, match=r"feature 2: invalid geometry \(Self-inters"
    ) as info:
        _read_polygons(path, repair=False)
    assert "第 2 个要素" in info.value.message("zh")
    assert "修复几何" in info.value.message("zh")


def test_null_and_empty_geometries_are_listed(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [SITE_A, None, Polygon()])
    with pytest.raises(InvalidGeometryError, match=r"(?s)2 of 3 features.*feature 2: no geom") as e:
        _read_polygons(path)
    assert "feature 3: no geometry" in str(e.value)
    assert "没有几何图形" in e.value.message("zh")


def test_points_where_polygons_are_expected(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [Point(111.6, 40.8), SITE_A])
    with pytest.raises(
        InvalidGeometryError, match="feature 1: is a Point, expected a polygon"
    ) as info:
        _read_polygons(path)
    assert "应为面" in info.value.message("zh")


def test_polygon_outside_the_region(tmp_path: Path) -> None:
    beijing = box(116.30, 39.90, 116.31, 39.91)
    path = _geojson(tmp_path, [SITE_A, beijing])
    pattern = r"(?s)feature 2: lies outside the region .*GCJ-02"
    with pytest.raises(InvalidGeometryError, match=pattern) as info:
        _read_polygons(path, region_extent=HOHHOT_EXTENT)
    assert "地区范围之外" in info.value.message("zh")


def test_many_problems_are_truncated_with_a_count(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [Point(111.6, 40.8)] * 15)
    with pytest.raises(InvalidGeometryError, match=r"15 of 15 features") as info:
        _read_polygons(path)
    text = str(info.value)
    assert "feature 10:" in text
    assert "feature 11:" not in text
    assert "... and 5 more" in text
    assert "另有 5 个" in info.value.message("zh")


def test_skip_mode_returns_good_features_and_lists_bad_ones(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [Point(111.6, 40.8), SITE_A, None])
    result = _read_polygons(path, on_bad_feature="skip")
    assert result.features["feature_no"].tolist() == [2]
    assert result.skipped["feature_no"].tolist() == [1, 3]
    assert result.skipped["name"].tolist() == ["site1", "site3"]
    assert "is a Point" in result.skipped["reason"].iloc[0].render("en")
    assert "没有几何图形" in result.skipped["reason"].iloc[1].render("zh")
    assert "2 bad features skipped (listed separately)" in _texts(result, "en")


def test_skip_mode_with_nothing_usable_still_raises(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [Point(111.6, 40.8)])
    with pytest.raises(InvalidGeometryError, match="1 of 1 features"):
        _read_polygons(path, on_bad_feature="skip")


# --- GCJ-02 ----------------------------------------------------------------------------


def test_gcj02_declared_input_is_shifted_back_to_wgs84(tmp_path: Path) -> None:
    lon_gcj, lat_gcj = 111.65, 40.80
    path = _geojson(tmp_path, [Point(lon_gcj, lat_gcj)], name="amap.geojson")
    result = read_vector(path, geometry_kind="point", source_datum="gcj02")
    got = result.features.geometry.iloc[0]
    lon_wgs, lat_wgs = gcj02_to_wgs84(lon_gcj, lat_gcj)
    assert got.x == pytest.approx(float(lon_wgs), abs=1e-12)
    assert got.y == pytest.approx(float(lat_wgs), abs=1e-12)
    # The WGS84 position lies ~585 m west-south-west of the GCJ-02 one near Hohhot.
    azimuth_deg, _, dist_m = Geod(ellps="WGS84").inv(got.x, got.y, lon_gcj, lat_gcj)
    assert dist_m == pytest.approx(585, abs=15)
    assert 60 < azimuth_deg < 90
    forward = wgs84_to_gcj02(got.x, got.y)
    assert float(forward[0]) == pytest.approx(lon_gcj, abs=1e-8)
    assert "converted from GCJ-02 (Amap/Gaode) to WGS84" in _texts(result, "en")


def test_gcj02_declared_for_projected_file(tmp_path: Path) -> None:
    path = tmp_path / "gk.gpkg"
    _sites().to_crs("EPSG:4546").to_file(path, layer="sites")
    with pytest.raises(CrsMismatchError, match=r"gk\.gpkg was declared as GCJ-02") as info:
        read_vector(path, source_datum="gcj02")
    assert "GCJ-02" in info.value.message("zh")


# --- writing ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.gpkg", "out.geojson", "out.kml", "out.zip", "out.shp"])
def test_write_then_read_round_trip(tmp_path: Path, name: str) -> None:
    sites = _sites().to_crs("EPSG:4546")
    path = write_vector(sites, tmp_path / name)
    assert path == tmp_path / name
    result = _read_polygons(path)
    assert len(result.features) == 2
    _assert_same_polygon(result.features.geometry.iloc[1], SITE_B, atol_deg=1e-7)


def test_written_zip_holds_a_complete_shapefile(tmp_path: Path) -> None:
    path = write_vector(_sites(), tmp_path / "export.zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert {"export.shp", "export.shx", "export.dbf", "export.prj"} <= names


def test_write_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"Cannot write 'out\.txt'"):
        write_vector(_sites(), tmp_path / "out.txt")


def test_write_without_crs(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["a"]})
    sites = gpd.GeoDataFrame(frame, geometry=[SITE_A])
    with pytest.raises(MissingCrsError, match="features to export"):
        write_vector(sites, tmp_path / "out.gpkg")


def test_gbk_member_names_from_chinese_windows_zips_are_decoded(tmp_path: Path) -> None:
    parts = _shapefile_parts(tmp_path, _sites(), "sites")
    members = {n.replace("sites", "abcd"): b for n, b in parts.items()}
    members.update({n.replace("sites", "wxyz"): b for n, b in parts.items()})
    path = _zip(tmp_path / "gbk.zip", members)
    # Patch the stored names to GBK bytes of the same length, without the UTF-8 flag.
    path.write_bytes(path.read_bytes().replace(b"abcd", "牧场".encode("gbk")))
    with pytest.raises(FileFormatError, match=r"2 shapefiles \(wxyz, 牧场\)"):
        read_vector(path)
    assert len(read_vector(path, layer="牧场").features) == 2


def test_gbk_encoded_csv(tmp_path: Path) -> None:
    path = tmp_path / "farms.csv"
    path.write_bytes("名称,经度,纬度\n牧场,111.6,40.8\n".encode("gbk"))
    result = read_vector(path, geometry_kind="point")
    assert result.features["名称"].tolist() == ["牧场"]


def test_many_repairs_give_exactly_one_warning(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [BOWTIE] * 5)
    with pytest.warns(GeometryRepairedWarning) as record:
        _read_polygons(path)
    assert len(record) == 1
    assert "5 invalid geometries" in str(record[0].message)


def test_zipped_shapefile_upload_as_bytes(tmp_path: Path) -> None:
    data = _zipped_shapefile(tmp_path, _sites()).read_bytes()
    result = read_vector(
        data, filename="上传.zip", geometry_kind="polygon", region_extent=HOHHOT_EXTENT
    )
    assert result.source_name == "上传.zip"
    assert result.features["name"].tolist() == ["site1", "site2"]


def test_any_kind_keeps_points_and_polygons(tmp_path: Path) -> None:
    path = _geojson(tmp_path, [Point(111.6, 40.8), SITE_A])
    result = read_vector(path)
    assert result.features.geometry.geom_type.tolist() == ["Point", "Polygon"]


def test_write_adds_layers_to_one_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    write_vector(_sites(), path, layer="sites")
    write_vector(_sites([SITE_B]), path, layer="fields")
    assert len(read_vector(path, layer="sites").features) == 2
    assert len(read_vector(path, layer="fields").features) == 1


def _texts(result: VectorReadResult, lang: str) -> tuple[str, ...]:
    """Return the reading notes of ``result`` in ``lang``."""
    return tuple(note.render(lang) for note in result.notes)
