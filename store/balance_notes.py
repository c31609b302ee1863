"""Environmental staff's notes on a county's manure-land balance (rows and reads)."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

import pandas as pd

from errors import ParameterError
from store.accounts_schema import BALANCE_NOTES_TABLE
from store.backend import StoreDb

__all__ = ["BALANCE_NOTES_TABLE", "BalanceAnnotation", "check_county_code"]


@dataclass(frozen=True)
class BalanceAnnotation:
    """One note: which county (and optionally scenario), what, by whom, when (UTC text)."""

    annotation_id: str
    county_code: str
    scenario_id: str | None
    text: str
    author: str
    created_at: str


_COLUMNS = tuple(f.name for f in fields(BalanceAnnotation))


def check_county_code(code: str) -> str:
    """Return the 6-digit county code, stripped; raise ParameterError otherwise."""
    code = str(code).strip()
    if len(code) != 6 or not code.isdigit():
        msg = f"County code {code!r} is not a 6-digit code (e.g. 150121)."
        raise ParameterError(msg, zh=f"县代码 {code!r} 不是 6 位行政区划代码（如 150121）。")
    return code


def insert_annotation(conn: StoreDb, note: BalanceAnnotation) -> None:
    """Append one note."""
    conn.execute(
        f"INSERT INTO {BALANCE_NOTES_TABLE} ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
        astuple(note),
    )


def fetch_annotations(conn: StoreDb, county_code: str | None) -> pd.DataFrame:
    """Return the notes (all, or one county's), oldest first."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM {BALANCE_NOTES_TABLE}"
    params: tuple[str, ...] = ()
    if county_code is not None:
        sql += " WHERE county_code = ?"
        params = (county_code,)
    rows = conn.execute(sql + " ORDER BY fid", params).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(_COLUMNS), dtype="object")
