"""Numbers and statuses as a reader sees them in a table cell."""

from __future__ import annotations

import math
from typing import Final

import pandas as pd

from locales import Message, has, text

#: Units shown as a percentage.
_PERCENT_UNITS: Final[frozenset[str]] = frozenset({"frac"})
_TWO_DECIMALS: Final[frozenset[str]] = frozenset({"万亩", "load index"})
STATUS_COLOURS: Final[dict[str, str]] = {
    "ok": "#d9f0d3",
    "warning": "#fee8a6",
    "exceeded": "#f4b6b0",
}


def number(value: object, unit: str) -> str:
    """Return ``value`` formatted for ``unit`` (fractions as %, large numbers grouped)."""
    if value is None or value is pd.NA:
        return "–"
    # a table cell: a number or numeric text (float raises on anything else)
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞"
    if unit in _PERCENT_UNITS:
        return f"{x:.1%}"
    if unit in _TWO_DECIMALS:
        return f"{x:,.2f}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def unit_label(unit: str, lang: str) -> str:
    """Return the unit as printed in ``lang`` (fractions are printed as %)."""
    if unit in _PERCENT_UNITS:
        return "%"
    return text(f"unit.{unit}", lang) if has(f"unit.{unit}") else unit


def coefficient_unit(unit: str, lang: str) -> str:
    """Return a coefficient's unit (``kg N per PE per yr`` ...) in ``lang`` where known."""
    for key in (f"bunit.{unit}", f"unit.{unit}"):
        if has(key):
            return text(key, lang)
    return unit


def data_status(status: str, lang: str) -> str:
    """Return a coefficient's data status (verified, illustrative ...) in ``lang``."""
    return text(f"status.{status}", lang) if has(f"status.{status}") else status


def status_label(status: str, lang: str) -> str:
    """Return the status word in ``lang``."""
    return text(f"report.{status}", lang) if status in STATUS_COLOURS else status


def check_name(row: pd.Series, lang: str) -> str:
    """Return the check's readable name (a `locales.Message`) in ``lang``."""
    return _message_text(row.get("name"), lang)


def check_note(row: pd.Series, lang: str) -> str:
    """Return the check's note (a `locales.Message`) in ``lang`` ('' if none)."""
    return _message_text(row.get("note"), lang)


def _message_text(message: object, lang: str) -> str:
    return message.render(lang) if isinstance(message, Message) else ""


def check_texts(checks: pd.DataFrame) -> pd.DataFrame:
    """Return ``checks`` with the name and note in both languages, as text (for a workbook).

    The ``name`` and ``note`` Messages become ``name_zh``, ``name_en``, ``note_zh`` and
    ``note`` (English) columns, the columns the checks sheet has always had.
    """
    columns = {
        "name_zh": ("name", "zh"),
        "name_en": ("name", "en"),
        "note": ("note", "en"),
        "note_zh": ("note", "zh"),
    }
    texts = {
        column: [_message_text(m, lang) for m in checks[source]]
        for column, (source, lang) in columns.items()
    }
    return checks.drop(columns=["name", "note"]).assign(**texts)


def check_cells(checks: pd.DataFrame, lang: str) -> list[list[str]]:
    """Return the check table as text: year, check, value, limit, unit, status."""
    return [
        [
            str(int(row["year"])),
            check_name(row, lang),
            number(row["value"], row["unit"]),
            number(row["limit"], row["unit"]),
            unit_label(str(row["unit"]), lang),
            status_label(str(row["status"]), lang),
        ]
        for _, row in checks.iterrows()
    ]
