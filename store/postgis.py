"""The scenario store on a shared PostgreSQL + PostGIS server (psycopg 3).

Same tables, columns and SQL as the GeoPackage store (`store.postgis_schema` derives the
DDL from `store.schema`); sites are ``geometry(Polygon, 4326)``, sent and read as ISO WKB.

Concurrency. Every public `ScenarioStore` method is one transaction on its own connection.
Writes run at READ COMMITTED and lock what they check before they change it: the
scenario row first, then the site row (``SELECT ... FOR UPDATE``, always in that order, so
two writers never wait on each other in a cycle). A writer that loaded version *v* of a
site and finds *v+1* under its lock gets `StoreConflictError`, as on the GeoPackage. Reads
run at REPEATABLE READ, READ ONLY: one consistent snapshot, like SQLite's read transaction.
A lock held for longer than `LOCK_TIMEOUT_S`, a deadlock or a serialisation failure is
reported as `StoreConflictError` with nothing written.
"""

from __future__ import annotations

import atexit
import math
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

import psycopg
import psycopg.errors
from psycopg import IsolationLevel
from psycopg.conninfo import conninfo_to_dict

import shapely
from shapely.geometry.base import BaseGeometry

from errors import FileFormatError, StoreConflictError
from store.backend import Backend, Cursor, Params, StoreDb
from store.postgis_schema import (
    check_postgis_schema,
    create_account_tables,
    create_postgis_schema,
    has_account_tables,
    has_scenario_tables,
)

#: How long a write waits for a row another session has locked (as the GeoPackage's busy
#: timeout, `store.connection.BUSY_TIMEOUT_S`).
LOCK_TIMEOUT_S: Final[float] = 10.0
#: How long opening a connection may take before the server counts as unreachable.
CONNECT_TIMEOUT_S: Final[int] = 10
#: Idle connections kept per process and database (`_Pool`).
MAX_IDLE_CONNECTIONS: Final[int] = 8
#: Serialises schema creation when several processes open a new database at once.
_CREATE_LOCK_KEY: Final[int] = 0x46_53_50_53  # "FSPS"


def database_label(url: str) -> str:
    """Return how messages name the database: ``dbname on host:port`` (never the password)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the scenario store database"
    host = str(parts.get("host") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"database {parts.get('dbname') or parts.get('user') or '?'} on {host}{port}"


class _Row(tuple[Any, ...]):
    """A row that indexes by position and by column name (as ``sqlite3.Row``)."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> _Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._index[key])
        return super().__getitem__(key)


def _row_factory(cursor: Any) -> Any:
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}

    def make(values: Sequence[Any]) -> _Row:
        return _Row(values, index)

    return make


def _values(params: Params) -> tuple[Any, ...]:
    """Return the parameters with float NaN as NULL, as sqlite3 binds them.

    Frames hand missing text as NaN (e.g. an allocation row without ``county_code``); the
    GeoPackage stores NULL, and psycopg would store the text 'NaN'.
    """
    return tuple(None if isinstance(v, float) and math.isnan(v) else v for v in params)


def _qmarks(sql: str) -> str:
    """Translate ``?`` placeholders to psycopg's ``%s`` (the store's SQL has no other ``%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Pool:
    """Idle connections of one database, reused by this process's transactions.

    Opening a PostgreSQL connection costs a server process and an authentication round
    trip (~20 ms on localhost, more over the network with TLS); a plan read is ~1 ms. A
    connection goes back to the pool only when it left its transaction cleanly; the pool
    is dropped (never shared) in a forked child.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[psycopg.Connection[Any]] = []
        self._pid = os.getpid()

    def take(self) -> psycopg.Connection[Any] | None:
        with self._lock:
            if self._pid != os.getpid():
                _INHERITED.extend(self._idle)
                self._idle, self._pid = [], os.getpid()
            return self._idle.pop() if self._idle else None

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def give_back(self, conn: psycopg.Connection[Any]) -> None:
        usable = (
            not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        )
        with self._lock:
            if usable and self._pid == os.getpid() and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()


_POOLS: dict[str, _Pool] = {}
#: Connections a forked child inherited: kept referenced, never used or closed there (closing
#: one would end the parent's server session on the shared socket).
_INHERITED: list[psycopg.Connection[Any]] = []
_POOLS_LOCK = threading.Lock()


def _pool(url: str) -> _Pool:
    with _POOLS_LOCK:
        return _POOLS.setdefault(url, _Pool())


@atexit.register
def close_idle_connections() -> None:
    """Close every idle pooled connection of this process (also run at exit)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
    for pool in pools:
        pool.close_all()


class PostgisDb(StoreDb):
    """A transaction on a PostGIS database."""

    geometry_marker = "ST_GeomFromWKB(?, 4326)"
    for_update = " FOR UPDATE"
    for_share = " FOR SHARE"

    def __init__(self, conn: psycopg.Connection[Any], label: str) -> None:
        super().__init__(label)
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement (``?`` placeholders)."""
        cursor: Cursor = self.conn.execute(_qmarks(sql), _values(params))
        return cursor

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for every row (pipelined by psycopg)."""
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(_qmarks(sql), [_values(r) for r in rows])

    def geometry_column(self, column: str) -> str:
        """Read ``column`` as ISO WKB."""
        return f"ST_AsBinary({column}) AS {column}"

    def geometry_value(self, geom: BaseGeometry) -> bytes:
        """Return the ISO WKB of a 2D geometry."""
        return bytes(shapely.to_wkb(geom, byte_order=1, output_dimension=2, flavor="iso"))

    def read_geometry(self, value: bytes, *, where: str) -> BaseGeometry:
        """Decode WKB read through `geometry_column`."""
        del where
        return shapely.from_wkb(bytes(value))


class PostgisBackend(Backend):
    """A scenario store in a PostgreSQL database with the PostGIS extension.

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/dbname`` (libpq URL; ``?host=/socket/dir``
        and ``options=-csearch_path=...`` work as in psql). The tables go into the first
        schema of the search path (``public`` by default).
    """

    def __init__(self, url: str) -> None:
        self.url = url.strip()
        self.label = database_label(self.url)
        self.location = self.url

    def _connect(self) -> psycopg.Connection[Any]:
        pooled = _pool(self.url).take()
        if pooled is not None:
            return pooled
        try:
            conn = psycopg.connect(
                self.url, connect_timeout=CONNECT_TIMEOUT_S, row_factory=_row_factory
            )
        except psycopg.Error as err:
            raise self._unreachable(err) from err
        conn.execute(f"SET lock_timeout = '{int(LOCK_TIMEOUT_S * 1000)}ms'")
        conn.commit()
        return conn

    def _unreachable(self, err: psycopg.Error) -> FileFormatError:
        text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        msg = (
            f"The scenario store {self.label} cannot be reached ({text}). Check the connection "
            "URL (FORAGE_SITING_STORE), that the server runs and that the user may log in."
        )
        zh = f"无法连接方案库 {self.label}（{text}）。请检查连接地址、服务器状态和用户权限。"
        return FileFormatError(msg, zh=zh)

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[StoreDb]:
        conn = self._connect()
        try:
            conn.isolation_level = None if write else IsolationLevel.REPEATABLE_READ
            conn.read_only = not write
            try:
                yield PostgisDb(conn, self.label)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        except (
            psycopg.errors.LockNotAvailable,
            psycopg.errors.DeadlockDetected,
            psycopg.errors.SerializationFailure,
            psycopg.errors.UniqueViolation,
        ) as err:
            raise self._busy(err) from err
        except psycopg.OperationalError as err:
            raise self._unreachable(err) from err
        finally:
            _pool(self.url).give_back(conn)  # closed instead unless cleanly idle

    def _busy(self, err: psycopg.Error) -> StoreConflictError:
        msg = (
            f"The scenario store {self.label} is busy: another session changed or locked the same "
            f"records at the same time ({type(err).__name__}). Nothing was saved; reload and "
            "save again."
        )
        zh = (
            f"方案库 {self.label} 正被其他会话同时修改或锁定（{type(err).__name__}），"
            "未保存任何内容；请重新加载后再保存。"
        )
        return StoreConflictError(msg, zh=zh)

    def transaction(self, *, write: bool) -> AbstractContextManager[StoreDb]:
        """Return one transaction: READ COMMITTED with row locks, or a read-only snapshot."""
        return self._transaction(write)

    def open(self, created_at: str) -> None:
        """Create the plan and account tables in a database without them, or check them.

        A scenario store made before accounts existed gains the account tables and the audit
        guard on first open (as a GeoPackage does).
        """
        with self.transaction(write=True) as db:
            if has_scenario_tables(db):
                check_postgis_schema(db)
                if has_account_tables(db):
                    return
            db.execute("SELECT pg_advisory_xact_lock(?)", (_CREATE_LOCK_KEY,))
            if not has_scenario_tables(db):  # another process may have created them meanwhile
                create_postgis_schema(db, created_at)
            else:
                check_postgis_schema(db)
            create_account_tables(db)  # idempotent: adds what a store from before lacks
