"""GeoPackage plumbing on a plain sqlite3 connection: core tables and geometry blobs.

The scenario store writes rows with ``sqlite3`` (one transaction per save) and keeps the file a
valid GeoPackage 1.4 that GDAL, and so QGIS, opens:

* ``application_id`` 'GPKG' and ``user_version`` 10400;
* ``gpkg_spatial_ref_sys`` with the three required rows (-1, 0, 4326);
* ``gpkg_contents`` listing every table (``features`` or ``attributes``);
* ``gpkg_geometry_columns`` for the feature table(s).

There is no R-tree spatial index: GDAL's index triggers call SQL functions (``ST_IsEmpty``
...) that a plain sqlite3 connection does not have, and a plan holds dozens of sites, not
millions. Geometry blobs are "StandardGeoPackageBinary": a header ('GP', version 0, a flags
byte, the srs_id and an envelope) followed by ISO WKB, both little-endian.
"""

from __future__ import annotations

import sqlite3
import struct
from typing import Final

import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from errors import FileFormatError

STORAGE_SRS_ID: Final[int] = 4326
GPKG_APPLICATION_ID: Final[int] = 0x47504B47  # "GPKG"
GPKG_USER_VERSION: Final[int] = 10400  # GeoPackage 1.4.0

_MAGIC: Final[bytes] = b"GP"
_VERSION: Final[int] = 0
_FLAG_LITTLE_ENDIAN: Final[int] = 0b0000_0001
_ENVELOPE_XY: Final[int] = 1  # envelope indicator: [minx, maxx, miny, maxy]
_FLAG_EMPTY: Final[int] = 0b0001_0000
_ENVELOPE_BYTES: Final[dict[int, int]] = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_HEADER = struct.Struct("<2sBBi")
_ENVELOPE = struct.Struct("<4d")

_CORE_DDL: Final[tuple[str, ...]] = (
    """CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
        description TEXT)""",
    """CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
        identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL,
        geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
        z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
)


def create_gpkg_core(conn: sqlite3.Connection) -> None:
    """Create the GeoPackage core tables and required SRS rows (inside a transaction)."""
    conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
    for ddl in _CORE_DDL:
        conn.execute(ddl)
    wgs84 = CRS.from_epsg(STORAGE_SRS_ID)
    rows = [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic"),
        (
            wgs84.name,
            STORAGE_SRS_ID,
            "EPSG",
            STORAGE_SRS_ID,
            wgs84.to_wkt("WKT1_GDAL"),
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
        ),
    ]
    conn.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", rows)


def is_geopackage(conn: sqlite3.Connection) -> bool:
    """Return True if the database carries the GeoPackage application id."""
    return bool(conn.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID)


def register_features(
    conn: sqlite3.Connection, table: str, column: str, geometry_type: str, description: str
) -> None:
    """List ``table`` in gpkg_contents as a feature table with one 2D geometry column."""
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (table, table, description, STORAGE_SRS_ID),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
        (table, column, geometry_type, STORAGE_SRS_ID),
    )


def register_attributes(conn: sqlite3.Connection, table: str, description: str) -> None:
    """List ``table`` in gpkg_contents as a non-spatial (attributes) table."""
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES (?, 'attributes', ?, ?)",
        (table, table, description),
    )


def touch_contents(conn: sqlite3.Connection, table: str, when_utc: str) -> None:
    """Set gpkg_contents.last_change of ``table`` to ``when_utc`` (ISO 8601, 'Z')."""
    conn.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (when_utc, table))


def encode_geometry(geom: BaseGeometry, srs_id: int = STORAGE_SRS_ID) -> bytes:
    """Return the StandardGeoPackageBinary blob of a 2D, non-empty shapely geometry."""
    flags = _FLAG_LITTLE_ENDIAN | (_ENVELOPE_XY << 1)
    min_x, min_y, max_x, max_y = geom.bounds
    header = _HEADER.pack(_MAGIC, _VERSION, flags, srs_id)
    envelope = _ENVELOPE.pack(min_x, max_x, min_y, max_y)
    wkb = shapely.to_wkb(geom, byte_order=1, output_dimension=2, flavor="iso")
    return header + envelope + wkb


def decode_geometry(blob: bytes, *, where: str) -> BaseGeometry:
    """Return the shapely geometry of a GeoPackage geometry blob.

    Raises
    ------
    FileFormatError
        If the blob is not GeoPackage binary (``where`` names the table and row).
    """
    magic, version, flags, _srs_id = _HEADER.unpack_from(blob)
    envelope_code = (flags >> 1) & 0b111
    if magic != _MAGIC or version != _VERSION or envelope_code not in _ENVELOPE_BYTES:
        msg = (
            f"{where}: the geometry is not GeoPackage binary (magic {magic!r}, version "
            f"{version}, flags {flags:#04x}). The file was changed by another program; "
            "restore it from a backup or re-save the feature in QGIS."
        )
        zh = f"{where}：几何不是 GeoPackage 二进制格式，文件可能被其他程序改动；请从备份恢复。"
        raise FileFormatError(msg, zh=zh)
    if flags & _FLAG_EMPTY:
        return shapely.Polygon()
    return shapely.from_wkb(blob[_HEADER.size + _ENVELOPE_BYTES[envelope_code] :])
