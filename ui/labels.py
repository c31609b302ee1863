"""Interface text lookup: thin wrappers over the message catalogues in `locales`.

``t(key, lang)`` returns the catalogue text of ``key`` in ``lang`` ("zh" or "en", Chinese
first). Column labels carry their unit (亩 / 万亩 with 公顷 beside them). Texts with
``{name}`` placeholders are filled with ``t(key, lang).format(...)`` or
``locales.text(key, lang, name=...)``. The words themselves live in ``locales/zh.toml`` and
``locales/en.toml``, never in this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import locales

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
#: Each language's own name (shown in the language switch, never translated).
LANG_NAMES: Mapping[str, str] = {"zh": "中文", "en": "English"}
#: key -> {"zh": text, "en": text}, the catalogues side by side (read-only view).
LABELS: Mapping[str, Mapping[str, str]] = {
    key: {lang: locales.catalogue(lang)[key] for lang in LANGS} for key in locales.message_keys()
}


def t(key: str, lang: str) -> str:
    """Return the text of ``key`` in ``lang`` ("zh" or "en"); unknown keys raise KeyError."""
    return locales.text(key, lang)


def t_or(key: str, lang: str, default: str) -> str:
    """Return the text of ``key`` in ``lang``, or ``default`` if there is no such label."""
    return t(key, lang) if locales.has(key) else default
