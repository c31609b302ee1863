"""``python -m siting store``: back up the scenario store, list its backups, restore one.

Examples::

    python -m siting store backup --store plans.gpkg --keep 10
    python -m siting store backups --store plans.gpkg
    python -m siting store restore plans.backups/plans-20260301T080001000000Z-auto.gpkg \\
        --store plans.gpkg

Restoring first backs up the current content (reason ``pre-restore``), so a restore can be
undone by restoring that backup.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cli.render import headers, table, words, write_json
from planning.scenarios import (
    DEFAULT_KEEP_BACKUPS,
    STORE_PATH_ENV,
    ScenarioStore,
    backup_store,
    default_store_path,
    list_backups,
    restore_store,
)

if TYPE_CHECKING:
    from typing import TextIO

BACKUP_COLUMNS = ("taken_at", "reason", "size_kb", "path")
_BYTES_PER_KB = 1024


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``store`` command and its actions."""
    parser = subparsers.add_parser(
        "store",
        parents=[common],
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    opts = argparse.ArgumentParser(add_help=False)
    opts.add_argument("--store", type=Path, metavar="PATH")
    opts.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP_BACKUPS,
        metavar="N",
    )
    actions.add_parser("backup", parents=[common, opts])
    listing = actions.add_parser("backups", parents=[common, opts])
    listing.add_argument("--json", action="store_true")
    restore = actions.add_parser("restore", parents=[common, opts])
    restore.add_argument("backup", type=Path)
    parser.set_defaults(run=run)


def _store_path(args: argparse.Namespace) -> Path:
    """``--store``, else ``$FORAGE_SITING_STORE``, else the default (as ``siting plan``)."""
    if args.store is not None:
        return Path(args.store)
    configured = os.environ.get(STORE_PATH_ENV, "").strip()
    return Path(configured).expanduser() if configured else default_store_path()


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one ``store`` action and print its result to ``out``."""
    path = _store_path(args)
    now = datetime.now(UTC)
    if args.action == "backup":
        ScenarioStore(path, backups=None)  # refuses a file that is not a scenario store
        made = backup_store(path, reason="manual", keep=args.keep, now=now)
        out.write(words("store.backed_up", args.lang, path=made.path) + "\n")
    elif args.action == "backups":
        rows = [
            (b.taken_at.isoformat(), b.reason, round(b.path.stat().st_size / _BYTES_PER_KB), b.path)
            for b in reversed(list_backups(path))
        ]
        if args.json:
            write_json([dict(zip(BACKUP_COLUMNS, map(str, r), strict=True)) for r in rows], out)
        elif rows:
            out.write(table(headers(BACKUP_COLUMNS, args.lang), rows) + "\n")
        else:
            out.write(words("store.no_backups", args.lang, path=path) + "\n")
    else:
        before = restore_store(path, args.backup, keep=args.keep, now=now)
        out.write(words("store.restored", args.lang, path=path, backup=args.backup) + "\n")
        if before is not None:
            out.write(words("store.previous_kept", args.lang, path=before.path) + "\n")
    return 0
