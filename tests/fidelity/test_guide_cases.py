"""Fidelity cases of the 2018 MoA method, worked by hand in each test.

Every expected number is computed here from the guide's recalled coefficients written out
as literals (100 pigs = 15 dairy cows = 250 sheep; 7.0 kg N and 1.2 kg P per pig
equivalent; class II fertilisation share 0.45; manure share 0.5; in-season utilisation at
the low and the high end of the guide's ranges). The cases run through the public
functions: `siting.needs`, `siting.nutrients` and ``python -m siting balance --json``.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from cli import main
from layers.coefficients import load_warning_grades
from planning.region_inputs import load_region_params
from siting.needs import Herd, crop_receiving_land, herd_needs
from siting.nutrients import manure_supply
from siting.parameters import RegionParams

N_PER_PE_KG = 7.0
P_PER_PE_KG = 1.2
FERT_SHARE_II = 0.45
MANURE_SHARE = 0.5
#: The low ends of the guide's ranges (N 25-30 %, P 30-35 %): least land.
N_UTIL_LOW, P_UTIL_LOW = 0.25, 0.30
#: The high ends (the cautious end for a land-sufficiency check: most land; the defaults).
N_UTIL_HIGH, P_UTIL_HIGH = 0.30, 0.35


def _params(n_util: float, p_util: float) -> RegionParams:
    base = load_region_params(None)
    nutrients = dataclasses.replace(
        base.nutrients,
        manure_share_frac=MANURE_SHARE,
        n_utilisation_frac=n_util,
        p_utilisation_frac=p_util,
    )
    return dataclasses.replace(base, nutrients=nutrients)


def _demand_per_mu(yield_kg: float, uptake_per_100kg: float, util: float) -> float:
    return yield_kg / 100 * uptake_per_100kg * FERT_SHARE_II * MANURE_SHARE / util


@pytest.mark.parametrize(
    ("n_util", "p_util", "land_n", "land_p"),
    [
        (N_UTIL_LOW, P_UTIL_LOW, 18_787, 29_630),
        (N_UTIL_HIGH, P_UTIL_HIGH, 22_544, 34_568),
    ],
)
def test_5000_dairy_cows_on_maize(
    n_util: float, p_util: float, land_n: float, land_p: float
) -> None:
    pe = 5000 * 100 / 15
    n_demand = _demand_per_mu(600, 2.3, n_util)
    p_demand = _demand_per_mu(600, 0.3, p_util)
    land = crop_receiving_land(
        _params(n_util, p_util), "maize", yield_kg_per_mu=600, soil_class="II"
    )
    needs = herd_needs(Herd.dairy(5000), land, _params(n_util, p_util))
    assert needs.supply.pig_equivalents.total_pe == pytest.approx(pe)
    assert round(pe) == 33_333
    assert needs.absorption_land_n_mu == pytest.approx(pe * N_PER_PE_KG / n_demand)
    assert needs.absorption_land_p_mu == pytest.approx(pe * P_PER_PE_KG / p_demand)
    assert round(needs.absorption_land_n_mu) == land_n
    assert round(needs.absorption_land_p_mu) == land_p


@pytest.mark.parametrize(("n_util", "land_n"), [(N_UTIL_LOW, 77_778), (N_UTIL_HIGH, 93_333)])
def test_30000_sheep_on_alfalfa(n_util: float, land_n: float) -> None:
    pe = 30_000 * 100 / 250
    params = _params(n_util, P_UTIL_LOW)
    land = crop_receiving_land(params, "alfalfa", yield_kg_per_mu=600, soil_class="II")
    needs = herd_needs(Herd.from_species({"sheep": 30_000}), land, params)
    assert needs.supply.pig_equivalents.total_pe == pytest.approx(12_000)
    assert needs.absorption_land_n_mu == pytest.approx(
        pe * N_PER_PE_KG / _demand_per_mu(600, 0.2, n_util)
    )
    assert round(needs.absorption_land_n_mu) == land_n


@pytest.mark.parametrize(("n_util", "land_n"), [(N_UTIL_LOW, 829.6), (N_UTIL_HIGH, 995.6)])
def test_200_cows_on_oats(n_util: float, land_n: float) -> None:
    pe = 200 * 100 / 15
    params = _params(n_util, P_UTIL_LOW)
    land = crop_receiving_land(params, "forage_oat", yield_kg_per_mu=500, soil_class="II")
    needs = herd_needs(Herd.dairy(200), land, params)
    assert round(needs.supply.pig_equivalents.total_pe) == 1_333
    assert needs.absorption_land_n_mu == pytest.approx(
        pe * N_PER_PE_KG / _demand_per_mu(500, 2.5, n_util)
    )
    assert round(needs.absorption_land_n_mu, 1) == land_n


def test_renhuai_supply_and_grades() -> None:
    """仁怀市 2022 (徐猛 et al. 2023): 406,534.10 PE -> 2,845.70 t N, 487.80 t P; grades."""
    params = load_region_params(None)
    supply = manure_supply({"pig": 406_534.10}, params.nutrients)
    # 406,534.10 x 7.0 kg = 2,845.74 t and x 1.2 kg = 487.84 t: the paper prints 0.1 t.
    assert supply.n_supply_kg_per_yr == pytest.approx(406_534.10 * N_PER_PE_KG)
    assert supply.p_supply_kg_per_yr == pytest.approx(406_534.10 * P_PER_PE_KG)
    assert supply.n_supply_kg_per_yr / 1000 == pytest.approx(2_845.70, abs=0.05)
    assert supply.p_supply_kg_per_yr / 1000 == pytest.approx(487.80, abs=0.05)
    grades = load_warning_grades(None)
    assert grades.classify(0.527).grade == "II"
    assert grades.classify(0.30).grade == "I"


def test_balance_json_both_ends(capsys: pytest.CaptureFixture[str]) -> None:
    """``balance --json`` at the high ends of the utilisation ranges (5,000 cows, maize)."""
    status = main(
        [
            "balance",
            "--animals",
            "dairy_cow=5000",
            "--crop",
            "maize",
            "--yield-kg-per-mu",
            "600",
            "--soil-class",
            "II",
            "--manure-share",
            "0.5",
            "--n-utilisation",
            "0.30",
            "--p-utilisation",
            "0.35",
            "--json",
        ]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    pe = 5000 * 100 / 15
    assert data["land_required_mu_n"] == pytest.approx(
        pe * N_PER_PE_KG / _demand_per_mu(600, 2.3, N_UTIL_HIGH)
    )
    assert data["land_required_mu_p"] == pytest.approx(
        pe * P_PER_PE_KG / _demand_per_mu(600, 0.3, P_UTIL_HIGH)
    )


def test_balance_json_carries_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    """At the default (high) ends, the JSON also gives the land at the low ends."""
    assert (
        main(
            [
                "balance",
                "--animals",
                "dairy_cow=5000",
                "--crop",
                "maize",
                "--yield-kg-per-mu",
                "600",
                "--soil-class",
                "II",
                "--manure-share",
                "0.5",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    pe = 5000 * 100 / 15
    n_low = pe * N_PER_PE_KG / _demand_per_mu(600, 2.3, N_UTIL_LOW)
    n_high = pe * N_PER_PE_KG / _demand_per_mu(600, 2.3, N_UTIL_HIGH)
    p_high = pe * P_PER_PE_KG / _demand_per_mu(600, 0.3, P_UTIL_HIGH)
    assert data["absorption_land_n_range_mu"] == pytest.approx([n_low, n_high])  # 18,787-22,544
    assert data["absorption_land_p_range_mu"][1] == pytest.approx(p_high)  # 34,568
    assert data["absorption_land_need_range_mu"] == pytest.approx([n_low, n_high])
    assert data["land_required_mu_n"] == pytest.approx(n_high)  # the default is the high end


def test_balance_text_shows_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "balance",
                "--animals",
                "dairy_cow=200",
                "--crop",
                "forage_oat",
                "--yield-kg-per-mu",
                "500",
                "--manure-share",
                "0.5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    # 200 × 100/15 × 7.0 kg N ÷ (500/100 × 2.5 × 0.45 × 0.5 ÷ 0.30) = 995.6 mu (default: high end)
    assert "Land required: 996 mu on the N basis" in out
    assert "range 830–996 mu at in-season utilisation N 0.25–0.30" in out
    assert "default 0.30" in out
