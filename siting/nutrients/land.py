"""Land a farm needs for its manure (配套土地), on an N basis and a P basis (guide §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from locales import Message
from problems import Problems
from siting.nutrients.demand import CropDemand
from siting.nutrients.explain import ExplainRow, fmt, json_number
from siting.nutrients.herd import ManureSupply
from siting.nutrients.parcel_demand import ParcelMixDemand
from siting.parameters import Coefficient, NutrientParams

Basis = Literal["N", "P"]


def land_required_mu(supply_kg_per_yr: float, demand_kg_per_mu: float) -> float:
    """Return ``supply ÷ demand`` in 亩: 0 without supply, infinite if the land takes none."""
    if demand_kg_per_mu > 0:
        return supply_kg_per_yr / demand_kg_per_mu
    return 0.0 if supply_kg_per_yr == 0 else math.inf


@dataclass(frozen=True, slots=True)
class FarmLandRequirement:
    """Land a farm's manure needs on each basis, and which basis applies.

    Attributes
    ----------
    land_required_mu_n, land_required_mu_p
        ``manure supply ÷ manure demand per 亩`` for N and for P (亩; inf if the crop takes
        none of that nutrient).
    binding_basis
        The tool's reading of the guide: ``"P"`` where soil Olsen-P is above the threshold
        (the recalled class I limit of 附表2) or the land is in a P-sensitive area, else
        ``"N"``.
    land_required_mu
        The land on the binding basis.
    larger_basis
        The basis that needs more land (the cautious figure), whatever the rule says.
    basis_reason, larger_basis_note
        Why the basis binds, and how the two bases compare.
    """

    supply: ManureSupply
    demand: CropDemand | ParcelMixDemand
    land_required_mu_n: float
    land_required_mu_p: float
    binding_basis: Basis
    land_required_mu: float
    larger_basis: Basis
    olsen_p_mg_per_kg: float | None
    p_sensitive: bool
    olsen_p_threshold_mg_per_kg: float
    basis_reason: Message
    larger_basis_note: Message
    sources: tuple[Coefficient, ...] = ()

    @property
    def notes(self) -> tuple[Message, ...]:
        """Return every note: the demand's, then the basis notes."""
        return (*self.demand.notes, self.basis_reason, self.larger_basis_note)

    def to_dict(self) -> dict[str, object]:
        """Return the headline figures (CLI keys) plus the supply and demand details."""
        return {
            "pig_equivalents": self.supply.pig_equivalents.total_pe,
            "n_supply_kg_per_yr": self.supply.n_supply_kg_per_yr,
            "p_supply_kg_per_yr": self.supply.p_supply_kg_per_yr,
            "n_demand_kg_per_mu": self.demand.n_demand_kg_per_mu,
            "p_demand_kg_per_mu": self.demand.p_demand_kg_per_mu,
            "land_required_mu_n": json_number(self.land_required_mu_n),
            "land_required_mu_p": json_number(self.land_required_mu_p),
            "binding_basis": self.binding_basis,
            "land_required_mu": json_number(self.land_required_mu),
            "larger_basis": self.larger_basis,
            "olsen_p_mg_per_kg": self.olsen_p_mg_per_kg,
            "p_sensitive": self.p_sensitive,
            "olsen_p_threshold_mg_per_kg": self.olsen_p_threshold_mg_per_kg,
            "supply": self.supply.to_dict(),
            "demand": self.demand.to_dict(),
            "notes": [note.to_dict() for note in self.notes],
        }

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return the supply and demand rows, then the land on each basis."""
        rows = [*self.supply.explain(), *self.demand.explain()]
        for x, name in (("n", "N"), ("p", "P")):
            supply = getattr(self.supply, f"{x}_supply_kg_per_yr")
            demand = getattr(self.demand, f"{x}_demand_kg_per_mu")
            rows.append(
                ExplainRow(
                    f"land_required_mu_{x}",
                    getattr(self, f"land_required_mu_{x}"),
                    "mu",
                    f"{fmt(supply)} kg {name}/yr ÷ {fmt(demand)} kg {name}/mu",
                )
            )
        rows.append(
            ExplainRow(
                "land_required_mu",
                self.land_required_mu,
                "mu",
                f"land_required_mu_{self.binding_basis.lower()}",
                self.sources,
            )
        )
        return tuple(rows)


def farm_land_requirement(
    supply: ManureSupply,
    demand: CropDemand | ParcelMixDemand,
    *,
    params: NutrientParams,
    olsen_p_mg_per_kg: float | None = None,
    p_sensitive: bool = False,
) -> FarmLandRequirement:
    """Return the land (亩) a farm's manure needs, on both bases, and the binding one.

    Parameters
    ----------
    supply
        The farm's manure N and P after losses and sales (kg/yr).
    demand
        Manure N and P demand per 亩 of the receiving land: one crop (`CropDemand`) or the
        area-weighted mix of the parcels in reach (`ParcelMixDemand`).
    params
        Nutrient coefficients (``olsen_p_threshold_mg_per_kg``).
    olsen_p_mg_per_kg
        Soil available P (Olsen) of the receiving land in mg/kg, if known.
    p_sensitive
        True where the land is in a P-sensitive (water protection) area.

    Returns
    -------
    FarmLandRequirement

    Raises
    ------
    ParameterError
        If ``olsen_p_mg_per_kg`` is negative or not finite.

    Notes
    -----
    ``land_X = supply_X ÷ demand_X``. The guide computes on N by default; the tool uses P
    where soil P is high (Olsen-P above ``olsen_p_threshold_mg_per_kg``, the tool's reading of
    附表2, not the guide's text) or the area is P-sensitive; both are reported.
    """
    threshold = params.olsen_p_threshold_mg_per_kg
    if olsen_p_mg_per_kg is not None:
        problems = Problems("farm land requirement", "配套土地")
        problems.require_positive("olsen_p_mg_per_kg", olsen_p_mg_per_kg, allow_zero=True)
        problems.raise_if_any()
    land_n = land_required_mu(supply.n_supply_kg_per_yr, demand.n_demand_kg_per_mu)
    land_p = land_required_mu(supply.p_supply_kg_per_yr, demand.p_demand_kg_per_mu)
    p_rich = olsen_p_mg_per_kg is not None and olsen_p_mg_per_kg > threshold
    binding: Basis = "P" if p_rich or p_sensitive else "N"
    larger: Basis = "P" if land_p > land_n else "N"
    return FarmLandRequirement(
        supply,
        demand,
        land_n,
        land_p,
        binding,
        land_p if binding == "P" else land_n,
        larger,
        olsen_p_mg_per_kg,
        p_sensitive,
        threshold,
        _basis_reason(olsen_p_mg_per_kg, p_sensitive, threshold, binding),
        _larger_note(land_n, land_p, binding, larger),
        (params.coefficient("olsen_p_threshold_mg_per_kg"),),
    )


def _basis_reason(
    olsen_p: float | None, p_sensitive: bool, threshold: float, binding: Basis
) -> Message:
    if p_sensitive:
        return Message.of("nutrients.basis.p_sensitive")
    if binding == "P":
        return Message.of(
            "nutrients.basis.p_olsen", olsen_p_mg_per_kg=olsen_p or 0.0, threshold=threshold
        )
    if olsen_p is None:
        return Message.of("nutrients.basis.n_default_no_olsen")
    return Message.of("nutrients.basis.n_default", olsen_p_mg_per_kg=olsen_p, threshold=threshold)


def _larger_note(land_n: float, land_p: float, binding: Basis, larger: Basis) -> Message:
    big, small = (land_p, land_n) if larger == "P" else (land_n, land_p)
    values = {
        "larger": larger,
        "other": "N" if larger == "P" else "P",
        "larger_mu": big,
        "other_mu": small,
    }
    if larger != binding:
        return Message.of("nutrients.larger_basis.not_binding", binding=binding, **values)
    return Message.of("nutrients.larger_basis", **values)
