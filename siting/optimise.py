"""Choose K ranch sites among candidates: a mixed-integer programme (HiGHS via scipy.milp).

Variables: ``x_s`` in {0, 1} - candidate s is chosen; ``y_k`` in [0, avail_p] - the share of
parcel p's land given to candidate s for pair k = (s, p) within the haul radius (as in the
absorption-land ledger, `siting.ledger_lp`).

Maximise ``sum_s score_s x_s - haul_penalty * sum_k cap_k haul_k y_k`` (score points; cap_k
in kg/yr on the ledger's basis, haul in km, the penalty in points per t·km), subject to:

* ledger:  ``sum_{k of s} cap_k y_k >= need_s x_s``  (every chosen ranch's manure fits on
  parcels in its reach);
* parcels: ``sum_{k of p} y_k <= avail_p``            (no parcel's capacity used twice);
* water:   ``sum_{s in c} water_s x_s <= headroom_c`` (county cap minus current use);
* forage:  ``sum_{s in c} forage_s x_s <= headroom_c`` (county forage land not yet needed);
* counts:  ``sum_{s in c} x_s = n_c`` per county, or ``sum_s x_s = K``.

Each candidate keeps only its nearest pairs covering ``pair_cover_factor`` x its need
(`nearest_pairs`; 2,000 Hohhot candidates have about 790,000 pairs in a 10 km radius), so
the programme stays small; a chosen set remains feasible on the full ledger.

Only candidates that pass every hard gate may be given (the caller filters them). The answer
(`SitingChoice`) names the limits at their bound (slack per county limit, parcels' used
share); `siting.optimise_answer` adds, per county, what one more ranch there would need or,
when no set fits, how many each county's candidates and limits allow.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.units import KG_PER_T
from problems import Problems
from siting.criteria import FloatArray
from siting.parameters.coefficient import Coefficient

__all__ = [
    "CountyLimit",
    "OptimiseParams",
    "SiteCounts",
    "SitingChoice",
    "SitingProblem",
    "choose_sites",
    "nearest_pairs",
]

SOLVER: Final[str] = "HiGHS branch-and-cut via scipy.optimize.milp"
_HIGHS_OPTIMAL: Final[int] = 0
#: A limit whose slack is below this share of it (or 1e-6 absolute) is at its bound.
BINDING_REL_TOL: Final[float] = 1e-6


@dataclass(frozen=True, slots=True)
class OptimiseParams:
    """Parameters of the choice (``data/coefficients/optimiser.csv``).

    Parameters
    ----------
    haul_penalty_points_per_t_km
        Score points one tonne of nutrient (ledger basis) hauled one km costs (>= 0).
    time_limit_s
        Solver time limit (s, > 0); the best set found so far is returned with its gap.
    pair_cover_factor
        Each candidate keeps only its nearest ledger pairs whose free capacity adds up to
        this multiple of its need (>= 1; inf keeps every pair). Fewer columns make the MILP
        fast; a chosen set stays feasible on the full ledger (a subset of pairs serves it),
        and only the haul of far parcels is left out.
    coefficients
        The records the values came from.
    """

    haul_penalty_points_per_t_km: float
    time_limit_s: float = 60.0
    pair_cover_factor: float = math.inf
    coefficients: tuple[Coefficient, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        problems = Problems("OptimiseParams", "选址优化参数")
        problems.require_positive(
            "haul_penalty_points_per_t_km", self.haul_penalty_points_per_t_km, allow_zero=True
        )
        problems.require_positive("time_limit_s", self.time_limit_s)
        if not self.pair_cover_factor >= 1:
            problems.add(
                f"pair_cover_factor = {self.pair_cover_factor!r} must be >= 1",
                f"pair_cover_factor = {self.pair_cover_factor!r} 须 >= 1",
            )
        problems.raise_if_any()


@dataclass(frozen=True, slots=True)
class SiteCounts:
    """How many sites to choose: per county (``by_county``) or in total (``total``)."""

    by_county: tuple[tuple[str, int], ...] = ()
    total: int | None = None

    def __post_init__(self) -> None:
        problems = Problems("site counts", "场址数量")
        if bool(self.by_county) == (self.total is not None):
            problems.add(
                "give either counts per county or a total, not both or neither",
                "请给出各县数量或总数之一",
            )
        for adcode, n in self.by_county:
            problems.require_positive(f"count of county {adcode}", n)
        if self.total is not None:
            problems.require_positive("total", self.total)
        problems.raise_if_any()


@dataclass(frozen=True, eq=False)
class SitingProblem:
    """Candidates (all passing every gate), their needs, the ledger pairs and county limits.

    Candidate arrays are aligned with ``site_ids``; pair arrays with each other (``pair_site``
    indexes candidates, ``pair_parcel`` parcels); ``parcel_avail_frac`` is each parcel's share
    still free (1 = whole parcel). County headrooms are ``{adcode: value}``; a county missing
    from a mapping has no such limit. NaN water or forage needs count as 0 (not checked).
    """

    site_ids: tuple[str, ...]
    score: FloatArray
    county: tuple[str, ...]
    need_kg_per_yr: FloatArray
    water_need_m3_per_yr: FloatArray
    forage_need_mu: FloatArray
    pair_site: np.ndarray
    pair_parcel: np.ndarray
    pair_cap_kg_per_yr: FloatArray
    pair_haul_km: FloatArray
    parcel_avail_frac: FloatArray
    water_headroom_m3_per_yr: Mapping[str, float]
    forage_headroom_mu: Mapping[str, float]

    @property
    def n_sites(self) -> int:
        """Number of candidates."""
        return len(self.site_ids)


@dataclass(frozen=True)
class CountyLimit:
    """One county limit at the optimum: its bound, what the chosen sites use, the slack."""

    adcode: str
    kind: str  # "water" (m³/yr) or "forage" (亩)
    limit: float
    used: float
    slack: float
    binding: bool


@dataclass(frozen=True, eq=False)
class SitingChoice:
    """The chosen sites and what limits them (``feasible`` False: no set meets every limit)."""

    feasible: bool
    message: str
    chosen: tuple[str, ...]
    objective_points: float
    total_score: float
    haul_penalty_points: float
    county_limits: tuple[CountyLimit, ...]
    parcel_used_frac: FloatArray
    pair_share_frac: FloatArray
    mip_gap: float
    solve_s: float
    one_more: tuple[dict[str, object], ...] = ()
    shortfalls: tuple[dict[str, object], ...] = ()

    @property
    def binding_limits(self) -> tuple[CountyLimit, ...]:
        """County limits at their bound."""
        return tuple(limit for limit in self.county_limits if limit.binding)

    @property
    def n_parcels_full(self) -> int:
        """Parcels whose free share is used up by the chosen sites."""
        return int(np.sum(self.parcel_used_frac >= 1 - 1e-6))


def _county_rows(
    problem: SitingProblem,
    values: FloatArray,
    limits: Mapping[str, float],
) -> tuple[list[str], sp.csr_array, FloatArray]:
    counties = [c for c in sorted(set(problem.county)) if c in limits and math.isfinite(limits[c])]
    rows = np.array([counties.index(c) if c in counties else -1 for c in problem.county])
    keep = rows >= 0
    matrix = sp.csr_array(
        (np.nan_to_num(values[keep]), (rows[keep], np.flatnonzero(keep))),
        shape=(len(counties), problem.n_sites),
    )
    return counties, matrix, np.array([limits[c] for c in counties], dtype=np.float64)


def _constraints(problem: SitingProblem, counts: SiteCounts) -> list[LinearConstraint]:
    n, m = problem.n_sites, len(problem.pair_site)
    pairs = np.arange(m)
    ledger = sp.hstack(
        [
            sp.csr_array((-problem.need_kg_per_yr, (np.arange(n), np.arange(n))), shape=(n, n)),
            sp.csr_array((problem.pair_cap_kg_per_yr, (problem.pair_site, pairs)), shape=(n, m)),
        ]
    )
    n_parcels = len(problem.parcel_avail_frac)
    parcels = sp.hstack(
        [
            sp.csr_array((n_parcels, n)),
            sp.csr_array((np.ones(m), (problem.pair_parcel, pairs)), shape=(n_parcels, m)),
        ]
    )
    out = [
        LinearConstraint(ledger, 0.0, np.inf),
        LinearConstraint(parcels, -np.inf, problem.parcel_avail_frac),
    ]
    for values, limits in (
        (problem.water_need_m3_per_yr, problem.water_headroom_m3_per_yr),
        (problem.forage_need_mu, problem.forage_headroom_mu),
    ):
        counties, matrix, bound = _county_rows(problem, values, limits)
        if counties:
            out.append(
                LinearConstraint(
                    sp.hstack([matrix, sp.csr_array((len(counties), m))]), -np.inf, bound
                )
            )
    out.append(_count_constraint(problem, counts, m))
    return out


def _count_constraint(problem: SitingProblem, counts: SiteCounts, m: int) -> LinearConstraint:
    if counts.total is not None:
        row = sp.hstack([sp.csr_array(np.ones((1, problem.n_sites))), sp.csr_array((1, m))])
        return LinearConstraint(row, counts.total, counts.total)
    wanted = dict(counts.by_county)
    adcodes = list(wanted)
    member = np.array([adcodes.index(c) if c in wanted else -1 for c in problem.county])
    keep = member >= 0
    matrix = sp.csr_array(
        (np.ones(int(keep.sum())), (member[keep], np.flatnonzero(keep))),
        shape=(len(adcodes), problem.n_sites),
    )
    target = np.array([wanted[c] for c in adcodes], dtype=np.float64)
    return LinearConstraint(sp.hstack([matrix, sp.csr_array((len(adcodes), m))]), target, target)


def _haul_t_km(problem: SitingProblem) -> FloatArray:
    return np.asarray(
        problem.pair_cap_kg_per_yr * problem.pair_haul_km / KG_PER_T, dtype=np.float64
    )


def nearest_pairs(problem: SitingProblem, cover_factor: float) -> np.ndarray:
    """Return the pair positions each candidate keeps: its nearest parcels (by haul) until
    their free capacity reaches ``cover_factor`` x its need (the parcel crossing it is kept)."""
    if not math.isfinite(cover_factor):
        return np.arange(len(problem.pair_site))
    order = np.lexsort((problem.pair_haul_km, problem.pair_site))
    site = problem.pair_site[order]
    cap = (problem.pair_cap_kg_per_yr * problem.parcel_avail_frac[problem.pair_parcel])[order]
    total = np.cumsum(cap)
    starts = np.flatnonzero(np.r_[True, site[1:] != site[:-1]])
    before_group = np.r_[0.0, total][starts]
    group = np.cumsum(np.r_[True, site[1:] != site[:-1]]) - 1
    before = total - cap - before_group[group]
    keep = before < cover_factor * problem.need_kg_per_yr[site]
    return np.sort(order[keep])


def _pruned(problem: SitingProblem, pairs: np.ndarray) -> SitingProblem:
    return replace(
        problem,
        pair_site=problem.pair_site[pairs],
        pair_parcel=problem.pair_parcel[pairs],
        pair_cap_kg_per_yr=problem.pair_cap_kg_per_yr[pairs],
        pair_haul_km=problem.pair_haul_km[pairs],
    )


def choose_sites(
    problem: SitingProblem,
    counts: SiteCounts,
    params: OptimiseParams,
) -> SitingChoice:
    """Choose the sites that maximise total score minus haul penalty within every limit.

    Parameters
    ----------
    problem
        Candidates (passing every gate), ledger pairs and county limits.
    counts
        Sites to choose per county or in total.
    params
        Haul penalty and solver time limit.

    Returns
    -------
    SitingChoice
        Chosen site ids, objective, each county limit's slack, the parcels' used share;
        ``feasible`` False (with the solver's message) when no set meets every limit.

    Notes
    -----
    With a finite ``params.pair_cover_factor`` the MILP sees only `nearest_pairs`; the
    returned shares are aligned with every pair of ``problem`` (0 on the others).
    """
    pairs = nearest_pairs(problem, params.pair_cover_factor)
    choice = _choose(_pruned(problem, pairs), counts, params)
    share = np.zeros(len(problem.pair_site))
    share[pairs] = choice.pair_share_frac
    return replace(choice, pair_share_frac=share)


def _choose(
    problem: SitingProblem,
    counts: SiteCounts,
    params: OptimiseParams,
) -> SitingChoice:
    """Solve the MILP on ``problem`` as given (see `choose_sites`)."""
    n, m = problem.n_sites, len(problem.pair_site)
    cost = np.concatenate(
        [-problem.score, params.haul_penalty_points_per_t_km * _haul_t_km(problem)]
    )
    upper = np.concatenate([np.ones(n), problem.parcel_avail_frac[problem.pair_parcel]])
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    start = time.perf_counter()
    result = milp(
        cost,
        constraints=_constraints(problem, counts),
        integrality=integrality,
        bounds=Bounds(np.zeros(n + m), upper),
        options={"time_limit": params.time_limit_s},
    )
    elapsed = time.perf_counter() - start
    if result.x is None:
        return SitingChoice(
            False,
            str(result.message),
            (),
            math.nan,
            math.nan,
            math.nan,
            (),
            np.zeros(len(problem.parcel_avail_frac)),
            np.zeros(m),
            math.nan,
            elapsed,
        )
    return _choice(
        problem,
        params,
        result.x,
        str(result.message),
        float(getattr(result, "mip_gap", 0.0) or 0.0),
        elapsed,
    )


def _choice(
    problem: SitingProblem,
    params: OptimiseParams,
    solution: FloatArray,
    message: str,
    gap: float,
    elapsed: float,
) -> SitingChoice:
    n = problem.n_sites
    chosen = solution[:n] > 0.5
    share = np.where(chosen[problem.pair_site], solution[n:], 0.0)
    used = np.bincount(problem.pair_parcel, share, len(problem.parcel_avail_frac))
    with np.errstate(invalid="ignore", divide="ignore"):
        used_frac = np.where(problem.parcel_avail_frac > 0, used / problem.parcel_avail_frac, 0.0)
    haul = params.haul_penalty_points_per_t_km * float(_haul_t_km(problem) @ share)
    total = float(problem.score[chosen].sum())
    return SitingChoice(
        feasible=True,
        message=message,
        chosen=tuple(s for s, c in zip(problem.site_ids, chosen, strict=True) if c),
        objective_points=total - haul,
        total_score=total,
        haul_penalty_points=haul,
        county_limits=_county_limits(problem, chosen),
        parcel_used_frac=used_frac,
        pair_share_frac=share,
        mip_gap=gap,
        solve_s=elapsed,
    )


def _county_limits(problem: SitingProblem, chosen: np.ndarray) -> tuple[CountyLimit, ...]:
    out = []
    county = np.array(problem.county, dtype=object)
    for kind, values, limits in (
        ("water", problem.water_need_m3_per_yr, problem.water_headroom_m3_per_yr),
        ("forage", problem.forage_need_mu, problem.forage_headroom_mu),
    ):
        for adcode in sorted(set(problem.county)):
            limit = limits.get(adcode)
            if limit is None or not math.isfinite(limit):
                continue
            used = float(np.nansum(values[chosen & (county == adcode)]))
            slack = limit - used
            binding = slack <= max(BINDING_REL_TOL * abs(limit), 1e-6)
            out.append(CountyLimit(adcode, kind, float(limit), used, slack, binding))
    return tuple(out)
