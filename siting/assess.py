"""Assess candidate sites end to end: land needs, gates, criteria, score, rank, sensitivity.

This is the one call the CLI and the app make once the inputs are loaded (`layers.siting_inputs`
loads the layers and parameters; `geo.raster.slope_stats` measures the terrain). It stays
pure: sites are reprojected in memory, nothing is read from disk.

The manure-absorption land a herd needs comes from the 2018 MoA guide (`siting.nutrients`:
pig equivalents -> N/P supply -> receiving crop's manure demand per 亩 -> land on the binding
basis); the forage land it needs is ``herd x forage_land_mu_per_cow`` until the forage module
replaces it. Values already in the site table (``absorption_need_mu``, ``forage_need_mu``) are
kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from geo.validate import require_crs
from siting.nutrients import crop_manure_demand, farm_land_requirement, manure_supply
from siting.parameters import DAIRY_COW
from siting.score import (
    CriteriaWeights,
    SensitivityResult,
    SiteScores,
    score_sites,
    weight_sensitivity,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.criteria import ConstraintLayers, SitingParams
    from siting.parameters import CropCoefficient, NutrientParams


@dataclass(frozen=True)
class NeedAssumptions:
    """How a herd's manure-absorption land need is computed (guide §5).

    ``crop`` is the receiving crop (default in the CLI: silage maize), grown on soil class
    ``soil_class`` at the crop's default yield unless ``yield_kg_per_mu`` is given.
    """

    nutrient_params: NutrientParams
    crop: CropCoefficient
    soil_class: str = "II"
    yield_kg_per_mu: float | None = None


@dataclass(frozen=True)
class SiteAssessment:
    """Scores of every site and the weight-sensitivity check of the scored ones."""

    scores: SiteScores
    sensitivity: SensitivityResult


def absorption_need_mu(herd_dairy_cows: float, needs: NeedAssumptions) -> float:
    """Return the manure-absorption land (亩) a dairy herd needs on the binding basis."""
    supply = manure_supply({DAIRY_COW: herd_dairy_cows}, needs.nutrient_params)
    demand = crop_manure_demand(needs.crop, yield_kg_per_mu=needs.yield_kg_per_mu,
                                soil_class=needs.soil_class, params=needs.nutrient_params)
    return farm_land_requirement(supply, demand,
                                 params=needs.nutrient_params).land_required_mu


def add_land_needs(sites: gpd.GeoDataFrame, needs: NeedAssumptions | None,
                   params: SitingParams) -> gpd.GeoDataFrame:
    """Return a copy of ``sites`` with ``absorption_need_mu`` and ``forage_need_mu`` (亩).

    Existing non-null values are kept; with ``needs`` None the absorption need stays
    missing (the criterion then says it is not available).
    """
    out = sites.copy()
    herd = out["herd_dairy_cows"].astype(float)
    if needs is not None:
        computed = pd.Series([absorption_need_mu(h, needs) for h in herd], index=out.index,
                             dtype="float64")
        out["absorption_need_mu"] = (out["absorption_need_mu"].astype(float).fillna(computed)
                                     if "absorption_need_mu" in out else computed)
    forage = herd * params.forage_land_mu_per_cow.value
    out["forage_need_mu"] = (out["forage_need_mu"].astype(float).fillna(forage)
                             if "forage_need_mu" in out else forage)
    return out


def assess_sites(
    sites: gpd.GeoDataFrame, layers: ConstraintLayers, params: SitingParams,
    weights: CriteriaWeights, *, needs: NeedAssumptions | None = None,
    terrain: pd.DataFrame | None = None, delta_frac: float = 0.2,
) -> SiteAssessment:
    """Score candidate sites and check how stable their ranks are.

    Parameters
    ----------
    sites
        Polygons in any CRS with ``site_id`` and ``herd_dairy_cows`` (head).
    layers, params, weights
        As for `siting.score.score_sites`.
    needs
        Assumptions for the absorption-land need (None: criterion not available unless the
        sites carry ``absorption_need_mu``).
    terrain
        Per-site slope statistics (`geo.raster.slope_stats`).
    delta_frac
        Weight change of the sensitivity check (0.2 = ±20 %).

    Returns
    -------
    SiteAssessment
        ``scores`` (gates, criteria, score, rank per site) and ``sensitivity``.
    """
    require_crs(sites, what="candidate sites")
    prepared = add_land_needs(sites.to_crs(layers.crs), needs, params)
    scores = score_sites(prepared, layers, params, weights, terrain=terrain)
    return SiteAssessment(scores=scores,
                          sensitivity=weight_sensitivity(scores, delta_frac=delta_frac))
