"""SQL for the ``sites`` and ``site_history`` tables (rows <-> `SiteRecord`)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any, Final

import shapely

from errors import FileFormatError, ParameterError, StoreConflictError
from store.backend import StoreDb
from store.records import SITE_INPUT_FIELDS, SITE_STORE_FIELDS, Scenario, SiteRecord
from store.schema import SITES_GEOMETRY_COLUMN, SITES_TABLE

_ATTRIBUTE_COLUMNS: Final[tuple[str, ...]] = (*SITE_STORE_FIELDS, *SITE_INPUT_FIELDS)


def _select(conn: StoreDb) -> str:
    geometry = conn.geometry_column(SITES_GEOMETRY_COLUMN)
    return f"SELECT {geometry}, {', '.join(_ATTRIBUTE_COLUMNS)}, deleted FROM {SITES_TABLE}"


@dataclasses.dataclass(frozen=True, slots=True)
class StoredSite:
    """A site row as stored: the record and whether it was (soft-)deleted."""

    record: SiteRecord
    deleted: bool


def _row_values(conn: StoreDb, site: SiteRecord) -> list[Any]:
    return [conn.geometry_value(site.geometry), *(getattr(site, c) for c in _ATTRIBUTE_COLUMNS)]


def insert_site(conn: StoreDb, site: SiteRecord) -> None:
    """Insert a complete record (store fields set) as a live site."""
    columns = [SITES_GEOMETRY_COLUMN, *_ATTRIBUTE_COLUMNS]
    marks = ", ".join([conn.geometry_marker, *("?" for _ in _ATTRIBUTE_COLUMNS)])
    conn.execute(
        f"INSERT INTO {SITES_TABLE} ({', '.join(columns)}) VALUES ({marks})",
        _row_values(conn, site),
    )


def update_site_row(
    conn: StoreDb, site: SiteRecord, *, expected_version: int, deleted: bool = False
) -> int:
    """Overwrite the live row of ``site.site_id`` if it is at ``expected_version``.

    Returns the number of rows changed (0 means someone else changed or deleted it).
    """
    assignments = ", ".join(
        [
            f"{SITES_GEOMETRY_COLUMN} = {conn.geometry_marker}",
            *(f"{c} = ?" for c in (*_ATTRIBUTE_COLUMNS, "deleted")),
        ]
    )
    cursor = conn.execute(
        f"UPDATE {SITES_TABLE} SET {assignments} WHERE site_id = ? AND version = ? AND deleted = 0",
        [*_row_values(conn, site), int(deleted), site.site_id, expected_version],
    )
    return cursor.rowcount


def _record_from_row(conn: StoreDb, row: Any) -> StoredSite:
    site_id = row["site_id"]
    values = {c: row[c] for c in _ATTRIBUTE_COLUMNS}
    where = f"{SITES_TABLE} {site_id}"
    geometry = conn.read_geometry(row[SITES_GEOMETRY_COLUMN], where=where)
    if not isinstance(geometry, shapely.Polygon):
        # The store writes only polygons (store.site_checks); anything else was written by
        # another program, and a SiteRecord's geometry is a Polygon.
        msg = (
            f"{where}: the footprint is a {geometry.geom_type}, not a polygon. The file was "
            "changed by another program; restore it from a backup or redraw the site."
        )
        zh = (
            f"{where}：占地范围是 {geometry.geom_type}，不是多边形，文件可能被其他程序改动；"
            "请从备份恢复或重新绘制该站点。"
        )
        raise FileFormatError(msg, zh=zh)
    return StoredSite(SiteRecord(geometry=geometry, **values), bool(row["deleted"]))


def fetch_site(conn: StoreDb, site_id: str, *, lock: bool = False) -> StoredSite | None:
    """Return the stored site with ``site_id`` (live or deleted), or None.

    ``lock=True`` (in a write transaction) locks the row until the end of the transaction.
    """
    suffix = conn.for_update if lock else ""
    row = conn.execute(f"{_select(conn)} WHERE site_id = ?{suffix}", (site_id,)).fetchone()
    return None if row is None else _record_from_row(conn, row)


def site_scenario_id(conn: StoreDb, site_id: str) -> str | None:
    """Return the scenario id of a stored site (live or deleted), or None."""
    row = conn.execute(
        f"SELECT scenario_id FROM {SITES_TABLE} WHERE site_id = ?", (site_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def fetch_live_sites(conn: StoreDb, scenario_id: str) -> list[SiteRecord]:
    """Return the live (not deleted) sites of a scenario in the order they were added."""
    rows = conn.execute(
        f"{_select(conn)} WHERE scenario_id = ? AND deleted = 0 ORDER BY fid", (scenario_id,)
    )
    return [_record_from_row(conn, row).record for row in rows]


def copy_sites(conn: StoreDb, source_scenario_id: str, copy: Scenario) -> dict[str, str]:
    """Copy the live sites of a scenario into ``copy`` (new ids, version 1, history 'copy').

    Returns the map of source site id -> new site id.
    """
    id_map: dict[str, str] = {}
    for site in fetch_live_sites(conn, source_scenario_id):
        new = dataclasses.replace(
            site,
            site_id=str(uuid.uuid4()),
            scenario_id=copy.scenario_id,
            origin_site_id=site.site_id,
            version=1,
            created_at=copy.created_at,
            created_by=copy.created_by,
            updated_at=copy.created_at,
            updated_by=copy.created_by,
        )
        insert_site(conn, new)
        write_history(conn, new, "copy")
        id_map[str(site.site_id)] = str(new.site_id)
    return id_map


def site_snapshot(site: SiteRecord) -> dict[str, Any]:
    """Return the JSON-ready snapshot of a site (geometry as full-precision WKT)."""
    values = {c: getattr(site, c) for c in _ATTRIBUTE_COLUMNS}
    values["geometry_wkt"] = shapely.to_wkt(site.geometry, rounding_precision=-1)
    return values


def write_history(conn: StoreDb, site: SiteRecord, action: str) -> None:
    """Append the snapshot of ``site`` (at its version) to site_history."""
    snapshot = json.dumps(site_snapshot(site), ensure_ascii=False, sort_keys=True)
    conn.execute(
        "INSERT INTO site_history (site_id, scenario_id, version, action, changed_at, "
        "changed_by, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            site.site_id,
            site.scenario_id,
            site.version,
            action,
            site.updated_at,
            site.updated_by,
            snapshot,
        ),
    )


def fetch_history(conn: StoreDb, site_id: str) -> list[tuple[str, SiteRecord]]:
    """Return (action, record at that version) for every version of a site, oldest first."""
    rows = conn.execute(
        "SELECT action, snapshot FROM site_history WHERE site_id = ? ORDER BY version", (site_id,)
    )
    history = []
    for row in rows:
        values = json.loads(row["snapshot"])
        geometry = shapely.from_wkt(values.pop("geometry_wkt"))
        history.append((row["action"], SiteRecord(geometry=geometry, **values)))
    return history


def changed_fields(old: SiteRecord, new: SiteRecord) -> dict[str, Any]:
    """Return ``{field: [old, new]}`` of changed attributes; geometry as 'changed'."""
    changes: dict[str, Any] = {
        c: [getattr(old, c), getattr(new, c)]
        for c in SITE_INPUT_FIELDS
        if getattr(old, c) != getattr(new, c)
    }
    if not shapely.equals_exact(old.geometry, new.geometry, tolerance=0.0):
        changes["geometry"] = "changed"
    return changes


def site_conflict(stored: StoredSite, expected_version: int) -> StoreConflictError:
    """Return the error for a site changed or deleted by someone else since it was loaded."""
    site = stored.record
    verb, verb_zh = ("deleted", "删除") if stored.deleted else ("changed", "修改")
    msg = (
        f"Site {site.name!r} was {verb} by {site.updated_by} at {site.updated_at} since you "
        f"loaded it (your version {expected_version}, stored {site.version}). Reload to see "
        "their change, then apply yours again."
    )
    zh = (
        f"站点“{site.name}”在您加载后已被 {site.updated_by} 于 {site.updated_at} {verb_zh}"
        f"（您的版本 {expected_version}，已存版本 {site.version}）。"
        "请重新加载查看其修改，然后再次应用您的修改。"
    )
    return StoreConflictError(msg, zh=zh)


def deleted_site_error(site: SiteRecord) -> ParameterError:
    """Return the error for using a site that was deleted (it can no longer be changed)."""
    msg = (
        f"Site {site.name!r} ({site.site_id}) was deleted by {site.updated_by} at "
        f"{site.updated_at}; it can no longer be edited or reviewed (its versions are in "
        "the site history)."
    )
    zh = (
        f"站点“{site.name}”已被 {site.updated_by} 于 {site.updated_at} 删除，"
        "不能再编辑或审核（历史版本可查）。"
    )
    return ParameterError(msg, zh=zh)
