"""Result tables of the absorption-land ledger: per allocation, per farm, per parcel."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from siting.allocation_inputs import FarmTable, ParcelTable
    from siting.ledger_lp import LedgerProblem

FARM_ID_SEPARATOR: str = ";"


def allocation_table(
    problem: LedgerProblem, share: np.ndarray, farms: FarmTable, parcels: ParcelTable
) -> pd.DataFrame:
    """Return one row per (farm, parcel) with a share > 0.

    Columns: ``farm_id``, ``parcel_id``, ``share_frac`` (of the parcel's land, 0-1),
    ``area_mu``, ``n_kg_per_yr``, ``p_kg_per_yr`` (capacity taken), ``haul_km``,
    ``nutrient_kg_km_per_yr`` (kg/yr on the farm's basis x haul km).
    """
    used = np.flatnonzero(share > 0)
    farm, parcel, part = problem.pair_farm[used], problem.pair_parcel[used], share[used]
    haul_km = problem.pair_haul_km[used]
    return pd.DataFrame(
        {
            "farm_id": farms.farm_id[farm],
            "parcel_id": parcels.parcel_id[parcel],
            "share_frac": part,
            "area_mu": part * parcels.area_mu[parcel],
            "n_kg_per_yr": part * parcels.n_capacity_kg_per_yr[parcel],
            "p_kg_per_yr": part * parcels.p_capacity_kg_per_yr[parcel],
            "haul_km": haul_km,
            "nutrient_kg_km_per_yr": part * problem.pair_cap_kg_per_yr[used] * haul_km,
        }
    )


def farm_table(
    problem: LedgerProblem,
    share: np.ndarray,
    unmet_kg_per_yr: np.ndarray,
    farms: FarmTable,
    parcels: ParcelTable,
) -> pd.DataFrame:
    """Return one row per farm (input order).

    Columns: ``farm_id``, ``priority``, ``basis`` ("N"/"P"), ``need_kg_per_yr``,
    ``allocated_kg_per_yr`` and ``unmet_kg_per_yr`` (on the basis), ``unmet_frac``,
    ``allocated_n_kg_per_yr``, ``allocated_p_kg_per_yr``, ``land_allocated_mu``,
    ``mean_haul_km`` (weighted by nutrient on the basis; NaN without land),
    ``n_parcels`` (used) and ``n_candidate_parcels`` (within radius).
    """
    n_farms = len(farms.farm_id)
    farm, parcel = problem.pair_farm, problem.pair_parcel

    def per_farm(weights: np.ndarray) -> np.ndarray:
        return np.bincount(farm, weights, n_farms)

    allocated = per_farm(share * problem.pair_cap_kg_per_yr)
    kg_km = per_farm(share * problem.pair_cap_kg_per_yr * problem.pair_haul_km)
    need = farms.need_kg_per_yr
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_haul_km = np.where(allocated > 0, kg_km / allocated, np.nan)
        unmet_frac = np.where(need > 0, unmet_kg_per_yr / need, 0.0)
    return pd.DataFrame(
        {
            "farm_id": farms.farm_id,
            "priority": farms.priority,
            "basis": farms.basis,
            "need_kg_per_yr": need,
            "allocated_kg_per_yr": allocated,
            "unmet_kg_per_yr": unmet_kg_per_yr,
            "unmet_frac": unmet_frac,
            "allocated_n_kg_per_yr": per_farm(share * parcels.n_capacity_kg_per_yr[parcel]),
            "allocated_p_kg_per_yr": per_farm(share * parcels.p_capacity_kg_per_yr[parcel]),
            "land_allocated_mu": per_farm(share * parcels.area_mu[parcel]),
            "mean_haul_km": mean_haul_km,
            "n_parcels": np.bincount(farm[share > 0], minlength=n_farms),
            "n_candidate_parcels": np.bincount(farm, minlength=n_farms),
        }
    )


def parcel_table(
    problem: LedgerProblem, share: np.ndarray, farms: FarmTable, parcels: ParcelTable
) -> pd.DataFrame:
    """Return one row per parcel (input order).

    Columns: ``parcel_id``, ``used_frac`` (0-1), ``n_farms``, ``farm_ids`` (the farms using
    it in farm_id order, ``;``-joined, "" if none), ``remaining_frac``, ``remaining_area_mu``,
    ``remaining_n_capacity_kg_per_yr``, ``remaining_p_capacity_kg_per_yr``.
    """
    n_parcels = len(parcels.parcel_id)
    used = np.clip(np.bincount(problem.pair_parcel, share, n_parcels), 0.0, 1.0)
    remaining = 1.0 - used
    taken = share > 0
    parcel = problem.pair_parcel[taken]
    return pd.DataFrame(
        {
            "parcel_id": parcels.parcel_id,
            "used_frac": used,
            "n_farms": np.bincount(parcel, minlength=n_parcels),
            "farm_ids": _joined_by_parcel(
                parcel, farms.farm_id[problem.pair_farm[taken]], n_parcels
            ),
            "remaining_frac": remaining,
            "remaining_area_mu": remaining * parcels.area_mu,
            "remaining_n_capacity_kg_per_yr": remaining * parcels.n_capacity_kg_per_yr,
            "remaining_p_capacity_kg_per_yr": remaining * parcels.p_capacity_kg_per_yr,
        }
    )


def _joined_by_parcel(parcel: np.ndarray, farm_ids: np.ndarray, n_parcels: int) -> np.ndarray:
    """Join the farm ids of each parcel (pairs come in farm_id order; a stable sort keeps it)."""
    joined = np.full(n_parcels, "", dtype=object)
    if len(parcel) == 0:
        return joined
    order = np.argsort(parcel, kind="stable")
    parcel, farm_ids = parcel[order], farm_ids[order]
    starts = np.flatnonzero(np.concatenate([[True], parcel[1:] != parcel[:-1]]))
    counts = np.diff(np.append(starts, len(parcel)))
    single = starts[counts == 1]
    joined[parcel[single]] = farm_ids[single]
    for start, count in zip(starts[counts > 1], counts[counts > 1], strict=True):
        joined[parcel[start]] = FARM_ID_SEPARATOR.join(farm_ids[start : start + count])
    return joined
