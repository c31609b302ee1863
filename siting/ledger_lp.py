"""Linear programmes of the absorption-land ledger, solved with HiGHS (scipy.optimize.linprog).

Variables: ``share_k`` in [0, avail_p] - the share of parcel p's land given to farm f for
candidate pair k = (f, p) - and ``unmet_f`` in [0, need_f]. Constraints:

* farm rows:   sum_k cap_k * share_k + unmet_f = need_f     (cap on the farm's basis, kg/yr)
* parcel rows: sum_k share_k <= avail_p                      (no parcel counted twice)

Farms are served in priority tiers (lowest rank first). Each tier is split into connected
components of its farm-parcel graph and each component is solved lexicographically: first
least sum_f unmet_f (kg/yr), then least sum_k cap_k * haul_k * share_k (kg nutrient x km):

* one farm: no LP - filling its nearest parcels first is optimal;
* all farms of the component on one basis (a transportation problem in kg): one LP with
  unmet need priced above any haul saving (exact, see `_solve_with_penalty`);
* mixed N and P bases (a parcel gives different kg per share to different farms, so the
  penalty bound does not hold): two LPs - least unmet need, then least haul with the unmet
  need held at the stage-1 optimum (plus round-off only if HiGHS finds that infeasible).

The tier's shares are then fixed and subtracted from ``avail`` before the next tier. Every
component solution is cached under a fingerprint of its numbers (needs, pairs, capacities,
hauls, available shares): re-solving a scenario after one edit reuses every component whose
subproblem is bit-for-bit the same, so only the edited farm's component - and any lower-tier
component whose available land changed as a result - is solved again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linprog
from scipy.sparse.csgraph import connected_components

# Stage 2 keeps the stage-1 unmet need exactly; only if round-off makes that infeasible is it
# allowed this much more (relative to the component's total need, plus an absolute kg/yr).
_UNMET_REL_TOL: float = 1e-9
_UNMET_ABS_TOL_KG: float = 1e-6
# Shares below this are solver noise and are set to zero (fraction of a parcel).
_SHARE_EPS: float = 1e-9
# Added to the unmet-need price of the one-stage LP (km), so it strictly exceeds any path.
_PENALTY_MARGIN_KM: float = 1.0
_HIGHS_OK: int = 0
_HIGHS_INFEASIBLE: int = 2


@dataclass(frozen=True, slots=True, eq=False)
class LedgerProblem:
    """The allocation problem as arrays; pair arrays are aligned, farm arrays by farm index."""

    pair_farm: np.ndarray
    pair_parcel: np.ndarray
    pair_cap_kg_per_yr: np.ndarray
    pair_haul_km: np.ndarray
    farm_need_kg_per_yr: np.ndarray
    farm_priority: np.ndarray
    n_parcels: int


@dataclass(frozen=True, slots=True, eq=False)
class ComponentSolution:
    """Optimal shares (per pair of the component) and unmet need (per farm of it)."""

    share_frac: np.ndarray
    unmet_kg_per_yr: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class LedgerSolution:
    """Shares per pair, unmet need per farm, the component cache and solve counts."""

    share_frac: np.ndarray
    unmet_kg_per_yr: np.ndarray
    cache: Mapping[str, ComponentSolution]
    n_components_solved: int
    n_components_reused: int


@dataclass(frozen=True, slots=True, eq=False)
class _Component:
    farms: np.ndarray
    need: np.ndarray
    pair_farm: np.ndarray
    pair_parcel: np.ndarray
    cap: np.ndarray
    haul: np.ndarray
    avail: np.ndarray


def solve_ledger(problem: LedgerProblem, cache: Mapping[str, ComponentSolution]) -> LedgerSolution:
    """Allocate parcel shares tier by tier, reusing cached component solutions."""
    share = np.zeros(len(problem.pair_farm))
    unmet = problem.farm_need_kg_per_yr.astype(float).copy()
    avail = np.ones(problem.n_parcels)
    new_cache: dict[str, ComponentSolution] = {}
    n_solved = n_reused = 0
    useful = (problem.pair_cap_kg_per_yr > 0) & (problem.farm_need_kg_per_yr[problem.pair_farm] > 0)
    for tier in np.unique(problem.farm_priority):
        in_tier = problem.farm_priority[problem.pair_farm] == tier
        active = np.flatnonzero(in_tier & useful & (avail[problem.pair_parcel] > _SHARE_EPS))
        for members in _components(problem.pair_farm[active], problem.pair_parcel[active]):
            pairs = active[members]
            component = _component(problem, pairs, avail)
            key = _fingerprint(component)
            solution = cache.get(key)
            if solution is None:
                solution = (
                    _solve_single_farm(component)
                    if len(component.farms) == 1
                    else _solve_component(component)
                )
                n_solved += 1
            else:
                n_reused += 1
            new_cache[key] = solution
            share[pairs] = solution.share_frac
            unmet[component.farms] = solution.unmet_kg_per_yr
        used = np.bincount(problem.pair_parcel[active], share[active], problem.n_parcels)
        avail = np.clip(avail - used, 0.0, 1.0)
    return LedgerSolution(
        share, unmet, new_cache, n_components_solved=n_solved, n_components_reused=n_reused
    )


def _components(pair_farm: np.ndarray, pair_parcel: np.ndarray) -> list[np.ndarray]:
    """Split pairs into connected components of the farm-parcel graph (pair order kept)."""
    if len(pair_farm) == 0:
        return []
    _, farm_local = np.unique(pair_farm, return_inverse=True)
    _, parcel_local = np.unique(pair_parcel, return_inverse=True)
    n_farms = int(farm_local.max()) + 1
    n_nodes = n_farms + int(parcel_local.max()) + 1
    graph = sp.coo_matrix(
        (np.ones(len(pair_farm)), (farm_local, n_farms + parcel_local)), shape=(n_nodes, n_nodes)
    )
    _, labels = connected_components(graph, directed=False)
    pair_label = labels[farm_local]
    order = np.argsort(pair_label, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(pair_label[order])) + 1)


def _component(problem: LedgerProblem, pairs: np.ndarray, avail: np.ndarray) -> _Component:
    farms, pair_farm = np.unique(problem.pair_farm[pairs], return_inverse=True)
    parcels, pair_parcel = np.unique(problem.pair_parcel[pairs], return_inverse=True)
    return _Component(
        farms=farms,
        need=problem.farm_need_kg_per_yr[farms].astype(float),
        pair_farm=pair_farm.astype(np.int64),
        pair_parcel=pair_parcel.astype(np.int64),
        cap=problem.pair_cap_kg_per_yr[pairs].astype(float),
        haul=problem.pair_haul_km[pairs].astype(float),
        avail=avail[parcels].astype(float),
    )


def _fingerprint(component: _Component) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for values in (
        component.need,
        component.pair_farm,
        component.pair_parcel,
        component.cap,
        component.haul,
        component.avail,
    ):
        array = np.ascontiguousarray(values)
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True, eq=False)
class _LpMatrices:
    farm_rows: sp.csr_matrix
    parcel_rows: sp.csr_matrix
    bounds: np.ndarray
    unmet_cost: np.ndarray
    haul_cost: np.ndarray


def _lp_matrices(c: _Component) -> _LpMatrices:
    """Sparse rows of the component LP; columns are the pairs' shares, then unmet per farm."""
    n_pairs, n_farms = len(c.cap), len(c.need)
    pair_index = np.arange(n_pairs)
    farm_rows = sp.csr_matrix(
        (
            np.concatenate([c.cap, np.ones(n_farms)]),
            (
                np.concatenate([c.pair_farm, np.arange(n_farms)]),
                np.concatenate([pair_index, n_pairs + np.arange(n_farms)]),
            ),
        ),
        shape=(n_farms, n_pairs + n_farms),
    )
    parcel_rows = sp.csr_matrix(
        (np.ones(n_pairs), (c.pair_parcel, pair_index)), shape=(len(c.avail), n_pairs + n_farms)
    )
    bounds = np.column_stack(
        [np.zeros(n_pairs + n_farms), np.concatenate([c.avail[c.pair_parcel], c.need])]
    )
    return _LpMatrices(
        farm_rows,
        parcel_rows,
        bounds,
        unmet_cost=np.concatenate([np.zeros(n_pairs), np.ones(n_farms)]),
        haul_cost=np.concatenate([c.cap * c.haul, np.zeros(n_farms)]),
    )


def _solve_component(c: _Component) -> ComponentSolution:
    """Most need served, then least nutrient x km: one LP when exact, else two stages."""
    m = _lp_matrices(c)
    x = _solve_with_penalty(c, m) if _is_transport_problem(c) else _solve_two_stage(c, m)
    share = _clean_shares(x[: len(c.cap)], c.pair_parcel, c.avail)
    delivered = np.bincount(c.pair_farm, c.cap * share, len(c.need))
    return ComponentSolution(share, np.clip(c.need - delivered, 0.0, None))


def _is_transport_problem(c: _Component) -> bool:
    """True if every parcel offers the same kg per share to all its farms (one basis)."""
    cap_max = np.zeros(len(c.avail))
    cap_min = np.full(len(c.avail), np.inf)
    np.maximum.at(cap_max, c.pair_parcel, c.cap)
    np.minimum.at(cap_min, c.pair_parcel, c.cap)
    return bool(np.all(cap_max == cap_min))


def _solve_with_penalty(c: _Component, m: _LpMatrices) -> np.ndarray:
    """One LP, unmet kg priced above any haul saving (exact for a transportation problem).

    In kg units the problem is a transportation problem; an augmenting path that serves one
    more kg passes at most once through each farm, so it changes the haul by at most
    n_farms x max haul km. An unmet price above that makes serving need strictly first.
    """
    penalty_km = (len(c.need) + 1) * float(c.haul.max()) + _PENALTY_MARGIN_KM
    cost = m.haul_cost + penalty_km * m.unmet_cost
    shares: np.ndarray = _linprog(cost, m.parcel_rows, c.avail, m.farm_rows, c.need, m.bounds).x
    return shares


def _solve_two_stage(c: _Component, m: _LpMatrices) -> np.ndarray:
    """Stage 1: least unmet need; stage 2: least haul keeping that unmet need."""
    stage1 = _linprog(m.unmet_cost, m.parcel_rows, c.avail, m.farm_rows, c.need, m.bounds)
    limit_rows = sp.vstack([m.parcel_rows, sp.csr_matrix(m.unmet_cost)])
    unmet_kg = max(float(stage1.fun), 0.0)
    stage2 = _linprog(
        m.haul_cost,
        limit_rows,
        np.append(c.avail, unmet_kg),
        m.farm_rows,
        c.need,
        m.bounds,
        retry_if_infeasible=True,
    )
    if stage2.status == _HIGHS_INFEASIBLE:
        slack_kg = _UNMET_REL_TOL * c.need.sum() + _UNMET_ABS_TOL_KG
        stage2 = _linprog(
            m.haul_cost,
            limit_rows,
            np.append(c.avail, unmet_kg + slack_kg),
            m.farm_rows,
            c.need,
            m.bounds,
        )
    shares: np.ndarray = stage2.x
    return shares


def _solve_single_farm(c: _Component) -> ComponentSolution:
    """One farm alone: the LP optimum is to fill the nearest parcels first (exchange argument)."""
    order = np.argsort(c.haul, kind="stable")
    kg_available = c.cap[order] * c.avail[c.pair_parcel[order]]
    kg_before = np.cumsum(kg_available) - kg_available
    kg_taken = np.clip(c.need[0] - kg_before, 0.0, kg_available)
    share = np.zeros(len(c.cap))
    share[order] = kg_taken / c.cap[order]
    unmet = max(c.need[0] - float(kg_taken.sum()), 0.0)
    return ComponentSolution(share, np.array([unmet]))


def _linprog(
    cost: np.ndarray,
    a_ub: sp.spmatrix,
    b_ub: np.ndarray,
    a_eq: sp.spmatrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
    *,
    retry_if_infeasible: bool = False,
) -> OptimizeResult:
    # scipy-stubs type A_ub/A_eq as dense and bounds as tuples; linprog (HiGHS) takes sparse
    # matrices and an (n, 2) bounds array.
    result: OptimizeResult = linprog(  # type: ignore[call-overload]
        cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
    )
    if result.status == _HIGHS_INFEASIBLE and retry_if_infeasible:
        return result
    if result.status != _HIGHS_OK:
        # x = 0, unmet = need is always feasible, so this is a solver failure, not bad input.
        msg = f"HiGHS failed on an allocation LP (status {result.status}): {result.message}"
        raise RuntimeError(msg)
    return result


def _clean_shares(share: np.ndarray, pair_parcel: np.ndarray, avail: np.ndarray) -> np.ndarray:
    """Zero solver noise and scale shares so no parcel exceeds its available share."""
    share = np.where(share < _SHARE_EPS, 0.0, np.minimum(share, 1.0))
    used = np.bincount(pair_parcel, share, len(avail))
    scale = np.where(used > avail, avail / np.maximum(used, _SHARE_EPS), 1.0)
    cleaned: np.ndarray = share * scale[pair_parcel]
    return cleaned
