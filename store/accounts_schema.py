"""Tables of accounts and roles, and the guard that keeps the audit trail append-only.

A DDL block of its own, separate from the plan tables (`store.schema`), so that every
backend and every schema migration can include it as it is: `create_account_schema` is
idempotent (``IF NOT EXISTS``) and runs on every open of a store, so a store made before
accounts existed gains the tables on first open. The SQL is plain (TEXT, INTEGER, CHECK,
UNIQUE) apart from the trigger bodies, which are SQLite's (``RAISE(ABORT, ...)``). The
functions here run on a GeoPackage's sqlite3 connection; `store.postgis_schema` translates
`ACCOUNT_TABLES` for PostGIS and writes the same guard as a trigger function.

``users``, ``user_counties``, ``sessions`` and ``county_areas`` are not listed in
``gpkg_contents``: QGIS shows the plan layers, not password hashes and session tokens
(GeoPackage readers ignore unlisted tables).
"""

from __future__ import annotations

import sqlite3
from typing import Final

from store.gpkg import register_attributes
from store.principal import ROLES

BALANCE_NOTES_TABLE: Final[str] = "balance_annotations"
#: County outlines (EPSG:4326 WKB) that decide which county a site lies in (admin "regions").
COUNTY_AREAS_TABLE: Final[str] = "county_areas"

_ROLE_LIST = ", ".join(f"'{role}'" for role in ROLES)

#: table -> column definitions (each table also gets ``fid INTEGER PRIMARY KEY``).
ACCOUNT_TABLES: Final[dict[str, str]] = {
    "users": f"""
        user_name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ({_ROLE_LIST})),
        password_hash TEXT NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at DATETIME NOT NULL, created_by TEXT NOT NULL,
        updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL""",
    "user_counties": """
        user_name TEXT NOT NULL REFERENCES users(user_name),
        county_code TEXT NOT NULL CHECK (length(county_code) = 6),
        UNIQUE (user_name, county_code)""",
    "sessions": """
        token_sha256 TEXT NOT NULL UNIQUE,
        user_name TEXT NOT NULL REFERENCES users(user_name),
        created_at DATETIME NOT NULL, expires_at DATETIME NOT NULL""",
    COUNTY_AREAS_TABLE: """
        county_code TEXT NOT NULL UNIQUE CHECK (length(county_code) = 6),
        region_id TEXT NOT NULL, geometry_wkb BLOB NOT NULL,
        updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL""",
    BALANCE_NOTES_TABLE: """
        annotation_id TEXT NOT NULL UNIQUE, county_code TEXT NOT NULL, scenario_id TEXT,
        text TEXT NOT NULL, author TEXT NOT NULL, created_at DATETIME NOT NULL""",
}

#: Tables shown in GIS programs (registered in gpkg_contents), with their description.
_LISTED: Final[dict[str, str]] = {
    BALANCE_NOTES_TABLE: "Environmental staff's notes on a county's manure-land balance",
}

#: Indexes of the account tables (plain SQL, the same on both backends).
ACCOUNT_INDEXES: Final[tuple[str, ...]] = (
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_name)",
)

#: Triggers that refuse any change to written audit rows (the app has no API for it either).
AUDIT_GUARDS: Final[tuple[str, ...]] = tuple(
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_{verb.lower()} BEFORE {verb} ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: {verb} is not allowed'); END"""
    for verb in ("UPDATE", "DELETE")
)


def has_account_schema(conn: sqlite3.Connection) -> bool:
    """Return True if every account table and audit guard exists."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return set(ACCOUNT_TABLES) | {"audit_no_update", "audit_no_delete"} <= names


def create_account_schema(conn: sqlite3.Connection) -> None:
    """Create the missing account tables and audit guards (inside a write transaction)."""
    existing = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for table, columns in ACCOUNT_TABLES.items():
        if table in existing:
            continue
        conn.execute(f"CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT, {columns})")
        if table in _LISTED:
            register_attributes(conn, table, _LISTED[table])
    for index in ACCOUNT_INDEXES:
        conn.execute(index)
    for ddl in AUDIT_GUARDS:
        conn.execute(ddl)
