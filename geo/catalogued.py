"""Errors whose English and Chinese text come from the message catalogues (`locales`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from errors import PlannerError
from locales import Message, text

_E = TypeVar("_E", bound=PlannerError)


def catalogued(
    error_type: type[_E],
    key: str,
    *,
    zh_values: Mapping[str, object] | None = None,
    **values: object,
) -> _E:
    """Return ``error_type`` with the catalogue message ``key`` in both languages.

    Parameters
    ----------
    error_type
        A `PlannerError` subclass, e.g. `FileFormatError`.
    key
        Catalogue key, e.g. ``"input.zip.nested"``; kept on the error as ``err.key``.
    zh_values
        Placeholder values that differ in the Chinese text (e.g. a hint sentence).
    **values
        Values of the message's ``{name}`` placeholders; a `locales.Message` among them is
        rendered in each language.
    """
    zh = text(key, "zh", **_rendered({**values, **(zh_values or {})}, "zh"))
    return error_type(text(key, "en", **_rendered(values, "en")), zh=zh, key=key)


def _rendered(values: Mapping[str, object], lang: str) -> dict[str, object]:
    """Return ``values`` with every `locales.Message` in it rendered in ``lang``."""
    return {k: v.render(lang) if isinstance(v, Message) else v for k, v in values.items()}
