"""Short-lived sqlite3 connections and atomic transactions on the store file.

Journal mode is the rollback journal (``DELETE``), with ``synchronous = FULL``. A save is one
``BEGIN IMMEDIATE ... COMMIT``: SQLite first copies the original pages to ``<file>-journal``,
then writes the database, then deletes the journal (the commit point). If the process dies
before that, the next connection finds the "hot" journal and rolls the file back to the last
commit. WAL would give the same atomicity, but it keeps recent commits in ``-wal``/``-shm``
side files (lost when a user copies or e-mails the ``.gpkg`` alone) and needs shared memory,
which network drives do not provide. Plan edits are rare and small, so WAL's concurrency buys
nothing here. Every operation opens its own connection, so one `ScenarioStore` can be shared by
Streamlit's threads and processes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Final, TypeVar

from errors import FileFormatError, StoreConflictError

#: How long a save waits for another writer (another session, the CLI, QGIS) to finish.
BUSY_TIMEOUT_S: Final[float] = 10.0
_T = TypeVar("_T")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _use_rollback_journal(conn: sqlite3.Connection) -> None:
    # Switches back a file another program left in WAL mode; a no-op while others have it open.
    conn.execute("PRAGMA journal_mode = DELETE")


@contextmanager
def transaction(path: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    """Yield a connection inside one transaction; commit at the end, roll back on error.

    ``write=True`` takes the write lock at once (``BEGIN IMMEDIATE``) so that the version
    check and the update that follows it cannot interleave with another writer. Reads use a
    deferred transaction and so see one consistent snapshot.

    Raises
    ------
    StoreConflictError
        If another program holds the write lock for longer than `BUSY_TIMEOUT_S`.
    FileFormatError
        If the file is not an SQLite database or cannot be opened or written.
    """
    with closing(_guarded(path, _connect, path)) as conn:
        if write:
            _guarded(path, _use_rollback_journal, conn)
        _guarded(path, conn.execute, "BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back after an I/O error
                conn.execute("ROLLBACK")
            raise
        _guarded(path, conn.execute, "COMMIT")


def _guarded(path: Path, func: Callable[..., _T], *args: object) -> _T:
    """Call ``func``; turn SQLite's file-level failures into planner errors."""
    try:
        return func(*args)
    except sqlite3.OperationalError as err:
        text = str(err)
        if "locked" in text or "busy" in text:
            raise _busy_error(path) from err
        msg = (
            f"The scenario store {path.name} cannot be opened or written ({text}). Check the "
            "path, free disk space and permissions."
        )
        zh = f"无法打开或写入方案库 {path.name}（{text}），请检查路径、磁盘空间和权限。"
        raise FileFormatError(msg, zh=zh) from err
    except sqlite3.DatabaseError as err:
        msg = (
            f"{path.name} cannot be read as a scenario store ({err}). Choose another file name "
            "for the store, or restore the file from a backup."
        )
        zh = f"{path.name} 无法作为方案库读取（{err}）。请选择其他文件名或从备份恢复。"
        raise FileFormatError(msg, zh=zh) from err


def _busy_error(path: Path) -> StoreConflictError:
    msg = (
        f"The scenario store {path.name} is busy: another session or program (the CLI, QGIS) "
        f"has held its write lock for more than {BUSY_TIMEOUT_S:g} s. Nothing was saved; "
        "wait until it finishes (or close the layer in QGIS) and save again."
    )
    zh = (
        f"方案库 {path.name} 正被其他会话或程序（命令行、QGIS）占用超过 "
        f"{BUSY_TIMEOUT_S:g} 秒，未保存任何内容；请稍后再保存。"
    )
    return StoreConflictError(msg, zh=zh)


def busy_error(path: Path) -> StoreConflictError:
    """Return the error for a store file locked by another writer past `BUSY_TIMEOUT_S`."""
    return _busy_error(path)
