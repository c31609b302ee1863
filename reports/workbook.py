"""The packet's tables as one XLSX workbook (pandas + openpyxl), headed in the reader's words.

Sheet names and column headers come from the message catalogue (``report.sheet.<sheet>``,
``report.xcol.<column>``; crop columns such as ``alfalfa_area_mu`` from
``report.xcol.crop.<rest>`` with the crop's name). A column without a catalogue entry keeps
its identifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd
from openpyxl.utils import get_column_letter

from locales import has, text

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

SHEETS: Final[tuple[str, ...]] = (
    "checks",
    "county_totals",
    "city_totals",
    "sites",
    "reviews",
    "parameters",
)
#: Crops whose per-crop columns are named ``<crop>_<quantity>``.
CROP_PREFIXES: Final[tuple[str, ...]] = ("silage_corn", "alfalfa", "oat_hay")
#: Widest column in characters (longer text wraps in Excel, it is not cut).
_MAX_WIDTH: Final[int] = 60


def sheet_label(sheet: str, lang: str) -> str:
    """Return the name of ``sheet`` in ``lang`` (the identifier if the catalogue has none)."""
    key = f"report.sheet.{sheet}"
    return text(key, lang) if has(key) else sheet


def column_label(column: str, lang: str) -> str:
    """Return the header of ``column`` in ``lang``, with its unit (identifier if unknown)."""
    if has(f"report.xcol.{column}"):
        return text(f"report.xcol.{column}", lang)
    for crop in CROP_PREFIXES:
        rest = column.removeprefix(f"{crop}_")
        if rest != column and has(f"report.xcol.crop.{rest}"):
            return text(f"report.xcol.crop.{rest}", lang, crop=text(f"report.{crop}", lang))
    return column


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, lang: str) -> None:
    """Write ``tables`` (sheet id -> frame) to ``path`` with headers in ``lang``.

    Parameters
    ----------
    tables
        Frames by sheet identifier (`SHEETS`).
    path
        The ``.xlsx`` file to write.
    lang
        ``"zh"`` or ``"en"``: sheet names and column headers.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in tables.items():
            plain = pd.DataFrame(frame).reset_index(drop=True)
            plain = plain.rename(columns={c: column_label(str(c), lang) for c in plain.columns})
            sheet_name = sheet_label(name, lang)
            plain.to_excel(writer, sheet_name=sheet_name, index=False, freeze_panes=(1, 0))
            _size_columns(writer.sheets[sheet_name], plain)


def _size_columns(sheet: Worksheet, plain: pd.DataFrame) -> None:
    for k, column in enumerate(plain.columns, start=1):
        values = [str(column), *(str(v) for v in plain[column].head(200))]
        width = min(_MAX_WIDTH, max(len(v) for v in values) + 2)
        sheet.column_dimensions[get_column_letter(k)].width = width
