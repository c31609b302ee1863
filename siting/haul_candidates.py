"""Candidate (farm, parcel) pairs of the absorption-land ledger: parcels within haul radius.

Haul distance is ``road_factor`` x the straight-line distance in the analysis CRS between the
farm's and the parcel's representative points (`siting.allocation_inputs.representative_xy_m`),
in km. A parcel is a candidate of a farm when its haul distance is <= the farm's
``haul_radius_km``. Pairs are found with an STRtree of the parcel points queried with
``predicate="dwithin"`` (exact for points; no buffered circles), then filtered on the exact
distance, all vectorised.

The table is built once per parcel layer (`build_candidates`) and, when sites are edited,
updated only for the changed farms (`update_candidates`): the parcel tree is kept, so an
edit costs one tree query for the edited farm instead of a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

import shapely

from errors import ParameterError
from geo.near import pair_order
from geo.units import M_PER_KM
from siting.allocation_inputs import (
    FarmTable,
    ParcelTable,
    check_farms,
    check_parcels,
    representative_xy_m,
    require_layers,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    import geopandas as gpd

    from siting.allocate import AllocationParams

PAIR_COLUMNS: tuple[str, ...] = ("farm_id", "parcel_pos", "haul_km")
SITE_COLUMNS: tuple[str, ...] = ("x_m", "y_m", "haul_radius_km")
# Farms whose point moved by more than this are out of date in a candidate table (m).
_SITE_TOLERANCE_M: float = 1e-6


@dataclass(frozen=True, eq=False)
class CandidatePairs:
    """Parcels within haul radius of each farm, for one parcel layer and one road factor.

    Attributes
    ----------
    pairs
        Columns ``farm_id``, ``parcel_pos`` (row position in the parcel layer), ``haul_km``;
        sorted by ``farm_id`` then ``parcel_pos``. Treat as read-only.
    farm_sites
        Index ``farm_id``; ``x_m``, ``y_m`` (representative point, analysis CRS) and
        ``haul_radius_km`` each farm's pairs were computed with (sorted by farm_id).
    parcel_ids
        ``parcel_id`` of the parcel layer, in row order (to detect another layer).
    parcel_xy_m
        (n, 2) representative points of the parcels in the analysis CRS.
    road_factor
        Road km per straight-line km used for ``haul_km``.
    """

    pairs: pd.DataFrame
    farm_sites: pd.DataFrame
    parcel_ids: np.ndarray
    parcel_xy_m: np.ndarray = field(repr=False)
    road_factor: float
    parcel_tree: shapely.STRtree = field(repr=False)

    @property
    def n_pairs(self) -> int:
        """Number of candidate pairs (= columns of the allocation LP)."""
        return len(self.pairs)


def build_candidates(
    farms: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, params: AllocationParams
) -> CandidatePairs:
    """Find every parcel within each farm's haul radius.

    Parameters
    ----------
    farms
        Farm points or polygons in the projected analysis CRS; columns as for
        `siting.allocate.solve_allocation`.
    parcels
        Absorption-land parcels in the same CRS; columns ``parcel_id``, ``area_mu``,
        ``n_capacity_kg_per_yr``, ``p_capacity_kg_per_yr``.
    params
        ``road_factor`` and the default haul radius.

    Returns
    -------
    CandidatePairs

    Raises
    ------
    MissingCrsError, GeographicCrsError, CrsMismatchError
        If the layers lack a CRS, are not projected, or differ.
    SchemaError, ParameterError, InvalidGeometryError
        From the input checks.
    """
    require_layers(farms, parcels)
    farm_table = check_farms(farms, params)
    parcel_table = check_parcels(parcels)
    parcel_xy = representative_xy_m(parcels, what="parcels")
    # shapely-stubs type points(ndarray) as Point | array (they cannot see the shape): an
    # (n, 2) array of coordinates always gives an array of points.
    tree = shapely.STRtree(cast("npt.NDArray[np.object_]", shapely.points(parcel_xy)))
    sites = _farm_sites(farm_table, representative_xy_m(farms, what="farms"))
    pairs = _query_pairs(sites, tree, parcel_xy, params.road_factor)
    return CandidatePairs(pairs, sites, parcel_table.parcel_id, parcel_xy, params.road_factor, tree)


def update_candidates(
    candidates: CandidatePairs,
    changed_farms: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    params: AllocationParams,
    *,
    removed_farm_ids: Iterable[str] = (),
) -> CandidatePairs:
    """Replace the pairs of the changed (moved, resized, new) farms; drop removed farms.

    Only the changed farms are queried against the kept parcel tree, so editing one site
    costs one tree query. The result equals `build_candidates` on the edited scenario.

    Parameters
    ----------
    candidates
        Table built for the same ``parcels`` and ``road_factor``.
    changed_farms
        The new version of every changed or added farm (same columns as for building).
    parcels
        The parcel layer ``candidates`` was built for (checked by ``parcel_id``).
    params
        Must have the same ``road_factor`` as ``candidates``.
    removed_farm_ids
        Farms deleted from the scenario.

    Raises
    ------
    ParameterError
        If ``parcels`` or ``road_factor`` differ from those of ``candidates`` (rebuild).
    """
    require_layers(changed_farms, parcels)
    _require_same_basis(candidates, check_parcels(parcels), params)
    farm_table = check_farms(changed_farms, params)
    sites = _farm_sites(farm_table, representative_xy_m(changed_farms, what="changed_farms"))
    dropped = set(farm_table.farm_id) | set(removed_farm_ids)
    kept_pairs = candidates.pairs[~candidates.pairs["farm_id"].isin(dropped)]
    new_pairs = _query_pairs(
        sites, candidates.parcel_tree, candidates.parcel_xy_m, params.road_factor
    )
    pairs = _sort_pairs(pd.concat([kept_pairs, new_pairs], ignore_index=True))
    kept_sites = candidates.farm_sites.drop(index=list(dropped), errors="ignore")
    all_sites = _sort_sites(pd.concat([kept_sites, sites]))
    return CandidatePairs(
        pairs,
        all_sites,
        candidates.parcel_ids,
        candidates.parcel_xy_m,
        candidates.road_factor,
        candidates.parcel_tree,
    )


def require_current(
    candidates: CandidatePairs,
    farm_table: FarmTable,
    farm_xy_m: np.ndarray,
    parcel_table: ParcelTable,
    params: AllocationParams,
) -> None:
    """Check that ``candidates`` were computed for exactly these farms, parcels and params.

    Raises
    ------
    ParameterError
        Listing farms missing from, unknown to, or moved/resized since the candidate table.
    """
    _require_same_basis(candidates, parcel_table, params)
    ids = pd.Index(farm_table.farm_id)
    known = candidates.farm_sites.index
    added, removed = ids.difference(known), known.difference(ids)
    current = _farm_sites(farm_table, farm_xy_m).loc[ids.intersection(known)]
    stored = candidates.farm_sites.loc[current.index]
    moved = current.index[
        (np.abs(current[["x_m", "y_m"]] - stored[["x_m", "y_m"]]) > _SITE_TOLERANCE_M).any(axis=1)
        | (current["haul_radius_km"] != stored["haul_radius_km"])
    ]
    stale = [
        ("not in the candidate table", "不在候选表中", added),
        ("no longer in the scenario", "已不在方案中", removed),
        ("moved or changed radius", "位置或半径已改变", moved),
    ]
    details = [
        (en, zh, ", ".join(map(str, farm_ids[:10]))) for en, zh, farm_ids in stale if len(farm_ids)
    ]
    if details:
        msg = (
            "Candidate pairs are out of date: "
            + "; ".join(f"farms {en}: {listed}" for en, _, listed in details)
            + ". Call update_candidates() for these farms (or build_candidates())."
        )
        zh = (
            "候选地块表已过期："
            + "；".join(f"{zh}的牧场：{listed}" for _, zh, listed in details)
            + "。请对这些牧场调用 update_candidates()（或重新 build_candidates()）。"
        )
        raise ParameterError(msg, zh=zh)


def _require_same_basis(
    candidates: CandidatePairs, parcel_table: ParcelTable, params: AllocationParams
) -> None:
    same_parcels = len(parcel_table.parcel_id) == len(candidates.parcel_ids) and bool(
        np.array_equal(parcel_table.parcel_id, candidates.parcel_ids)
    )
    if not same_parcels:
        msg = (
            "The parcel layer differs from the one the candidate pairs were built for "
            f"({len(parcel_table.parcel_id)} vs {len(candidates.parcel_ids)} parcels or "
            "other parcel_id order). Call build_candidates() with the new parcels."
        )
        zh = "地块图层与候选表构建时不同，请用新地块重新调用 build_candidates()。"
        raise ParameterError(msg, zh=zh)
    if params.road_factor != candidates.road_factor:
        msg = (
            f"road_factor {params.road_factor} differs from the {candidates.road_factor} "
            "the candidate pairs were built with. Call build_candidates() again."
        )
        zh = (
            f"道路系数 {params.road_factor} 与候选表构建时的 {candidates.road_factor} 不同，"
            "请重新调用 build_candidates()。"
        )
        raise ParameterError(msg, zh=zh)


def _farm_sites(farm_table: FarmTable, farm_xy_m: np.ndarray) -> pd.DataFrame:
    sites = pd.DataFrame(
        {
            "x_m": farm_xy_m[:, 0],
            "y_m": farm_xy_m[:, 1],
            "haul_radius_km": farm_table.haul_radius_km,
        },
        index=pd.Index(farm_table.farm_id, name="farm_id"),
    )
    return _sort_sites(sites)


def _sort_sites(sites: pd.DataFrame) -> pd.DataFrame:
    return sites.set_axis(sites.index.astype(object), axis=0).sort_index()


def _query_pairs(
    sites: pd.DataFrame, tree: shapely.STRtree, parcel_xy_m: np.ndarray, road_factor: float
) -> pd.DataFrame:
    """Return the (farm, parcel) pairs with haul_km <= the farm's radius, sorted."""
    radius_km = sites["haul_radius_km"].to_numpy(dtype=float)
    farm_xy = sites[["x_m", "y_m"]].to_numpy(dtype=float)
    if len(sites) == 0 or len(parcel_xy_m) == 0:
        farm_pos = parcel_pos = np.empty(0, dtype=np.int64)
    else:
        farm_pos, parcel_pos = tree.query(
            shapely.points(farm_xy),
            predicate="dwithin",
            distance=radius_km * M_PER_KM / road_factor,
        )
    offset_m = parcel_xy_m[parcel_pos] - farm_xy[farm_pos]
    haul_km = road_factor * np.hypot(offset_m[:, 0], offset_m[:, 1]) / M_PER_KM
    keep = haul_km <= radius_km[farm_pos]
    # `sites` is sorted by its unique farm_id (`_farm_sites`): sorting by position sorts by id
    order = pair_order(farm_pos[keep], parcel_pos[keep], len(parcel_xy_m))
    farm_ids = sites.index.to_numpy(dtype=object)[farm_pos[keep][order]]
    return pd.DataFrame(
        {
            "farm_id": pd.Series(farm_ids, dtype=object),
            "parcel_pos": parcel_pos[keep][order].astype(np.int64),
            "haul_km": haul_km[keep][order].astype(float),
        }
    )


def _sort_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    pairs = pairs.astype({"farm_id": object, "parcel_pos": np.int64, "haul_km": float})
    return pairs.sort_values(["farm_id", "parcel_pos"], kind="stable").reset_index(drop=True)
