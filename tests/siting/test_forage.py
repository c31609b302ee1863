"""Tests of siting.forage with figures worked by hand from the default tables.

Defaults (data/coefficients): rations in t as fed per head per year - lactating and dry cows
silage 7, alfalfa 1.3, oat/grass hay 1.75; heifers 2.75 / 0.5 / 1.85; calves 1.9 / 0 / 1.2;
dairy goats 0.5 / 0.3 / 0.2. Herd structure of a dairy head count: lactating 0.46, dry 0.09,
heifers 0.20, calves 0.25. Yields t/亩: plain silage 3.0, alfalfa 0.65, oat hay 0.6; hills
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
SILAGE_T_PER_HEAD = 0.46 * 7 + 0.09 * 7 + 0.20 * 2.75 + 0.25 * 1.9  # 4.875 t
ALFALFA_T_PER_HEAD = 0.46 * 1.3 + 0.09 * 1.3 + 0.20 * 0.5 + 0.25 * 0.0  # 0.815 t
OAT_T_PER_HEAD = 0.46 * 1.75 + 0.09 * 1.75 + 0.20 * 1.85 + 0.25 * 1.2  # 1.6325 t


def test_dairy_head_count_is_split_by_the_herd_structure() -> None:
    herd = pd.DataFrame({"dairy_cow_head": [10_000, 0], "goat_head": [0, 300]})
    heads = class_heads(herd, PARAMS)
    assert heads.loc[0].to_dict() == pytest.approx({
        "lactating_cow_head": 4_600, "dry_cow_head": 900, "heifer_head": 2_000,
        "calf_head": 2_500, "dairy_goat_head": 0})
    assert heads.loc[1, "dairy_goat_head"] == 300
    assert heads.loc[0].sum() == pytest.approx(10_000)  # shares add up to 1


def test_feed_demand_per_dairy_head_and_goat() -> None:
    herd = pd.DataFrame({"dairy_cow_head": [1_000], "goat_head": [100]})
    demand = feed_demand(class_heads(herd, PARAMS), PARAMS).iloc[0]
    assert pytest.approx(4.875) == SILAGE_T_PER_HEAD
    assert demand["silage_corn_demand_t_per_yr"] == pytest.approx(1_000 * 4.875 + 100 * 0.5)
    assert demand["alfalfa_demand_t_per_yr"] == pytest.approx(1_000 * 0.815 + 100 * 0.3)
    assert demand["oat_hay_demand_t_per_yr"] == pytest.approx(1_000 * 1.6325 + 100 * 0.2)


def test_forage_need_of_a_5000_head_ranch_on_the_plain() -> None:
    need = herd_forage_need({"dairy_cow_head": 5_000}, PARAMS, adcode="150121", zone="plain",
                            local_share_frac={"alfalfa": 0.3, "oat_hay": 0.3})
    assert need.demand_t_per_yr["silage_corn"] == pytest.approx(5_000 * SILAGE_T_PER_HEAD)
    assert need.area_mu["silage_corn"] == pytest.approx(5_000 * 4.875 / 3.0)  # 8,125 亩
    assert need.area_mu["alfalfa"] == pytest.approx(5_000 * 0.815 * 0.3 / 0.65)  # 1,880.8
    assert need.area_mu["oat_hay"] == pytest.approx(5_000 * 1.6325 * 0.3 / 0.6)  # 4,081.25
    assert need.total_area_mu == pytest.approx(8_125 + 1_880.769 + 4_081.25, abs=0.01)
    # the plan's "15 ranches need about 25万亩": 15 x 14,087 亩 = 21.1万亩 at these defaults
    assert 15 * need.total_area_mu / 10_000 == pytest.approx(21.13, abs=0.01)


def test_forage_need_explains_every_feed_with_its_sources() -> None:
    need = herd_forage_need({"dairy_cow_head": 100}, PARAMS, adcode="150124", zone="hills")
    rows = {row.quantity: row for row in need.explain()}
    assert rows["silage_corn_area_mu"].value == pytest.approx(100 * 4.875 / 2.5)
    assert "÷ 2.5 t/mu" in rows["silage_corn_area_mu"].formula
    assert [c.key for c in rows["silage_corn_area_mu"].coefficients] == ["yield.hills.silage_corn"]
    assert {c.key for c in rows["alfalfa_demand_t_per_yr"].coefficients} >= {
        "ration.lactating_cow.alfalfa", "ration.heifer.alfalfa"}
    assert need.to_dict()["total_area_mu"] == pytest.approx(need.total_area_mu)


def test_county_override_replaces_the_zone_yield() -> None:
    params = dataclasses.replace(PARAMS, county_yield_t_per_mu={"150121": {"silage_corn": 4.0}})
    need = herd_forage_need({"dairy_cow_head": 1_000}, params, adcode="150121", zone="plain")
    assert need.area_mu["silage_corn"] == pytest.approx(1_000 * 4.875 / 4.0)
    assert need.area_mu["alfalfa"] == pytest.approx(1_000 * 0.815 / 0.65)  # zone default
    keys = {c.key for c in need.sources}
    assert "yield_override.150121.silage_corn" in keys
    record = params.coefficient("yield_override.150121.silage_corn")
    assert record.status == "user"


def test_county_yields_by_zone() -> None:
    yields = county_yields(pd.Series(["150121", "150124"]), {"150121": "plain",
                                                             "150124": "hills"}, PARAMS)
    assert yields["silage_corn_yield_t_per_mu"].tolist() == [3.0, 2.5]
    assert yields["oat_hay_yield_t_per_mu"].tolist() == [0.6, 0.4]


def test_county_without_zone_is_reported() -> None:
    with pytest.raises(ParameterError, match="no zone for county 150199"):
        county_yields(pd.Series(["150121", "150199"]), {"150121": "plain"}, PARAMS)


def test_unknown_zone_lists_the_known_ones() -> None:
    with pytest.raises(ParameterError, match=r"zone 'desert' has no forage yields; known zones: "
                                             r"plain, plateau, hills, mountain"):
        herd_forage_need({"dairy_cow_head": 1}, PARAMS, adcode="150121", zone="desert")


def test_bad_herd_and_share_are_refused() -> None:
    with pytest.raises(ParameterError, match=r"dairy_cow_head must be a head count >= 0"):
        class_heads(pd.DataFrame({"dairy_cow_head": [-5]}), PARAMS)
    with pytest.raises(ParameterError, match=r"local_share_frac\['alfalfa'\] = 1.5"):
        herd_forage_need({"dairy_cow_head": 1}, PARAMS, adcode="150121", zone="plain",
                         local_share_frac={"alfalfa": 1.5})


def test_parcel_forage_area_maps_crop_keys_to_feeds() -> None:
    parcels = pd.DataFrame({
        "adcode": ["150121", "150121", "150121", "150122"],
        "crop": ["silage_corn", "forage_oat", "maize", "alfalfa"],
        "area_mu": [100.0, 40.0, 999.0, 7.0]})
    area = parcel_forage_area(parcels).set_index("adcode")
    assert area.loc["150121"].to_dict() == {"silage_corn_area_mu": 100.0,
                                            "alfalfa_area_mu": 0.0, "oat_hay_area_mu": 40.0}
    assert area.loc["150122", "alfalfa_area_mu"] == 7.0


# --- parameter checks ----------------------------------------------------------------------

def test_herd_shares_must_add_up_to_one() -> None:
    shares = {**PARAMS.herd_share_frac, "calf": 0.5}
    with pytest.raises(ParameterError, match=r"herd_share_frac adds up to 1\.25"):
        dataclasses.replace(PARAMS, herd_share_frac=shares)


def test_rations_need_every_class_and_feed() -> None:
    rations = {k: dict(v) for k, v in PARAMS.ration_t_per_head_yr.items()}
    del rations["dairy_goat"]
    rations["heifer"]["silage_corn"] = -1.0
    with pytest.raises(ParameterError, match=r"lacks \['dairy_goat'\].*ration\['heifer'\]"
                                             r"\['silage_corn'\] = -1.0"):
        dataclasses.replace(PARAMS, ration_t_per_head_yr=rations)


def test_yields_must_be_positive_and_overrides_known() -> None:
    with pytest.raises(ParameterError, match=r"yield\['plain'\]\['alfalfa'\] = 0.*unknown feed "
                                             r"'maize'"):
        ForageParams(PARAMS.ration_t_per_head_yr, PARAMS.herd_share_frac,
                     {"plain": {"silage_corn": 3.0, "alfalfa": 0.0, "oat_hay": 0.6}},
                     county_yield_t_per_mu={"150121": {"maize": 1.0}})


def test_defaults_carry_status_and_source() -> None:
    records = {c.key: c for c in PARAMS.coefficients()}
    assert records["ration.lactating_cow.silage_corn"].status == "verified"
    assert "68yangzhi" in records["ration.lactating_cow.silage_corn"].source
    assert records["ration.dairy_goat.silage_corn"].status == "illustrative"
    assert records["yield.plain.silage_corn"].status == "derived"
