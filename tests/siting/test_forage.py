"""Tests of siting.forage with figures worked by hand from the default tables.

Defaults (data/coefficients): rations in t as fed per head per year (silage / alfalfa / 羊草
grass hay; no class has an oat-hay ration of its own) - lactating cows 8 / 1.3 / 2.0, dry cows
6 / 1.1 / 1.5, heifers 2.75 / 0.5 / 1.85, calves 1.9 / 0 / 1.2; dairy goats 0.5 / 0.3 and oat
hay 0.2. 40% of the 羊草 is fed as oat hay grown on cropland and the land grows 10% more than
is fed (storage loss). Herd structure of a dairy head count: lactating 0.50, dry 0.10, heifers
0.13, calves 0.27. Yields t/亩: plain silage 3.0, alfalfa 0.65, oat hay 0.6; hills
2.5 / 0.45 / 0.4.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from errors import ParameterError
from layers.forage_params import load_forage_params
from siting.forage import (
    class_heads,
    county_yields,
    feed_demand,
    herd_forage_need,
    parcel_forage_area,
)
from siting.parameters import ForageParams

PARAMS = load_forage_params()
LOSS = 1.10
SILAGE_T_PER_HEAD = LOSS * (0.50 * 8 + 0.10 * 6 + 0.13 * 2.75 + 0.27 * 1.9)  # 6.01755 t
ALFALFA_T_PER_HEAD = LOSS * (0.50 * 1.3 + 0.10 * 1.1 + 0.13 * 0.5 + 0.27 * 0.0)  # 0.9075 t
OAT_T_PER_HEAD = LOSS * 0.40 * (0.50 * 2.0 + 0.10 * 1.5 + 0.13 * 1.85 + 0.27 * 1.2)  # 0.75438
GOAT_SILAGE_T, GOAT_ALFALFA_T, GOAT_OAT_T = LOSS * 0.5, LOSS * 0.3, LOSS * 0.2


def test_dairy_head_count_is_split_by_the_herd_structure() -> None:
    herd = pd.DataFrame({"dairy_cow_head": [10_000, 0], "goat_head": [0, 300]})
    heads = class_heads(herd, PARAMS)
    assert heads.loc[0].to_dict() == pytest.approx(
        {
            "lactating_cow_head": 5_000,
            "dry_cow_head": 1_000,
            "heifer_head": 1_300,
            "calf_head": 2_700,
            "dairy_goat_head": 0,
        }
    )
    assert heads.loc[1, "dairy_goat_head"] == 300
    assert heads.loc[0].sum() == pytest.approx(10_000)  # shares add up to 1


def test_feed_demand_per_dairy_head_and_goat() -> None:
    herd = pd.DataFrame({"dairy_cow_head": [1_000], "goat_head": [100]})
    demand = feed_demand(class_heads(herd, PARAMS), PARAMS).iloc[0]
    assert pytest.approx(6.01755) == SILAGE_T_PER_HEAD
    assert demand["silage_corn_demand_t_per_yr"] == pytest.approx(
        1_000 * SILAGE_T_PER_HEAD + 100 * GOAT_SILAGE_T
    )
    assert demand["alfalfa_demand_t_per_yr"] == pytest.approx(
        1_000 * ALFALFA_T_PER_HEAD + 100 * GOAT_ALFALFA_T
    )
    assert demand["oat_hay_demand_t_per_yr"] == pytest.approx(
        1_000 * OAT_T_PER_HEAD + 100 * GOAT_OAT_T
    )


def test_grass_hay_is_not_oat_hay() -> None:
    # Without substitution no class eats oat hay (羊草 comes from grassland); with all of
    # it substituted the oat hay equals the grass-hay ration.
    herd = pd.DataFrame({"dairy_cow_head": [1_000]})
    none = dataclasses.replace(PARAMS, grass_hay_as_oat_hay_frac=0.0)
    assert feed_demand(class_heads(herd, none), none).iloc[0]["oat_hay_demand_t_per_yr"] == 0.0
    full = dataclasses.replace(PARAMS, grass_hay_as_oat_hay_frac=1.0, storage_loss_frac=0.0)
    assert feed_demand(class_heads(herd, full), full).iloc[0]["oat_hay_demand_t_per_yr"] == (
        pytest.approx(1_000 * (0.50 * 2.0 + 0.10 * 1.5 + 0.13 * 1.85 + 0.27 * 1.2))
    )


def test_feeding_shares_are_checked() -> None:
    with pytest.raises(ParameterError, match=r"grass_hay_as_oat_hay_frac = 1.5"):
        dataclasses.replace(PARAMS, grass_hay_as_oat_hay_frac=1.5)


def test_forage_need_of_a_5000_head_ranch_on_the_plain() -> None:
    need = herd_forage_need(
        {"dairy_cow_head": 5_000},
        PARAMS,
        adcode="150121",
        zone="plain",
        local_share_frac={"alfalfa": 0.3, "oat_hay": 0.3},
    )
    assert need.demand_t_per_yr["silage_corn"] == pytest.approx(5_000 * SILAGE_T_PER_HEAD)
    silage_mu = 5_000 * SILAGE_T_PER_HEAD / 3.0  # 10,029 亩
    alfalfa_mu = 5_000 * ALFALFA_T_PER_HEAD * 0.3 / 0.65  # 2,094 亩
    oat_mu = 5_000 * OAT_T_PER_HEAD * 0.3 / 0.6  # 1,886 亩
    assert need.area_mu["silage_corn"] == pytest.approx(silage_mu)
    assert need.area_mu["alfalfa"] == pytest.approx(alfalfa_mu)
    assert need.area_mu["oat_hay"] == pytest.approx(oat_mu)
    assert need.total_area_mu == pytest.approx(silage_mu + alfalfa_mu + oat_mu)


def test_forage_need_explains_every_feed_with_its_sources() -> None:
    need = herd_forage_need({"dairy_cow_head": 100}, PARAMS, adcode="150124", zone="hills")
    rows = {row.quantity: row for row in need.explain()}
    assert rows["silage_corn_area_mu"].value == pytest.approx(100 * SILAGE_T_PER_HEAD / 2.5)
    assert "÷ 2.5 t/mu" in rows["silage_corn_area_mu"].formula
    assert [c.key for c in rows["silage_corn_area_mu"].coefficients] == ["yield.hills.silage_corn"]
    assert {c.key for c in rows["alfalfa_demand_t_per_yr"].coefficients} >= {
        "ration.lactating_cow.alfalfa",
        "ration.heifer.alfalfa",
        "feeding.storage_loss_frac",
    }
    assert {c.key for c in rows["oat_hay_demand_t_per_yr"].coefficients} >= {
        "ration.lactating_cow.grass_hay",
        "feeding.grass_hay_as_oat_hay_frac",
    }
    assert need.to_dict()["total_area_mu"] == pytest.approx(need.total_area_mu)


def test_county_override_replaces_the_zone_yield() -> None:
    params = dataclasses.replace(PARAMS, county_yield_t_per_mu={"150121": {"silage_corn": 4.0}})
    need = herd_forage_need({"dairy_cow_head": 1_000}, params, adcode="150121", zone="plain")
    assert need.area_mu["silage_corn"] == pytest.approx(1_000 * SILAGE_T_PER_HEAD / 4.0)
    assert need.area_mu["alfalfa"] == pytest.approx(1_000 * ALFALFA_T_PER_HEAD / 0.65)  # zone
    keys = {c.key for c in need.sources}
    assert "yield_override.150121.silage_corn" in keys
    record = params.coefficient("yield_override.150121.silage_corn")
    assert record.status == "user"


def test_county_yields_by_zone() -> None:
    yields = county_yields(
        pd.Series(["150121", "150124"]), {"150121": "plain", "150124": "hills"}, PARAMS
    )
    assert yields["silage_corn_yield_t_per_mu"].tolist() == [3.0, 2.5]
    assert yields["oat_hay_yield_t_per_mu"].tolist() == [0.6, 0.4]


def test_county_without_zone_is_reported() -> None:
    with pytest.raises(ParameterError, match="no zone for county 150199"):
        county_yields(pd.Series(["150121", "150199"]), {"150121": "plain"}, PARAMS)


def test_unknown_zone_lists_the_known_ones() -> None:
    with pytest.raises(
        ParameterError,
        match=r"zone 'desert' has no forage yields; known zones: "
        r"plain, plateau, hills, mountain",
    ):
        herd_forage_need({"dairy_cow_head": 1}, PARAMS, adcode="150121", zone="desert")


def test_bad_herd_and_share_are_refused() -> None:
    with pytest.raises(ParameterError, match=r"dairy_cow_head must be a head count >= 0"):
        class_heads(pd.DataFrame({"dairy_cow_head": [-5]}), PARAMS)
    with pytest.raises(ParameterError, match=r"local_share_frac\['alfalfa'\] = 1.5"):
        herd_forage_need(
            {"dairy_cow_head": 1},
            PARAMS,
            adcode="150121",
            zone="plain",
            local_share_frac={"alfalfa": 1.5},
        )


def test_parcel_forage_area_maps_crop_keys_to_feeds() -> None:
    parcels = pd.DataFrame(
        {
            "adcode": ["150121", "150121", "150121", "150122"],
            "crop": ["silage_corn", "forage_oat", "maize", "alfalfa"],
            "area_mu": [100.0, 40.0, 999.0, 7.0],
        }
    )
    area = parcel_forage_area(parcels).set_index("adcode")
    assert area.loc["150121"].to_dict() == {
        "silage_corn_area_mu": 100.0,
        "alfalfa_area_mu": 0.0,
        "oat_hay_area_mu": 40.0,
    }
    assert area.loc["150122", "alfalfa_area_mu"] == 7.0


# --- parameter checks ----------------------------------------------------------------------


def test_herd_shares_must_add_up_to_one() -> None:
    shares = {**PARAMS.herd_share_frac, "calf": 0.5}
    with pytest.raises(ParameterError, match=r"herd_share_frac adds up to 1\.23"):
        dataclasses.replace(PARAMS, herd_share_frac=shares)


def test_rations_need_every_class_and_feed() -> None:
    rations = {k: dict(v) for k, v in PARAMS.ration_t_per_head_yr.items()}
    del rations["dairy_goat"]
    rations["heifer"]["silage_corn"] = -1.0
    with pytest.raises(
        ParameterError,
        match=r"lacks \['dairy_goat'\].*ration\['heifer'\]"
        r"\['silage_corn'\] = -1.0",
    ):
        dataclasses.replace(PARAMS, ration_t_per_head_yr=rations)


def test_yields_must_be_positive_and_overrides_known() -> None:
    with pytest.raises(
        ParameterError,
        match=r"yield\['plain'\]\['alfalfa'\] = 0.*unknown feed "
        r"'maize'",
    ):
        ForageParams(
            PARAMS.ration_t_per_head_yr,
            PARAMS.herd_share_frac,
            {"plain": {"silage_corn": 3.0, "alfalfa": 0.0, "oat_hay": 0.6}},
            county_yield_t_per_mu={"150121": {"maize": 1.0}},
        )


def test_defaults_carry_status_and_source() -> None:
    records = {c.key: c for c in PARAMS.coefficients()}
    assert records["ration.lactating_cow.silage_corn"].status == "corroborated"
    assert "xumuren" in records["ration.lactating_cow.silage_corn"].source
    assert records["ration.heifer.silage_corn"].status == "derived"  # middle of a cited range
    assert records["feeding.grass_hay_as_oat_hay_frac"].status == "derived"
    assert not [
        k for k, c in records.items() if c.status == "verified" and k != "feeding.storage_loss_frac"
    ]
    assert records["ration.dairy_goat.silage_corn"].status == "illustrative"
    assert records["yield.plain.silage_corn"].status == "derived"
