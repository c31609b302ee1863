"""Assess candidate sites end to end: needs, gates, criteria, score, rank, sensitivity.

This is the one call the CLI and the app make once the inputs are loaded (`planning.siting_inputs`
loads the layers and parameters; `geo.raster.slope_stats` measures the terrain). It stays
pure: sites are reprojected in memory, nothing is read from disk.

What a herd needs, per site (`add_site_needs`), by `siting.needs.herd_needs`' formulas (the one
computation the planner, the calculator and every command share), applied to all sites at
once by `siting.needs_table.herd_needs_table` (tested equal to `site_needs`, site by site):

* ``adcode``: the county containing the site's representative point (if counties are given);
* ``absorption_need_mu``: manure-absorption land **needed** on the guide's binding basis, on
  the land that would receive the manure: the absorption parcels within the haul radius
  (area-weighted demand per 亩), else the region's default receiving crop
  (``receiving_land`` = "parcels" or "crop"); ``absorption_land_n_mu`` /
  ``absorption_land_p_mu`` on each basis and ``absorption_basis``; ``absorption_need_low_mu``
  / ``absorption_need_high_mu`` the binding-basis land at the low and high end of the guide's
  in-season utilisation range (`siting.needs.UtilisationEnds`);
* ``forage_need_mu``: the herd's forage land at the county zone's yields when the county has
  a zone, else ``herd x forage_land_mu_per_cow`` (``forage_need_basis`` says which);
* ``water_need_m3_per_yr``: livestock water plus irrigation of that forage land (NaN without
  a zoned county).

Values already in the site table are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.validate import require_crs
from siting.needs import Herd, HerdNeeds, NeedInputs, herd_needs, site_receiving_lands
from siting.needs_table import herd_needs_table
from siting.score import (
    CriteriaWeights,
    SensitivityResult,
    SiteScores,
    score_sites,
    weight_sensitivity,
)

if TYPE_CHECKING:
    from siting.criteria import ConstraintLayers, SitingParams

#: Columns `add_site_needs` adds (besides ``adcode`` and ``forage_need_basis``).
NEED_COLUMNS = (
    "absorption_need_mu",
    "absorption_land_n_mu",
    "absorption_land_p_mu",
    "forage_need_mu",
    "water_need_m3_per_yr",
    "absorption_need_low_mu",
    "absorption_need_high_mu",
)


@dataclass(frozen=True, eq=False)
class SiteAssessment:
    """Scores of every site, the sensitivity check, and the sites with their needs.

    ``sites`` is the input in the analysis CRS with ``adcode``, ``absorption_need_mu``,
    ``forage_need_mu``, ``forage_need_basis`` and ``water_need_m3_per_yr`` added.
    """

    scores: SiteScores
    sensitivity: SensitivityResult
    sites: gpd.GeoDataFrame


def site_counties(sites: gpd.GeoDataFrame, counties: gpd.GeoDataFrame | None) -> pd.Series:
    """Return the ``adcode`` of the county holding each site's representative point.

    Sites outside every county (or with ``counties`` None) get None. Both frames must share
    a CRS.
    """
    out = pd.Series([None] * len(sites), index=sites.index, dtype=object)
    if counties is None or not len(sites):
        return out
    points = gpd.GeoDataFrame(geometry=sites.geometry.representative_point(), crs=sites.crs)
    joined = gpd.sjoin(points, counties[["adcode", "geometry"]], predicate="within", how="left")
    first: pd.Series = joined[~joined.index.duplicated()]["adcode"]
    return first.where(first.notna(), None).astype(object)


def site_needs(sites: gpd.GeoDataFrame, inputs: NeedInputs) -> dict[str, HerdNeeds]:
    """Return `siting.needs.herd_needs` of every site (dairy herd, county ``adcode``).

    ``sites`` has ``site_id``, ``dairy_cow_head`` (head), ``adcode`` and a footprint.
    """
    lands = site_receiving_lands(sites, inputs)
    return {
        str(sid): herd_needs(
            Herd.dairy(float(h)),
            lands[str(sid)],
            inputs.params,
            adcode=None if a is None or pd.isna(a) else str(a),
        )
        for sid, h, a in zip(
            sites["site_id"], sites["dairy_cow_head"], sites["adcode"], strict=True
        )
    }


def site_needs_table(sites: gpd.GeoDataFrame, inputs: NeedInputs) -> pd.DataFrame:
    """Return the needs of every site at once (`siting.needs_table.herd_needs_table`).

    The same numbers as `site_needs`, as array operations over all sites (issue 12).
    ``sites`` has ``site_id``, ``dairy_cow_head`` (head), ``adcode`` and a footprint.
    """
    lands = site_receiving_lands(sites, inputs)
    head = pd.DataFrame(
        {"dairy_cow_head": sites["dairy_cow_head"].astype(float).to_numpy()}, index=sites.index
    )
    adcodes = [None if a is None or pd.isna(a) else str(a) for a in sites["adcode"]]
    return herd_needs_table(
        head, [lands[sid] for sid in sites["site_id"].astype(str)], inputs.params, adcodes
    )


#: `NEED_COLUMNS` and the other site columns <- `siting.needs_table.herd_needs_table` columns.
_TABLE_SOURCE = {
    "absorption_need_mu": "absorption_land_need_mu",
    "absorption_land_n_mu": "absorption_land_n_mu",
    "absorption_land_p_mu": "absorption_land_p_mu",
    "forage_need_mu": "forage_land_mu",
    "water_need_m3_per_yr": "water_need_m3_per_yr",
    "absorption_need_low_mu": "absorption_land_need_low_mu",
    "absorption_need_high_mu": "absorption_land_need_high_mu",
    "absorption_basis": "binding_basis",
    "receiving_land": "receiving_land",
}


def _need_columns(
    sites: gpd.GeoDataFrame, needs: NeedInputs | None, params: SitingParams
) -> pd.DataFrame:
    """Needs of every site as columns; NaN (and the per-cow forage) without ``needs``."""
    herd = sites["dairy_cow_head"].astype(float)
    table = pd.DataFrame(np.nan, index=sites.index, columns=list(NEED_COLUMNS))
    table["absorption_basis"] = table["receiving_land"] = None
    if needs is not None:
        computed = site_needs_table(sites, needs)
        for column, source in _TABLE_SOURCE.items():
            table[column] = computed[source]
    table["forage_need_basis"] = np.where(
        table["forage_need_mu"].notna(), "siting.forage", "per-cow parameter"
    )
    table["forage_need_mu"] = table["forage_need_mu"].fillna(
        herd * params.forage_land_mu_per_cow.value
    )
    return table


def add_site_needs(
    sites: gpd.GeoDataFrame,
    needs: NeedInputs | None,
    params: SitingParams,
    counties: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return a copy of ``sites`` with ``adcode`` and the needs listed in the module doc.

    Existing non-null values are kept; with ``needs`` None the absorption need and water
    need stay missing (their criteria then say they are not available).
    """
    out = sites.copy()
    if "adcode" not in out or out["adcode"].isna().all():
        out["adcode"] = site_counties(out, counties)
    computed = _need_columns(out, needs, params)
    for column in computed.columns:
        values = computed[column]
        if column in NEED_COLUMNS and column in out:
            out[column] = out[column].astype(float).fillna(values)
        else:
            out[column] = values
    return out


def assess_sites(
    sites: gpd.GeoDataFrame,
    layers: ConstraintLayers,
    params: SitingParams,
    weights: CriteriaWeights,
    *,
    needs: NeedInputs | None = None,
    terrain: pd.DataFrame | None = None,
    delta_frac: float = 0.2,
) -> SiteAssessment:
    """Score candidate sites and check how stable their ranks are.

    Parameters
    ----------
    sites
        Polygons in any CRS with ``site_id`` and ``dairy_cow_head`` (head).
    layers, params, weights
        As for `siting.score.score_sites`; ``layers.counties`` locates each site's county.
    needs
        Coefficients, haul parameters and absorption parcels for the needs
        (`siting.needs.NeedInputs`; None: the absorption and water criteria are not
        available unless the sites carry the needs).
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
    return SiteAssessment(
        scores=scores, sensitivity=weight_sensitivity(scores, delta_frac=delta_frac), sites=prepared
    )
