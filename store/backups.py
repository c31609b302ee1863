"""Rotated backups of the GeoPackage scenario store and restoring one.

A backup is a consistent copy made with SQLite's online backup API (never a file copy,
which could catch a save half-way), written to a temporary name and renamed into
``<store stem>.backups/`` beside the store: ``plans-20260301T080001123456Z-auto.gpkg``. The
name carries the UTC time and the reason (``auto`` at open when the newest backup is older
than the policy's interval, ``pre-migration-v<N>`` before a migration, ``manual``,
``pre-restore``). After each backup only the newest ``keep`` are kept.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from errors import FileFormatError
from store.connection import BUSY_TIMEOUT_S, transaction
from store.schema import check_store_schema

DEFAULT_KEEP_BACKUPS: Final[int] = 10
DEFAULT_BACKUP_INTERVAL: Final[timedelta] = timedelta(days=1)
_STAMP_FORMAT: Final[str] = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z0-9-]+)\.gpkg$")


@dataclass(frozen=True)
class BackupPolicy:
    """When the store backs itself up: at open if the newest is older than ``every``.

    Parameters
    ----------
    keep
        Number of backups kept (the oldest beyond it are deleted); at least 1.
    every
        Interval of the automatic backup at open; ``None`` makes no automatic backup
        (backups before migrations are always made).
    """

    keep: int = DEFAULT_KEEP_BACKUPS
    every: timedelta | None = DEFAULT_BACKUP_INTERVAL


@dataclass(frozen=True)
class Backup:
    """One backup file: its path, UTC time and reason."""

    path: Path
    taken_at: datetime
    reason: str


def backup_dir(store_path: Path) -> Path:
    """Return the folder of the backups of ``store_path`` (``<stem>.backups`` beside it)."""
    return store_path.with_name(f"{store_path.stem}.backups")


def list_backups(store_path: Path) -> list[Backup]:
    """Return the backups of ``store_path``, oldest first."""
    folder = backup_dir(store_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == store_path.stem:
            taken = datetime.strptime(match["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC)
            found.append(Backup(path, taken, match["reason"]))
    return sorted(found, key=lambda b: b.taken_at)


def backup_store(
    store_path: Path, *, reason: str = "manual", keep: int = DEFAULT_KEEP_BACKUPS, now: datetime
) -> Backup:
    """Copy the store consistently into its backup folder and rotate to ``keep`` backups.

    Parameters
    ----------
    store_path
        The scenario store (must exist).
    reason
        Lower-case word(s) with hyphens, part of the file name.
    keep
        Backups kept after this one is added (at least 1).
    now
        Time of the backup (timezone-aware), in the file name.

    Raises
    ------
    FileFormatError
        If the store cannot be read or the backup cannot be written.
    """
    folder = backup_dir(store_path)
    stamp = now.astimezone(UTC).strftime(_STAMP_FORMAT)
    target = folder / f"{store_path.stem}-{stamp}-{reason}.gpkg"
    partial = target.with_suffix(".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _copy_database(store_path, partial)
        os.replace(partial, target)
    except OSError as err:
        msg = (
            f"The scenario store {store_path.name} cannot be backed up into {folder} ({err}). "
            "Check free disk space and permissions of that folder."
        )
        zh = (
            f"无法将方案库 {store_path.name} 备份到 {folder}（{err}），请检查该文件夹的空间和权限。"
        )
        raise FileFormatError(msg, zh=zh) from err
    backups = list_backups(store_path)
    for old in backups[: max(len(backups) - max(keep, 1), 0)]:
        old.path.unlink(missing_ok=True)
    return Backup(target, now.astimezone(UTC), reason)


def backup_if_due(store_path: Path, policy: BackupPolicy, *, now: datetime) -> Backup | None:
    """Back up the store if the policy's interval has passed since the newest backup."""
    if policy.every is None:
        return None
    backups = list_backups(store_path)
    if backups and now - backups[-1].taken_at < policy.every:
        return None
    return backup_store(store_path, reason="auto", keep=policy.keep, now=now)


def restore_store(
    store_path: Path, backup: Path, *, keep: int = DEFAULT_KEEP_BACKUPS, now: datetime
) -> Backup | None:
    """Replace the store's content by ``backup``; the current content is backed up first.

    The copy goes through SQLite's backup API into the open store file, under its locks,
    so a session that opens the store meanwhile sees either the old or the restored
    content. Returns the backup taken of the replaced content (None if there was no store).

    Raises
    ------
    FileFormatError
        If ``backup`` is not a scenario store this program can open.
    """
    backup = Path(backup)
    if not backup.is_file():
        msg = f"{backup} does not exist; list the backups with `siting store backups`."
        raise FileFormatError(msg, zh=f"{backup} 不存在；请用 `siting store backups` 列出备份。")
    with transaction(backup, write=False) as conn:
        check_store_schema(conn, backup)
    before = None
    if store_path.exists() and store_path.stat().st_size > 0:
        before = backup_store(store_path, reason="pre-restore", keep=keep, now=now)
    _copy_database(backup, store_path)
    return before


def _copy_database(source: Path, target: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)) as src,
            closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as err:
        msg = (
            f"Copying the scenario store {source.name} to {target} failed ({err}). Check free "
            "disk space and permissions."
        )
        zh = f"复制方案库 {source.name} 到 {target} 失败（{err}），请检查磁盘空间和权限。"
        raise FileFormatError(msg, zh=zh) from err
