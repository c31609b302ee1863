"""The optimiser against a scenario: held farms take county headroom as the build-out counts it.

The demo scenario's 15 ranches under construction (5,000 head each, stocked from 2022) are
held; the forage land they take from each county must be what `forage_need_mu_per_head`
says a ranch adds, times their head: the optimiser and the build-out check count alike.
"""

from __future__ import annotations

import pandas as pd
import pytest

from planning.optimise import county_headroom, forage_need_mu_per_head, headroom_years
from planning.proposal import held_sites, remaining_counts
from planning.regions import demo_scenario_sites, load_demo_scenario, load_region

COWS = 5_000


@pytest.fixture(scope="module")
def demo_held() -> pd.DataFrame:
    region = load_region("hohhot")
    ids = load_demo_scenario(region)["site_id"].astype(str).to_numpy()
    return held_sites(demo_scenario_sites(region).assign(site_id=ids), keep_proposed=False)


def test_held_ranches_take_the_forage_the_probe_measures(demo_held: pd.DataFrame) -> None:
    region = load_region("hohhot")
    assert len(demo_held) == 15 and set(demo_held["status"]) == {"under_construction"}
    year = region.plan.target_year  # every held ranch is fully stocked from 2023
    base = county_headroom(region, year).set_index("adcode")
    held = county_headroom(region, year, held_sites=demo_held).set_index("adcode")
    per_head = forage_need_mu_per_head(region)
    ranches = demo_held["county_code"].value_counts()
    assert ranches.to_dict() == {"150121": 7, "150123": 3, "150122": 2, "150124": 2, "150105": 1}
    for adcode in base.index:
        taken = base.at[adcode, "forage_headroom_mu"] - held.at[adcode, "forage_headroom_mu"]
        expected = ranches.get(adcode, 0) * COWS * per_head[adcode]
        assert taken == pytest.approx(expected, rel=1e-9, abs=1e-6), adcode
    # water: the held ranches use some of every county's cap where they stand, none elsewhere
    used = base["water_headroom_m3_per_yr"] - held["water_headroom_m3_per_yr"]
    assert (used[ranches.index] > 0).all()
    assert (used.drop(ranches.index).abs() < 1e-6).all()


def test_headroom_years_and_remaining_counts(demo_held: pd.DataFrame) -> None:
    region = load_region("hohhot")
    assert headroom_years(region, 2022) == [2022, 2023, 2025]
    assert headroom_years(region, 2030) == [2030]
    # the plan's 10 ranches to site; the held scenario has no proposed site
    assert remaining_counts(region, demo_held) == (
        ("150121", 2),
        ("150123", 3),
        ("150122", 4),
        ("150124", 1),
    )
    one_proposed = demo_held.head(1).assign(status="proposed", county_code="150122")
    assert dict(remaining_counts(region, one_proposed))["150122"] == 3
