"""Plain-text tables and JSON output of the commands."""

from __future__ import annotations

import json
import math
import unicodedata
from contextvars import ContextVar
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import locales

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import TextIO

    from locales import Message
    from siting.nutrients import ExplainRow
    from siting.parameters import Coefficient


def words(key: str, lang: str, **values: object) -> str:
    """Return the catalogue text ``cli.<key>`` in ``lang`` (STYLE.md B1.6).

    Parameters
    ----------
    key
        Key below ``cli.``, e.g. ``"score.top_stays"``.
    lang
        ``"zh"`` or ``"en"``.
    **values
        Values of the message's ``{name}`` placeholders.

    Returns
    -------
    str
        The message.
    """
    return locales.text(f"cli.{key}", lang, **values)


def headers(columns: Iterable[str], lang: str) -> tuple[str, ...]:
    """Return the table headers ``cli.col.<column>`` of ``columns`` in ``lang``."""
    return tuple(words(f"col.{column}", lang) for column in columns)


def both(key: str, **values: object) -> tuple[str, str]:
    """Return the English and Chinese text of ``cli.<key>`` (for bilingual errors)."""
    return words(key, "en", **values), words(key, "zh", **values)


#: Language of the argument errors: argparse calls the type functions before ``--lang`` is read,
#: so `cli.main` sets it from the raw arguments first.
ARGUMENT_LANG: ContextVar[str] = ContextVar("cli_argument_lang", default="en")


def argument_message(key: str, **values: object) -> str:
    """Return the argparse type error text ``cli.<key>`` in the command line's language."""
    return words(key, ARGUMENT_LANG.get(), **values)


def write_json(data: object, out: TextIO, *, compact: bool = False) -> None:
    """Write ``data`` as UTF-8 JSON (no NaN or Infinity: those must be None).

    Indented by default. ``compact=True`` writes it on one line without spaces, through the
    C encoder of `json.dumps` (an indented dump runs the pure-Python encoder: about a third
    of ``score`` on 10,000 sites).
    """
    if compact:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    out.write(text)
    out.write("\n")


def format_value(value: object) -> str:
    """Format a table cell: 18,786.9 / 12.42 / 0.6364 (4 significant digits), inf as 'inf'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if math.isinf(value):
        return "inf"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.4g}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a text table: numbers right-aligned, text left-aligned."""
    raw = [list(row) for row in rows]
    cells = [[format_value(v) for v in row] for row in raw]
    widths = [max([_width(h), *(_width(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for values, texts in zip(raw, cells, strict=True):
        line = [
            _pad(t, w, right=_is_number(v)) for v, t, w in zip(values, texts, widths, strict=True)
        ]
        lines.append("  ".join(line).rstrip())
    return "\n".join(lines)


def _width(cell: str) -> int:
    """Return the columns ``cell`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in cell)


def _pad(cell: str, width: int, *, right: bool = False) -> str:
    """Pad ``cell`` with spaces to ``width`` terminal columns (right-aligned if ``right``)."""
    fill = " " * max(width - _width(cell), 0)
    return fill + cell if right else cell + fill


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def explain_table(rows: Iterable[ExplainRow], lang: str) -> str:
    """Return the quantity / value / unit / formula table, headers in ``lang``."""
    return table(
        headers(("quantity", "value", "unit", "formula"), lang),
        [(r.quantity, r.value, r.unit, r.formula) for r in rows],
    )


def coefficient_table(coefficients: Iterable[Coefficient], lang: str) -> str:
    """Return the key / value / unit / status / source table, headers in ``lang``."""
    unique = dict.fromkeys(coefficients)
    return table(
        headers(("coefficient", "value", "unit", "status", "source"), lang),
        [(c.key, c.value, c.unit, c.status, c.source) for c in unique],
    )


def coefficient_dicts(coefficients: Iterable[Coefficient]) -> list[dict[str, object]]:
    """Return each distinct coefficient once as a JSON-ready dict (inf becomes None)."""
    return [
        {**c.to_dict(), "value": c.value if math.isfinite(c.value) else None}
        for c in dict.fromkeys(coefficients)
    ]


def notes_text(notes: Iterable[Message], lang: str) -> str:
    """Return the notes as a bulleted list in ``lang``."""
    return "\n".join(f"- {note.render(lang)}" for note in notes)


def message_dict(message: Message, lang: str) -> dict[str, object]:
    """Return ``message`` as JSON: its key, parameters and text in ``lang``.

    Parameters that JSON cannot hold (NaN, inf, NumPy scalars) become None or Python numbers.
    """
    data = message.to_dict()
    return {"key": data["key"], "params": _json_tree(data["params"]), "text": message.render(lang)}


def _json_tree(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _json_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_tree(v) for v in value]
    return _json_scalar(value)


def frame_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Return the rows of ``frame`` as JSON-ready dicts (NaN, NA and inf become None)."""
    return [{str(k): _json_scalar(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _json_scalar(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
