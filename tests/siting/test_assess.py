"""Site needs (county, absorption land, forage land, water) and the one-call assessment."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import box

from geo.units import M2_PER_MU
from layers.siting_params import load_siting_params
from planning.region_inputs import load_region_params
from siting.allocate import AllocationParams
from siting.assess import add_site_needs, assess_sites
from siting.criteria import ConstraintLayers
from siting.forage import herd_forage_need
from siting.needs import NeedInputs
from siting.nutrients import crop_manure_demand
from siting.score import default_weights
from siting.water import herd_water_need

CRS = "EPSG:4546"
X0, Y0 = 500_000.0, 4_500_000.0


HAUL = AllocationParams(
    road_factor=1.0, default_haul_radius_km=2.0, priority_by_status={"proposed": 0}
)
N_CAP_PER_MU, P_CAP_PER_MU = 10.0, 2.0


@pytest.fixture(scope="module")
def needs() -> NeedInputs:
    params = replace(load_region_params(None), county_zones={"150122": "plain"})
    return NeedInputs(params, HAUL)


def _land_need_mu(head: float, needs: NeedInputs) -> float:
    demand = crop_manure_demand(
        needs.params.crops.get("silage_corn"),
        yield_kg_per_mu=None,
        soil_class="II",
        params=needs.params.nutrients,
    )
    return head * 100 / 15 * 7.0 / demand.n_demand_kg_per_mu


def _counties() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"adcode": ["150122"]}, geometry=[box(X0, Y0, X0 + 10_000, Y0 + 10_000)], crs=CRS
    )


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": ["in", "out"], "dairy_cow_head": [5000.0, 2000.0]},
        geometry=[
            box(X0 + 100, Y0 + 100, X0 + 700, Y0 + 700),
            box(X0 - 5000, Y0, X0 - 4400, Y0 + 600),
        ],
        crs=CRS,
    )


def test_absorption_need_without_parcels_is_at_the_default_crop(needs: NeedInputs) -> None:
    out = add_site_needs(_sites(), needs, load_siting_params(), _counties())
    assert out["absorption_need_mu"].iloc[0] == pytest.approx(_land_need_mu(5000.0, needs))
    assert list(out["receiving_land"]) == ["crop", "crop"]
    assert list(out["absorption_basis"]) == ["N", "N"]


def test_absorption_need_uses_the_parcels_in_reach(needs: NeedInputs) -> None:
    """Two 1-ha parcels within 2 km of site "in" (10 and 20 kg N/mu); none near "out"."""
    area_mu = 10_000 / M2_PER_MU
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": ["a", "b"],
            "area_mu": area_mu,
            "n_capacity_kg_per_yr": [N_CAP_PER_MU * area_mu, 2 * N_CAP_PER_MU * area_mu],
            "p_capacity_kg_per_yr": P_CAP_PER_MU * area_mu,
        },
        geometry=[box(X0 + 1000, Y0, X0 + 1100, Y0 + 100), box(X0 + 1200, Y0, X0 + 1300, Y0 + 100)],
        crs=CRS,
    )
    out = add_site_needs(
        _sites(), replace(needs, parcels=parcels), load_siting_params(), _counties()
    )
    n_supply = 5000 * 100 / 15 * 7.0
    mean_n_per_mu = (N_CAP_PER_MU + 2 * N_CAP_PER_MU) / 2
    assert out["absorption_land_n_mu"].iloc[0] == pytest.approx(n_supply / mean_n_per_mu)
    assert out["absorption_land_p_mu"].iloc[0] == pytest.approx(
        5000 * 100 / 15 * 1.2 / P_CAP_PER_MU
    )
    assert list(out["receiving_land"]) == ["parcels", "crop"]
    assert out["absorption_need_mu"].iloc[1] == pytest.approx(_land_need_mu(2000.0, needs))


def test_site_needs_use_the_county(needs: NeedInputs) -> None:
    params = load_siting_params()
    out = add_site_needs(_sites(), needs, params, _counties())
    inside, outside = out.iloc[0], out.iloc[1]
    assert inside["adcode"] == "150122" and pd.isna(outside["adcode"])
    forage = herd_forage_need(
        {"dairy_cow_head": 5000.0}, needs.params.forage, adcode="150122", zone="plain"
    )
    water = herd_water_need(
        {"dairy_cow_head": 5000.0}, forage, needs.params.forage, needs.params.water, zone="plain"
    )
    assert inside["forage_need_mu"] == pytest.approx(forage.total_area_mu)
    assert inside["forage_need_basis"] == "siting.forage"
    assert inside["water_need_m3_per_yr"] == pytest.approx(water.total_water_m3_per_yr)
    # Outside every county: the per-cow parameter, and no water need.
    assert outside["forage_need_mu"] == pytest.approx(2000 * params.forage_land_mu_per_cow.value)
    assert outside["forage_need_basis"] == "per-cow parameter"
    assert np.isnan(outside["water_need_m3_per_yr"])
    assert "adcode" not in _sites().columns  # input untouched


def test_given_needs_are_kept(needs: NeedInputs) -> None:
    sites = _sites().assign(absorption_need_mu=[123.0, np.nan])
    out = add_site_needs(sites, needs, load_siting_params(), _counties())
    assert out["absorption_need_mu"].iloc[0] == 123.0
    assert out["absorption_need_mu"].iloc[1] == pytest.approx(_land_need_mu(2000.0, needs))


def test_assess_sites_in_lonlat(needs: NeedInputs) -> None:
    params = load_siting_params()
    layers = ConstraintLayers(CRS, {}, counties=_counties())
    result = assess_sites(
        _sites().to_crs("EPSG:4326"), layers, params, default_weights(params), needs=needs
    )
    assert [s.site_id for s in result.scores.sites] == ["in", "out"]
    assert result.sites.crs == CRS and "forage_need_mu" in result.sites.columns
    # No layers, parcels or terrain: every gate unchecked, only unavailable criteria.
    site = result.scores.site("in")
    assert site.passed and site.score is None and site.rank is None
    assert all(not g.evaluated for g in site.gates)
    assert result.sensitivity.top_site_id is None
