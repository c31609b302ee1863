"""Message catalogues: every user-facing word, one TOML file per language (STYLE.md B1.6).

``zh.toml`` and ``en.toml`` beside this module hold flat, quoted, dotted keys
(``"balance.title" = "..."``). Values may carry ``{name}`` placeholders, filled by
`text` from keyword arguments; numbers (coefficients, thresholds) are never written into
a value but passed in from the parameter objects at the call site. Chinese is the first
language. This package imports nothing of the project, so every package may use it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

__all__ = ["LANGS", "catalogue", "has", "message_keys", "text"]

#: Languages with a catalogue, the default first.
LANGS: Final[tuple[str, ...]] = ("zh", "en")
_DIR: Final[Path] = Path(__file__).resolve().parent


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Return the message catalogue of ``lang`` (read once from ``<lang>.toml``).

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``; any other value reads the Chinese catalogue.

    Returns
    -------
    Mapping[str, str]
        Message key -> text with its ``{name}`` placeholders unfilled.
    """
    name = lang if lang in LANGS else LANGS[0]
    with (_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def text(key: str, lang: str, **values: object) -> str:
    """Return the message ``key`` in ``lang``, its placeholders filled from ``values``.

    Parameters
    ----------
    key
        Dotted message key, e.g. ``"balance.title"``.
    lang
        ``"zh"`` or ``"en"`` (anything else falls back to Chinese).
    **values
        Values of the ``{name}`` placeholders; without any, the text is returned as stored
        (so a caller may still ``.format`` it).

    Returns
    -------
    str
        The message.

    Raises
    ------
    KeyError
        If ``key`` is not in the catalogue, or a placeholder has no value.
    """
    message = catalogue(lang)[key]
    return message.format(**values) if values else message


def has(key: str) -> bool:
    """Return whether ``key`` is in the catalogue (of the default language)."""
    return key in catalogue(LANGS[0])


def message_keys(prefix: str = "") -> tuple[str, ...]:
    """Return the catalogue's keys that start with ``prefix``, in file order."""
    return tuple(key for key in catalogue(LANGS[0]) if key.startswith(prefix))
