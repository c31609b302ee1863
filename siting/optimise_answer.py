"""Explain a siting choice: what one more ranch per county needs, or why no set fits.

`explain_choice` adds to a `siting.optimise.SitingChoice` either, when it is feasible, per
county whether one more ranch fits and what blocks it (`one_more_ranch`), or, when no set
meets every limit, per county how many sites its passing candidates, water and forage
headroom allow at most (`county_shortfalls`).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from siting.criteria import FloatArray
from siting.optimise import (
    BINDING_REL_TOL,
    OptimiseParams,
    SiteCounts,
    SitingChoice,
    SitingProblem,
    choose_sites,
)

__all__ = ["county_shortfalls", "explain_choice", "one_more_ranch"]


def _most_that_fit(values: FloatArray, headroom: float | None) -> int | None:
    """How many of ``values`` fit in ``headroom``, smallest first (None: no limit)."""
    if headroom is None or not math.isfinite(headroom):
        return None
    cumulative = np.cumsum(np.sort(np.nan_to_num(values)))
    return int(np.searchsorted(cumulative, headroom * (1 + BINDING_REL_TOL), side="right"))


def county_shortfalls(problem: SitingProblem, counts: SiteCounts) -> tuple[dict[str, object], ...]:
    """Say, per county asked for, how many sites its candidates and limits allow at most.

    ``candidates`` counts the passing candidates there; ``most_by_water`` and
    ``most_by_forage`` how many of them fit in the county's headroom, smallest needs first
    (None: no such limit). A county asked for more than any of these cannot be served; if
    every county can, the shared absorption land (or the limits together) is what fails.
    With a total, one entry ``"*"`` sums the counties.
    """
    county = np.array(problem.county, dtype=object)
    wanted = dict(counts.by_county) or {"*": counts.total or 0}
    out = []
    for adcode, n in wanted.items():
        rows = np.ones(problem.n_sites, dtype=bool) if adcode == "*" else county == adcode
        entry: dict[str, object] = {"adcode": adcode, "wanted": n, "candidates": int(rows.sum())}
        for kind, values, limits in (
            ("water", problem.water_need_m3_per_yr, problem.water_headroom_m3_per_yr),
            ("forage", problem.forage_need_mu, problem.forage_headroom_mu),
        ):
            if adcode == "*":
                fits = [
                    _most_that_fit(values[county == c], limits.get(c))
                    for c in sorted(set(problem.county))
                ]
                entry[f"most_by_{kind}"] = sum(
                    f if f is not None else int((county == c).sum())
                    for f, c in zip(fits, sorted(set(problem.county)), strict=True)
                )
            else:
                entry[f"most_by_{kind}"] = _most_that_fit(values[rows], limits.get(adcode))
        out.append(entry)
    return tuple(out)


def one_more_ranch(
    problem: SitingProblem, counts: SiteCounts, params: OptimiseParams, choice: SitingChoice
) -> tuple[dict[str, object], ...]:
    """Say, per county of ``counts``, whether one more ranch fits and what it would need.

    For each county the choice is re-solved with one more site there. When that fails, the
    shortfall of each county limit is the smallest over the unchosen candidates of the county
    (``need - slack``, m³/yr water, 亩 forage), ``candidates_left`` counts them and
    ``blocked_by`` lists what stops it: ``water``, ``forage``, ``absorption_land`` (no fit
    even with the county's water and forage limits lifted: the shared parcels in reach) or
    ``candidates`` (none left there).
    """
    out = []
    wanted = dict(counts.by_county)
    limits = {(lim.adcode, lim.kind): lim for lim in choice.county_limits}
    county = np.array(problem.county, dtype=object)
    left = np.array([s not in choice.chosen for s in problem.site_ids])
    for adcode in wanted:
        more = SiteCounts(by_county=tuple((c, n + (c == adcode)) for c, n in wanted.items()))
        again = choose_sites(problem, more, params)
        in_county = left & (county == adcode)
        entry: dict[str, object] = {
            "adcode": adcode,
            "fits": again.feasible,
            "candidates_left": int(in_county.sum()),
        }
        if not again.feasible:
            blocked = [] if in_county.any() else ["candidates"]
            for kind, values in (
                ("water", problem.water_need_m3_per_yr),
                ("forage", problem.forage_need_mu),
            ):
                limit = limits.get((adcode, kind))
                if limit is not None and in_county.any():
                    short = max(float(np.nanmin(values[in_county]) - limit.slack), 0.0)
                    entry[f"{kind}_short"] = short
                    blocked += [kind] if short > 0 else []
            if in_county.any() and not _fits_without_county_limits(problem, more, params, adcode):
                blocked.append("absorption_land")
            entry["blocked_by"] = blocked
        else:
            entry["objective_change_points"] = again.objective_points - choice.objective_points
        out.append(entry)
    return tuple(out)


def _fits_without_county_limits(
    problem: SitingProblem, counts: SiteCounts, params: OptimiseParams, adcode: str
) -> bool:
    """Whether ``counts`` fit with the water and forage limits of ``adcode`` lifted."""
    lifted = replace(
        problem,
        water_headroom_m3_per_yr={**problem.water_headroom_m3_per_yr, adcode: math.inf},
        forage_headroom_mu={**problem.forage_headroom_mu, adcode: math.inf},
    )
    return choose_sites(lifted, counts, params).feasible


def explain_choice(
    problem: SitingProblem,
    counts: SiteCounts,
    params: OptimiseParams,
    choice: SitingChoice,
    *,
    one_more: bool = True,
) -> SitingChoice:
    """Return ``choice`` with its explanation.

    Infeasible: `county_shortfalls`. Feasible with per-county counts and ``one_more``:
    `one_more_ranch` (one re-solve, and up to one more, per county).
    """
    if not choice.feasible:
        return replace(choice, shortfalls=county_shortfalls(problem, counts))
    if not counts.by_county or not one_more:
        return choice
    return replace(choice, one_more=one_more_ranch(problem, counts, params, choice))
