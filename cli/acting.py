"""The acting user and the scenario store of commands that change the store (plan, users)."""

from __future__ import annotations

import argparse
import getpass
import os

from cli.render import words
from planning.accounts import LOCAL_USER, Actor, cli_actor
from planning.scenarios import ScenarioStore
from planning.scenarios import open_store as open_scenario_store


def add_acting_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--store`` (file or URL) and ``--user`` (the acting user, audited) to ``parser``."""
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("USER") or LOCAL_USER,
    )


def open_store(args: argparse.Namespace) -> ScenarioStore:
    """Return the store of ``--store``, ``$FORAGE_SITING_STORE`` or the default path.

    ``--store`` is text, not a `Path`: a path would turn ``postgresql://h/db`` into
    ``postgresql:/h/db``.
    """
    return open_scenario_store(args.store)


def acting_user(store: ScenarioStore, args: argparse.Namespace) -> Actor:
    """Return who acts: ``--user`` (single-user mode), or a session (accounts mode)."""
    return cli_actor(
        store,
        args.user,
        lambda: getpass.getpass(words("users.password", args.lang, name=args.user)),
    )
