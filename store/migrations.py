"""Schema versions of the GeoPackage scenario store and the ordered migrations between them.

The version lives in ``store_meta`` (key ``schema_version``), not in ``PRAGMA user_version``,
which a GeoPackage reserves for its own version number (10300 ...). A store is created from
the baseline tables of `store.schema` (version 1) and then migrated like any old store, so
the path an old file takes is the one every new file takes too.

A migration is a function of an open connection, run inside the write transaction that
also records its target version: a migration either lands completely or not at all.
Migrations only add (columns, tables, indexes) and check what exists first, so one that
another branch's baseline already contains (e.g. ``sites.source_id``) is a no-op.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Final

from errors import FileFormatError

Migration = Callable[[sqlite3.Connection], None]

VERSION_KEY: Final[str] = "schema_version"


def column_names(conn: sqlite3.Connection, table: str) -> set[str]:
    """Return the column names of ``table``."""
    return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}


def add_column_if_missing(conn: sqlite3.Connection, table: str, column: str, ddl: str) -> None:
    """Add ``column`` (declared as ``ddl``, e.g. ``"TEXT"``) unless ``table`` has it."""
    if column not in column_names(conn, table):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")


def _v2_site_source(conn: sqlite3.Connection) -> None:
    """Version 2: ``sites.source_id``, the id a site had in the file it was imported from."""
    add_column_if_missing(conn, "sites", "source_id", "TEXT")


def _v3_store_meta_times(conn: sqlite3.Connection) -> None:
    """Version 3: ``store_meta`` records when the store was last migrated."""
    conn.execute("INSERT OR IGNORE INTO store_meta (key, value) VALUES ('migrated_at', '')")


#: target version -> migration from the version before it; applied in this order.
MIGRATIONS: Final[dict[int, Migration]] = {2: _v2_site_source, 3: _v3_store_meta_times}
BASELINE_VERSION: Final[int] = 1
SCHEMA_VERSION: Final[int] = max(MIGRATIONS)


def stored_version(conn: sqlite3.Connection) -> int:
    """Return the store's schema version (0 when ``store_meta`` has none)."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def require_known_version(version: int, path: Path) -> None:
    """Raise unless this program can open (and if needed migrate) ``version``.

    Raises
    ------
    FileFormatError
        A version newer than `SCHEMA_VERSION` (written by a newer program) or older than
        the baseline.
    """
    if BASELINE_VERSION <= version <= SCHEMA_VERSION:
        return
    msg = (
        f"{path.name} has scenario store schema version {version}; this program reads versions "
        f"{BASELINE_VERSION} to {SCHEMA_VERSION}. Open it with the matching program version."
    )
    zh = (
        f"{path.name} 的存储结构版本为 {version}，本程序支持版本 {BASELINE_VERSION}–"
        f"{SCHEMA_VERSION}。请使用对应版本的程序打开。"
    )
    raise FileFormatError(msg, zh=zh)


def migrate(conn: sqlite3.Connection, *, now: str) -> list[int]:
    """Apply every migration above the stored version, in order (inside one transaction).

    Returns
    -------
    list[int]
        The versions migrated to (empty when the store was current).
    """
    start = stored_version(conn)
    applied = []
    for version in sorted(MIGRATIONS):
        if version <= start:
            continue
        MIGRATIONS[version](conn)
        applied.append(version)
    if applied:
        conn.execute(
            "INSERT INTO store_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (VERSION_KEY, str(applied[-1])),
        )
        conn.execute("UPDATE store_meta SET value = ? WHERE key = 'migrated_at'", (now,))
    return applied
