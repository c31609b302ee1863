"""The packet's tables as one XLSX workbook (pandas + openpyxl)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

if TYPE_CHECKING:
    from pathlib import Path

SHEETS: Final[tuple[str, ...]] = (
    "checks", "county_totals", "city_totals", "sites", "reviews", "parameters")
#: Widest column in characters (longer text wraps in Excel, it is not cut).
_MAX_WIDTH: Final[int] = 60


def write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Write ``tables`` (sheet name -> frame) to ``path``, columns sized to their text."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in tables.items():
            plain = pd.DataFrame(frame).reset_index(drop=True)
            plain.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
            sheet = writer.sheets[name]
            for k, column in enumerate(plain.columns, start=1):
                values = [str(column), *(str(v) for v in plain[column].head(200))]
                width = min(_MAX_WIDTH, max(len(v) for v in values) + 2)
                sheet.column_dimensions[sheet.cell(1, k).column_letter].width = width
