"""SQL for the ``scenarios`` table and the scenario-level version counter."""

from __future__ import annotations

import dataclasses

from errors import ParameterError, StoreConflictError
from store.backend import StoreDb
from store.records import Scenario

_FIELDS = tuple(f.name for f in dataclasses.fields(Scenario))
_SELECT = f"SELECT {', '.join(_FIELDS)} FROM scenarios"


def insert_scenario(conn: StoreDb, scenario: Scenario) -> None:
    """Insert ``scenario``; raise ParameterError if its name is taken."""
    taken = conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (scenario.name,)).fetchone()
    if taken:
        msg = (
            f"A scenario named {scenario.name!r} already exists in {conn.label}; choose "
            "another name (or open the existing one)."
        )
        zh = f"{conn.label} 中已有名为 {scenario.name!r} 的方案，请换一个名称（或打开已有方案）。"
        raise ParameterError(msg, zh=zh)
    marks = ", ".join("?" for _ in _FIELDS)
    conn.execute(
        f"INSERT INTO scenarios ({', '.join(_FIELDS)}) VALUES ({marks})",
        dataclasses.astuple(scenario),
    )


def fetch_all_scenarios(conn: StoreDb) -> list[Scenario]:
    """Return every scenario in creation order."""
    return [Scenario(*row) for row in conn.execute(f"{_SELECT} ORDER BY fid")]


def fetch_scenario(conn: StoreDb, ref: Scenario | str, *, lock: bool = False) -> Scenario:
    """Return the scenario with this id or name (a `Scenario` is looked up by its id).

    ``lock=True`` (in a write transaction) locks its row until the end of the transaction:
    writers lock the scenario before any of its sites (`store.backend.StoreDb.for_update`).

    Raises
    ------
    ParameterError
        If there is none; the message lists the scenarios that exist.
    """
    key = ref.scenario_id if isinstance(ref, Scenario) else ref
    row = conn.execute(
        f"{_SELECT} WHERE scenario_id = ? OR name = ? ORDER BY scenario_id = ? DESC LIMIT 1"
        f"{conn.for_update if lock else ''}",
        (key, key, key),
    ).fetchone()
    if row is not None:
        return Scenario(*row)
    names = [s.name for s in fetch_all_scenarios(conn)]
    msg = (
        f"No scenario {key!r} in {conn.label}. Existing scenarios: "
        f"{', '.join(map(repr, names)) or 'none'}; create it first or pick one of them."
    )
    zh = f"{conn.label} 中没有方案 {key!r}。已有方案：{'、'.join(names) or '无'}。"
    raise ParameterError(msg, zh=zh)


def bump_scenario(
    conn: StoreDb,
    current: Scenario,
    *,
    at: str,
    user: str,
    expected_version: int | None = None,
) -> Scenario:
    """Increase the scenario's version (optionally only if it is at ``expected_version``).

    ``current`` must have been read in the same write transaction.

    Raises
    ------
    StoreConflictError
        If ``expected_version`` is given and the stored version differs.
    """
    if expected_version is not None and current.version != expected_version:
        raise scenario_conflict(current, expected_version)
    conn.execute(
        "UPDATE scenarios SET version = version + 1, updated_at = ?, updated_by = ? "
        "WHERE scenario_id = ?",
        (at, user, current.scenario_id),
    )
    return dataclasses.replace(current, version=current.version + 1, updated_at=at, updated_by=user)


def scenario_conflict(current: Scenario, expected_version: int) -> StoreConflictError:
    """Return the error for a scenario saved by someone else since it was loaded."""
    msg = (
        f"Scenario {current.name!r} was changed by {current.updated_by} at "
        f"{current.updated_at} since you loaded it (your version {expected_version}, stored "
        f"{current.version}). Reload to see their change, then apply yours again."
    )
    zh = (
        f"方案“{current.name}”在您加载后已被 {current.updated_by} 于 {current.updated_at} "
        f"修改（您的版本 {expected_version}，已存版本 {current.version}）。"
        "请重新加载查看其修改，然后再次应用您的修改。"
    )
    return StoreConflictError(msg, zh=zh)
