"""Rows that show how a result was computed (notes are `locales.Message` keys)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from siting.parameters import Coefficient


def json_number(value: float) -> float | None:
    """Return ``value``, or None where it is infinite or NaN (JSON has no Infinity)."""
    return value if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class ExplainRow:
    """One computed quantity with its formula and the coefficients it used.

    Parameters
    ----------
    quantity
        Name of the quantity (the result field, e.g. ``"n_supply_kg_per_yr"``).
    value
        Its value in ``unit``.
    unit
        Unit text (``"kg N/yr"``, ``"mu"``, ``"PE"`` ...).
    formula
        The formula with the numbers filled in.
    coefficients
        Records (value, unit, status, source) of every coefficient in the formula.
    """

    quantity: str
    value: float
    unit: str
    formula: str
    coefficients: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the row as a JSON-ready dict (infinite values become None)."""
        return {
            "quantity": self.quantity,
            "value": json_number(self.value),
            "unit": self.unit,
            "formula": self.formula,
            "coefficients": [
                {**c.to_dict(), "value": json_number(c.value)} for c in self.coefficients
            ],
        }


def fmt(value: float) -> str:
    """Format a number for a formula text (6 significant digits, thousands separators)."""
    return f"{value:,.6g}"
