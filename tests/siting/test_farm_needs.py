"""Farm needs: manure N and P after losses (2018 MoA guide) and forage land per site."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from errors import ParameterError
from layers.coefficients import load_manure_routes
from layers.forage_params import load_forage_params
from siting.farm_needs import FARM_NEED_COLUMNS, farm_needs
from siting.forage import herd_forage_need
from siting.nutrients import crop_manure_demand
from tests.siting.scenario_fixtures import COUNTY, ZONE, scenario_inputs, site, sites

NEEDS = scenario_inputs(suitability=False).params


def test_dairy_farm_needs_follow_the_guide_default() -> None:
    frame = sites(site("A", 1.0, dairy=5_000), site("B", 2.0, dairy=0, sheep_head=2_500))
    needs = farm_needs(frame, NEEDS)
    assert list(needs.columns) == list(FARM_NEED_COLUMNS)
    pe_a = 5_000 * 100 / 15  # 100 pigs = 15 dairy cows
    assert needs.loc[0, "pig_equivalents_pe"] == pytest.approx(pe_a, rel=1e-12)
    assert needs.loc[0, "n_need_kg_per_yr"] == pytest.approx(pe_a * 7.0, rel=1e-12)
    assert needs.loc[0, "p_need_kg_per_yr"] == pytest.approx(pe_a * 1.2, rel=1e-12)
    assert needs.loc[0, "route_key"] == "per_pe_supply"
    pe_b = 2_500 * 100 / 250  # 100 pigs = 250 sheep
    assert needs.loc[1, "n_need_kg_per_yr"] == pytest.approx(pe_b * 7.0, rel=1e-12)
    assert needs.loc[1, "forage_land_mu"] == pytest.approx(0.0, abs=1e-9)  # sheep: no ration


def test_route_retention_applies_to_excretion() -> None:
    route = load_manure_routes().route("separation_compost_lagoon", ["dairy_cow"])
    needs = farm_needs(
        sites(site("A", 1.0, dairy=1_500, manure_route="separation_compost_lagoon")), NEEDS
    )
    pe = 1_500 * 100 / 15
    assert needs.loc[0, "n_need_kg_per_yr"] == pytest.approx(
        pe * 11.0 * route.n_retention_frac, rel=1e-12
    )
    assert needs.loc[0, "route_key"] == "separation_compost_lagoon"
    guide = farm_needs(sites(site("A", 1.0, dairy=1_500, manure_route="guide_default")), NEEDS)
    assert guide.loc[0, "n_need_kg_per_yr"] == pytest.approx(pe * 7.0, rel=1e-12)


def test_forage_land_uses_the_county_zone() -> None:
    needs = farm_needs(sites(site("A", 1.0, dairy=5_000, goat_head=100)), NEEDS)
    expected = herd_forage_need(
        {"dairy_cow_head": 5_000, "goat_head": 100}, load_forage_params(), adcode=COUNTY, zone=ZONE
    )
    assert needs.loc[0, "forage_land_mu"] == pytest.approx(expected.total_area_mu, rel=1e-12)
    assert needs.loc[0, "silage_corn_land_mu"] == pytest.approx(
        expected.area_mu["silage_corn"], rel=1e-12
    )


def test_site_without_county_has_no_forage_land() -> None:
    needs = farm_needs(sites(site("A", 1.0, dairy=100, county_code=None)), NEEDS)
    assert math.isnan(needs.loc[0, "forage_land_mu"])
    assert math.isnan(needs.loc[0, "water_need_m3_per_yr"])


def test_absorption_land_defaults_to_the_region_receiving_crop() -> None:
    """Without receiving land given, the land need is at silage maize, class II, default yield."""
    needs = farm_needs(sites(site("A", 1.0, dairy=3_000)), NEEDS)
    demand = crop_manure_demand(
        NEEDS.crops.get("silage_corn"),
        yield_kg_per_mu=None,
        soil_class="II",
        params=NEEDS.nutrients,
    )
    n_need = 3_000 * 100 / 15 * 7.0
    assert needs.loc[0, "absorption_land_n_mu"] == pytest.approx(
        n_need / demand.n_demand_kg_per_mu, rel=1e-12
    )
    assert needs.loc[0, "absorption_need_basis"] == "N"
    assert needs.loc[0, "absorption_land_need_mu"] == needs.loc[0, "absorption_land_n_mu"]
    assert needs.loc[0, "absorption_demand_source"] == "crop"


def test_unknown_routes_are_listed_by_site_name() -> None:
    frame = sites(
        site("A", 1.0, dairy=10, manure_route="teleport"),
        site("B", 2.0, dairy=10, manure_route="dry_scrape+nothing"),
    )
    with pytest.raises(ParameterError, match=r"'A'.*teleport.*'B'"):
        farm_needs(frame, NEEDS)


def test_empty_scenario_has_no_needs() -> None:
    needs = farm_needs(sites().iloc[0:0], NEEDS)
    assert needs.empty and list(needs.columns) == list(FARM_NEED_COLUMNS)
    assert isinstance(needs, pd.DataFrame)


def test_unchanged_sites_reuse_the_previous_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    from siting import needs as module

    calls: list[dict] = []
    real = module.herd_forage_need

    def counting(herd: dict, *args: object, **kwargs: object) -> object:
        calls.append(dict(herd))
        return real(herd, *args, **kwargs)

    monkeypatch.setattr(module, "herd_forage_need", counting)
    first = farm_needs(sites(site("A", 1.0, dairy=100), site("B", 2.0, dairy=200)), NEEDS)
    assert len(calls) == 2
    again = farm_needs(
        sites(site("A", 1.0, dairy=100), site("B", 2.0, dairy=300)), NEEDS, previous=first
    )
    assert calls[-1]["dairy_cow_head"] == 300 and len(calls) == 3
    assert again.loc[0, "n_need_kg_per_yr"] == first.loc[0, "n_need_kg_per_yr"]
    assert again.loc[1, "n_need_kg_per_yr"] == pytest.approx(300 * 100 / 15 * 7.0, rel=1e-12)
