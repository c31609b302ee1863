"""Plain-text tables and JSON output of the commands."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import TextIO

    from siting.nutrients import ExplainRow, Note
    from siting.parameters import Coefficient


def write_json(data: object, out: TextIO) -> None:
    """Write ``data`` as indented UTF-8 JSON (no NaN or Infinity: those must be None)."""
    json.dump(data, out, ensure_ascii=False, indent=2, allow_nan=False)
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
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for values, texts in zip(raw, cells, strict=True):
        line = [
            t.rjust(w) if _is_number(v) else t.ljust(w)
            for v, t, w in zip(values, texts, widths, strict=True)
        ]
        lines.append("  ".join(line).rstrip())
    return "\n".join(lines)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def explain_table(rows: Iterable[ExplainRow]) -> str:
    """Return the quantity / value / unit / formula table."""
    return table(
        ("quantity", "value", "unit", "formula"),
        [(r.quantity, r.value, r.unit, r.formula) for r in rows],
    )


def coefficient_table(coefficients: Iterable[Coefficient]) -> str:
    """Return the key / value / unit / status / source table of coefficients."""
    unique = dict.fromkeys(coefficients)
    return table(
        ("coefficient", "value", "unit", "status", "source"),
        [(c.key, c.value, c.unit, c.status, c.source) for c in unique],
    )


def coefficient_dicts(coefficients: Iterable[Coefficient]) -> list[dict[str, object]]:
    """Return each distinct coefficient once as a JSON-ready dict (inf becomes None)."""
    return [
        {**c.to_dict(), "value": c.value if math.isfinite(c.value) else None}
        for c in dict.fromkeys(coefficients)
    ]


def notes_text(notes: Iterable[Note], lang: str) -> str:
    """Return the notes as a bulleted list in ``lang``."""
    return "\n".join(f"- {note.zh if lang == 'zh' else note.en}" for note in notes)


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
