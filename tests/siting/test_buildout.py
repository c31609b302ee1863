"""Tests of siting.buildout on a two-county region whose figures are worked by hand.

Defaults (data/coefficients): herd structure 0.50/0.10/0.13/0.27 (lactating, dry, heifer,
calf); rations per class (forage_rations.csv) with 40% of the 羊草 fed as oat hay and 10%
storage loss, so the land grows per dairy head SILAGE_T, ALFALFA_T and OAT_T below; water
200/80/60/25 L a day per class; yields plain 3.0 / 0.65 / 0.6 t/亩, hills 2.5 / 0.45 / 0.4;
irrigation plain 220 / 280 / 150 m³/亩; 100/15 PE per dairy cow, 0.4 per sheep, 7.0 kg N and
1.2 kg P per PE;
herd ramp 0.5 in the start year, then 1; warning band 10%; load index limit 1, warning 0.7.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd
from shapely.geometry import box

from errors import ParameterError, SchemaError
from locales import Message
from planning.region_inputs import load_region_params
from siting.buildout import (
    BuildoutRegion,
    BuildoutResult,
    city_totals,
    run_buildout,
)
from siting.buildout_checks import CHECKS
from siting.buildout_farms import farms_from_sites
from siting.targets import target_year_in_force

A, B, CITY = "150121", "150123", "150100"
PE_COW = 100 / 15
SHARES = (0.50, 0.10, 0.13, 0.27)  # lactating, dry, heifer, calf
LOSS = 1.10  # storage loss 10%
SILAGE_T = LOSS * sum(s * r for s, r in zip(SHARES, (8.0, 6.0, 2.75, 1.9), strict=True))
ALFALFA_T = LOSS * sum(s * r for s, r in zip(SHARES, (1.3, 1.1, 0.5, 0.0), strict=True))
OAT_T = LOSS * 0.40 * sum(s * r for s, r in zip(SHARES, (2.0, 1.5, 1.85, 1.2), strict=True))
WATER_L_DAY = sum(s * q for s, q in zip(SHARES, (200, 80, 60, 25), strict=True))
PARAMETERS = load_region_params(None)
PLAN = "the plan"


def _city_targets(**overrides: float) -> pd.DataFrame:
    rows = [
        ("silage_corn_self_sufficiency_min_frac", 2021, 1.0, "frac"),
        ("alfalfa_oat_self_sufficiency_min_frac", 2021, 0.2, "frac"),
        ("alfalfa_oat_self_sufficiency_min_frac", 2023, 0.3, "frac"),
        ("manure_utilisation_min_frac", 2021, 0.9, "frac"),
        ("dairy_cow_head", 2021, 12_000, "head"),
        ("dairy_cow_head", 2023, 15_000, "head"),
        ("goat_head", 2023, 100, "head"),
        ("forage_base_wan_mu", 2021, 3.0, "万亩"),
    ]
    frame = pd.DataFrame(rows, columns=["key", "year", "value", "unit"])
    for key, value in overrides.items():
        frame.loc[frame["key"] == key, "value"] = value
    return frame.assign(source=PLAN, status="verified", note="")


def _parcels(forage_scale: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["a1", "a2", "a3", "b1"],
            "adcode": [A, A, A, B],
            "crop": ["silage_corn", "alfalfa", "forage_oat", "silage_corn"],
            "area_mu": [20_000 * forage_scale, 1_000 * forage_scale, 500 * forage_scale, 1_000.0],
            "manure_allowed": True,
            # A: 700,000 kg N = 100,000 PE and 120,000 kg P = 100,000 PE; B: 10,000 / 5,000 PE
            "n_capacity_kg_per_yr": [700_000.0, 0.0, 0.0, 70_000.0],
            "p_capacity_kg_per_yr": [120_000.0, 0.0, 0.0, 6_000.0],
        }
    )


def _region(**changes: object) -> BuildoutRegion:
    targets = pd.DataFrame(
        {
            "adcode": [A, A, A, B],
            "crop": ["silage_corn", "alfalfa", "oat_hay", "silage_corn"],
            "year": 2021,
            "target_mu": [20_000.0, 1_000.0, 500.0, 1_000.0],
            "source": PLAN,
        }
    )
    region = BuildoutRegion(
        counties=pd.DataFrame({"adcode": [A, B], "name_zh": ["甲", "乙"], "name_en": ["A", "B"]}),
        zones={A: "plain", B: "hills"},
        baseline_herd=pd.DataFrame(
            {
                "adcode": [A, B],
                "year": 2021,
                "dairy_cow_head": [10_000, 0],
                "goat_head": [0, 0],
                "sheep_head": [0, 1_000],
            }
        ),
        parcels=_parcels(),
        forage_targets=targets,
        city_targets=_city_targets(),
        water_caps=pd.DataFrame(
            {
                "adcode": [A, B],
                "cap_m3_per_yr": [10_000_000.0, 1e6],
                "other_use_m3_per_yr": [3_000_000.0, 500_000.0],
                "source": "caps",
                "status": "illustrative",
            }
        ),
        city_adcode=CITY,
    )
    return dataclasses.replace(region, **changes) if changes else region


FARMS = pd.DataFrame(
    {
        "farm_id": ["F0", "F1", "F2"],
        "adcode": [A, A, B],
        "status": ["existing", "under_construction", "proposed"],
        "start_year": [None, 2022, 2023],
        "dairy_cow_head": [1_000, 4_000, 2_000],
    }
)


@pytest.fixture(scope="module")
def result() -> BuildoutResult:
    return run_buildout(FARMS, [2021, 2022, 2023], _region(), PARAMETERS, supply_from="targets")


def _row(result: BuildoutResult, check: str, adcode: str, year: int) -> pd.Series:
    rows = result.checks[
        (result.checks["check"] == check)
        & (result.checks["adcode"] == adcode)
        & (result.checks["year"] == year)
    ]
    assert len(rows) == 1, (check, adcode, year)
    return rows.iloc[0]


# --- farms by year -------------------------------------------------------------------------


def test_herd_ramp_and_existing_farms(result: BuildoutResult) -> None:
    years = result.farm_years.set_index(["farm_id", "year"])
    assert years.loc[("F0", 2023), ["ramp_frac", "added_frac"]].tolist() == [1.0, 0.0]
    assert years.loc[("F1", 2021), "dairy_cow_head"] == 0  # before its start year
    assert years.loc[("F1", 2022), "dairy_cow_head"] == 4_000 * 0.5
    assert years.loc[("F1", 2023), "dairy_cow_head"] == 4_000
    assert years.loc[("F2", 2022), "dairy_cow_head"] == 0  # before its start year
    assert years.loc[("F2", 2023), "dairy_cow_head"] == 2_000 * 0.5
    totals = result.county_totals.set_index(["adcode", "year"])
    assert totals.loc[(A, 2021), "dairy_cow_head"] == 10_000
    assert totals.loc[(A, 2023), "dairy_cow_head"] == 10_000 + 4_000  # F0 is in the baseline


def test_a_farm_stocked_in_the_baseline_year_is_not_counted_twice() -> None:
    # F1 starts in 2021, the baseline year: its half herd of 2021 is in the baseline's
    # 10,000 head, so it adds only the other half from 2022 on.
    farms = FARMS.assign(start_year=[None, 2021, 2023])
    result = run_buildout(farms, [2021, 2022, 2023], _region(), PARAMETERS, supply_from="targets")
    years = result.farm_years.set_index(["farm_id", "year"])
    assert years.loc[("F1", 2021), ["ramp_frac", "added_frac"]].tolist() == [0.5, 0.0]
    assert years.loc[("F1", 2022), "dairy_cow_head"] == 4_000 * (1.0 - 0.5)
    totals = result.county_totals.set_index(["adcode", "year"])
    assert totals.loc[(A, 2021), "dairy_cow_head"] == 10_000
    assert totals.loc[(A, 2023), "dairy_cow_head"] == 10_000 + 4_000 * (1.0 - 0.5)
    assert totals.loc[(B, 2023), "dairy_cow_head"] == 1_000


# --- county checks by hand -----------------------------------------------------------------


def test_forage_checks_of_county_a_in_2023(result: BuildoutResult) -> None:
    head = 14_000
    silage = _row(result, "silage_self_sufficiency", A, 2023)
    assert silage["value"] == pytest.approx(20_000 * 3.0 / (head * SILAGE_T))  # 0.879
    assert (silage["limit"], silage["status"]) == (1.0, "exceeded")
    hay = _row(result, "hay_self_sufficiency", A, 2023)
    assert hay["value"] == pytest.approx((1_000 * 0.65 + 500 * 0.6) / (head * (ALFALFA_T + OAT_T)))
    assert hay["limit"] == 0.3  # the 2023 target
    area = _row(result, "forage_area_silage_corn", A, 2023)
    assert area["value"] == pytest.approx(head * SILAGE_T / 3.0 / 10_000)  # 2.275 万亩
    assert (area["limit"], area["unit"], area["status"]) == (2.0, "万亩", "exceeded")
    alfalfa = _row(result, "forage_area_alfalfa", A, 2023)
    assert alfalfa["value"] == pytest.approx(head * ALFALFA_T * 0.3 / 0.65 / 10_000)


def test_manure_checks_by_hand(result: BuildoutResult) -> None:
    index_a = _row(result, "manure_load_index_n", A, 2023)
    assert index_a["value"] == pytest.approx(14_000 * PE_COW / 100_000)  # 0.933
    assert (index_a["status"], index_a["grade"]) == ("warning", "III")
    index_b = _row(result, "manure_load_index_p", B, 2023)
    pe_b = 1_000 * PE_COW + 1_000 * 0.4  # 7,066.7 PE
    assert index_b["value"] == pytest.approx(pe_b / (6_000 / 1.2))  # 1.413
    assert (index_b["status"], index_b["grade"]) == ("exceeded", "IV")
    # no ledger: B's land takes all its N (capacity 10,000 PE) but only 5,000 PE of its P
    assert _row(result, "manure_utilisation_n", B, 2023)["value"] == pytest.approx(1.0)
    utilisation_p = _row(result, "manure_utilisation_p", B, 2023)
    assert utilisation_p["value"] == pytest.approx(6_000 / (pe_b * 1.2))  # 0.708
    assert (utilisation_p["limit"], utilisation_p["status"]) == (0.9, "exceeded")


def test_water_check_by_hand(result: BuildoutResult) -> None:
    head = 14_000
    livestock = head * WATER_L_DAY * 365 / 1_000
    silage_mu = max(20_000, head * SILAGE_T / 3.0)
    alfalfa_mu = max(1_000, head * ALFALFA_T * 0.3 / 0.65)
    oat_mu = max(500, head * OAT_T * 0.3 / 0.6)
    expected = livestock + silage_mu * 220 + alfalfa_mu * 280 + oat_mu * 150 + 3_000_000
    water = _row(result, "water_use", A, 2023)
    assert water["value"] == pytest.approx(expected)  # 11.79 million m3
    assert (water["limit"], water["unit"], water["status"]) == (10_000_000.0, "m3/yr", "exceeded")


def test_city_targets(result: BuildoutResult) -> None:
    herd = _row(result, "dairy_cow_head", CITY, 2023)
    assert (herd["value"], herd["limit"]) == (15_000, 15_000)
    assert herd["status"] == "warning"  # reached, but within 10% of the minimum
    assert _row(result, "dairy_cow_head", CITY, 2021)["value"] == 10_000
    base = _row(result, "forage_area_total", CITY, 2021)
    need_mu = 10_000 * (SILAGE_T / 3.0 + ALFALFA_T * 0.2 / 0.65 + OAT_T * 0.2 / 0.6)
    assert base["value"] == pytest.approx(need_mu / 10_000)
    goats = _row(result, "goat_head", CITY, 2023)
    assert (goats["value"], goats["status"]) == (0, "exceeded")


def test_targets_in_force_by_year() -> None:
    assert target_year_in_force([2021, 2023], 2022) == 2021
    assert target_year_in_force([2021, 2023], 2025) == 2023
    assert target_year_in_force([2021, 2023], 2020) == 2021
    assert target_year_in_force([], 2020) is None


def test_rows_have_the_tidy_columns(result: BuildoutResult) -> None:
    checks = result.checks
    assert set(checks["status"]) <= {"ok", "warning", "exceeded"}
    assert set(checks["scope"]) == {"county", "city"}
    assert checks[["value", "limit"]].dtypes.tolist() == [np.float64, np.float64]
    assert (checks.loc[checks["check"] == "silage_self_sufficiency", "source"] == PLAN).all()
    assert set(checks["check"]) <= set(CHECKS)
    for column in ("name", "note"):
        assert checks[column].map(lambda m: isinstance(m, Message)).all()
        assert checks[column].map(lambda m: len(m.render("zh")) > 0).all()


# --- roll-up -------------------------------------------------------------------------------


def test_city_totals_are_the_county_sums(result: BuildoutResult) -> None:
    county, city = result.county_totals, result.city_totals.set_index("year")
    additive = [c for c in county.columns if c not in ("adcode", "year", "scope")]
    sums = county.groupby("year")[additive].sum(min_count=1)
    pd.testing.assert_frame_equal(city[additive], sums, check_names=False)
    assert city_totals(county, CITY)["adcode"].eq(CITY).all()
    silage = _row(result, "silage_self_sufficiency", CITY, 2023)["value"]
    supply = 20_000 * 3.0 + 1_000 * 2.5
    demand = (14_000 + 1_000) * SILAGE_T
    assert silage == pytest.approx(supply / demand)


def test_farm_manure_supply_sums_to_the_county_load(result: BuildoutResult) -> None:
    farm_sum = result.farm_years.groupby(["adcode", "year"])["n_supply_kg_per_yr"].sum()
    totals = result.county_totals.set_index(["adcode", "year"])
    for key, value in farm_sum.items():
        assert value == pytest.approx(totals.loc[key, "scenario_pe"] * 7.0)
    load = totals["n_supply_kg_per_yr"]
    baseline = totals["baseline_pe"] * 7.0
    scenario = farm_sum.reindex(totals.index, fill_value=0.0)
    np.testing.assert_allclose(load, baseline + scenario)
    assert load[(A, 2023)] == pytest.approx(14_000 * PE_COW * 7.0)


def test_a_farm_route_is_used_by_the_county_load() -> None:
    # The same route assumptions as the farm's own needs: F1 (4,000 dairy cattle, full herd
    # in 2023) handles its manure by separation + compost + lagoon (贾伟 et al. 2017, N kept
    # 126/204 of 11 kg per PE); the baseline keeps the guide's 7.0 kg N per PE.
    farms = FARMS.assign(manure_route=["", "separation_compost_lagoon", "guide_default"])
    result = run_buildout(farms, [2023], _region(), PARAMETERS, supply_from="targets")
    years = result.farm_years.set_index(["farm_id", "year"])
    farm_n = 4_000 * PE_COW * 11 * 126 / 204
    assert years.loc[("F1", 2023), "n_supply_kg_per_yr"] == pytest.approx(farm_n)
    assert years.loc[("F2", 2023), "n_supply_kg_per_yr"] == pytest.approx(1_000 * PE_COW * 7.0)
    supply_a = 10_000 * PE_COW * 7.0 + farm_n
    totals = result.county_totals.set_index(["adcode", "year"])
    assert totals.loc[(A, 2023), "n_supply_kg_per_yr"] == pytest.approx(supply_a)
    index = _row(result, "manure_load_index_n", A, 2023)
    assert index["value"] == pytest.approx(supply_a / 700_000)  # A's land takes 700,000 kg N


def test_a_route_not_measured_for_the_species_is_refused() -> None:
    farms = FARMS.assign(manure_route=["", "", "separation_compost_lagoon"], sheep_head=[0, 0, 100])
    with pytest.raises(ParameterError, match=r"not measured for sheep"):
        run_buildout(farms, [2023], _region(), PARAMETERS)


# --- the ledger ----------------------------------------------------------------------------


def test_allocation_unmet_need_follows_the_ramp() -> None:
    allocation = pd.DataFrame(
        {
            "farm_id": ["F0", "F1", "F2"],
            "need_kg_per_yr": [10.0, 100.0, 50.0],
            "allocated_kg_per_yr": [10.0, 60.0, 50.0],
        }
    )
    result = run_buildout(FARMS, [2022, 2023], _region(), PARAMETERS, allocation=allocation)
    unmet_2022 = _row(result, "manure_unmet_need", A, 2022)
    assert unmet_2022["value"] == 0.0  # F1's half herd: need 50 <= 60 allocated
    unmet_2023 = _row(result, "manure_unmet_need", A, 2023)
    assert (unmet_2023["value"], unmet_2023["status"]) == (40.0, "exceeded")
    # A 2023: baseline 10,000 cows + F1 4,000 cows (F0 is in the baseline); the ledger placed
    # 60 % of F1's need, the baseline takes land up to A's 700,000 kg N
    produced = 14_000 * PE_COW * 7.0
    f1_on_land = 0.6 * 4_000 * PE_COW * 7.0
    baseline = 10_000 * PE_COW * 7.0
    utilisation = _row(result, "manure_utilisation_n", A, 2023)
    assert utilisation["value"] == pytest.approx((f1_on_land + baseline) / produced)  # 0.886
    assert utilisation["status"] == "exceeded"  # below the 90 % target
    assert _row(result, "manure_unmet_need", CITY, 2023)["value"] == 40.0


def test_utilisation_with_a_plant_by_hand() -> None:
    """Two farms in A (F0 in the baseline, F1 60 % matched), A's parcels and one plant."""
    allocation = pd.DataFrame(
        {
            "farm_id": ["F0", "F1", "F2"],
            "need_kg_per_yr": [10.0, 100.0, 50.0],
            "allocated_kg_per_yr": [10.0, 60.0, 50.0],
        }
    )
    plants = pd.DataFrame(
        {
            "plant_id": ["P1"],
            "adcode": [A],
            "capacity_n_kg_per_yr": [50_000.0],
            "capacity_p_kg_per_yr": [5_000.0],
        }
    )
    result = run_buildout(
        FARMS, [2023], _region(manure_plants=plants), PARAMETERS, allocation=allocation
    )
    for x, per_pe, land in (("n", 7.0, 700_000.0), ("p", 1.2, 120_000.0)):
        produced = 14_000 * PE_COW * per_pe
        f1 = 4_000 * PE_COW * per_pe
        on_land = 0.6 * f1 + min(produced - f1, land - 0.6 * f1)
        to_plant = min(produced - on_land, 50_000.0 if x == "n" else 5_000.0)
        row = _row(result, f"manure_utilisation_{x}", A, 2023)
        assert row["value"] == pytest.approx((on_land + to_plant) / produced)
    assert _row(result, "manure_utilisation_n", A, 2023)["value"] == pytest.approx(0.9622, abs=1e-4)
    assert _row(result, "manure_utilisation_p", A, 2023)["value"] == pytest.approx(0.9304, abs=1e-4)
    city = _row(result, "manure_utilisation_n", CITY, 2023)
    totals = result.county_totals
    assert city["value"] == pytest.approx(
        totals["n_utilised_kg_per_yr"].sum() / totals["n_produced_kg_per_yr"].sum()
    )


def test_allocation_must_match_the_farms() -> None:
    allocation = pd.DataFrame(
        {"farm_id": ["F0", "F9"], "need_kg_per_yr": [1.0, 1.0], "allocated_kg_per_yr": [1.0, 1.0]}
    )
    with pytest.raises(
        ParameterError,
        match=r"not in the scenario: \['F9'\]; without "
        r"allocation: \['F1', 'F2'\]",
    ):
        run_buildout(FARMS, [2021], _region(), PARAMETERS, allocation=allocation)
    with pytest.raises(SchemaError, match="lacks need_kg_per_yr"):
        run_buildout(
            FARMS,
            [2021],
            _region(),
            PARAMETERS,
            allocation=allocation.drop(columns="need_kg_per_yr"),
        )


# --- every limit exceeded by construction --------------------------------------------------


def test_a_scenario_exceeding_every_limit() -> None:
    region = _region(
        parcels=_parcels(forage_scale=0.25),  # parcels below the county targets
        city_targets=_city_targets(dairy_cow_head=1e6, goat_head=1e6, forage_base_wan_mu=0.1),
    )
    farms = pd.DataFrame(
        {
            "farm_id": ["BIG"],
            "adcode": [A],
            "status": ["proposed"],
            "start_year": [2022],
            "dairy_cow_head": [100_000],
        }
    )
    allocation = pd.DataFrame(
        {"farm_id": ["BIG"], "need_kg_per_yr": [1e6], "allocated_kg_per_yr": [1e5]}
    )
    result = run_buildout(farms, [2023], region, PARAMETERS, allocation=allocation)
    exceeded = set(result.checks.loc[result.checks["status"] == "exceeded", "check"])
    assert exceeded == set(CHECKS)
    index = _row(result, "manure_load_index_n", A, 2023)
    assert index["value"] == pytest.approx(110_000 * PE_COW / 100_000)
    assert index["grade"] == "VI"  # 7.33 > 2.5
    grown = _row(result, "forage_grown_silage_corn", A, 2023)
    assert (grown["value"], grown["limit"]) == (0.5, 2.0)


# --- input errors --------------------------------------------------------------------------


def test_bad_farms_are_all_listed() -> None:
    farms = pd.DataFrame(
        {
            "farm_id": ["x", "x", "y"],
            "adcode": [A, "999999", B],
            "status": ["proposed", "planned", "proposed"],
            "start_year": [2021, 2021, None],
            "dairy_cow_head": [1, 1, -3],
        }
    )
    with pytest.raises(
        ParameterError,
        match=r"farm\(s\) x, x repeat a farm_id.*x have an "
        r"adcode outside.*x have a status not in.*y need a "
        r"whole start_year.*y have dairy_cow_head",
    ):
        run_buildout(farms, [2021], _region(), PARAMETERS)
    with pytest.raises(SchemaError, match=r"lacks the column.*start_year"):
        run_buildout(farms.drop(columns="start_year"), [2021], _region(), PARAMETERS)


def test_bad_years_and_supply_are_refused() -> None:
    with pytest.raises(ParameterError, match="no year given"):
        run_buildout(FARMS, [], _region(), PARAMETERS)
    with pytest.raises(ParameterError, match=r"years \[20\] are not whole years"):
        run_buildout(FARMS, [20], _region(), PARAMETERS)
    with pytest.raises(ParameterError, match="supply_from 'both'"):
        run_buildout(FARMS, [2021], _region(), PARAMETERS, supply_from="both")  # type: ignore[arg-type]


def test_region_frames_need_their_columns() -> None:
    with pytest.raises(SchemaError, match="water_caps lacks cap_m3_per_yr"):
        _region(
            water_caps=pd.DataFrame(
                {
                    "adcode": [A],
                    "other_use_m3_per_yr": [0.0],
                    "source": "x",
                    "status": "illustrative",
                }
            )
        )


def test_farms_from_sites_locate_the_county() -> None:
    counties = gpd.GeoDataFrame(
        {"adcode": [A, B]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326"
    )
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["s1", "s2"],
            "status": ["proposed", "existing"],
            "start_year": [2022, None],
            "dairy_cow_head": [10, 20],
            "county_code": [None, A],
        },
        geometry=[box(1.2, 0.2, 1.3, 0.3), box(1.5, 0.5, 1.6, 0.6)],
        crs="EPSG:4326",
    )
    farms = farms_from_sites(sites, counties)
    assert farms["farm_id"].tolist() == ["s1", "s2"]
    assert farms["adcode"].tolist() == [B, A]  # located; given county_code wins
    assert farms["dairy_cow_head"].tolist() == [10.0, 20.0]


@settings(max_examples=10, deadline=None)
@given(head_a=st.integers(0, 50_000), head_b=st.integers(0, 50_000), extra=st.integers(1, 20_000))
def test_roll_up_and_monotonicity(head_a: int, head_b: int, extra: int) -> None:
    def run(a: int) -> BuildoutResult:
        farms = pd.DataFrame(
            {
                "farm_id": ["fa", "fb"],
                "adcode": [A, B],
                "status": ["proposed", "proposed"],
                "start_year": [2021, 2022],
                "dairy_cow_head": [a, head_b],
            }
        )
        return run_buildout(farms, [2023], _region(), PARAMETERS)

    small, large = run(head_a), run(head_a + extra)
    county = small.county_totals
    for column in ("water_use_m3_per_yr", "present_pe", "silage_corn_area_needed_mu"):
        assert small.city_totals[column].iloc[0] == pytest.approx(county[column].sum())
        assert (large.county_totals[column].to_numpy() >= county[column].to_numpy() - 1e-6).all()
