"""Crop nutrient uptake per 100 kg of yield (guide 附表1) and the crop table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from errors import ParameterError
from problems import Problems
from siting.parameters.coefficient import Coefficient, check_status

#: Uptake in the guide's 附表1 is given per this many kg of harvested yield.
UPTAKE_BASIS_KG: Final[float] = 100.0
#: What the yield (and the uptake per 100 kg) refers to.
YIELD_BASES: Final[tuple[str, ...]] = ("grain", "hay", "fresh", "whole_plant_fresh", "lint")


@dataclass(frozen=True, slots=True)
class CropCoefficient:
    """Nutrient uptake of one crop and an illustrative default yield.

    Parameters
    ----------
    key
        Crop identifier (``"maize"``, ``"silage_corn"`` ...), as in ``crops.csv``.
    name_zh, name_en
        Display names.
    n_kg_per_100kg, p_kg_per_100kg
        N and elemental P taken up per 100 kg of harvested yield on ``yield_basis``.
    yield_basis
        One of `YIELD_BASES`: grain, hay, fresh, whole-plant fresh, lint.
    status, source
        Status and source of the two uptake values.
    default_yield_kg_per_mu
        Yield used when the user gives none, in kg per 亩 on ``yield_basis``.
    yield_status, yield_source
        Status and source of the default yield (illustrative: replace with a local value).
    note
        Derivation or caveat (e.g. the silage-corn derivation).
    """

    key: str
    name_zh: str
    name_en: str
    n_kg_per_100kg: float
    p_kg_per_100kg: float
    yield_basis: str
    status: str
    source: str
    default_yield_kg_per_mu: float
    yield_status: str
    yield_source: str
    note: str = ""

    def __post_init__(self) -> None:
        problems = Problems(f"crop {self.key!r}", f"作物 {self.key!r}")
        problems.require_positive("n_kg_per_100kg", self.n_kg_per_100kg, allow_zero=True)
        problems.require_positive("p_kg_per_100kg", self.p_kg_per_100kg, allow_zero=True)
        problems.require_positive("default_yield_kg_per_mu", self.default_yield_kg_per_mu)
        if self.yield_basis not in YIELD_BASES:
            problems.add(
                f"yield_basis {self.yield_basis!r} is not one of {', '.join(YIELD_BASES)}",
                f"产量基准 {self.yield_basis!r} 不在 {', '.join(YIELD_BASES)} 之中",
            )
        check_status(problems, "uptake", self.status)
        check_status(problems, "default yield", self.yield_status)
        problems.raise_if_any()

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the uptake and default-yield records of this crop."""
        per = f"per 100 kg {self.yield_basis.replace('_', ' ')}"
        prefix = f"crop.{self.key}"
        return (
            Coefficient(
                f"{prefix}.n_kg_per_100kg",
                self.n_kg_per_100kg,
                f"kg N {per}",
                self.status,
                self.source,
                self.note,
            ),
            Coefficient(
                f"{prefix}.p_kg_per_100kg",
                self.p_kg_per_100kg,
                f"kg P {per}",
                self.status,
                self.source,
                self.note,
            ),
            Coefficient(
                f"{prefix}.default_yield_kg_per_mu",
                self.default_yield_kg_per_mu,
                f"kg {self.yield_basis.replace('_', ' ')} per mu",
                self.yield_status,
                self.yield_source,
            ),
        )


@dataclass(frozen=True, slots=True)
class CropTable:
    """All crops by key; `get` raises a `ParameterError` naming the known crops."""

    crops: Mapping[str, CropCoefficient] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "crops", dict(self.crops))
        problems = Problems("crop table", "作物表")
        if not self.crops:
            problems.add("no crop given", "没有作物")
        for key, crop in self.crops.items():
            if key != crop.key:
                problems.add(
                    f"entry {key!r} holds crop {crop.key!r}", f"条目 {key!r} 对应作物 {crop.key!r}"
                )
        problems.raise_if_any()

    def __iter__(self) -> Iterator[str]:
        return iter(self.crops)

    def __len__(self) -> int:
        return len(self.crops)

    def __contains__(self, key: object) -> bool:
        return key in self.crops

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the uptake and default-yield records of every crop."""
        return tuple(c for crop in self.crops.values() for c in crop.coefficients())

    def get(self, key: str) -> CropCoefficient:
        """Return the crop ``key``.

        Raises
        ------
        ParameterError
            If the crop is unknown; the message lists the known crop keys.
        """
        if key not in self.crops:
            known = ", ".join(self.crops)
            msg = f"Unknown crop {key!r}. Known crops: {known}."
            raise ParameterError(msg, zh=f"未知作物 {key!r}。已知作物：{known}。")
        return self.crops[key]
