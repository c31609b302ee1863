"""The audit trail: one row per change (who, when, what), never updated or deleted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from store.backend import StoreDb

AUDIT_COLUMNS = ("audit_id", "at", "user", "action", "entity", "entity_id", "scenario_id", "detail")


def write_audit(
    conn: StoreDb,
    *,
    at: str,
    user: str,
    action: str,
    entity_id: str,
    scenario_id: str | None,
    detail: Mapping[str, Any],
) -> None:
    """Append one audit entry; ``action`` is ``<entity>.<verb>`` (e.g. ``site.update``).

    ``detail`` is stored as JSON: for updates ``{"changed": {field: [old, new]}, ...}``.
    """
    entity = action.split(".", 1)[0]
    conn.execute(
        "INSERT INTO audit (at, user_name, action, entity, entity_id, scenario_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            at,
            user,
            action,
            entity,
            entity_id,
            scenario_id,
            json.dumps(dict(detail), ensure_ascii=False, sort_keys=True),
        ),
    )


def read_audit(conn: StoreDb, scenario_id: str | None) -> pd.DataFrame:
    """Return audit entries (all, or one scenario's), oldest first; ``detail`` as dicts."""
    sql = (
        "SELECT fid AS audit_id, at, user_name AS user, action, entity, entity_id, "
        "scenario_id, detail FROM audit"
    )
    params: tuple[str, ...] = ()
    if scenario_id is not None:
        sql += " WHERE scenario_id = ?"
        params = (scenario_id,)
    rows = conn.execute(sql + " ORDER BY fid", params).fetchall()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(AUDIT_COLUMNS))
    frame["audit_id"] = frame["audit_id"].astype("int64")
    frame["detail"] = [json.loads(d) for d in frame["detail"]]
    return frame
