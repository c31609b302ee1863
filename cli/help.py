"""The ``--help`` screens in the chosen language: every help text comes from the catalogues.

`localise` walks a built parser and sets, for the command path ``p`` (``score``,
``plan.import`` ...):

* the line of each command in its parent's list from ``cli.cmd.<p>`` (the list is made here:
  argparse lists only commands added with a ``help=``, and no command has one);
* the description above the options from ``cli.desc.<p>`` (else the command's line);
* the help of each option (by its ``dest``) from the most specific of ``cli.help.<p>.<dest>``,
  ``cli.help.<parent of p>.<dest>`` ... ``cli.help.<dest>``;
* the ``usage:`` prefix and the two section titles (``cli.usage``, ``cli.positionals``,
  ``cli.optionals``).

Texts may hold argparse's ``%(default)s`` and the placeholders of `help_values`.
"""

from __future__ import annotations

import argparse
import functools
import os
from typing import TYPE_CHECKING

import locales

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: Environment variable with the default language of the command line (``zh`` or ``en``).
LANG_ENV = "FORAGE_SITING_LANG"
#: Language when neither ``--lang`` nor `LANG_ENV` says (scripts read the English output).
FALLBACK_LANG = "en"


def default_lang() -> str:
    """Return the language of `LANG_ENV` if it names one, else `FALLBACK_LANG`."""
    lang = os.environ.get(LANG_ENV, "").strip()
    return lang if lang in locales.LANGS else FALLBACK_LANG


class LocalisedFormatter(argparse.HelpFormatter):
    """argparse's formatter with the ``usage:`` prefix from the catalogue."""

    def __init__(self, prog: str, *, lang: str = FALLBACK_LANG) -> None:
        super().__init__(prog)
        self.lang = lang

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """Add the usage line with the catalogue's prefix."""
        shown = locales.text("cli.usage", self.lang) if prefix is None else prefix
        super().add_usage(usage, actions, groups, shown)


def help_key(path: tuple[str, ...], dest: str) -> str:
    """Return the most specific ``cli.help.…<dest>`` key that exists for command ``path``.

    Raises
    ------
    KeyError
        If no key exists, naming the most specific one.
    """
    for depth in range(len(path), -1, -1):
        key = ".".join(("cli.help", *path[:depth], dest))
        if locales.has(key):
            return key
    raise KeyError(".".join(("cli.help", *path, dest)))


def localise(parser: argparse.ArgumentParser, lang: str, values: Mapping[str, object]) -> None:
    """Set every help text of ``parser`` and its sub-parsers in ``lang`` (see the module)."""
    _localise(parser, (), lang, values)


def _localise(
    parser: argparse.ArgumentParser,
    path: tuple[str, ...],
    lang: str,
    values: Mapping[str, object],
) -> None:
    parser.formatter_class = functools.partial(LocalisedFormatter, lang=lang)
    parser._positionals.title = locales.text("cli.positionals", lang)
    parser._optionals.title = locales.text("cli.optionals", lang)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            _localise_commands(action, path, lang, values)
        elif action.help != argparse.SUPPRESS:
            action.help = locales.text(help_key(path, action.dest), lang, **values)


def _localise_commands(
    action: argparse._SubParsersAction[argparse.ArgumentParser],
    path: tuple[str, ...],
    lang: str,
    values: Mapping[str, object],
) -> None:
    action._choices_actions = [  # argparse lists a command only if it was given a help=
        action._ChoicesPseudoAction(
            name,
            _aliases(action.choices, name, sub),
            locales.text(".".join(("cli.cmd", *path, name)), lang),
        )
        for name, sub in _named_once(action.choices)
    ]
    for name, sub in _named_once(action.choices):
        command = (*path, name)
        desc = ".".join(("cli.desc", *command))
        shown = desc if locales.has(desc) else ".".join(("cli.cmd", *command))
        sub.description = locales.text(shown, lang)
        _localise(sub, command, lang, values)


def _named_once(
    choices: Mapping[str, argparse.ArgumentParser],
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Return each sub-parser once, under its name (an alias maps to the same parser, later)."""
    named: dict[int, tuple[str, argparse.ArgumentParser]] = {}
    for name, sub in choices.items():
        named.setdefault(id(sub), (name, sub))
    return list(named.values())


def _aliases(
    choices: Mapping[str, argparse.ArgumentParser], name: str, sub: argparse.ArgumentParser
) -> list[str]:
    """Return the other names of command ``name`` (its sub-parser ``sub``)."""
    return [other for other, parser in choices.items() if parser is sub and other != name]
