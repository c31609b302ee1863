"""The acting user and the plan store of commands that change the store (plan, users)."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from cli.render import words
from planning.accounts import LOCAL_USER, Actor, cli_actor
from planning.scenarios import STORE_PATH_ENV, PlanStore, default_store_path


def add_acting_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--store`` and ``--user`` (the acting user, audited) to ``parser``."""
    parser.add_argument(
        "--store",
        type=Path,
        metavar="PATH",
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("USER") or LOCAL_USER,
    )


def open_store(args: argparse.Namespace) -> PlanStore:
    """Return the store of ``--store``, ``$FORAGE_SITING_STORE`` or the default path."""
    if args.store is not None:
        return PlanStore(args.store)
    configured = os.environ.get(STORE_PATH_ENV, "").strip()
    return PlanStore(Path(configured).expanduser() if configured else default_store_path())


def acting_user(store: PlanStore, args: argparse.Namespace) -> Actor:
    """Return who acts: ``--user`` (single-user mode), or a session (accounts mode)."""
    return cli_actor(
        store,
        args.user,
        lambda: getpass.getpass(words("users.password", args.lang, name=args.user)),
    )
