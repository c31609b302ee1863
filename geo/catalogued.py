"""Errors whose English and Chinese text come from the message catalogues (`locales`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from errors import PlannerError
from locales import text

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
        Values of the message's ``{name}`` placeholders.
    """
    zh = text(key, "zh", **{**values, **(zh_values or {})})
    return error_type(text(key, "en", **values), zh=zh, key=key)


def catalogued_note(key: str, **values: object) -> tuple[str, str]:
    """Return the note ``key`` in English and Chinese (for `RawVector` notes)."""
    return text(key, "en", **values), text(key, "zh", **values)
