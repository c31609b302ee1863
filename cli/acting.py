"""The acting user and the plan store of commands that change the store (plan, users)."""

from __future__ import annotations

import argparse
import getpass
import os

from cli.render import words
from planning.accounts import LOCAL_USER, TOKEN_ENV, Actor, cli_actor
from planning.scenarios import STORE_PATH_ENV, PlanStore, default_store_path
from planning.scenarios import open_store as open_plan_store


def add_acting_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--store`` (file or URL) and ``--user`` (the acting user, audited) to ``parser``."""
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
        help=(
            "plan store file, or postgresql://user:password@host:port/db for a shared PostGIS "
            f"store (default: ${STORE_PATH_ENV} or {default_store_path()})"
        ),
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("USER") or LOCAL_USER,
        help="acting user, recorded in the audit trail; in accounts mode the account to log "
        f"in as (its password is asked), unless ${TOKEN_ENV} holds a session token",
    )


def open_store(args: argparse.Namespace) -> PlanStore:
    """Return the store of ``--store``, ``$FORAGE_SITING_STORE`` or the default path.

    ``--store`` is text, not a `Path`: a path would turn ``postgresql://h/db`` into
    ``postgresql:/h/db``.
    """
    return open_plan_store(args.store)


def acting_user(store: PlanStore, args: argparse.Namespace) -> Actor:
    """Return who acts: ``--user`` (single-user mode), or a session (accounts mode)."""
    return cli_actor(
        store,
        args.user,
        lambda: getpass.getpass(words("users.password", args.lang, name=args.user)),
    )
