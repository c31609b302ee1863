"""Slope under each site from the region's DEM, measured once per footprint.

`site_terrain` reads the DEM (`geo.raster.slope_stats`, a small window per site) only for
footprints it has not measured before: the previous result is passed back in and its rows
are reused by footprint (a digest of the geometry), so editing one site reads one window.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

import shapely

from geo.raster import slope_stats

if TYPE_CHECKING:
    from collections.abc import Hashable

    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

FOOTPRINT_KEY: Final[str] = "footprint_key"


def footprint_key(geometry: BaseGeometry) -> str:
    """Return a digest identifying a footprint (its exact WKB)."""
    return hashlib.blake2b(shapely.to_wkb(geometry), digest_size=16).hexdigest()


def site_terrain(
    sites: gpd.GeoDataFrame, dem_path: str | None, previous: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """Return the slope statistics of every site, reusing ``previous`` rows by footprint.

    Parameters
    ----------
    sites
        Sites with ``site_id`` and footprints (any CRS).
    dem_path
        The DEM (metres, projected); None returns None (slope gate left unchecked).
    previous
        An earlier result of this function.

    Returns
    -------
    terrain
        ``site_id``, `FOOTPRINT_KEY`, ``slope_mean_deg``, ``slope_max_deg``,
        ``nodata_cells`` in site order; None without a DEM or sites.
    """
    if dem_path is None or sites.empty:
        return None
    keys = [footprint_key(g) for g in sites.geometry]
    known: dict[str, dict[Hashable, Any]] = {}
    if previous is not None:
        for row in previous.to_dict("records"):
            known[str(row[FOOTPRINT_KEY])] = row
    todo = [k for k, key in enumerate(keys) if key not in known]
    if todo:
        part = sites.iloc[todo][["site_id", sites.geometry.name]].assign(
            site_id=[f"t{k}" for k in todo]
        )
        measured = slope_stats(part, dem_path).set_index("site_id")
        for k in todo:
            known[keys[k]] = measured.loc[f"t{k}"].to_dict()
    rows = [
        {**known[key], "site_id": str(sid), FOOTPRINT_KEY: key}
        for sid, key in zip(sites["site_id"], keys, strict=True)
    ]
    columns = ["site_id", FOOTPRINT_KEY, "slope_mean_deg", "slope_max_deg", "nodata_cells"]
    return pd.DataFrame(rows).loc[:, columns]
