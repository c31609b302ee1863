"""Command line entry: ``python -m siting <command> ...`` (one module per command).

Each command module has ``register(subparsers, common)``, which adds its sub-parser and sets
``run=<function(args, out) -> int>``. Exit status: 0 success, 2 bad arguments or parameters
(one line on stderr), 1 bad or missing data (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from cli import (
    balance,
    batch,
    buildout,
    capacity,
    import_data,
    locate,
    optimise,
    report,
    scenario,
    score,
    store_cmd,
    surface,
    users,
)
from cli.help import default_lang, localise
from cli.render import ARGUMENT_LANG, words
from errors import AuthenticationError, Lang, ParameterError, PermissionDeniedError, PlannerError
from planning.regions import REGIONS_DIR_ENV, use_regions_dir
from planning.scenarios import STORE_PATH_ENV, default_store_path
from planning.site_scoring import ID_COLUMNS, NAME_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Registered commands, in help order. Add a module here to add a command.
COMMANDS = (
    balance,
    capacity,
    buildout,
    score,
    surface,
    locate,
    optimise,
    scenario,
    store_cmd,
    report,
    import_data,
    users,
    batch,
)
EXIT_DATA_ERROR = 1
EXIT_USAGE = 2


def one_line(text: str) -> str:
    """Collapse whitespace (newlines included) so that a message fits on one line."""
    return " ".join(text.split())


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage block), exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: error: <message>`` on one line and exit with status 2."""
        lang = ARGUMENT_LANG.get()
        shown = f"{one_line(message)} {words('see_help', lang)}"
        self.exit(EXIT_USAGE, words("error", lang, prog=self.prog, message=shown) + "\n")


def build_parser(lang: str | None = None) -> OneLineParser:
    """Return the parser with every registered command, its help texts in ``lang``.

    ``lang`` None takes `cli.help.default_lang` (``$FORAGE_SITING_LANG``, else English),
    which is also the default of ``--lang``.
    """
    shown = default_lang() if lang is None else lang
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("en", "zh"), default=default_lang())
    parser = OneLineParser(prog="python -m siting", parents=[common])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers, common)
    parser.description = words("desc.main", shown)
    localise(parser, shown, help_values())
    return parser


def help_values() -> dict[str, object]:
    """Return the values of the ``{name}`` placeholders of the help texts."""
    return {
        "store_env": STORE_PATH_ENV,
        "store_path": default_store_path(),
        "demo": buildout.DEMO,
        "id_columns": "/".join(ID_COLUMNS),
        "name_columns": "/".join(NAME_COLUMNS),
    }


def _print_error(prog: str, err: PlannerError, lang: Lang) -> None:
    """Print ``<prog>: error: <message>`` (in ``lang``) on one line on stderr."""
    print(words("error", lang, prog=prog, message=one_line(err.message(lang))), file=sys.stderr)


def argument_lang(argv: Sequence[str]) -> str:
    """Return the ``--lang`` of the raw arguments (the last one, as argparse reads).

    Without one: ``$FORAGE_SITING_LANG`` if it names a language, else English.
    """
    lang = default_lang()
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return lang if lang in ("zh", "en") else default_lang()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status.

    Parameters
    ----------
    argv
        Arguments without the program name; None reads ``sys.argv[1:]``.
    """
    configured = os.environ.get(REGIONS_DIR_ENV, "").strip()
    use_regions_dir(Path(configured) if configured else None)
    raw = sys.argv[1:] if argv is None else list(argv)
    token = ARGUMENT_LANG.set(argument_lang(raw))
    try:
        return _run(raw)
    finally:
        ARGUMENT_LANG.reset(token)


def _run(argv: Sequence[str]) -> int:
    """Parse ``argv`` and run its command; errors become one line on stderr."""
    lang = argument_lang(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    args.lang = lang  # the last --lang, before or after the command
    try:
        return int(args.run(args, sys.stdout))
    except (ParameterError, PermissionDeniedError, AuthenticationError) as err:
        _print_error(f"{parser.prog} {args.command}", err, args.lang)
        return EXIT_USAGE
    except PlannerError as err:
        _print_error(f"{parser.prog} {args.command}", err, args.lang)
        return EXIT_DATA_ERROR
    except BrokenPipeError:
        # The reader closed the pipe (e.g. `| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
