"""Tables of the scenario store and the check that an existing file is one.

Every table has an ``fid INTEGER PRIMARY KEY`` (GeoPackage requirement) besides its text
identifier (a UUID). Times are UTC ISO 8601 text (``2026-11-22T17:12:00.123Z``), declared
``DATETIME`` so GDAL/QGIS show them as date-times. Numeric columns carry their unit in the name.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from errors import FileFormatError
from store.gpkg import create_gpkg_core, is_geopackage, register_attributes, register_features
from store.migrations import require_known_version, stored_version
from store.records import FOOTPRINT_SOURCES, HERD_COLUMNS, REVIEW_DECISIONS, SITE_STATUSES

#: Version of the tables created here; `store.migrations` brings them to the current one.
BASELINE_SCHEMA_VERSION: Final[int] = 1
SITES_TABLE: Final[str] = "sites"
SITES_GEOMETRY_COLUMN: Final[str] = "geom"


def _in_list(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"CHECK ({column} IN ({quoted}))"


_HERD_DDL = ",\n".join(
    f"{col} INTEGER NOT NULL DEFAULT 0 CHECK ({col} >= 0)" for col in HERD_COLUMNS
)

_TABLES: Final[dict[str, tuple[str, str]]] = {
    "store_meta": (
        "Scenario store format (schema_version) and provenance",
        """
        key TEXT NOT NULL UNIQUE, value TEXT NOT NULL""",
    ),
    "scenarios": (
        "Plan scenarios (e.g. '2021 plan'); version bumps on every change",
        """
        scenario_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '', parent_scenario_id TEXT,
        version INTEGER NOT NULL, created_at DATETIME NOT NULL, created_by TEXT NOT NULL,
        updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL""",
    ),
    SITES_TABLE: (
        "Farm sites of all scenarios (filter on scenario_id), EPSG:4326",
        f"""
        {SITES_GEOMETRY_COLUMN} POLYGON NOT NULL,
        site_id TEXT NOT NULL UNIQUE,
        scenario_id TEXT NOT NULL REFERENCES scenarios(scenario_id),
        name TEXT NOT NULL,
        status TEXT NOT NULL {_in_list("status", SITE_STATUSES)},
        start_year INTEGER,
        {_HERD_DDL},
        manure_route TEXT, haul_radius_km DOUBLE,
        footprint_source TEXT NOT NULL {_in_list("footprint_source", FOOTPRINT_SOURCES)},
        county_code TEXT, note TEXT, source_id TEXT, origin_site_id TEXT,
        version INTEGER NOT NULL, created_at DATETIME NOT NULL, created_by TEXT NOT NULL,
        updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL,
        deleted BOOLEAN NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))""",
    ),
    "site_history": (
        "Every version of every site (JSON snapshot, geometry as WKT)",
        """
        site_id TEXT NOT NULL, scenario_id TEXT NOT NULL, version INTEGER NOT NULL,
        action TEXT NOT NULL, changed_at DATETIME NOT NULL, changed_by TEXT NOT NULL,
        snapshot TEXT NOT NULL, UNIQUE (site_id, version)""",
    ),
    "allocations": (
        "Parcels taking each site's manure (share of parcel capacity)",
        """
        scenario_id TEXT NOT NULL REFERENCES scenarios(scenario_id),
        site_id TEXT NOT NULL, parcel_id TEXT NOT NULL, county_code TEXT,
        share_frac DOUBLE NOT NULL, area_mu DOUBLE NOT NULL, n_kg_per_yr DOUBLE NOT NULL,
        p_kg_per_yr DOUBLE NOT NULL, haul_km DOUBLE NOT NULL,
        computed_at DATETIME NOT NULL, computed_by TEXT NOT NULL""",
    ),
    "reviews": (
        "Reviewer decisions per site version",
        f"""
        review_id TEXT NOT NULL UNIQUE, scenario_id TEXT NOT NULL, site_id TEXT NOT NULL,
        site_version INTEGER NOT NULL,
        decision TEXT NOT NULL {_in_list("decision", REVIEW_DECISIONS)},
        reason TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at DATETIME NOT NULL""",
    ),
    "comments": (
        "Comments on a scenario or one of its sites",
        """
        comment_id TEXT NOT NULL UNIQUE, scenario_id TEXT NOT NULL, site_id TEXT,
        text TEXT NOT NULL, author TEXT NOT NULL, created_at DATETIME NOT NULL""",
    ),
    "audit": (
        "Audit trail: who changed what, when (detail as JSON)",
        """
        at DATETIME NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL,
        entity TEXT NOT NULL, entity_id TEXT NOT NULL, scenario_id TEXT,
        detail TEXT NOT NULL""",
    ),
}

_INDEXES: Final[tuple[str, ...]] = (
    f"CREATE UNIQUE INDEX sites_live_name ON {SITES_TABLE}(scenario_id, name) WHERE deleted = 0",
    f"CREATE INDEX sites_scenario ON {SITES_TABLE}(scenario_id)",
    "CREATE INDEX allocations_scenario ON allocations(scenario_id)",
    "CREATE INDEX reviews_scenario ON reviews(scenario_id)",
    "CREATE INDEX comments_scenario ON comments(scenario_id)",
    "CREATE INDEX audit_scenario ON audit(scenario_id)",
)


def create_store_schema(conn: sqlite3.Connection, created_at: str) -> None:
    """Create the GeoPackage core and every plan table (call inside one transaction)."""
    create_gpkg_core(conn)
    for table, (description, columns) in _TABLES.items():
        conn.execute(f"CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT, {columns})")
        if table == SITES_TABLE:
            register_features(conn, table, SITES_GEOMETRY_COLUMN, "POLYGON", description)
        else:
            register_attributes(conn, table, description)
    for ddl in _INDEXES:
        conn.execute(ddl)
    conn.executemany(
        "INSERT INTO store_meta (key, value) VALUES (?, ?)",
        [
            ("schema_version", str(BASELINE_SCHEMA_VERSION)),
            ("application", "forage-siting scenario store"),
            ("created_at", created_at),
        ],
    )


def is_empty_database(conn: sqlite3.Connection) -> bool:
    """Return True if the database has no tables (a new or zero-byte file)."""
    return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0)


def check_store_schema(conn: sqlite3.Connection, path: Path) -> int:
    """Return the schema version of the scenario store ``path`` (it may need migrating).

    Raises
    ------
    FileFormatError
        Unless ``path`` is a scenario store of a version this code can read, migrate and write.
    """
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = sorted(set(_TABLES) - tables)
    if not is_geopackage(conn) or missing:
        msg = (
            f"{path.name} is not a forage-siting scenario store (missing tables: "
            f"{', '.join(missing) or 'none'}; GeoPackage id present: "
            f"{is_geopackage(conn)}). Choose another file name for the store; an existing "
            "GeoPackage of other data is never modified."
        )
        zh = (
            f"{path.name} 不是方案库文件（缺少表：{'、'.join(missing) or '无'}）。"
            "请为存储选择其他文件名；不会修改已有的其他 GeoPackage。"
        )
        raise FileFormatError(msg, zh=zh)
    version = stored_version(conn)
    require_known_version(version, path)
    return version


#: The plan tables (name -> (description, SQLite column DDL)) and their indexes, read by
#: `store.postgis_schema` to derive the PostGIS tables from the same column list.
PLAN_TABLES: Final[dict[str, tuple[str, str]]] = _TABLES
PLAN_INDEXES: Final[tuple[str, ...]] = _INDEXES
