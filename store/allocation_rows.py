"""SQL for the ``allocations`` table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from store.backend import StoreDb
from store.frame_schema import ALLOCATION_COLUMNS, normalise_allocations
from store.records import Scenario

_COLUMN_LIST = ", ".join(ALLOCATION_COLUMNS)


def insert_allocation_rows(conn: StoreDb, rows: Sequence[tuple[object, ...]]) -> None:
    """Insert rows whose values follow `ALLOCATION_COLUMNS`."""
    marks = ", ".join("?" for _ in ALLOCATION_COLUMNS)
    conn.executemany(f"INSERT INTO allocations ({_COLUMN_LIST}) VALUES ({marks})", rows)


def _rows(conn: StoreDb, scenario_id: str) -> list[Any]:
    return conn.execute(
        f"SELECT {_COLUMN_LIST} FROM allocations WHERE scenario_id = ? ORDER BY fid", (scenario_id,)
    ).fetchall()


def fetch_allocations(conn: StoreDb, scenario_id: str) -> pd.DataFrame:
    """Return a scenario's allocation rows as a typed frame (`ALLOCATION_COLUMNS`)."""
    rows = [tuple(r) for r in _rows(conn, scenario_id)]
    return normalise_allocations(pd.DataFrame(rows, columns=list(ALLOCATION_COLUMNS)))


def copy_allocations(
    conn: StoreDb, source: Scenario, copy: Scenario, id_map: Mapping[str, str]
) -> int:
    """Copy the source's rows of sites in ``id_map`` to ``copy``; return how many."""
    site_index = ALLOCATION_COLUMNS.index("site_id")
    copied = []
    for row in _rows(conn, source.scenario_id):
        values = list(row)
        if values[site_index] in id_map:
            values[ALLOCATION_COLUMNS.index("scenario_id")] = copy.scenario_id
            values[site_index] = id_map[values[site_index]]
            copied.append(tuple(values))
    insert_allocation_rows(conn, copied)
    return len(copied)
