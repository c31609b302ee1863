"""Remaining parcel capacity after an allocation ledger (siting.nutrients.remaining)."""

from __future__ import annotations

import pandas as pd
import pytest

from errors import SchemaError
from siting.nutrients.remaining import REMAINING_COLUMNS, remaining_capacity


@pytest.fixture
def parcels() -> pd.DataFrame:
    # Two parcels of 100 亩 and one of 0 亩; capacities in kg/yr.
    return pd.DataFrame(
        {
            "parcel_id": ["a", "b", "c"],
            "area_mu": [100.0, 100.0, 0.0],
            "n_capacity_kg_per_yr": [1242.0, 0.0, 0.0],
            "p_capacity_kg_per_yr": [135.0, 0.0, 0.0],
        }
    )


def test_without_ledger_remaining_is_full_capacity(parcels) -> None:
    out = remaining_capacity(parcels)
    assert list(out.columns) == [*parcels.columns, *REMAINING_COLUMNS]
    assert out["remaining_n_kg_per_yr"].tolist() == [1242.0, 0.0, 0.0]
    assert out["allocated_p_kg_per_yr"].tolist() == [0.0, 0.0, 0.0]
    # 1242 kg N / 100 亩 = 12.42 kg N per 亩; the parcel without area gets 0
    assert out["remaining_n_kg_per_mu"].tolist() == pytest.approx([12.42, 0.0, 0.0])
    assert "remaining_n_kg_per_yr" not in parcels.columns  # input not modified


def test_ledger_rows_of_one_parcel_are_added(parcels) -> None:
    ledger = pd.DataFrame(
        {
            "site_id": ["s1", "s2"],
            "parcel_id": ["a", "a"],
            "n_kg_per_yr": [200.0, 42.0],
            "p_kg_per_yr": [35.0, 0.0],
        }
    )
    out = remaining_capacity(parcels, ledger)
    assert out.loc[0, "allocated_n_kg_per_yr"] == pytest.approx(200 + 42)
    assert out.loc[0, "remaining_n_kg_per_yr"] == pytest.approx(1242 - 242)
    assert out.loc[0, "remaining_p_kg_per_mu"] == pytest.approx((135 - 35) / 100)
    assert out.loc[1, "remaining_n_kg_per_yr"] == 0.0


def test_over_allocation_is_negative_not_hidden(parcels) -> None:
    ledger = pd.DataFrame({"parcel_id": ["a"], "n_kg_per_yr": [1500.0], "p_kg_per_yr": [0.0]})
    assert remaining_capacity(parcels, ledger).loc[0, "remaining_n_kg_per_yr"] == -258.0


def test_unknown_parcel_and_negative_amount_are_reported_together(parcels) -> None:
    ledger = pd.DataFrame({"parcel_id": ["zz"], "n_kg_per_yr": [-1.0], "p_kg_per_yr": [0.0]})
    with pytest.raises(SchemaError, match=r"not in the parcel layer \(zz\).*n_kg_per_yr"):
        remaining_capacity(parcels, ledger)


def test_missing_columns_are_named(parcels) -> None:
    with pytest.raises(SchemaError, match="n_capacity_kg_per_yr"):
        remaining_capacity(parcels.drop(columns="n_capacity_kg_per_yr"))
    with pytest.raises(SchemaError, match="allocations lacks the column"):
        remaining_capacity(parcels, pd.DataFrame({"parcel_id": ["a"]}))
