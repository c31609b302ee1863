"""Tests of siting.nutrients with figures worked by hand from the guide's formulas.

Coefficients (农办牧〔2018〕1号, status recalled): 100 pigs = 15 dairy cows = 30 beef cattle =
250 sheep or goats = 2,500 poultry; 11 kg N and 1.65 kg P excreted per PE; 7.0 kg N and 1.2 kg P
supplied per PE after losses; fertilisation share 0.35/0.45/0.55 by soil class; utilisation
N 0.30, P 0.35 (the cautious high ends of the guide's ranges); manure share default 0.5.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errors import ParameterError, SchemaError
from layers.coefficients import (
    load_crop_table,
    load_manure_routes,
    load_nutrient_params,
    load_warning_grades,
)
from siting.nutrients import (
    COUNTY_BALANCE_COLUMNS,
    PARCEL_COLUMNS,
    county_balance,
    county_capacity,
    crop_manure_demand,
    farm_land_requirement,
    manure_supply,
    parcel_absorption_capacity,
    pig_equivalents,
)
from siting.parameters import USER_STATUS, NutrientParams, measured_route

PARAMS = load_nutrient_params()
CROPS = load_crop_table()
ROUTES = load_manure_routes()
GRADES = load_warning_grades()
COWS_PE = 5000 * 100 / 15  # 33,333.33 PE


def maize_demand(params: NutrientParams = PARAMS, **kwargs: object):
    return crop_manure_demand(
        CROPS.get("maize"), yield_kg_per_mu=600, soil_class="II", params=params, **kwargs
    )


# --- pig equivalents ---------------------------------------------------------------------


def test_pig_equivalents_of_5000_dairy_cows() -> None:
    pe = pig_equivalents({"dairy_cow": 5000}, PARAMS)
    assert pe.total_pe == pytest.approx(5000 * 100 / 15)
    assert pe.total_pe == pytest.approx(33_333.33, abs=0.01)


def test_pig_equivalents_of_several_species() -> None:
    herd = {"beef_cattle": 1000, "sheep": 2000, "goat": 500, "pig": 300, "poultry": 10_000}
    pe = pig_equivalents(herd, PARAMS)
    expected = 1000 * 100 / 30 + 2000 * 100 / 250 + 500 * 100 / 250 + 300 + 10_000 * 100 / 2500
    assert pe.total_pe == pytest.approx(expected)  # 3,333.3 + 800 + 200 + 300 + 400
    assert pe.pe_by_species["sheep"] == pytest.approx(800)


def test_pig_equivalents_negative_head_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"head count of 'dairy_cow' is -5.*>= 0"):
        pig_equivalents({"dairy_cow": -5}, PARAMS)


def test_pig_equivalents_unknown_species_lists_known_ones() -> None:
    with pytest.raises(ParameterError, match=r"unknown species 'horse'.*dairy_cow, beef_cattle"):
        pig_equivalents({"horse": 5}, PARAMS)


def test_pig_equivalents_reports_every_problem_at_once() -> None:
    with pytest.raises(ParameterError, match=r"'horse'.*'sheep' is 'many'") as info:
        pig_equivalents({"horse": 5, "sheep": "many"}, PARAMS)  # type: ignore[dict-item]
    assert "畜种" in info.value.message("zh")


# --- manure supply -----------------------------------------------------------------------


def test_manure_supply_with_the_guide_default() -> None:
    supply = manure_supply({"dairy_cow": 5000}, PARAMS)
    assert supply.n_excreted_kg_per_yr == pytest.approx(COWS_PE * 11)  # 366,666.7
    assert supply.p_excreted_kg_per_yr == pytest.approx(COWS_PE * 1.65)  # 55,000
    assert supply.n_supply_kg_per_yr == pytest.approx(COWS_PE * 7.0)  # 233,333.3
    assert supply.n_supply_kg_per_yr == pytest.approx(233_333.3, abs=0.1)
    assert supply.p_supply_kg_per_yr == pytest.approx(COWS_PE * 1.2)  # 40,000
    assert supply.n_retention_frac == pytest.approx(7.0 / 11)
    assert supply.p_retention_frac == pytest.approx(1.2 / 1.65)


def test_manure_sold_off_farm_is_subtracted() -> None:
    supply = manure_supply({"dairy_cow": 5000}, PARAMS, sold_frac=0.25)
    assert supply.n_sold_kg_per_yr == pytest.approx(COWS_PE * 7.0 * 0.25)  # 58,333.3
    assert supply.n_supply_kg_per_yr == pytest.approx(COWS_PE * 7.0 * 0.75)  # 175,000
    assert supply.p_supply_kg_per_yr == pytest.approx(COWS_PE * 1.2 * 0.75)  # 30,000
    assert supply.n_retained_kg_per_yr == pytest.approx(COWS_PE * 7.0)


def test_manure_sold_fraction_out_of_range() -> None:
    with pytest.raises(ParameterError, match=r"sold_frac = 1.2 must be a fraction in \[0, 1\]"):
        manure_supply({"dairy_cow": 10}, PARAMS, sold_frac=1.2)


def test_no_goose_farm_stage_is_shipped() -> None:
    # The shipped routes are species-keyed and cited; the goose-farm stages are gone.
    assert set(ROUTES.stages) == {"separation_compost_lagoon"}
    assert {s.species for s in ROUTES.stages.values()} == {"dairy_cow"}
    assert ROUTES.route_keys(["beef_cattle"]) == ()
    assert ROUTES.route_keys(["dairy_cow"]) == ("separation_compost_lagoon",)


def test_dairy_route_of_jia_2017() -> None:
    # 贾伟 et al. 2017: 204 t N and 33 t P excreted, 126 t N and 27 t P available to land
    route = ROUTES.route("separation_compost_lagoon", ["dairy_cow"])
    supply = manure_supply({"dairy_cow": 5000}, PARAMS, route=route)
    assert supply.n_retention_frac == pytest.approx(126 / 204)
    assert supply.n_supply_kg_per_yr == pytest.approx(COWS_PE * 11 * 126 / 204)
    assert supply.p_supply_kg_per_yr == pytest.approx(COWS_PE * 1.65 * 27 / 33)
    # close to the guide default the county capacity uses (N within 3%)
    assert supply.n_supply_kg_per_yr / (COWS_PE * 7.0) == pytest.approx(1.0, abs=0.03)
    assert {c.status for c in route.coefficients()} == {"derived"}


def test_route_not_measured_for_a_species_is_refused() -> None:
    with pytest.raises(
        ParameterError,
        match=r"'separation_compost_lagoon' was not measured for "
        r"beef_cattle; valid routes for this herd: "
        r"guide_default, or enter a measured retention",
    ):
        ROUTES.route("separation_compost_lagoon", ["dairy_cow", "beef_cattle"])


def test_measured_route_is_a_user_value() -> None:
    route = measured_route(0.5, 0.8)
    supply = manure_supply({"beef_cattle": 300}, PARAMS, route=route)
    assert supply.n_supply_kg_per_yr == pytest.approx(300 * 100 / 30 * 11 * 0.5)
    assert {c.status for c in route.coefficients()} == {"user"}
    with pytest.raises(ParameterError, match=r"n_retention_frac = 1.5"):
        measured_route(1.5, 0.8)


def test_manure_route_unknown() -> None:
    with pytest.raises(ParameterError, match=r"Unknown manure route 'dry_scrape\+pit'.*Known: "):
        ROUTES.route("dry_scrape+pit")


# --- crop demand -------------------------------------------------------------------------


def test_maize_manure_demand_per_mu() -> None:
    demand = maize_demand()
    assert demand.n_uptake_kg_per_mu == pytest.approx(600 / 100 * 2.3)  # 13.8
    assert demand.p_uptake_kg_per_mu == pytest.approx(600 / 100 * 0.3)  # 1.8
    assert demand.n_demand_kg_per_mu == pytest.approx(600 / 100 * 2.3 * 0.45 * 0.5 / 0.30)
    assert demand.n_demand_kg_per_mu == pytest.approx(10.35)
    assert demand.p_demand_kg_per_mu == pytest.approx(600 / 100 * 0.3 * 0.45 * 0.5 / 0.35)
    assert demand.p_demand_kg_per_mu == pytest.approx(1.8 * 0.225 / 0.35)  # 1.157
    assert not demand.low_n_demand


@pytest.mark.parametrize(("soil_class", "share"), [("I", 0.35), ("II", 0.45), ("III", 0.55)])
def test_soil_class_sets_the_fertilisation_share(soil_class: str, share: float) -> None:
    demand = crop_manure_demand(
        CROPS.get("wheat"), yield_kg_per_mu=400, soil_class=soil_class, params=PARAMS
    )
    assert demand.n_demand_kg_per_mu == pytest.approx(400 / 100 * 3.0 * share * 0.5 / 0.30)


def test_manure_share_is_user_set() -> None:
    params = dataclasses.replace(PARAMS, manure_share_frac=1.0)
    assert maize_demand(params).n_demand_kg_per_mu == pytest.approx(600 / 100 * 2.3 * 0.45 / 0.30)
    assert params.coefficient("manure_share_frac").status == USER_STATUS


def test_manure_share_out_of_range() -> None:
    with pytest.raises(ParameterError, match=r"manure_share_frac = 1.5 must be a fraction"):
        dataclasses.replace(PARAMS, manure_share_frac=1.5)


def test_utilisation_outside_the_guide_range_is_noted() -> None:
    params = dataclasses.replace(PARAMS, n_utilisation_frac=0.40)
    demand = maize_demand(params)
    assert demand.n_demand_kg_per_mu == pytest.approx(600 / 100 * 2.3 * 0.45 * 0.5 / 0.40)
    note = next(n for n in demand.notes if n.key == "nutrients.note.utilisation_outside_guide")
    assert note.values == {
        "nutrient": "N",
        "utilisation_frac": 0.40,
        "low_frac": PARAMS.n_utilisation_range_frac[0],
        "high_frac": PARAMS.n_utilisation_range_frac[1],
    }
    low, high = PARAMS.n_utilisation_range_frac
    assert note.render("en") == f"N utilisation 0.4 is outside the guide's range {low:g}–{high:g}."
    assert note.render("zh") == f"N 当季利用率 0.4 超出指南范围 {low:g}–{high:g}。"
    assert not maize_demand().notes


def test_unknown_soil_class() -> None:
    with pytest.raises(ParameterError, match="soil class 'IV' is not one of I, II, III"):
        crop_manure_demand(CROPS.get("maize"), yield_kg_per_mu=600, soil_class="IV", params=PARAMS)


def test_zero_yield_is_refused() -> None:
    with pytest.raises(ParameterError, match="yield_kg_per_mu = 0"):
        crop_manure_demand(CROPS.get("maize"), yield_kg_per_mu=0, soil_class="II", params=PARAMS)


def test_missing_yield_uses_the_default_and_says_so() -> None:
    demand = crop_manure_demand(
        CROPS.get("forage_oat"), yield_kg_per_mu=None, soil_class="II", params=PARAMS
    )
    assert demand.yield_kg_per_mu == 500
    assert demand.n_demand_kg_per_mu == pytest.approx(500 / 100 * 2.5 * 0.45 * 0.5 / 0.30)
    note = next(n for n in demand.notes if n.key == "nutrients.note.default_yield")
    assert note.values["yield_kg_per_mu"] == 500  # the value is a parameter, not text
    assert "500 kg/亩" in note.render("zh") and "500 kg/mu" in note.render("en")


def test_alfalfa_takes_little_manure_n_and_says_so() -> None:
    demand = crop_manure_demand(
        CROPS.get("alfalfa"), yield_kg_per_mu=600, soil_class="II", params=PARAMS
    )
    assert demand.n_demand_kg_per_mu == pytest.approx(600 / 100 * 0.2 * 0.45 * 0.5 / 0.30)  # 0.9
    assert demand.p_demand_kg_per_mu == pytest.approx(600 / 100 * 0.2 * 0.45 * 0.5 / 0.35)  # 0.771
    assert demand.low_n_demand
    note = next(n for n in demand.notes if n.key == "nutrients.note.low_n_demand")
    assert note.values["n_kg_per_100kg"] == pytest.approx(0.2)
    assert "alfalfa takes little manure N (0.2 kg N per 100 kg" in note.render("en")
    assert "0.90 kg N/亩，而磷为 0.77 kg P/亩" in note.render("zh")
    land = farm_land_requirement(manure_supply({"dairy_cow": 1}, PARAMS), demand, params=PARAMS)
    # One cow: 100/15 × 7.0 = 46.67 kg N over 0.9 kg N/mu = 51.9 mu; P 8.0 / 0.771 = 10.4 mu.
    assert land.land_required_mu_n == pytest.approx(100 / 15 * 7.0 / 0.9)
    assert land.land_required_mu_p == pytest.approx(100 / 15 * 1.2 / (1.2 * 0.225 / 0.35))


def test_silage_corn_is_a_derived_default() -> None:
    crop = CROPS.get("silage_corn")
    assert crop.status == "derived"
    assert crop.n_kg_per_100kg == pytest.approx(100 * 0.30 * 0.012)  # 0.36 kg N
    assert crop.p_kg_per_100kg == pytest.approx(100 * 0.30 * 0.0023)  # 0.069 kg P
    demand = crop_manure_demand(crop, yield_kg_per_mu=3000, soil_class="II", params=PARAMS)
    assert demand.n_demand_kg_per_mu == pytest.approx(3000 / 100 * 0.36 * 0.45 * 0.5 / 0.30)
    note = next(n for n in demand.notes if n.key == "nutrients.note.derived_uptake")
    assert "推算默认值" in note.render("zh") and "is a derived default" in note.render("en")


def test_unknown_crop_lists_the_known_ones() -> None:
    with pytest.raises(ParameterError, match=r"Unknown crop 'rye'.*maize.*silage_corn"):
        CROPS.get("rye")


# --- farm land requirement ---------------------------------------------------------------


def test_farm_land_for_5000_cows_on_maize() -> None:
    land = farm_land_requirement(
        manure_supply({"dairy_cow": 5000}, PARAMS), maize_demand(), params=PARAMS
    )
    # Demand at the default (high-end) utilisation: N 13.8 × 0.225 ÷ 0.30 = 10.35 kg/mu,
    # P 1.8 × 0.225 ÷ 0.35 = 1.157 kg/mu (18,787 / 29,630 mu at the low ends: tests/fidelity).
    assert land.land_required_mu_n == pytest.approx(5000 * 100 / 15 * 7.0 / 10.35)
    assert land.land_required_mu_n == pytest.approx(22_544, abs=1)
    assert land.land_required_mu_p == pytest.approx(5000 * 100 / 15 * 1.2 / (1.8 * 0.225 / 0.35))
    assert land.land_required_mu_p == pytest.approx(34_568, abs=1)
    assert land.binding_basis == "N"
    assert land.land_required_mu == land.land_required_mu_n
    assert land.larger_basis == "P"


@pytest.mark.parametrize(
    ("olsen_p", "sensitive", "basis"),
    [
        (41, False, "P"),
        (39, False, "N"),
        (40, False, "N"),
        (None, False, "N"),
        (10, True, "P"),
    ],
)
def test_p_basis_rule(olsen_p: float | None, sensitive: bool, basis: str) -> None:
    land = farm_land_requirement(
        manure_supply({"dairy_cow": 5000}, PARAMS),
        maize_demand(),
        params=PARAMS,
        olsen_p_mg_per_kg=olsen_p,
        p_sensitive=sensitive,
    )
    assert land.binding_basis == basis
    expected = land.land_required_mu_p if basis == "P" else land.land_required_mu_n
    assert land.land_required_mu == expected


def test_negative_olsen_p_is_refused() -> None:
    with pytest.raises(ParameterError, match="olsen_p_mg_per_kg = -1"):
        farm_land_requirement(
            manure_supply({"dairy_cow": 5}, PARAMS),
            maize_demand(),
            params=PARAMS,
            olsen_p_mg_per_kg=-1,
        )


def test_explain_rows_carry_formulas_and_sources() -> None:
    land = farm_land_requirement(
        manure_supply({"dairy_cow": 5000}, PARAMS), maize_demand(), params=PARAMS
    )
    rows = {row.quantity: row for row in land.explain()}
    assert rows["n_demand_kg_per_mu"].value == pytest.approx(600 / 100 * 2.3 * 0.45 * 0.5 / 0.30)
    assert "fert share 0.45" in rows["n_demand_kg_per_mu"].formula
    statuses = {c.key: c.status for row in rows.values() for c in row.coefficients}
    assert statuses["pe_per_head.dairy_cow"] == "recalled"
    assert statuses["manure_share_frac"] == "illustrative"
    assert all(c.source for row in rows.values() for c in row.coefficients)


# --- county capacity and grades ----------------------------------------------------------


def test_county_capacity_by_hand() -> None:
    # R_man: 700,000 kg N and 120,000 kg P -> 100,000 PE on both bases = 15,000 dairy cows.
    capacity = county_capacity(700_000, 120_000, 55_000, PARAMS, GRADES)
    assert capacity.capacity_pe_n == pytest.approx(700_000 / 7.0)
    assert capacity.capacity_pe_p == pytest.approx(120_000 / 1.2)
    assert capacity.capacity_dairy_cows_n == pytest.approx(700_000 / 7.0 * 15 / 100)
    assert capacity.load_index_n == pytest.approx(55_000 / 100_000)
    assert capacity.grade_n.grade == "II"
    assert capacity.grade_n.label_zh == "稍有威胁"


@pytest.mark.parametrize(
    ("present_pe", "grade"),
    [
        (0, "I"),
        (40_000, "I"),
        (40_001, "II"),
        (70_000, "II"),
        (70_001, "III"),
        (100_000, "III"),
        (100_001, "IV"),
        (150_000, "IV"),
        (150_001, "V"),
        (250_000, "V"),
        (250_001, "VI"),
    ],
)
def test_grade_boundaries(present_pe: float, grade: str) -> None:
    capacity = county_capacity(700_000, 120_000, present_pe, PARAMS, GRADES)  # 100,000 PE
    assert capacity.grade_n.grade == grade
    assert capacity.grade_p.grade == grade


def test_county_without_land() -> None:
    loaded = county_capacity(0, 0, 10, PARAMS, GRADES)
    assert loaded.load_index_n == float("inf")
    assert loaded.grade_n.grade == "VI"
    assert loaded.to_dict()["load_index_n"] is None
    empty = county_capacity(0, 0, 0, PARAMS, GRADES)
    assert empty.load_index_n == 0
    assert empty.grade_n.grade == "I"


def test_county_capacity_negative_input() -> None:
    with pytest.raises(ParameterError, match="present_pe = -1"):
        county_capacity(1, 1, -1, PARAMS, GRADES)


# --- parcels and county balance ----------------------------------------------------------


def parcels_frame(area_scale: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "adcode": ["150121", "150121", "150122"],
            "area_mu": [1000.0 * area_scale, 500.0 * area_scale, 2000.0 * area_scale],
            "crop": ["maize", "alfalfa", "maize"],
            "yield_kg_per_mu": [600.0, 600.0, 500.0],
            "soil_n_class": ["II", "II", "III"],
            "soil_p_class": ["II", "I", "III"],
            "manure_allowed": [True, False, True],
        }
    )


HERD = pd.DataFrame(
    {
        "adcode": ["150121", "150122", "150123"],
        "name_zh": ["a", "b", "c"],
        "dairy_cow_head": [1500, 3000, 10],
        "sheep_head": [1000, 0, 0],
    }
)


def test_parcel_absorption_capacity_by_hand() -> None:
    parcels = parcels_frame()
    before = parcels.copy()
    result = parcel_absorption_capacity(parcels, CROPS, PARAMS)
    pd.testing.assert_frame_equal(parcels, before)  # input not modified
    n_demand = [
        600 / 100 * 2.3 * 0.45 * 0.5 / 0.30,
        600 / 100 * 0.2 * 0.45 * 0.5 / 0.30,
        500 / 100 * 2.3 * 0.55 * 0.5 / 0.30,
    ]
    p_demand = [
        600 / 100 * 0.3 * 0.45 * 0.5 / 0.35,
        600 / 100 * 0.2 * 0.35 * 0.5 / 0.35,
        500 / 100 * 0.3 * 0.55 * 0.5 / 0.35,
    ]
    assert result["n_demand_kg_per_mu"].tolist() == pytest.approx(n_demand)
    assert result["p_demand_kg_per_mu"].tolist() == pytest.approx(p_demand)
    assert result["n_capacity_kg_per_yr"].tolist() == pytest.approx(
        [1000 * n_demand[0], 0.0, 2000 * n_demand[2]]
    )
    assert result["p_capacity_kg_per_yr"].tolist() == pytest.approx(
        [1000 * p_demand[0], 0.0, 2000 * p_demand[2]]
    )


def test_parcel_schema_lists_every_problem() -> None:
    parcels = parcels_frame().assign(crop=["maize", "rye", "maize"], soil_n_class=["II", "V", "I"])
    with pytest.raises(SchemaError, match=r"crop is not a known crop.*'rye'.*soil_n_class"):
        parcel_absorption_capacity(parcels, CROPS, PARAMS)
    with pytest.raises(SchemaError, match=r"yield_kg_per_mu must be a number >= 0.*rows 1: -1.0"):
        parcel_absorption_capacity(
            parcels_frame().assign(yield_kg_per_mu=[600.0, -1.0, 0.0]), CROPS, PARAMS
        )
    with pytest.raises(SchemaError, match=r"lacks the column.*manure_allowed"):
        parcel_absorption_capacity(parcels_frame().drop(columns="manure_allowed"), CROPS, PARAMS)
    assert set(PARCEL_COLUMNS) <= set(parcels_frame().columns)


def test_county_balance_by_hand() -> None:
    parcels = parcel_absorption_capacity(parcels_frame(), CROPS, PARAMS)
    balance = county_balance(parcels, HERD, PARAMS, GRADES)
    assert tuple(balance.columns) == COUNTY_BALANCE_COLUMNS
    assert balance["adcode"].tolist() == ["150121", "150122", "150123"]
    first = balance.iloc[0]
    n_capacity = 1000 * 600 / 100 * 2.3 * 0.45 * 0.5 / 0.30  # 10,350 kg N (alfalfa: no manure)
    p_capacity = 1000 * 600 / 100 * 0.3 * 0.45 * 0.5 / 0.35  # 1,157 kg P
    present = 1500 * 100 / 15 + 1000 * 100 / 250  # 10,400 PE
    assert first["area_mu"] == 1500
    assert first["manure_area_mu"] == 1000
    assert first["capacity_pe_n"] == pytest.approx(n_capacity / 7.0)  # 1,478.6 PE
    assert first["capacity_pe_p"] == pytest.approx(p_capacity / 1.2)  # 964.3 PE
    assert first["capacity_dairy_cows_p"] == pytest.approx(p_capacity / 1.2 * 15 / 100)
    assert first["present_pe"] == pytest.approx(present)
    assert first["load_index_n"] == pytest.approx(present / (n_capacity / 7.0))  # 7.03
    assert first["grade_n"] == "VI"
    no_land = balance.iloc[2]
    assert no_land["capacity_pe_n"] == 0
    assert no_land["load_index_n"] == float("inf")
    assert no_land["grade_p"] == "VI"


def test_county_balance_herd_problems() -> None:
    parcels = parcel_absorption_capacity(parcels_frame(), CROPS, PARAMS)
    herd = pd.DataFrame(
        {"adcode": ["150121", "150121"], "horse_head": [1, 2], "dairy_cow_head": [1, -3]}
    )
    with pytest.raises(SchemaError, match="'horse_head' is not a known species"):
        county_balance(parcels, herd, PARAMS, GRADES)
    with pytest.raises(SchemaError, match=r"adcode is repeated.*dairy_cow_head must be"):
        county_balance(parcels, herd.drop(columns="horse_head"), PARAMS, GRADES)


def test_county_balance_with_an_explicit_column_map() -> None:
    parcels = parcel_absorption_capacity(parcels_frame(), CROPS, PARAMS)
    herd = pd.DataFrame(
        {"adcode": ["150121"], "cows": [1500], "dairy_goats": [300], "meat_goats": [200]}
    )
    columns = {"cows": "dairy_cow", "dairy_goats": "goat", "meat_goats": "goat"}
    balance = county_balance(parcels, herd, PARAMS, GRADES, species_columns=columns)
    assert balance.loc[0, "present_pe"] == pytest.approx(1500 * 100 / 15 + 500 * 100 / 250)
    with pytest.raises(SchemaError, match=r"'cows' maps to unknown species 'cow'.*'bulls' is "):
        county_balance(
            parcels, herd, PARAMS, GRADES, species_columns={"cows": "cow", "bulls": "beef_cattle"}
        )


def test_county_balance_accepts_bare_species_columns() -> None:
    parcels = parcel_absorption_capacity(parcels_frame(), CROPS, PARAMS)
    bare = pd.DataFrame({"adcode": ["150121"], "dairy_cow": [1500]})
    balance = county_balance(parcels, bare, PARAMS, GRADES)
    assert balance.loc[0, "present_pe"] == pytest.approx(1500 * 100 / 15)


# --- properties --------------------------------------------------------------------------

BASE_BALANCE = county_balance(
    parcel_absorption_capacity(parcels_frame(), CROPS, PARAMS), HERD, PARAMS, GRADES
)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=1000))
def test_capacity_is_linear_in_area(scale: float) -> None:
    base = BASE_BALANCE
    scaled = county_balance(
        parcel_absorption_capacity(parcels_frame(scale), CROPS, PARAMS), HERD, PARAMS, GRADES
    )
    for column in ("capacity_pe_n", "capacity_pe_p", "capacity_dairy_cows_n", "area_mu"):
        assert scaled[column].to_numpy() == pytest.approx(base[column].to_numpy() * scale, rel=1e-9)


@settings(max_examples=50, deadline=None)
@given(
    uptake=st.floats(min_value=0.05, max_value=10),
    utilisation=st.floats(0.1, 1.0),
    per_pe=st.floats(min_value=0.5, max_value=10),
    head=st.integers(0, 100_000),
    yield_kg_per_mu=st.floats(min_value=50, max_value=5000),
)
def test_n_and_p_bases_agree_when_coefficients_are_equal(
    uptake: float, utilisation: float, per_pe: float, head: int, yield_kg_per_mu: float
) -> None:
    params = dataclasses.replace(
        PARAMS,
        n_excreted_kg_per_pe=per_pe,
        p_excreted_kg_per_pe=per_pe,
        n_supply_kg_per_pe=per_pe,
        p_supply_kg_per_pe=per_pe,
        n_utilisation_frac=utilisation,
        p_utilisation_frac=utilisation,
    )
    crop = dataclasses.replace(CROPS.get("maize"), n_kg_per_100kg=uptake, p_kg_per_100kg=uptake)
    demand = crop_manure_demand(
        crop, yield_kg_per_mu=yield_kg_per_mu, soil_class="II", params=params
    )
    land = farm_land_requirement(manure_supply({"dairy_cow": head}, params), demand, params=params)
    assert land.land_required_mu_n == pytest.approx(land.land_required_mu_p, rel=1e-12)
    capacity = county_capacity(
        demand.n_demand_kg_per_mu * 1000, demand.p_demand_kg_per_mu * 1000, head, params, GRADES
    )
    assert capacity.capacity_pe_n == pytest.approx(capacity.capacity_pe_p, rel=1e-12)
    assert capacity.grade_n == capacity.grade_p
