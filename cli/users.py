"""``python -m siting users``: accounts of the scenario store (add, list, passwd, disable).

Examples::

    python -m siting users add admin --role admin            # the first account: an admin
    python -m siting users add wang --role planner --counties 150121,150123 --user admin
    python -m siting users list
    python -m siting users passwd wang --user admin
    python -m siting users disable wang --user admin
    python -m siting users regions --region hohhot --user admin   # county outlines

New passwords are asked twice on the terminal, or read from the first line of standard input
with ``--password-stdin`` (for scripts). In accounts mode (``FORAGE_SITING_ACCOUNTS=on``) the
command acts as ``--user`` (its password is asked) or as the session of
``$FORAGE_SITING_TOKEN``; in single-user mode it acts as the local administrator.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from cli.acting import acting_user, add_acting_options, open_store
from cli.options import first_region, region_argument
from cli.render import both, headers, table, words, write_json
from errors import ParameterError
from planning.accounts import ROLES, register_region_counties
from planning.regions import load_region

if TYPE_CHECKING:
    from typing import TextIO

    from planning.scenarios import ScenarioStore

USER_COLUMNS = ("name", "role", "counties", "disabled", "created_at")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``users`` command and its actions."""
    parser = subparsers.add_parser(
        "users",
        parents=[common],
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    acting = argparse.ArgumentParser(add_help=False)
    add_acting_options(acting)
    named = argparse.ArgumentParser(add_help=False)
    named.add_argument("name")
    secret = argparse.ArgumentParser(add_help=False)
    secret.add_argument(
        "--password-stdin",
        action="store_true",
    )
    parents = [common, acting]
    add = actions.add_parser("add", parents=[*parents, named, secret])
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument(
        "--counties",
        default="",
        metavar="ADCODE,...",
    )
    actions.add_parser("list", parents=parents).add_argument("--json", action="store_true")
    actions.add_parser("passwd", parents=[*parents, named, secret])
    disable = actions.add_parser("disable", parents=[*parents, named])
    disable.add_argument("--enable", action="store_true")
    regions = actions.add_parser(
        "regions",
        parents=parents,
    )
    regions.add_argument(
        "--region",
        type=region_argument,
        default=first_region(),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one ``users`` action and print its result to ``out``."""
    store = open_store(args)
    if args.action == "list":
        return _list(store, args, out)
    if args.action == "add":
        password = _new_password(args)
        first = not store.accounts.has_users()
        user = args.user if first else acting_user(store, args)
        counties = [c for c in args.counties.split(",") if c.strip()]
        account = store.accounts.add_user(
            args.name, password, role=args.role, counties=counties, user=user
        )
        out.write(words("users.added", args.lang, name=account.name, role=account.role) + "\n")
    elif args.action == "regions":
        region = load_region(args.region)
        count = register_region_counties(store, region, user=acting_user(store, args))
        out.write(words("users.regions", args.lang, count=count, region=region.id) + "\n")
    elif args.action == "passwd":
        user = acting_user(store, args)
        store.accounts.set_password(args.name, _new_password(args), user=user)
        out.write(words("users.password_set", args.lang, name=args.name) + "\n")
    else:
        store.accounts.set_disabled(
            args.name, disabled=not args.enable, user=acting_user(store, args)
        )
        key = "users.enabled" if args.enable else "users.disabled"
        out.write(words(key, args.lang, name=args.name) + "\n")
    return 0


def _list(store: ScenarioStore, args: argparse.Namespace, out: TextIO) -> int:
    rows = [
        (u.name, u.role, ",".join(u.counties), u.disabled, u.created_at)
        for u in store.accounts.list_users()
    ]
    if args.json:
        write_json([dict(zip(USER_COLUMNS, row, strict=True)) for row in rows], out)
    else:
        out.write(table(headers(USER_COLUMNS, args.lang), rows) + "\n")
    return 0


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(words("users.new_password", args.lang, name=args.name))
    again = getpass.getpass(words("users.repeat_password", args.lang))
    if first != again:
        msg, zh = both("users.mismatch")
        raise ParameterError(msg, zh=zh)
    return first
