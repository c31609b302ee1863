"""docs/method.md quotes the coefficient tables as they are: each table block equals the CSV.

Each block sits between ``<!-- table: <file>.csv -->`` and ``<!-- /table -->`` and is
rebuilt here from ``data/coefficients/<file>.csv`` (value, unit, range, status, source). To
refresh the document after a table changes: ``python -m tests.fidelity.test_method_doc``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "method.md"
TABLES = ROOT / "data" / "coefficients"
BLOCK = re.compile(r"(<!-- table: (?P<file>[\w.]+) -->\n)(?P<body>.*?)(<!-- /table -->)", re.S)
_KEY_COLUMNS = {"warning_grades.csv": "grade", "crops.csv": "key"}
_VALUE_COLUMNS = {
    "warning_grades.csv": ("lower", "upper"),
    "crops.csv": (
        "n_kg_per_100kg",
        "p_kg_per_100kg",
        "yield_basis",
        "default_yield_kg_per_mu",
        "yield_status",
    ),
}


def _cell(value: object) -> str:
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value).replace("|", "/").replace("\n", " ")


def table_markdown(file: str) -> str:
    """Return the markdown table of one CSV (key, values, unit, range, status, source)."""
    frame = pd.read_csv(TABLES / file, dtype=str, keep_default_na=False)
    key = _KEY_COLUMNS.get(file, "key")
    values = list(_VALUE_COLUMNS.get(file, ("value",)))
    extra = [c for c in ("unit", "range_low", "range_high") if c in frame.columns]
    columns = [key, *values, *extra, "status", "source"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += [
        "| " + " | ".join(_cell(row[c]) for c in columns) + " |" for _, row in frame.iterrows()
    ]
    return "\n".join(lines) + "\n"


def refreshed(text: str) -> str:
    """Return ``text`` with every table block rebuilt from its CSV."""
    return BLOCK.sub(lambda m: m.group(1) + table_markdown(m.group("file")) + m.group(4), text)


def test_every_quoted_table_equals_its_csv() -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 5
    assert text == refreshed(text), "run: python -m tests.fidelity.test_method_doc"


if __name__ == "__main__":
    DOC.write_text(refreshed(DOC.read_text(encoding="utf-8")), encoding="utf-8")
