"""Site needs (county, absorption land, forage land, water) and the one-call assessment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import box

from layers.coefficients import load_crop_table, load_nutrient_params
from layers.forage_params import load_forage_params, load_water_params
from layers.siting_params import load_siting_params
from siting.assess import NeedAssumptions, absorption_need_mu, add_site_needs, assess_sites
from siting.criteria import ConstraintLayers
from siting.forage import herd_forage_need
from siting.nutrients import crop_manure_demand, farm_land_requirement, manure_supply
from siting.score import default_weights
from siting.water import herd_water_need

CRS = "EPSG:4546"
X0, Y0 = 500_000.0, 4_500_000.0


@pytest.fixture(scope="module")
def needs() -> NeedAssumptions:
    return NeedAssumptions(nutrient_params=load_nutrient_params(),
                           crop=load_crop_table().get("silage_corn"),
                           forage_params=load_forage_params(), water_params=load_water_params(),
                           zones={"150122": "plain"})


def _counties() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"adcode": ["150122"]}, geometry=[box(X0, Y0, X0 + 10_000,
                                                                  Y0 + 10_000)], crs=CRS)


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": ["in", "out"], "herd_dairy_cows": [5000.0, 2000.0]},
        geometry=[box(X0 + 100, Y0 + 100, X0 + 700, Y0 + 700),
                  box(X0 - 5000, Y0, X0 - 4400, Y0 + 600)], crs=CRS)


def test_absorption_need_is_the_guide_land_requirement(needs: NeedAssumptions) -> None:
    supply = manure_supply({"dairy_cow": 5000.0}, needs.nutrient_params)
    demand = crop_manure_demand(needs.crop, yield_kg_per_mu=None, soil_class="II",
                                params=needs.nutrient_params)
    expected = farm_land_requirement(supply, demand, params=needs.nutrient_params)
    assert absorption_need_mu(5000.0, needs) == pytest.approx(expected.land_required_mu)


def test_site_needs_use_the_county(needs: NeedAssumptions) -> None:
    params = load_siting_params()
    out = add_site_needs(_sites(), needs, params, _counties())
    inside, outside = out.iloc[0], out.iloc[1]
    assert inside["adcode"] == "150122" and pd.isna(outside["adcode"])
    forage = herd_forage_need({"dairy_cow_head": 5000.0}, needs.forage_params, adcode="150122",
                              zone="plain")
    water = herd_water_need({"dairy_cow_head": 5000.0}, forage, needs.forage_params,
                            needs.water_params, zone="plain")
    assert inside["forage_need_mu"] == pytest.approx(forage.total_area_mu)
    assert inside["forage_need_basis"] == "siting.forage"
    assert inside["water_need_m3_per_yr"] == pytest.approx(water.total_water_m3_per_yr)
    # Outside every county: the per-cow parameter, and no water need.
    assert outside["forage_need_mu"] == pytest.approx(2000 * params.forage_land_mu_per_cow.value)
    assert outside["forage_need_basis"] == "per-cow parameter"
    assert np.isnan(outside["water_need_m3_per_yr"])
    assert "adcode" not in _sites().columns  # input untouched


def test_given_needs_are_kept(needs: NeedAssumptions) -> None:
    sites = _sites().assign(absorption_need_mu=[123.0, np.nan])
    out = add_site_needs(sites, needs, load_siting_params(), _counties())
    assert out["absorption_need_mu"].iloc[0] == 123.0
    assert out["absorption_need_mu"].iloc[1] == pytest.approx(absorption_need_mu(2000, needs))


def test_assess_sites_in_lonlat(needs: NeedAssumptions) -> None:
    params = load_siting_params()
    layers = ConstraintLayers(CRS, {}, counties=_counties())
    result = assess_sites(_sites().to_crs("EPSG:4326"), layers, params,
                          default_weights(params), needs=needs)
    assert [s.site_id for s in result.scores.sites] == ["in", "out"]
    assert result.sites.crs == CRS and "forage_need_mu" in result.sites.columns
    # No layers, parcels or terrain: every gate unchecked, only unavailable criteria.
    site = result.scores.site("in")
    assert site.passed and site.score is None and site.rank is None
    assert all(not g.evaluated for g in site.gates)
    assert result.sensitivity.top_site_id is None
