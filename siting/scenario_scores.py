"""Suitability (gates and score, `siting.score`) of a scenario's sites, one site at a time.

A site's gates and criteria depend only on its own footprint, herd and land needs, so they
are cached by a signature of those inputs: after editing one site only that site is checked
again (`score_scenario_sites`); ranks are then recomputed over all scored sites, 1 = best, equal
scores (within `RANK_TOLERANCE_SCORE`) sharing the better rank, as `siting.score` ranks.
Sites without dairy cattle are not scored (the criteria are written for dairy ranches).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from siting.score import SiteResult, score_sites

if TYPE_CHECKING:
    from siting.criteria import ConstraintLayers, SitingParams
    from siting.score import CriteriaWeights

RANK_TOLERANCE_SCORE: Final[float] = 1e-9
SCORE_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "scored",
    "gates_passed",
    "suitability_score",
    "suitability_rank",
    "failed_gates",
    "unchecked_gate_count",
)


@dataclass(frozen=True, eq=False)
class SuitabilityInputs:
    """What the suitability engine needs besides the sites (all in ``layers.crs``).

    ``terrain`` holds per-site slope (``site_id``, ``slope_mean_deg``, ``slope_max_deg``) for
    the sites it covers, or None when the region has no DEM.
    """

    layers: ConstraintLayers
    params: SitingParams
    weights: CriteriaWeights
    terrain: pd.DataFrame | None = None


def score_inputs(sites: gpd.GeoDataFrame, results: pd.DataFrame, *, crs: str) -> gpd.GeoDataFrame:
    """Return the sites as `siting.score.score_sites` wants them, in ``crs``.

    Parameters
    ----------
    sites
        Plan-store sites (EPSG:4326) with ``site_id``, ``dairy_cow_head`` and
        ``county_code``.
    results
        `siting.scenario_results.site_results` of the sites (``absorption_land_need_mu``,
        ``forage_land_mu``, ``water_need_m3_per_yr``: `siting.needs.herd_needs`, as the
        site-check page computes them).

    Returns
    -------
    frame
        ``site_id``, ``adcode`` (the site's ``county_code``), ``dairy_cow_head``,
        ``absorption_need_mu`` (the land needed on the binding basis), ``forage_need_mu``,
        ``water_need_m3_per_yr`` (m³/yr; NaN without a zoned county) and the footprint in
        ``crs``.
    """
    res = results.set_index("site_id").reindex(sites["site_id"].astype(str))
    herd = pd.to_numeric(sites["dairy_cow_head"]).fillna(0).to_numpy(float)
    adcode = _county_codes(sites)
    frame = pd.DataFrame(
        {
            "site_id": sites["site_id"].astype(str).to_numpy(),
            "adcode": adcode,
            "dairy_cow_head": herd,
            "absorption_need_mu": res["absorption_land_need_mu"].to_numpy(dtype=float),
            "forage_need_mu": res["forage_land_mu"].to_numpy(dtype=float),
            "water_need_m3_per_yr": res["water_need_m3_per_yr"].to_numpy(dtype=float),
        }
    )
    geometry = gpd.GeoSeries(sites.geometry.to_numpy(), crs=sites.crs).to_crs(crs)
    return gpd.GeoDataFrame(frame, geometry=geometry.to_numpy(), crs=crs)


def _county_codes(sites: pd.DataFrame) -> np.ndarray:
    if "county_code" not in sites.columns:
        return np.full(len(sites), None, dtype=object)
    codes = sites["county_code"].astype(object)
    return np.array([c if isinstance(c, str) and c else None for c in codes], dtype=object)


def site_signature(row: pd.Series) -> str:
    """Return a digest of what a site's suitability depends on (footprint, herd, needs)."""
    parts = [shapely.to_wkb(row["geometry"], hex=True)]
    parts += [
        f"{row.get(c)!r}"
        for c in (
            "site_id",
            "adcode",
            "dairy_cow_head",
            "absorption_need_mu",
            "forage_need_mu",
            "water_need_m3_per_yr",
        )
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def score_scenario_sites(
    frame: gpd.GeoDataFrame,
    inputs: SuitabilityInputs,
    cache: Mapping[str, SiteResult] | None = None,
) -> tuple[dict[str, SiteResult], dict[str, SiteResult]]:
    """Check and score the sites that are not in ``cache``; rank all scored sites.

    Parameters
    ----------
    frame
        `score_inputs` of the scenario's sites.
    inputs
        Constraint layers, siting parameters, weights and terrain.
    cache
        Earlier results by `site_signature` (from a previous call).

    Returns
    -------
    results, cache
        Results by site id (ranked among the scored sites; sites without dairy cattle are
        absent) and the cache to pass next time (only the current sites' signatures).

    Raises
    ------
    SchemaError, CrsMismatchError, InvalidGeometryError
        From `siting.score.score_sites`.
    """
    old = dict(cache or {})
    dairy = frame[frame["dairy_cow_head"] > 0]
    signatures = {str(row["site_id"]): site_signature(row) for _, row in dairy.iterrows()}
    todo = dairy[[signatures[str(s)] not in old for s in dairy["site_id"]]]
    if len(todo):
        scored = score_sites(
            todo,
            inputs.layers,
            inputs.params,
            inputs.weights,
            terrain=_terrain_for(inputs.terrain, todo),
        )
        old.update({signatures[r.site_id]: r for r in scored.sites})
    new_cache = {sig: old[sig] for sig in signatures.values()}
    by_site = {sid: old[sig] for sid, sig in signatures.items()}
    return _ranked(by_site), new_cache


def score_table(frame: gpd.GeoDataFrame, results: Mapping[str, SiteResult]) -> pd.DataFrame:
    """Return one row per site of ``frame``: columns `SCORE_COLUMNS`.

    ``scored`` is False for sites without dairy cattle; ``gates_passed`` is the pass/fail
    of the checked gates; ``suitability_score`` is 0-100 (NaN when a gate failed or the
    site is not scored); ``failed_gates`` lists the failed rules, ``;``-joined.
    """
    rows = []
    for sid in frame["site_id"].astype(str):
        res = results.get(sid)
        rows.append(
            {
                "site_id": sid,
                "scored": res is not None,
                "gates_passed": None if res is None else res.passed,
                "suitability_score": np.nan if res is None or res.score is None else res.score,
                "suitability_rank": None if res is None else res.rank,
                "failed_gates": "" if res is None else ";".join(g.rule for g in res.failed_gates),
                "unchecked_gate_count": 0 if res is None else len(res.unchecked_gates),
            }
        )
    table = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    table["suitability_rank"] = table["suitability_rank"].astype("Int64")
    table["gates_passed"] = table["gates_passed"].astype("boolean")
    return table


def _terrain_for(terrain: pd.DataFrame | None, sites: pd.DataFrame) -> pd.DataFrame | None:
    if terrain is None:
        return None
    ids = set(sites["site_id"].astype(str))
    return terrain[terrain["site_id"].astype(str).isin(ids)].reset_index(drop=True)


def _ranked(results: dict[str, SiteResult]) -> dict[str, SiteResult]:
    scored = [sid for sid, r in results.items() if r.score is not None]
    scores = np.array([results[sid].score for sid in scored], dtype=np.float64)
    ranks = 1 + (scores[None, :] > scores[:, None] + RANK_TOLERANCE_SCORE).sum(axis=1)
    out = {sid: replace(r, rank=None) for sid, r in results.items()}
    for sid, rank in zip(scored, ranks, strict=True):
        out[sid] = replace(results[sid], rank=int(rank))
    return out
