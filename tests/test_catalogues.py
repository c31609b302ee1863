"""Message catalogues: same keys and placeholders in both languages, no stale numbers.

A coefficient's value never appears inside a sentence (STYLE.md B1.6): a number followed by
a unit (kg, 亩, 万亩, mu, %, t) in a catalogue value is taken for a coefficient and fails,
unless the key is listed in `ALLOWED_LITERALS` with the reason it is not one.
"""

from __future__ import annotations

import re
import string

import pytest

import locales

#: Numbers that stand next to a unit (after placeholders and unit names are removed).
COEFFICIENT_LITERAL = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*\s*(?:kg|万亩|亩|mu\b|%|t\b)")
#: Unit names that contain a number: the unit itself, never a coefficient.
UNIT_NAMES = ("10,000 mu",)
#: key -> why its number-with-unit is not a coefficient that could go stale.
ALLOWED_LITERALS = {
    "coef.crop.n_kg_per_100kg": "'per 100 kg of yield' is the unit of the guide's uptake table",
    "coef.crop.p_kg_per_100kg": "'per 100 kg of yield' is the unit of the guide's uptake table",
    "farm.formula_symbols": "'per 100 kg of yield' is the unit of the guide's uptake table",
    "nutrients.note.low_n_demand": "'per 100 kg of yield' is the unit of the guide's uptake table",
    "farm.sold_help": "'30% = 0.3' shows how to type a share; it is not a coefficient",
}


def _fields(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def _coefficient_literals(message: str) -> list[str]:
    bare = re.sub(r"\{[^{}]*\}", "", message)
    for unit in UNIT_NAMES:
        bare = bare.replace(unit, "")
    return COEFFICIENT_LITERAL.findall(bare)


def test_both_catalogues_have_the_same_keys() -> None:
    zh, en = (set(locales.catalogue(lang)) for lang in locales.LANGS)
    assert sorted(zh - en) == []
    assert sorted(en - zh) == []
    assert len(zh) > 600


def test_every_key_has_the_same_placeholders_in_both_languages() -> None:
    zh, en = (locales.catalogue(lang) for lang in locales.LANGS)
    differing = {
        key: (_fields(zh[key]), _fields(en[key]))
        for key in zh
        if _fields(zh[key]) != _fields(en[key])
    }
    assert differing == {}


@pytest.mark.parametrize("lang", locales.LANGS)
def test_no_message_is_empty(lang: str) -> None:
    empty = [key for key, message in locales.catalogue(lang).items() if not message.strip()]
    assert empty == []


@pytest.mark.parametrize("lang", locales.LANGS)
def test_no_coefficient_value_inside_a_sentence(lang: str) -> None:
    found = {
        key: hits
        for key, message in locales.catalogue(lang).items()
        if key not in ALLOWED_LITERALS and (hits := _coefficient_literals(message))
    }
    assert found == {}


def test_allowed_literals_are_still_needed() -> None:
    zh, en = (locales.catalogue(lang) for lang in locales.LANGS)
    unused = [
        key
        for key in ALLOWED_LITERALS
        if not (_coefficient_literals(zh[key]) or _coefficient_literals(en[key]))
    ]
    assert unused == []


def test_the_literal_pattern_catches_coefficients() -> None:
    assert _coefficient_literals("每猪当量 7.0 kg N") == ["7.0 kg"]
    assert _coefficient_literals("within 10%; 15 亩") == ["10%", "15 亩"]
    assert _coefficient_literals("{kg} kg ({frac:.0%}), 10,000 mu") == []


def test_text_fills_placeholders() -> None:
    assert locales.text("upload.skipped", "zh", n=3) == "已跳过 3 个无效要素。"
    assert locales.text("upload.skipped", "en", n=3) == "Skipped 3 invalid features."
    assert locales.text("upload.skipped", "en") == "Skipped {n} invalid features."


def test_unknown_language_reads_chinese() -> None:
    assert locales.text("page.targets", "fr") == "规划目标"


def test_unknown_key_and_missing_value_raise() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        locales.text("no.such.key", "zh")
    with pytest.raises(KeyError, match="name"):
        locales.text("upload.ok", "en", n=1)


def test_message_keys_and_has() -> None:
    assert locales.has("page.targets")
    assert not locales.has("page.no_such_page")
    assert "report.title_city" in locales.message_keys("report.")
    assert all(key.startswith("report.") for key in locales.message_keys("report."))
