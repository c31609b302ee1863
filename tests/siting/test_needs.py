"""`siting.needs.herd_needs`: supply, land on the parcels in reach or a crop, forage, water."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from errors import ParameterError
from planning.region_inputs import load_region_params
from siting.forage import herd_forage_need
from siting.needs import Herd, ReceivingLand, crop_receiving_land, herd_needs, receiving_lands
from siting.nutrients import crop_manure_demand, parcel_mix_demand
from siting.water import herd_water_need

PARAMS = replace(load_region_params(None), county_zones={"150122": "plain"})
PE_PER_COW = 100 / 15


def _parcels() -> pd.DataFrame:
    """Three parcels: 100 mu at 10 kg N/mu, 300 mu at 20 kg N/mu, 50 mu taking nothing."""
    return pd.DataFrame(
        {
            "area_mu": [100.0, 300.0, 50.0],
            "n_capacity_kg_per_yr": [1_000.0, 6_000.0, 0.0],
            "p_capacity_kg_per_yr": [200.0, 300.0, 0.0],
        }
    )


def test_parcel_mix_demand_is_area_weighted() -> None:
    mix = parcel_mix_demand(_parcels())
    assert mix is not None
    assert mix.n_demand_kg_per_mu == pytest.approx((1_000 + 6_000) / (100 + 300))
    assert mix.p_demand_kg_per_mu == pytest.approx((200 + 300) / (100 + 300))
    assert mix.parcel_count == 2


def test_parcels_that_take_nothing_give_no_mix() -> None:
    assert parcel_mix_demand(_parcels().iloc[[2]]) is None


def test_land_on_the_parcels_in_reach() -> None:
    pairs = pd.DataFrame({"farm_id": ["A", "A"], "parcel_pos": [0, 1]})
    lands = receiving_lands(pairs, _parcels(), ["A", "B"], PARAMS)
    assert lands["A"].source == "parcels" and lands["B"].source == "crop"
    need = herd_needs(Herd.dairy(3_000), lands["A"], PARAMS)
    assert need.absorption_land_n_mu == pytest.approx(3_000 * PE_PER_COW * 7.0 / (7_000 / 400))
    assert need.absorption_land_p_mu == pytest.approx(3_000 * PE_PER_COW * 1.2 / (500 / 400))
    assert need.binding_basis == "N"
    assert need.absorption_land_need_mu == need.absorption_land_n_mu


def test_default_crop_is_silage_maize_class_ii() -> None:
    demand = crop_manure_demand(
        PARAMS.crops.get("silage_corn"),
        yield_kg_per_mu=None,
        soil_class="II",
        params=PARAMS.nutrients,
    )
    need = herd_needs(Herd.dairy(5_000), crop_receiving_land(PARAMS), PARAMS)
    assert need.absorption_land_n_mu == pytest.approx(
        5_000 * PE_PER_COW * 7.0 / demand.n_demand_kg_per_mu
    )


def test_p_sensitive_land_binds_on_p() -> None:
    land = crop_receiving_land(PARAMS, "silage_corn", p_sensitive=True)
    need = herd_needs(Herd.dairy(1_000), land, PARAMS)
    assert need.binding_basis == "P"
    assert need.absorption_land_need_mu == need.absorption_land_p_mu


def test_forage_and_water_of_a_zoned_county() -> None:
    need = herd_needs(Herd.dairy(5_000), crop_receiving_land(PARAMS), PARAMS, adcode="150122")
    forage = herd_forage_need(
        {"dairy_cow_head": 5_000}, PARAMS.forage, adcode="150122", zone="plain"
    )
    water = herd_water_need(
        {"dairy_cow_head": 5_000}, forage, PARAMS.forage, PARAMS.water, zone="plain"
    )
    assert need.forage_land_mu == pytest.approx(forage.total_area_mu)
    assert need.forage_land_mu_by_feed == pytest.approx(dict(forage.area_mu))
    assert need.water_need_m3_per_yr == pytest.approx(water.total_water_m3_per_yr)
    parts = need.water_parts_m3_per_yr
    assert parts["livestock"] + parts["irrigation"] == pytest.approx(need.water_need_m3_per_yr)


def test_no_county_leaves_forage_and_water_unknown() -> None:
    need = herd_needs(Herd.dairy(100), crop_receiving_land(PARAMS), PARAMS)
    assert math.isnan(need.forage_land_mu) and math.isnan(need.water_need_m3_per_yr)
    assert need.to_dict()["water_need_m3_per_yr"] is None


def test_species_keys_map_to_herd_columns() -> None:
    herd = Herd.from_species({"dairy_cow": 15.0, "pig": 100.0})
    assert herd.head == {"dairy_cow_head": 15.0, "pig_head": 100.0}
    assert herd.by_species() == {"dairy_cow": 15.0, "pig": 100.0}


def test_unknown_receiving_crop_is_refused() -> None:
    with pytest.raises(ParameterError, match="receiving_crop 'banana'"):
        replace(PARAMS, receiving_crop="banana")


def test_unknown_route_is_refused() -> None:
    with pytest.raises(ParameterError, match="teleport"):
        herd_needs(
            Herd({"dairy_cow_head": 10.0}, route_key="teleport"),
            crop_receiving_land(PARAMS),
            PARAMS,
        )


def test_receiving_land_reports_its_source() -> None:
    mix = parcel_mix_demand(_parcels())
    assert mix is not None
    assert ReceivingLand(mix).source == "parcels"
