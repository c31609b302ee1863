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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

__all__ = ["LANGS", "Message", "Renderer", "Term", "catalogue", "has", "message_keys", "text"]

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


@dataclass(frozen=True, slots=True)
class Term:
    """A name recorded in the data in both languages (a crop's ``name_zh`` / ``name_en``).

    Used as a `Message` parameter: it renders as the name in the message's language. Words
    of the program never go here; they are catalogue keys.
    """

    zh: str
    en: str

    def render(self, lang: str) -> str:
        """Return the name in ``lang`` (Chinese for any language but English)."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Message:
    """A message key with its named parameters, rendered in a language only when shown.

    Computing packages (siting/ ...) return a `Message` instead of a sentence; the entry
    points render it with `render`. A parameter may itself be a `Message` (rendered in the
    same language first), and a tuple is joined with the language's list separator
    (``message.list_separator``). Numbers stay numbers: the catalogue's placeholder formats
    them (``{land_mu:,.0f}``), so a coefficient is never written into a sentence.

    Parameters
    ----------
    key
        Dotted message key, e.g. ``"nutrients.note.low_n_demand"``.
    params
        ``(name, value)`` pairs of the placeholders, in any order (see `Message.of`).
    """

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **params: object) -> Message:
        """Return the message ``key`` with the named ``params``."""
        return cls(key, tuple(params.items()))

    @property
    def values(self) -> dict[str, object]:
        """Return the parameters as a dict."""
        return dict(self.params)

    def render(self, lang: str) -> str:
        """Return the message in ``lang``, nested messages rendered in the same language."""
        values = {name: _rendered(value, lang) for name, value in self.params}
        return catalogue(lang)[self.key].format(**values)

    def to_dict(self) -> dict[str, object]:
        """Return ``{"key": ..., "params": {...}}`` (nested messages as dicts), JSON-ready."""
        return {
            "key": self.key,
            "params": {name: _json_param(value) for name, value in self.params},
        }


def _rendered(value: object, lang: str) -> object:
    if isinstance(value, Message | Term):
        return value.render(lang)
    if isinstance(value, tuple):
        return catalogue(lang)["message.list_separator"].join(
            str(_rendered(item, lang)) for item in value
        )
    return value


class Renderer:
    """Renders many messages in one language, each shared part once (issue 12).

    ``renderer.render(message)`` equals ``message.render(lang)``. Results of a batch share
    their fixed parts (a rule's name, limit and status are one `Message` for every site), so
    a message already rendered, nested or not, is looked up by identity instead of rendered
    again. Keep a renderer for one batch of results: it holds every message it rendered.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._texts = catalogue(lang)
        self._done: dict[int, tuple[Message, str]] = {}

    def render(self, message: Message) -> str:
        """Return ``message`` in the renderer's language (once per message object)."""
        done = self._done.get(id(message))
        if done is None:
            done = self._done[id(message)] = (message, self._format(message))
        return done[1]

    def _format(self, message: Message) -> str:
        values = {name: self._value(value) for name, value in message.params}
        return self._texts[message.key].format(**values)

    def _value(self, value: object) -> object:
        if isinstance(value, Message):
            return self.render(value)
        if isinstance(value, Term):
            return value.render(self.lang)
        if isinstance(value, tuple):
            separator = self._texts["message.list_separator"]
            return separator.join(str(self._value(item)) for item in value)
        return value


def _json_param(value: object) -> object:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, Term):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, tuple):
        return [_json_param(item) for item in value]
    return value
