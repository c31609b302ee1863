"""Assess candidate sites end to end: needs, gates, criteria, score, rank, sensitivity.

This is the one call the CLI and the app make once the inputs are loaded (`planning.siting_inputs`
loads the layers and parameters; `geo.raster.slope_stats` measures the terrain). It stays
pure: sites are reprojected in memory, nothing is read from disk.

What a herd needs, per site (`add_site_needs`):

* ``adcode``: the county containing the site's representative point (if counties are given);
* ``absorption_need_mu``: manure-absorption land of the 2018 MoA guide (`siting.nutrients`:
  pig equivalents -> N/P supply -> receiving crop's manure demand per 亩 -> land on the
  binding basis);
* ``forage_need_mu``: the herd's forage land from rations and the county zone's yields
  (`siting.forage.herd_forage_need`) when forage parameters and the county are known, else
  ``herd x forage_land_mu_per_cow`` (``forage_need_basis`` says which);
* ``water_need_m3_per_yr``: livestock water plus irrigation of that forage land
  (`siting.water.herd_water_need`), when water parameters and the county are known.

Values already in the site table are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.validate import require_crs
from siting.forage import herd_forage_need
from siting.nutrients import crop_manure_demand, farm_land_requirement, manure_supply
from siting.parameters import DAIRY_COW
from siting.score import (
    CriteriaWeights,
    SensitivityResult,
    SiteScores,
    score_sites,
    weight_sensitivity,
)
from siting.water import herd_water_need

if TYPE_CHECKING:
    from siting.criteria import ConstraintLayers, SitingParams
    from siting.parameters import CropCoefficient, ForageParams, NutrientParams, WaterParams

#: Herd column of the forage and water functions for dairy cattle (all dairy cattle on stock).
_FORAGE_HERD_KEY = "dairy_cow_head"


@dataclass(frozen=True, eq=False)
class NeedAssumptions:
    """How a herd's land and water needs are computed.

    ``crop`` is the receiving crop of the manure-land need (default in the CLI: silage
    maize), on soil class ``soil_class`` at the crop's default yield unless
    ``yield_kg_per_mu`` is given. ``forage_params``, ``water_params`` and ``zones``
    (county adcode -> zone) enable the forage and water needs of `siting.forage` and
    `siting.water`.
    """

    nutrient_params: NutrientParams
    crop: CropCoefficient
    soil_class: str = "II"
    yield_kg_per_mu: float | None = None
    forage_params: ForageParams | None = None
    water_params: WaterParams | None = None
    zones: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class SiteAssessment:
    """Scores of every site, the sensitivity check, and the sites with their needs.

    ``sites`` is the input in the analysis CRS with ``adcode``, ``absorption_need_mu``,
    ``forage_need_mu``, ``forage_need_basis`` and ``water_need_m3_per_yr`` added.
    """

    scores: SiteScores
    sensitivity: SensitivityResult
    sites: gpd.GeoDataFrame


def absorption_need_mu(herd_dairy_cows: float, needs: NeedAssumptions) -> float:
    """Return the manure-absorption land (亩) a dairy herd needs on the binding basis."""
    supply = manure_supply({DAIRY_COW: herd_dairy_cows}, needs.nutrient_params)
    demand = crop_manure_demand(needs.crop, yield_kg_per_mu=needs.yield_kg_per_mu,
                                soil_class=needs.soil_class, params=needs.nutrient_params)
    return farm_land_requirement(supply, demand,
                                 params=needs.nutrient_params).land_required_mu


def site_counties(sites: gpd.GeoDataFrame, counties: gpd.GeoDataFrame | None) -> pd.Series:
    """Return the ``adcode`` of the county holding each site's representative point.

    Sites outside every county (or with ``counties`` None) get None. Both frames must share
    a CRS.
    """
    out = pd.Series([None] * len(sites), index=sites.index, dtype=object)
    if counties is None or not len(sites):
        return out
    points = gpd.GeoDataFrame(geometry=sites.geometry.representative_point(), crs=sites.crs)
    joined = gpd.sjoin(points, counties[["adcode", "geometry"]], predicate="within",
                       how="left")
    first = joined[~joined.index.duplicated()]["adcode"]
    return first.where(first.notna(), None).astype(object)


def herd_forage_and_water(herd_dairy_cows: float, adcode: object,
                          forage_params: ForageParams | None,
                          water_params: WaterParams | None,
                          zones: Mapping[str, str]) -> tuple[float, float]:
    """Return a dairy herd's forage land (亩) and water need (m³/yr) in county ``adcode``.

    Forage land is `siting.forage.herd_forage_need` at the county zone's yields; water is
    `siting.water.herd_water_need` (livestock water plus irrigation of that land). NaN where
    not computable (no forage or water parameters, or a county without a zone). Shared by
    `add_site_needs` and the planner's scoring (`siting.plan_scores.score_inputs`).
    """
    if forage_params is None or adcode is None or str(adcode) not in zones:
        return np.nan, np.nan
    zone = zones[str(adcode)]
    herd_map = {_FORAGE_HERD_KEY: herd_dairy_cows}
    forage = herd_forage_need(herd_map, forage_params, adcode=str(adcode), zone=zone)
    if water_params is None:
        return forage.total_area_mu, np.nan
    water = herd_water_need(herd_map, forage, forage_params, water_params, zone=zone)
    return forage.total_area_mu, water.total_water_m3_per_yr


def _forage_and_water(herd: float, adcode: object, needs: NeedAssumptions | None,
                      ) -> tuple[float, float]:
    """Forage land (亩) and water (m³/yr) of one herd; NaN where not computable."""
    if needs is None:
        return np.nan, np.nan
    return herd_forage_and_water(herd, adcode, needs.forage_params, needs.water_params,
                                 needs.zones)


def add_site_needs(sites: gpd.GeoDataFrame, needs: NeedAssumptions | None,
                   params: SitingParams, counties: gpd.GeoDataFrame | None = None,
                   ) -> gpd.GeoDataFrame:
    """Return a copy of ``sites`` with ``adcode`` and the needs listed in the module doc.

    Existing non-null values are kept; with ``needs`` None the absorption need and water
    need stay missing (their criteria then say they are not available).
    """
    out = sites.copy()
    herd = out["herd_dairy_cows"].astype(float)
    if "adcode" not in out or out["adcode"].isna().all():
        out["adcode"] = site_counties(out, counties)
    computed = {"absorption_need_mu": [np.nan] * len(out)}
    if needs is not None:
        computed["absorption_need_mu"] = [absorption_need_mu(h, needs) for h in herd]
    pairs = [_forage_and_water(h, a, needs) for h, a in zip(herd, out["adcode"], strict=True)]
    forage = pd.Series([f for f, _ in pairs], index=out.index, dtype="float64")
    out["forage_need_basis"] = np.where(forage.notna(), "siting.forage", "per-cow parameter")
    computed["forage_need_mu"] = forage.fillna(herd * params.forage_land_mu_per_cow.value)
    computed["water_need_m3_per_yr"] = [w for _, w in pairs]
    for column, values in computed.items():
        series = pd.Series(values, index=out.index, dtype="float64")
        out[column] = out[column].astype(float).fillna(series) if column in out else series
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
        As for `siting.score.score_sites`; ``layers.counties`` locates each site's county.
    needs
        Assumptions for the land and water needs (None: the absorption and water criteria
        are not available unless the sites carry the needs).
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
    prepared = add_site_needs(sites.to_crs(layers.crs), needs, params, layers.counties)
    scores = score_sites(prepared, layers, params, weights, terrain=terrain)
    return SiteAssessment(scores=scores,
                          sensitivity=weight_sensitivity(scores, delta_frac=delta_frac),
                          sites=prepared)
