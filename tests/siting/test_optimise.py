"""The siting MILP (siting.optimise) against brute force and the absorption-land ledger."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from errors import ParameterError
from siting.ledger_lp import LedgerProblem, solve_ledger
from siting.optimise import (
    OptimiseParams,
    SiteCounts,
    SitingProblem,
    choose_sites,
    nearest_pairs,
)
from siting.optimise_answer import explain_choice

PENALTY = OptimiseParams(haul_penalty_points_per_t_km=0.5)


def _problem() -> SitingProblem:
    """8 candidates in 2 counties, 4 parcels; parcels 0-1 near sites 0-3, 2-3 near 4-7."""
    rng = np.random.default_rng(11)
    pair_site, pair_parcel = [], []
    for site in range(8):
        for parcel in (0, 1, 2) if site < 4 else (1, 2, 3):
            pair_site.append(site)
            pair_parcel.append(parcel)
    m = len(pair_site)
    parcel_cap_kg = np.array([10_000.0, 6_000.0, 8_000.0, 5_000.0])
    return SitingProblem(
        site_ids=tuple(f"S{k}" for k in range(8)),
        score=np.array([80.0, 78.0, 75.0, 60.0, 90.0, 85.0, 70.0, 65.0]),
        county=("A", "A", "A", "A", "B", "B", "B", "B"),
        need_kg_per_yr=np.array(
            [7_000.0, 5_000.0, 4_000.0, 3_000.0, 6_000.0, 5_500.0, 3_000.0, 2_000.0]
        ),
        water_need_m3_per_yr=np.array([100.0, 80.0, 60.0, 50.0, 120.0, 90.0, 40.0, 30.0]),
        forage_need_mu=np.array([10.0, 9.0, 8.0, 7.0, 12.0, 11.0, 6.0, 5.0]),
        pair_site=np.array(pair_site),
        pair_parcel=np.array(pair_parcel),
        pair_cap_kg_per_yr=parcel_cap_kg[np.array(pair_parcel)],
        pair_haul_km=rng.uniform(1.0, 10.0, m),
        parcel_avail_frac=np.array([1.0, 1.0, 0.6, 1.0]),
        water_headroom_m3_per_yr={"A": 170.0, "B": 200.0},
        forage_headroom_mu={"A": 30.0, "B": 25.0},
    )


def _best_haul_points(problem: SitingProblem, chosen: tuple[int, ...]) -> float | None:
    """Least haul penalty of serving ``chosen`` exactly (None if the land does not suffice)."""
    pairs = np.flatnonzero(np.isin(problem.pair_site, chosen))
    cap = problem.pair_cap_kg_per_yr[pairs]
    cost = PENALTY.haul_penalty_points_per_t_km * cap * problem.pair_haul_km[pairs] / 1_000
    need_rows = np.array([(problem.pair_site[pairs] == s) * cap for s in chosen])
    parcel_rows = np.array([(problem.pair_parcel[pairs] == p).astype(float) for p in range(4)])
    result = linprog(
        cost,
        A_ub=np.vstack([-need_rows, parcel_rows]),
        b_ub=np.concatenate([-problem.need_kg_per_yr[list(chosen)], problem.parcel_avail_frac]),
        bounds=[(0, problem.parcel_avail_frac[problem.pair_parcel[k]]) for k in pairs],
        method="highs",
    )
    return float(result.fun) if result.status == 0 else None


def _county_ok(problem: SitingProblem, chosen: tuple[int, ...]) -> bool:
    for values, limits in (
        (problem.water_need_m3_per_yr, problem.water_headroom_m3_per_yr),
        (problem.forage_need_mu, problem.forage_headroom_mu),
    ):
        for county, limit in limits.items():
            if sum(values[s] for s in chosen if problem.county[s] == county) > limit + 1e-9:
                return False
    return True


def _brute_force(problem: SitingProblem, k: int) -> tuple[float, tuple[int, ...]]:
    best = (-np.inf, ())
    for chosen in itertools.combinations(range(problem.n_sites), k):
        if not _county_ok(problem, chosen):
            continue
        haul = _best_haul_points(problem, chosen)
        if haul is not None:
            best = max(best, (float(problem.score[list(chosen)].sum()) - haul, chosen))
    return best


def test_optimum_equals_brute_force() -> None:
    problem = _problem()
    choice = choose_sites(problem, SiteCounts(total=3), PENALTY)
    value, chosen = _brute_force(problem, 3)
    assert choice.feasible
    assert choice.objective_points == pytest.approx(value, abs=1e-6)
    assert choice.chosen == tuple(problem.site_ids[k] for k in chosen)
    # the best three by score alone (S4, S5, S0) break county B's water: 120 + 90 > 200
    assert set(choice.chosen) != {"S4", "S5", "S0"}


def test_chosen_set_passes_the_ledger() -> None:
    problem = _problem()
    choice = choose_sites(problem, SiteCounts(by_county=(("A", 2), ("B", 1))), PENALTY)
    chosen = [problem.site_ids.index(s) for s in choice.chosen]
    keep = np.isin(problem.pair_site, chosen)
    remap = {s: i for i, s in enumerate(chosen)}
    # the ledger starts every parcel whole: a parcel with a free share f is one of f x its
    # capacity
    free = problem.parcel_avail_frac[problem.pair_parcel[keep]]
    ledger = LedgerProblem(
        pair_farm=np.array([remap[s] for s in problem.pair_site[keep]]),
        pair_parcel=problem.pair_parcel[keep],
        pair_cap_kg_per_yr=problem.pair_cap_kg_per_yr[keep] * free,
        pair_haul_km=problem.pair_haul_km[keep],
        farm_need_kg_per_yr=problem.need_kg_per_yr[chosen],
        farm_priority=np.zeros(len(chosen), dtype=np.int64),
        n_parcels=4,
    )
    solution = solve_ledger(ledger, {})
    assert np.all(solution.unmet_kg_per_yr <= 1e-6)
    assert np.all(choice.parcel_used_frac <= 1 + 1e-9)
    for limit in choice.county_limits:
        assert limit.used <= limit.limit + 1e-6


def test_binding_limits_and_one_more_ranch() -> None:
    problem = _problem()
    counts = SiteCounts(by_county=(("A", 2), ("B", 2)))
    choice = explain_choice(problem, counts, PENALTY, choose_sites(problem, counts, PENALTY))
    assert choice.feasible
    by_key = {(lim.adcode, lim.kind): lim for lim in choice.county_limits}
    for lim in choice.county_limits:
        assert lim.slack == pytest.approx(lim.limit - lim.used)
        assert lim.binding == (lim.slack <= 1e-6 * lim.limit + 1e-9)
    more = {entry["adcode"]: entry for entry in choice.one_more}
    assert set(more) == {"A", "B"}
    assert more["B"]["fits"] is True
    assert more["A"]["fits"] is False and more["A"]["candidates_left"] == 2
    a_left = [
        k
        for k, s in enumerate(problem.site_ids)
        if problem.county[k] == "A" and s not in choice.chosen
    ]
    expected = min(problem.water_need_m3_per_yr[a_left]) - by_key[("A", "water")].slack
    assert expected > 0
    assert more["A"]["water_short"] == pytest.approx(expected)
    assert "water" in more["A"]["blocked_by"]  # type: ignore[operator]


def test_infeasible_counts_are_an_outcome_with_shortfalls() -> None:
    problem = _problem()
    counts = SiteCounts(by_county=(("B", 4),))
    choice = explain_choice(problem, counts, PENALTY, choose_sites(problem, counts, PENALTY))
    assert not choice.feasible and choice.chosen == ()
    # county B: water 200 holds the smallest needs 30 + 40 + 90 = 160 (+120 is too much);
    # forage 25 holds 5 + 6 + 11 = 22
    assert choice.shortfalls == (
        {"adcode": "B", "wanted": 4, "candidates": 4, "most_by_water": 3, "most_by_forage": 3},
    )


def test_bad_counts_and_params_are_refused() -> None:
    with pytest.raises(ParameterError, match="either counts per county or a total"):
        SiteCounts(by_county=(("A", 1),), total=2)
    with pytest.raises(ParameterError, match="count of county A"):
        SiteCounts(by_county=(("A", 0),))
    with pytest.raises(ParameterError, match="haul_penalty_points_per_t_km"):
        OptimiseParams(haul_penalty_points_per_t_km=-1.0)


def test_nearest_pairs_cover_the_need() -> None:
    problem = _problem()
    kept = nearest_pairs(problem, 1.0)
    for site in range(problem.n_sites):
        pairs = np.flatnonzero(problem.pair_site == site)
        free = problem.pair_cap_kg_per_yr * problem.parcel_avail_frac[problem.pair_parcel]
        by_haul = pairs[np.argsort(problem.pair_haul_km[pairs])]
        before = np.cumsum(free[by_haul]) - free[by_haul]
        expected = by_haul[before < problem.need_kg_per_yr[site]]
        assert set(kept[problem.pair_site[kept] == site]) == set(expected)
    assert len(nearest_pairs(problem, float("inf"))) == len(problem.pair_site)


def test_pruned_choice_stays_feasible_and_aligned() -> None:
    problem = _problem()
    pruned = OptimiseParams(haul_penalty_points_per_t_km=0.5, pair_cover_factor=1.0)
    choice = choose_sites(problem, SiteCounts(total=3), pruned)
    assert choice.feasible and len(choice.pair_share_frac) == len(problem.pair_site)
    served = np.bincount(
        problem.pair_site, choice.pair_share_frac * problem.pair_cap_kg_per_yr, problem.n_sites
    )
    for site_id in choice.chosen:
        k = problem.site_ids.index(site_id)
        assert served[k] >= problem.need_kg_per_yr[k] * (1 - 1e-9)
    with pytest.raises(ParameterError, match="pair_cover_factor"):
        OptimiseParams(haul_penalty_points_per_t_km=0.5, pair_cover_factor=0.5)
