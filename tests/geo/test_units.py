"""Tests for geo.units: known values and round trips of the unit conversions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.units import (
    K_PER_K2O,
    M2_PER_HA,
    M2_PER_MU,
    MU_PER_HA,
    MU_PER_WAN_MU,
    P_PER_P2O5,
    ha_to_mu,
    m2_to_mu,
    mu_to_ha,
    mu_to_m2,
    mu_to_wan_mu,
    wan_mu_to_mu,
)

AREAS = st.floats(min_value=0.0, max_value=1e9, allow_nan=False, allow_infinity=False)


def test_known_values() -> None:
    assert pytest.approx(666.6667, abs=1e-4) == M2_PER_MU
    assert pytest.approx(15.0, rel=1e-12) == MU_PER_HA
    assert M2_PER_HA == 10_000.0
    assert MU_PER_WAN_MU == 10_000.0
    assert mu_to_m2(15.0) == pytest.approx(10_000.0)
    assert ha_to_mu(1.0) == pytest.approx(15.0)
    assert wan_mu_to_mu(1.5) == 15_000.0


def test_oxide_factors_from_molar_masses() -> None:
    p_g_per_mol, o_g_per_mol, k_g_per_mol = 30.974, 15.999, 39.098
    assert pytest.approx(2 * p_g_per_mol / (2 * p_g_per_mol + 5 * o_g_per_mol)) == P_PER_P2O5
    assert pytest.approx(0.4364, abs=1e-4) == P_PER_P2O5
    assert pytest.approx(2 * k_g_per_mol / (2 * k_g_per_mol + o_g_per_mol)) == K_PER_K2O
    assert pytest.approx(0.8301, abs=1e-4) == K_PER_K2O


@settings(max_examples=50, deadline=None)
@given(AREAS)
def test_mu_m2_round_trip(area_mu: float) -> None:
    assert m2_to_mu(mu_to_m2(area_mu)) == pytest.approx(area_mu, rel=1e-12, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(AREAS)
def test_mu_ha_round_trip(area_mu: float) -> None:
    assert ha_to_mu(mu_to_ha(area_mu)) == pytest.approx(area_mu, rel=1e-12, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(AREAS)
def test_wan_mu_round_trip(area_mu: float) -> None:
    assert wan_mu_to_mu(mu_to_wan_mu(area_mu)) == pytest.approx(area_mu, rel=1e-12, abs=1e-12)
