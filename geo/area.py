"""Areas and lengths, measured only in a projected analysis CRS (never degrees, never 3857)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.crs import require_projected
from geo.units import M2_PER_HA, M2_PER_MU

if TYPE_CHECKING:
    import pandas as pd

    import geopandas as gpd


def area_m2(features: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Return the area of every feature in m².

    Parameters
    ----------
    features
        Features in a projected CRS (the region's analysis CRS).

    Raises
    ------
    GeographicCrsError
        If the CRS is geographic or Web Mercator.
    """
    require_projected(features.crs, what="features")
    areas: pd.Series = features.geometry.area
    return areas


def area_mu(features: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Return the area of every feature in 亩 (1 亩 = 10,000/15 m²)."""
    return area_m2(features) / M2_PER_MU


def area_ha(features: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Return the area of every feature in hectares."""
    return area_m2(features) / M2_PER_HA
