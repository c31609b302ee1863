"""County outlines kept in the store: the county a site lies in, from its geometry.

A planner's or reviewer's right to change a site depends on its county. A site record
carries a ``county_code``, but a caller could write any code there; once an administrator
has registered the region's county outlines (`ScenarioStore.set_county_areas`), the store takes
the county from the site's geometry instead (the county holding its representative point,
as `siting.site_footprint.county_codes` does), whatever the record says.

The outlines are stored as WKB (a GeoPackage BLOB, a PostGIS BYTEA) and tested with shapely
after reading, the same on both backends: a region has a few dozen counties, and a site
edit reads them once.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry.base import BaseGeometry

from store.accounts_schema import COUNTY_AREAS_TABLE
from store.backend import StoreDb


def replace_county_areas(
    conn: StoreDb,
    region_id: str,
    areas: Sequence[tuple[str, BaseGeometry]],
    *,
    at: str,
    user: str,
) -> int:
    """Replace every stored outline by ``areas`` (code, EPSG:4326 polygon); return the count."""
    conn.execute(f"DELETE FROM {COUNTY_AREAS_TABLE}")
    conn.executemany(
        f"INSERT INTO {COUNTY_AREAS_TABLE} (county_code, region_id, geometry_wkb, updated_at, "
        "updated_by) VALUES (?, ?, ?, ?, ?)",
        [(code, region_id, bytes(shapely.to_wkb(geom)), at, user) for code, geom in areas],
    )
    return len(areas)


def site_counties(
    conn: StoreDb, geometries: Sequence[BaseGeometry], codes: Sequence[str | None]
) -> list[str | None]:
    """Return each site's county: from the stored outlines if any, else the record's code.

    With outlines stored, a site outside all of them has no county (None).
    """
    rows = conn.execute(f"SELECT county_code, geometry_wkb FROM {COUNTY_AREAS_TABLE}").fetchall()
    if not rows:
        return list(codes)
    outlines = [(str(code), shapely.from_wkb(bytes(blob))) for code, blob in rows]
    found: list[str | None] = []
    for geometry in geometries:
        point = shapely.point_on_surface(geometry)
        found.append(next((code for code, area in outlines if area.contains(point)), None))
    return found
