"""siting.utilisation: N and P on matched land and to plants ÷ produced, worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from siting.utilisation import USE_COLUMNS, county_manure_use, no_plants, utilisation_frac

A, B = "150121", "150123"


def _totals() -> pd.DataFrame:
    # A: 100,000 kg N produced (scenario farms 40,000, half of it placed by the ledger),
    # land takes 70,000 kg N; B: 10,000 kg N, all from the baseline, land 4,000 kg N.
    return pd.DataFrame(
        {
            "n_supply_kg_per_yr": [100_000.0, 10_000.0],
            "p_supply_kg_per_yr": [20_000.0, 0.0],
            "manure_n_demand_kg_per_yr": [70_000.0, 4_000.0],
            "manure_p_demand_kg_per_yr": [30_000.0, 1_000.0],
            "scenario_n_kg_per_yr": [40_000.0, 0.0],
            "scenario_p_kg_per_yr": [8_000.0, 0.0],
            "ledger_n_matched_kg_per_yr": [20_000.0, 0.0],
            "ledger_p_matched_kg_per_yr": [4_000.0, 0.0],
        },
        index=pd.Index([A, B], name="adcode"),
    )


def test_ledger_land_and_one_plant() -> None:
    plants = pd.DataFrame(
        {
            "plant_id": ["P1"],
            "adcode": [A],
            "capacity_n_kg_per_yr": [5_000.0],
            "capacity_p_kg_per_yr": [0.0],
        }
    )
    use = county_manure_use(_totals(), plants, ledger=True)
    assert list(use.columns) == list(USE_COLUMNS)
    # A, N: scenario 20,000 on land; baseline 60,000 takes min(60,000, 70,000 - 20,000)
    # = 50,000; left 30,000, the plant takes 5,000 -> 75,000 / 100,000
    assert use.loc[A, "n_on_land_kg_per_yr"] == 70_000
    assert use.loc[A, "n_to_plants_kg_per_yr"] == 5_000
    assert utilisation_frac(use["n_utilised_kg_per_yr"], use["n_produced_kg_per_yr"])[0] == 0.75
    # B, N: no ledger farms, land 4,000 of 10,000 -> 0.4 (a county short of land)
    assert use.loc[B, "n_utilised_kg_per_yr"] == 4_000
    # A, P: 4,000 + min(12,000, 30,000 - 4,000) = 16,000 of 20,000
    assert use.loc[A, "p_utilised_kg_per_yr"] == 16_000


def test_without_ledger_all_herds_share_the_land() -> None:
    use = county_manure_use(_totals(), no_plants(), ledger=False)
    np.testing.assert_allclose(use["n_on_land_kg_per_yr"], [70_000, 4_000])
    assert (use["n_to_plants_kg_per_yr"] == 0).all()


def test_nothing_produced_has_no_rate() -> None:
    rate = utilisation_frac(pd.Series([0.0, 5.0]), pd.Series([0.0, 10.0]))
    assert np.isnan(rate[0])
    assert rate[1] == pytest.approx(0.5)
