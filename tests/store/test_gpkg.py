"""The store file is a GeoPackage that GDAL (and so QGIS) reads; geometry blobs round-trip."""

from __future__ import annotations

import sqlite3
import struct
from contextlib import closing
from pathlib import Path

import pytest

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS
from shapely.geometry import Polygon

from errors import FileFormatError
from store import ScenarioStore
from store.gpkg import GPKG_APPLICATION_ID, decode_geometry, encode_geometry
from tests.store.conftest import StepClock, full_site


@pytest.fixture
def store(store_path: Path, clock: StepClock) -> ScenarioStore:
    """The GeoPackage backend only: these tests read the file itself."""
    return ScenarioStore(store_path, clock=clock)


def test_blob_header_layout() -> None:
    square = Polygon([(111.0, 40.0), (111.5, 40.0), (111.5, 40.25), (111.0, 40.25)])
    blob = encode_geometry(square)
    magic, version, flags, srs_id = struct.unpack_from("<2sBBi", blob)
    assert (magic, version, flags, srs_id) == (b"GP", 0, 0b0000_0011, 4326)
    assert struct.unpack_from("<4d", blob, 8) == (111.0, 111.5, 40.0, 40.25)  # x, x, y, y
    assert blob[40:] == shapely.to_wkb(square, byte_order=1)
    assert shapely.equals_exact(decode_geometry(blob, where="t"), square, tolerance=0)


def test_decode_reads_big_endian_wkb_and_rejects_garbage() -> None:
    square = Polygon([(1, 1), (2, 1), (2, 2)])
    header = struct.pack("<2sBBi", b"GP", 0, 0b0000_0001, 4326)  # no envelope
    big_endian = header + shapely.to_wkb(square, byte_order=0)
    assert decode_geometry(big_endian, where="t").equals(square)
    with pytest.raises(
        FileFormatError,
        match=r"sites row 7: the geometry is not GeoPackage "
        r"binary \(magic b'XX'",
    ):
        decode_geometry(b"XX" + big_endian[2:], where="sites row 7")


def test_gdal_reads_the_store_like_qgis(store_path: Path, store: ScenarioStore) -> None:
    store.create_scenario("2021 plan", user="li")
    site = store.add_site("2021 plan", full_site(), user="li")
    layers = dict(pyogrio.list_layers(store_path))
    assert layers["sites"] == "Polygon"
    assert {"scenarios", "allocations", "reviews", "comments", "audit", "site_history"} <= set(
        layers
    )
    sites = gpd.read_file(store_path, layer="sites")
    assert CRS(sites.crs).to_epsg() == 4326
    assert shapely.equals_exact(sites.geometry[0], site.geometry, tolerance=0)
    assert sites.loc[0, "name"] == "土左旗一号牧场"
    assert sites.loc[0, "goat_head"] == 50
    info = pyogrio.read_info(store_path, layer="sites")
    assert info["geometry_type"] == "Polygon"
    assert info["features"] == 1
    audit = gpd.read_file(store_path, layer="audit")
    assert audit["action"].tolist() == ["scenario.create", "site.add"]


def test_core_tables_follow_the_geopackage_spec(store_path: Path, store: ScenarioStore) -> None:
    with closing(sqlite3.connect(store_path)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (GPKG_APPLICATION_ID,)
        assert conn.execute("PRAGMA user_version").fetchone() == (10400,)
        srs = {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
        assert srs == {-1, 0, 4326}
        assert conn.execute("SELECT * FROM gpkg_geometry_columns").fetchall() == [
            ("sites", "geom", "POLYGON", 4326, 0, 0)
        ]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_last_change_follows_writes(store_path: Path, store: ScenarioStore) -> None:
    store.create_scenario("s", user="li")
    added = store.add_site("s", full_site(), user="li")
    with closing(sqlite3.connect(store_path)) as conn:
        last_change = conn.execute(
            "SELECT last_change FROM gpkg_contents WHERE table_name = 'sites'"
        ).fetchone()[0]
    assert last_change == added.updated_at


def test_a_footprint_that_is_not_a_polygon_is_reported(
    store_path: Path, store: ScenarioStore
) -> None:
    store.create_scenario("s", user="li")
    added = store.add_site("s", full_site(), user="li")
    point = encode_geometry(shapely.Point(111.2, 40.7))
    with closing(sqlite3.connect(store_path)) as conn:
        conn.execute("UPDATE sites SET geom = ? WHERE site_id = ?", (point, added.site_id))
        conn.commit()
    with pytest.raises(
        FileFormatError, match=rf"sites {added.site_id}: the footprint is a Point, not a polygon"
    ):
        store.get_site(added.site_id)
