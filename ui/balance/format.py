"""Number and label formatting of the manure–land balance page (display only).

Areas in 亩 are shown with 公顷 and 万亩 beside them, converted with the constants of
`geo.units`; infinite values (land that takes none of a nutrient) show as "∞".
"""

from __future__ import annotations

import math

from geo.units import MU_PER_HA, MU_PER_WAN_MU
from ui.labels import t, t_or

NO_VALUE = "—"
INFINITE = "∞"


def _special(value: float | None) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    if math.isinf(value):
        return INFINITE if value > 0 else f"-{INFINITE}"
    return None


def fmt_int(value: float | None) -> str:
    """Format a count or mass as a whole number with thousands separators (33,333)."""
    special = _special(value)
    return special if special is not None else f"{value:,.0f}"


def fmt_dec(value: float | None, decimals: int = 2) -> str:
    """Format a number with ``decimals`` decimals and thousands separators (12.42)."""
    special = _special(value)
    return special if special is not None else f"{value:,.{decimals}f}"


def fmt_index(value: float | None) -> str:
    """Format a load index with three decimals, enough to place it against 0.4 / 0.7 / 1.0."""
    return fmt_dec(value, 3)


def fmt_coefficient(value: float) -> str:
    """Format a coefficient value with up to 6 significant digits (6.66667, 0.45, ∞)."""
    special = _special(value)
    return special if special is not None else f"{value:,.6g}"


def area_beside(area_mu: float | None, lang: str) -> str:
    """Return "= 1,252 公顷 = 1.88 万亩" for an area in 亩 (blank for a missing value)."""
    special = _special(area_mu)
    if special is not None:
        return ""
    return t("balance.area_beside", lang).format(
        ha=f"{area_mu / MU_PER_HA:,.0f}", wan_mu=f"{area_mu / MU_PER_WAN_MU:,.2f}"
    )


def wan_mu(area_mu: float) -> str:
    """Format an area given in 亩 in 万亩 (two decimals)."""
    return fmt_dec(area_mu / MU_PER_WAN_MU, 2)


def hectares(area_mu: float) -> str:
    """Format an area given in 亩 in whole hectares."""
    return fmt_int(area_mu / MU_PER_HA)


def basis_name(basis: str, lang: str) -> str:
    """Return the nutrient name of a basis: "N" -> 氮 (zh) / N (en)."""
    return t(f"balance.basis_name.{basis}", lang)


def status_label(status: str, lang: str) -> str:
    """Return the display name of a coefficient status (verified ... user)."""
    return t_or(f"status.{status}", lang, status)


def unit_label(unit: str, lang: str) -> str:
    """Return the display unit of an explain/coefficient unit text ("kg N/mu" -> kg N/亩)."""
    return t_or(f"bunit.{unit}", lang, unit)
