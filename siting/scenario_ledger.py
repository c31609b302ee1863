"""Keep a scenario's absorption-land ledger current while the planner edits sites.

`ledger_update` takes the previous `LedgerState` (or None) and the scenario's farms as they
are now. It works out which farms were added, moved, resized or removed since, re-queries
only those against the kept parcel tree (`siting.allocate.update_candidates`) and re-solves
with the previous result (`solve_allocation(previous=...)`), so the components of the LP
that did not change are reused. Editing one site therefore costs one tree query and the
components it touches, not a rebuild of the whole scenario.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd

from siting.allocate import (
    AllocationParams,
    AllocationResult,
    CandidatePairs,
    build_candidates,
    solve_allocation,
    update_candidates,
)
from siting.allocation_inputs import check_farms, representative_xy_m

#: Columns of the farm layer handed to the ledger (besides geometry).
LEDGER_FARM_COLUMNS: Final[tuple[str, ...]] = (
    "farm_id",
    "status",
    "haul_radius_km",
    "n_need_kg_per_yr",
    "p_need_kg_per_yr",
)
# A farm whose representative point moved by more than this is re-queried (m).
_MOVED_TOLERANCE_M: Final[float] = 1e-6


@dataclass(frozen=True, eq=False)
class LedgerState:
    """A solved ledger and what it was computed from, to be updated incrementally.

    Attributes
    ----------
    farms
        The farm layer (analysis CRS) the result is for.
    candidates
        Candidate (farm, parcel) pairs within haul radius.
    result
        The allocation.
    params
        The allocation parameters used.
    n_farms_requeried
        Farms whose candidates were (re)computed in the last update (all on a rebuild).
    elapsed_s
        Seconds the last update took (candidates + solve).
    rebuilt
        True when the last update built the candidates from scratch.
    """

    farms: gpd.GeoDataFrame
    candidates: CandidatePairs
    result: AllocationResult
    params: AllocationParams
    n_farms_requeried: int
    elapsed_s: float
    rebuilt: bool


def ledger_farms(
    sites: gpd.GeoDataFrame, needs: pd.DataFrame, *, analysis_crs: str
) -> gpd.GeoDataFrame:
    """Return the ledger's farm layer: one farm per site, in ``analysis_crs``.

    Parameters
    ----------
    sites
        Plan-store sites (EPSG:4326): ``site_id``, ``status``, ``haul_radius_km``.
    needs
        `siting.farm_needs.farm_needs` of the same sites (``site_id``, N and P needs).

    Returns
    -------
    farms
        Columns `LEDGER_FARM_COLUMNS` (``farm_id`` = ``site_id``) and the footprint in
        ``analysis_crs``. The service order comes from ``status`` through
        ``AllocationParams.priority_by_status`` (the user may change it there).
    """
    need = needs.set_index("site_id").reindex(sites["site_id"])
    farms = pd.DataFrame(
        {
            "farm_id": sites["site_id"].astype(str).to_numpy(dtype=object),
            "status": sites["status"].astype(str).to_numpy(dtype=object),
            "haul_radius_km": pd.to_numeric(sites["haul_radius_km"]).to_numpy(dtype=float),
            "n_need_kg_per_yr": need["n_need_kg_per_yr"].to_numpy(dtype=float),
            "p_need_kg_per_yr": need["p_need_kg_per_yr"].to_numpy(dtype=float),
        }
    )
    geometry = gpd.GeoSeries(sites.geometry.to_numpy(), crs=sites.crs).to_crs(analysis_crs)
    return gpd.GeoDataFrame(farms, geometry=geometry.to_numpy(), crs=analysis_crs)


def ledger_update(
    previous: LedgerState | None,
    farms: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    params: AllocationParams,
) -> LedgerState:
    """Return the ledger of ``farms``, reusing ``previous`` where nothing changed.

    Parameters
    ----------
    previous
        The last state of this scenario for the same ``parcels``; None (or one built with
        another road factor) rebuilds the candidates.
    farms
        The farm layer now (`ledger_farms`).
    parcels
        Absorption parcels in the same CRS with ``parcel_id``, ``area_mu``,
        ``n_capacity_kg_per_yr``, ``p_capacity_kg_per_yr``.
    params
        Allocation parameters (priorities may differ from ``previous``).

    Returns
    -------
    LedgerState
        With ``elapsed_s`` and ``n_farms_requeried`` of this update.

    Raises
    ------
    SchemaError, ParameterError, InvalidGeometryError, CrsMismatchError
        From `siting.allocate`.
    """
    start = time.perf_counter()
    reuse = previous is not None and previous.params.road_factor == params.road_factor
    if previous is None or not reuse:
        candidates = build_candidates(farms, parcels, params)
        result = solve_allocation(candidates, farms, parcels, params)
        return LedgerState(
            farms, candidates, result, params, len(farms), time.perf_counter() - start, rebuilt=True
        )
    changed, removed = changed_farms(previous.candidates, farms, params)
    candidates = previous.candidates
    if changed or removed:
        candidates = update_candidates(
            candidates,
            farms[farms["farm_id"].isin(changed)],
            parcels,
            params,
            removed_farm_ids=removed,
        )
    result = solve_allocation(candidates, farms, parcels, params, previous=previous.result)
    return LedgerState(
        farms, candidates, result, params, len(changed), time.perf_counter() - start, rebuilt=False
    )


def changed_farms(
    candidates: CandidatePairs, farms: gpd.GeoDataFrame, params: AllocationParams
) -> tuple[list[str], list[str]]:
    """Return the farms whose candidates must be recomputed, and the farms removed.

    A farm is changed when it is new, its representative point moved or its haul radius
    differs from the one ``candidates`` were computed with. Needs and status do not
    change candidates (the solver sees them directly).
    """
    table = check_farms(farms, params)
    xy = representative_xy_m(farms, what="farms")
    now = pd.DataFrame(
        {"x_m": xy[:, 0], "y_m": xy[:, 1], "haul_radius_km": table.haul_radius_km},
        index=pd.Index(table.farm_id, dtype=object),
    )
    known = candidates.farm_sites
    removed = [str(f) for f in known.index.difference(now.index)]
    new = now.index.difference(known.index)
    common = now.index.intersection(known.index)
    before, after = known.loc[common], now.loc[common]
    moved = common[
        (
            np.abs(after[["x_m", "y_m"]].to_numpy() - before[["x_m", "y_m"]].to_numpy())
            > _MOVED_TOLERANCE_M
        ).any(axis=1)
        | (after["haul_radius_km"].to_numpy() != before["haul_radius_km"].to_numpy())
    ]
    return sorted(str(f) for f in (*new, *moved)), sorted(removed)
