"""Unit constants and conversions used by planners in China (亩, 万亩) and SI units.

1 亩 (mu) = 10,000/15 m² (definition of the market mu, 市亩); 1 ha = 15 亩; 1 万亩 = 10,000 亩.
Every conversion in the code base goes through these names: no bare ``666.67`` or ``/15``.
"""

from __future__ import annotations

M2_PER_MU: float = 10_000 / 15
M2_PER_HA: float = 10_000.0
M2_PER_KM2: float = 1_000_000.0
MU_PER_HA: float = M2_PER_HA / M2_PER_MU
MU_PER_WAN_MU: float = 10_000.0
M_PER_KM: float = 1_000.0
KG_PER_T: float = 1_000.0
L_PER_M3: float = 1_000.0
DAYS_PER_YR: float = 365.0
#: Unit code of an area in 万亩 in tables and check rows (shown through ``unit.万亩``).
WAN_MU_UNIT: str = "万亩"

# Oxide conversions by molar mass (P: 30.974, O: 15.999, K: 39.098).
P_PER_P2O5: float = 2 * 30.974 / (2 * 30.974 + 5 * 15.999)
K_PER_K2O: float = 2 * 39.098 / (2 * 39.098 + 15.999)


def m2_to_mu(area_m2: float) -> float:
    """Convert square metres to 亩."""
    return area_m2 / M2_PER_MU


def mu_to_m2(area_mu: float) -> float:
    """Convert 亩 to square metres."""
    return area_mu * M2_PER_MU


def mu_to_ha(area_mu: float) -> float:
    """Convert 亩 to hectares."""
    return area_mu / MU_PER_HA


def ha_to_mu(area_ha: float) -> float:
    """Convert hectares to 亩."""
    return area_ha * MU_PER_HA


def wan_mu_to_mu(area_wan_mu: float) -> float:
    """Convert 万亩 to 亩."""
    return area_wan_mu * MU_PER_WAN_MU


def mu_to_wan_mu(area_mu: float) -> float:
    """Convert 亩 to 万亩."""
    return area_mu / MU_PER_WAN_MU
