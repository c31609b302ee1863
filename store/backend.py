"""The seam between the scenario store's SQL and the database it runs on.

`ScenarioStore` and the row modules (``store.*_rows``, ``store.audit_log``) write one SQL text
for both backends, with ``?`` placeholders, and reach the database only through a `StoreDb`
(one open transaction). What differs between a GeoPackage file and a PostGIS server is
kept here, in one small class per backend:

* placeholders (``?`` for sqlite3, ``%s`` for psycopg; `StoreDb.execute` translates);
* geometry: GeoPackage binary blobs vs PostGIS ``geometry(Polygon, 4326)`` sent and read
  as ISO WKB (`geometry_value`, `geometry_marker`, `geometry_column`, `read_geometry`);
* row locks: SQLite's ``BEGIN IMMEDIATE`` already holds the only write lock, PostgreSQL
  needs ``SELECT ... FOR UPDATE`` (`for_update`);
* GeoPackage bookkeeping (``gpkg_contents.last_change``, `touch_contents`);
* row locks that keep an authorisation valid until commit (`for_share`, see
  `store.accounts.authorise`).

A `Backend` opens transactions and creates or checks the schema; `store.factory.open_store`
picks one from a path or a ``postgresql://`` URL.
"""

from __future__ import annotations

import sqlite3
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from shapely.geometry.base import BaseGeometry

from errors import FileFormatError, PlannerWarning
from store import gpkg
from store.accounts_schema import create_account_schema, has_account_schema
from store.backups import DEFAULT_KEEP_BACKUPS, BackupPolicy, backup_if_due, backup_store
from store.connection import busy_error, transaction
from store.frame_schema import format_utc
from store.migrations import SCHEMA_VERSION, migrate
from store.schema import check_store_schema, create_store_schema, is_empty_database

Params = Sequence[Any]


class Cursor(Protocol):
    """What the store uses of a DB-API cursor; rows index by position and by column name."""

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""

    def fetchone(self) -> Any:
        """Return the next row or None."""

    def fetchall(self) -> list[Any]:
        """Return the remaining rows."""

    def __iter__(self) -> Iterator[Any]:
        """Iterate over the remaining rows."""


class StoreDb(ABC):
    """One open transaction on the store, with the dialect of its database.

    Parameters
    ----------
    label
        How messages name the store: the file name, or the database and host.
    """

    def __init__(self, label: str) -> None:
        self.label = label

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement written with ``?`` placeholders; return its cursor."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement (``?`` placeholders) for every row of ``rows``."""

    #: SQL for one geometry value in INSERT/UPDATE (its parameter is `geometry_value`).
    geometry_marker: str = "?"
    #: Appended to a SELECT inside a write transaction to lock the rows it reads.
    for_update: str = ""
    #: Appended to a SELECT inside a write transaction to keep the rows it reads from being
    #: changed by others until commit (other readers are not blocked).
    for_share: str = ""

    def geometry_column(self, column: str) -> str:
        """Return the SELECT expression that reads ``column`` as `read_geometry` expects."""
        return column

    @abstractmethod
    def geometry_value(self, geom: BaseGeometry) -> bytes:
        """Return the parameter value of a 2D EPSG:4326 geometry."""

    @abstractmethod
    def read_geometry(self, value: bytes, *, where: str) -> BaseGeometry:
        """Return the geometry of a value read through `geometry_column`."""

    def touch_contents(self, table: str, when_utc: str) -> None:
        """Record that ``table`` changed at ``when_utc`` (GeoPackage only)."""
        del table, when_utc


class Backend(ABC):
    """Where a store lives: opens transactions, creates or checks the schema.

    Attributes
    ----------
    label
        How messages name the store (no password).
    location
        What `store.factory.open_store` takes to open the same store again.
    """

    label: str
    location: str

    @abstractmethod
    def transaction(self, *, write: bool) -> AbstractContextManager[StoreDb]:
        """Return a context with one transaction: committed at the end, rolled back on error.

        ``write=True`` transactions may lock rows (`StoreDb.for_update`) and write.
        """

    @abstractmethod
    def open(self, created_at: str) -> None:
        """Create the plan tables in a new, empty store, or check an existing one."""


class SqliteDb(StoreDb):
    """A transaction on a GeoPackage file (sqlite3, GeoPackage geometry blobs)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        super().__init__(path.name)
        self.conn = conn
        self.path = path

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement on the sqlite3 connection.

        Raises
        ------
        StoreConflictError
            If the file stayed locked by another writer for longer than the busy timeout
            (a read waits while a writer commits).
        """
        try:
            return self.conn.execute(sql, tuple(params))
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise busy_error(self.path) from err
            raise

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for every row."""
        self.conn.executemany(sql, [tuple(r) for r in rows])

    def geometry_value(self, geom: BaseGeometry) -> bytes:
        """Return the StandardGeoPackageBinary blob of ``geom``."""
        return gpkg.encode_geometry(geom)

    def read_geometry(self, value: bytes, *, where: str) -> BaseGeometry:
        """Decode a GeoPackage geometry blob."""
        return gpkg.decode_geometry(value, where=where)

    def touch_contents(self, table: str, when_utc: str) -> None:
        """Set gpkg_contents.last_change of ``table``."""
        gpkg.touch_contents(self.conn, table, when_utc)


class GpkgBackend(Backend):
    """A scenario store in one GeoPackage file (the default; opens in QGIS).

    Parameters
    ----------
    path
        The ``.gpkg`` file; created (with its folder) on first use.
    """

    def __init__(
        self,
        path: Path,
        *,
        backups: BackupPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = Path(path)
        self.label = self.path.name
        self.location = str(self.path)
        #: Automatic backups at open (None: none); an older schema is always backed up.
        self.backups = backups
        self._clock = clock or _utc_now

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[StoreDb]:
        with transaction(self.path, write=write) as conn:
            yield SqliteDb(conn, self.path)

    def transaction(self, *, write: bool) -> AbstractContextManager[StoreDb]:
        """Return one sqlite3 transaction (``BEGIN IMMEDIATE`` when writing)."""
        return self._transaction(write)

    def open(self, created_at: str) -> None:
        """Create the file and its tables, or check, migrate and back up an existing one.

        A store of an older schema version is backed up, then migrated
        (`store.migrations.migrate`); a current one is backed up when a backup is due
        (`backups`). The account tables and audit guards (`store.accounts_schema`) are
        created with the plan tables, or added to a scenario store made before accounts existed.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        with transaction(self.path, write=new_file) as conn:
            if new_file and is_empty_database(conn):
                create_store_schema(conn, created_at)
                create_account_schema(conn)
                migrate(conn, now=created_at)
                return
            version = check_store_schema(conn, self.path)
            missing_accounts = not has_account_schema(conn)
        self._upgrade(version)
        if missing_accounts:
            with transaction(self.path, write=True) as conn:
                create_account_schema(conn)

    def _upgrade(self, version: int) -> None:
        """Migrate a store of an older schema (backed up first), else back up if due."""
        keep = self.backups.keep if self.backups is not None else DEFAULT_KEEP_BACKUPS
        if version < SCHEMA_VERSION:
            backup_store(
                self.path, reason=f"pre-migration-v{version}", keep=keep, now=self._clock()
            )
            with transaction(self.path, write=True) as conn:
                if check_store_schema(conn, self.path) < SCHEMA_VERSION:  # not done meanwhile
                    migrate(conn, now=format_utc(self._clock()))
        elif self.backups is not None:
            try:
                backup_if_due(self.path, self.backups, now=_utc_now())  # file times: real clock
            except FileFormatError as err:  # the store itself is fine: open it, and say so
                warnings.warn(err.message("en"), PlannerWarning, stacklevel=4)


def _utc_now() -> datetime:
    return datetime.now(UTC)
