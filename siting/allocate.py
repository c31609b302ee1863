"""Absorption-land ledger (粪污消纳用地台账): share parcels' N and P capacity among farms.

Within a scenario every parcel's capacity is shared by all farms and no parcel is counted
twice. Each farm gets land within its haul radius so as to meet its need on its binding
basis (N or P) with the least haul, farms of a lower priority rank first.

Formulation (see `siting.ledger_lp` for the solver side)
-------------------------------------------------------
* ``share`` of parcel p given to farm f: 0 <= share_fp, sum_f share_fp <= 1. Land is shared,
  so the farm takes N = share x ``n_capacity_kg_per_yr`` and P = share x
  ``p_capacity_kg_per_yr`` of the parcel: both capacities are consumed in the same proportion.
* A farm's need is on its ``basis`` ("N" default, or "P"): sum_p share_fp x cap_p(basis) +
  unmet_f = need_f, unmet_f >= 0.
* Candidates: parcels whose haul distance (``road_factor`` x straight-line distance between
  representative points, km) is <= the farm's ``haul_radius_km`` (`siting.haul_candidates`).
* Priority: farms are served in tiers of ``priority`` (lower first; by default existing 0,
  under construction 1, proposed 2). A tier is solved with the land left by the tiers before
  it and its allocation is then fixed, so a later farm never takes land from an earlier one
  (not even to cut the total unmet need). Within a tier: first most need served (kg/yr on
  the farms' bases, summed), then least haul, sum share x cap(basis) x haul_km in
  kg nutrient x km (for one farm proportional to t x km of its manure).

Incremental use
---------------
``build_candidates`` once; after editing sites ``update_candidates`` (one tree query per
changed farm) and ``solve_allocation(..., previous=last_result)``: components of the LP whose
numbers did not change are taken from ``previous`` instead of being solved again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from problems import Problems
from siting.allocation_inputs import (
    check_farms,
    check_parcels,
    representative_xy_m,
    require_layers,
)
from siting.allocation_tables import allocation_table, farm_table, parcel_table
from siting.haul_candidates import (
    CandidatePairs,
    build_candidates,
    require_current,
    update_candidates,
)
from siting.ledger_lp import ComponentSolution, LedgerProblem, solve_ledger

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.allocation_inputs import FarmTable, ParcelTable
    from siting.parameters import Coefficient

__all__ = [
    "PRIORITY_KEY_PREFIX",
    "AllocationParams",
    "AllocationResult",
    "CandidatePairs",
    "allocate",
    "build_candidates",
    "solve_allocation",
    "update_candidates",
]

#: Coefficient keys ``priority_<status>`` give the service rank of farms with that status.
PRIORITY_KEY_PREFIX: Final[str] = "priority_"
SOLVER: Final[str] = "HiGHS dual simplex/IPM via scipy.optimize.linprog(method='highs')"


@dataclass(frozen=True, slots=True)
class AllocationParams:
    """Parameters of the absorption-land ledger (defaults: ``layers.load_allocation_params``).

    Parameters
    ----------
    road_factor
        Road km per straight-line km (>= 1); haul_km = road_factor x straight-line km.
    default_haul_radius_km
        Haul radius (km) of farms whose ``haul_radius_km`` is empty or absent.
    priority_by_status
        Farm ``status`` -> service rank (whole number; lower is served first); used for
        farms without a ``priority``. Copied into a plain dict (picklable, not hashed).
    coefficients
        The records the values came from (value, unit, status, source), for display.

    Raises
    ------
    ParameterError
        If road_factor < 1, the radius is not > 0, or a rank is not a whole number.
    """

    road_factor: float
    default_haul_radius_km: float
    priority_by_status: Mapping[str, float] = field(hash=False)
    coefficients: tuple[Coefficient, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        problems = Problems("AllocationParams", "分配参数")
        if not (math.isfinite(self.road_factor) and self.road_factor >= 1):
            problems.add(
                f"road_factor = {self.road_factor!r} must be >= 1 (road km per straight km)",
                f"road_factor = {self.road_factor!r} 须 >= 1（道路距离/直线距离）",
            )
        problems.require_positive("default_haul_radius_km", self.default_haul_radius_km)
        ranks = dict(self.priority_by_status)
        bad = {status: rank for status, rank in ranks.items() if not _is_whole(rank)}
        if bad or not ranks:
            problems.add(
                f"priority_by_status must map each status to a whole-number rank, got {ranks}",
                f"priority_by_status 须为每个状态给出整数优先级，当前为 {ranks}",
            )
        problems.raise_if_any()
        plain = {str(status): int(rank) for status, rank in ranks.items()}
        object.__setattr__(self, "priority_by_status", plain)

    @classmethod
    def from_coefficients(cls, records: Mapping[str, Coefficient]) -> AllocationParams:
        """Build from coefficient records keyed ``road_factor``, ``default_haul_radius_km``
        and ``priority_<status>``."""
        ranks = {
            key.removeprefix(PRIORITY_KEY_PREFIX): record.value
            for key, record in records.items()
            if key.startswith(PRIORITY_KEY_PREFIX)
        }
        return cls(
            road_factor=records["road_factor"].value,
            default_haul_radius_km=records["default_haul_radius_km"].value,
            priority_by_status=ranks,
            coefficients=tuple(records.values()),
        )


@dataclass(frozen=True, eq=False)
class AllocationResult:
    """Allocation of parcel land to farms (tables described in `siting.allocation_tables`).

    Attributes
    ----------
    allocations
        One row per (farm, parcel) used: share_frac, area_mu, n/p_kg_per_yr, haul_km,
        nutrient_kg_km_per_yr.
    farms
        One row per farm: need, allocated and unmet kg/yr on its basis, land_allocated_mu,
        mean_haul_km, n_parcels.
    parcels
        One row per parcel: used_frac, farm_ids, remaining N/P capacity.
    solver, solver_status
        The LP solver and "optimal" (every LP solved to optimality; a failure raises).
    n_pairs, n_components_solved, n_components_reused
        Candidate pairs (LP columns); connected components (farms sharing land within a
        tier) solved, and taken unchanged from ``previous``.
    timings_s
        Seconds spent in "check", "lp" and "tables".
    lp_cache
        Component solutions, passed back as ``previous`` for incremental re-solving.
    """

    allocations: pd.DataFrame
    farms: pd.DataFrame
    parcels: pd.DataFrame
    solver: str
    solver_status: str
    n_pairs: int
    n_components_solved: int
    n_components_reused: int
    timings_s: Mapping[str, float]
    lp_cache: Mapping[str, ComponentSolution] = field(repr=False)

    @property
    def total_nutrient_kg_km_per_yr(self) -> float:
        """Objective of the haul stage: sum of kg/yr (farm basis) x haul km."""
        return float(self.allocations["nutrient_kg_km_per_yr"].sum())


def solve_allocation(
    candidates: CandidatePairs,
    farms: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    params: AllocationParams,
    *,
    previous: AllocationResult | None = None,
) -> AllocationResult:
    """Allocate parcel capacity to farms: most need served by priority tier, least haul.

    Parameters
    ----------
    candidates
        From `build_candidates` / `update_candidates` for exactly these farms and parcels.
    farms
        Points or polygons in the projected analysis CRS with ``farm_id`` (str),
        ``n_need_kg_per_yr``, ``p_need_kg_per_yr`` and ``priority`` (int, lower first) or
        ``status`` (a key of ``params.priority_by_status``); optional ``haul_radius_km``
        (empty = default) and ``basis`` ("N" default or "P").
    parcels
        Same CRS; ``parcel_id`` (str), ``area_mu``, ``n_capacity_kg_per_yr``,
        ``p_capacity_kg_per_yr``. No parcels is valid: every need is then unmet.
    params
        Allocation parameters.
    previous
        An earlier result of this scenario; its component solutions are reused where the
        subproblem is unchanged (the result is the same as without it).

    Returns
    -------
    AllocationResult

    Raises
    ------
    SchemaError
        Missing or ill-typed columns (all listed), duplicate ids, unknown basis or status.
    ParameterError
        Negative needs or capacities, radius <= 0, or ``candidates`` out of date.
    MissingCrsError, GeographicCrsError, CrsMismatchError, InvalidGeometryError
        From the layer checks.
    """
    start = time.perf_counter()
    require_layers(farms, parcels)
    farm_tab, parcel_tab = check_farms(farms, params), check_parcels(parcels)
    require_current(
        candidates, farm_tab, representative_xy_m(farms, what="farms"), parcel_tab, params
    )
    problem = _ledger_problem(candidates, farm_tab, parcel_tab)
    checked = time.perf_counter()
    solution = solve_ledger(problem, {} if previous is None else previous.lp_cache)
    solved = time.perf_counter()
    share = solution.share_frac
    allocations = allocation_table(problem, share, farm_tab, parcel_tab)
    farm_rows = farm_table(problem, share, solution.unmet_kg_per_yr, farm_tab, parcel_tab)
    parcel_rows = parcel_table(problem, share, farm_tab, parcel_tab)
    timings = {
        "check": checked - start,
        "lp": solved - checked,
        "tables": time.perf_counter() - solved,
    }
    return AllocationResult(
        allocations=allocations,
        farms=farm_rows,
        parcels=parcel_rows,
        solver=SOLVER,
        solver_status="optimal",
        n_pairs=len(problem.pair_farm),
        n_components_solved=solution.n_components_solved,
        n_components_reused=solution.n_components_reused,
        timings_s=timings,
        lp_cache=dict(solution.cache),
    )


def allocate(
    farms: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, params: AllocationParams
) -> AllocationResult:
    """Build the candidate pairs and solve the allocation in one call (see `solve_allocation`)."""
    return solve_allocation(build_candidates(farms, parcels, params), farms, parcels, params)


def _ledger_problem(
    candidates: CandidatePairs, farm_tab: FarmTable, parcel_tab: ParcelTable
) -> LedgerProblem:
    pairs = candidates.pairs
    pair_farm = pd.Index(farm_tab.farm_id).get_indexer(pairs["farm_id"]).astype(np.int64)
    pair_parcel = pairs["parcel_pos"].to_numpy(dtype=np.int64)
    cap = np.where(
        farm_tab.basis[pair_farm] == "N",
        parcel_tab.n_capacity_kg_per_yr[pair_parcel],
        parcel_tab.p_capacity_kg_per_yr[pair_parcel],
    )
    return LedgerProblem(
        pair_farm,
        pair_parcel,
        cap,
        pairs["haul_km"].to_numpy(dtype=float),
        farm_tab.need_kg_per_yr,
        farm_tab.priority,
        len(parcel_tab.parcel_id),
    )


def _is_whole(value: object) -> bool:
    return isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer()
