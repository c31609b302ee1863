"""Soft criteria and the 0-100 score of a footprint centred on every cell (suitability surface).

The raw value of each criterion is measured as in `siting.soft_criteria`, on grids:

* distance criteria (km): from each cell centre to the nearest feature (`siting.gates.
  nearest_feature`), less half the square's side, never below 0 - the distance from the
  square's edge when the feature lies straight off one side (the polygon scorer measures
  from the polygon, so near a corner this reads up to 0.41 x the side lower);
* land criteria (ratio): parcel area (亩) binned on a coarse grid at the parcels' centroids,
  summed over a disk of the haul radius plus half the side (`land_in_reach_mu`), divided by
  the herd's need (the polygon scorer counts a parcel whose nearest point is in reach);
* slope criteria (degrees): focal mean / maximum of the cell slopes inside the square;
* water headroom (fraction): ``(cap - use - need) / cap`` of the cell's county.

`weighted_score` renormalises the weights of the criteria available at each cell, as
`siting.score.score_sites` does per site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import numpy as np
from scipy import signal

import shapely

from geo.units import M_PER_KM
from siting.gates import nearest_feature

if TYPE_CHECKING:
    import numpy.typing as npt

    import geopandas as gpd

    from siting.criteria import FloatArray, SitingParams
    from siting.score import CriteriaWeights

__all__ = [
    "DISTANCE_CRITERIA",
    "LAND_CRITERIA",
    "distance_km_from_square",
    "land_in_reach_mu",
    "water_headroom_frac",
    "weighted_score",
]


def distance_km_from_square(
    xy_m: FloatArray, features: gpd.GeoDataFrame, side_m: float
) -> FloatArray:
    """Return the distance (km) from squares centred at ``xy_m`` to the nearest feature.

    Parameters
    ----------
    xy_m
        Centres, shape (n, 2), in the features' projected CRS (m).
    features
        The layer (analysis CRS); empty gives NaN (criterion not available).
    side_m
        Side of the square (m); the centre distance less ``side_m / 2``, clipped at 0.
    """
    points = shapely.points(xy_m[:, 0], xy_m[:, 1])
    distance_m, _ = nearest_feature(np.asarray(points, dtype=object), features)
    return np.maximum(distance_m - side_m / 2, 0.0) / M_PER_KM


def _disk(radius_cells: float) -> FloatArray:
    reach = int(np.floor(radius_cells))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    return (offsets[:, None] ** 2 + offsets[None, :] ** 2 <= radius_cells**2).astype(np.float64)


def land_in_reach_mu(area_mu: FloatArray, radius_cells: float) -> FloatArray:
    """Return, per coarse cell, the 亩 of land binned in cells within ``radius_cells``.

    ``area_mu`` must extend ``ceil(radius_cells)`` cells beyond the cells whose result is
    used (the margin sees land just outside them); the result has its shape.
    """
    kernel = _disk(radius_cells)
    summed = signal.fftconvolve(area_mu, kernel, mode="same")
    return np.where(summed > 1e-6, summed, 0.0)  # FFT round-off around empty areas


def water_headroom_frac(
    county_index: npt.NDArray[np.int64],
    cap_m3_per_yr: FloatArray,
    use_m3_per_yr: FloatArray,
    need_m3_per_yr: FloatArray,
) -> FloatArray:
    """Return ``(cap - use - need) / cap`` of each cell's county (NaN: no county or cap).

    ``county_index`` is the position of the cell's county in the per-county arrays, -1 for
    none.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        per_county = np.where(
            cap_m3_per_yr > 0,
            (cap_m3_per_yr - use_m3_per_yr - need_m3_per_yr) / cap_m3_per_yr,
            np.nan,
        )
    padded = np.append(per_county, np.nan)
    return np.asarray(
        padded[np.where(county_index >= 0, county_index, len(per_county))], dtype=np.float64
    )


def weighted_score(
    raw: Mapping[str, FloatArray], params: SitingParams, weights: CriteriaWeights
) -> FloatArray:
    """Return the 0-100 score per cell from raw criterion values (NaN = not available).

    Parameters
    ----------
    raw
        Criterion key -> raw values (the criterion's unit), all of one shape; criteria
        missing from the mapping are not available anywhere.
    params
        The criteria (value functions); disabled ones are left out.
    weights
        Criterion weights, renormalised per cell over the available criteria.

    Returns
    -------
    numpy.ndarray
        Score 0-100 (float64); NaN where no criterion is available.

    Notes
    -----
    ``score = 100 * sum_{k in A} w_k n_k / sum_{k in A} w_k`` with ``A`` the criteria
    available at the cell (as `siting.score`).
    """
    weight_map = weights.as_dict()
    shape = next(iter(raw.values())).shape if raw else (0,)
    total = np.zeros(shape)
    weighted = np.zeros(shape)
    for spec in (c for c in params.criteria if c.enabled and c.key in raw):
        normalised = spec.normalise(raw[spec.key])
        available = np.isfinite(normalised)
        weight = weight_map.get(spec.key, 0.0)
        total += np.where(available, weight, 0.0)
        weighted += np.where(available, weight * np.nan_to_num(normalised), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 100.0 * weighted / np.maximum(total, 1e-300), np.nan)


#: Distance criteria and the layer each measures to (as `siting.soft_criteria`).
DISTANCE_CRITERIA: Final[dict[str, str]] = {
    "processing_plant_distance_km": "processing_plants",
    "main_road_distance_km": "main_roads",
    "settlement_distance_km": "settlements",
}
#: Land criteria and the need column (亩) they divide by.
LAND_CRITERIA: Final[tuple[str, ...]] = ("absorption_land_ratio", "forage_land_ratio")
