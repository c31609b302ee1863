"""Coefficients of the 2018 MoA manure-land method (农办牧〔2018〕1号), as one frozen object.

Defaults are in ``data/coefficients/nutrient_factors.csv`` and are loaded by
`layers.coefficients.load_nutrient_params`; user overrides go through
``dataclasses.replace(params, manure_share_frac=1.0)``, which runs the range checks again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from problems import Problems
from siting.parameters.coefficient import Coefficient, resolve_coefficient

#: Soil nutrient classes of the guide's 附表2 (I high, II medium, III low).
SOIL_CLASSES: Final[tuple[str, ...]] = ("I", "II", "III")
#: Species used to express a capacity in head (capacity in dairy cows).
DAIRY_COW: Final[str] = "dairy_cow"

_UNITS: Final[dict[str, str]] = {
    "pe_per_head": "PE per head",
    "n_excreted_kg_per_pe": "kg N per PE per yr",
    "p_excreted_kg_per_pe": "kg P per PE per yr",
    "n_supply_kg_per_pe": "kg N per PE per yr",
    "p_supply_kg_per_pe": "kg P per PE per yr",
    "fert_share_frac": "fraction",
    "manure_share_frac": "fraction",
    "n_utilisation_frac": "fraction",
    "p_utilisation_frac": "fraction",
    "olsen_p_threshold_mg_per_kg": "mg P per kg soil (Olsen)",
    "low_n_demand_np_ratio": "kg N per kg P",
}


@dataclass(frozen=True, slots=True)
class NutrientParams:
    """Coefficients of the 2018 MoA guide used by `siting.nutrients` (statuses in the CSV).

    Parameters
    ----------
    pe_per_head
        Pig equivalents (猪当量) per head on stock, by species key (guide §2: 100 pigs =
        15 dairy cows = 30 beef cattle = 250 sheep or goats = 2,500 poultry). Must hold
        ``"dairy_cow"`` (capacities are also given in dairy cows).
    n_excreted_kg_per_pe, p_excreted_kg_per_pe
        N and P excreted per PE per year before losses (guide §2: 11 kg N, 1.65 kg P).
    n_supply_kg_per_pe, p_supply_kg_per_pe
        Manure N and P supplied to land per PE per year after collection, treatment and
        storage losses (guide §4 national default: 7.0 kg N, 1.2 kg P). Not above excretion.
    fert_share_frac_by_class
        Share of crop demand met by fertilisation, by soil class I/II/III (附表2: 0.35,
        0.45, 0.55).
    manure_share_frac
        Share of fertilisation given as manure (粪肥占施肥比例); local practice, default 0.5.
    n_utilisation_frac, p_utilisation_frac
        In-season availability of manure N and P (粪肥当季利用率; N 0.25-0.30, P 0.30-0.35).
    n_utilisation_range_frac, p_utilisation_range_frac
        The guide's range of those two values as ``(low, high)``; a value outside it is
        allowed (a local measurement) but reported in the results' notes.
    olsen_p_threshold_mg_per_kg
        Soil available P above which the tool uses the P basis: the recalled class I limit
        of 附表2; that it triggers the P basis is the tool's reading, not the guide's text.
    low_n_demand_np_ratio
        Tool heuristic (not in the guide): a crop whose manure N demand per 亩 is below this
        multiple of its manure P demand is flagged as taking little manure N (alfalfa).
    sources
        Loaded defaults by coefficient key, for status and source display (not compared).

    Raises
    ------
    ParameterError
        Listing every value out of range.
    """

    pe_per_head: Mapping[str, float] = field(hash=False)
    n_excreted_kg_per_pe: float
    p_excreted_kg_per_pe: float
    n_supply_kg_per_pe: float
    p_supply_kg_per_pe: float
    fert_share_frac_by_class: Mapping[str, float] = field(hash=False)
    manure_share_frac: float
    n_utilisation_frac: float
    p_utilisation_frac: float
    n_utilisation_range_frac: tuple[float, float]
    p_utilisation_range_frac: tuple[float, float]
    olsen_p_threshold_mg_per_kg: float
    low_n_demand_np_ratio: float
    sources: Mapping[str, Coefficient] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        # Copy the mappings so that a caller mutating its dict cannot change this object.
        object.__setattr__(self, "pe_per_head", dict(self.pe_per_head))
        object.__setattr__(self, "fert_share_frac_by_class", dict(self.fert_share_frac_by_class))
        object.__setattr__(self, "sources", dict(self.sources))
        problems = Problems("nutrient parameters", "养分参数")
        self._check_species(problems)
        self._check_per_pe(problems)
        self._check_fractions(problems)
        problems.require_positive("olsen_p_threshold_mg_per_kg", self.olsen_p_threshold_mg_per_kg)
        problems.require_positive("low_n_demand_np_ratio", self.low_n_demand_np_ratio)
        problems.raise_if_any()

    def _check_species(self, problems: Problems) -> None:
        for species, pe in self.pe_per_head.items():
            problems.require_positive(f"pe_per_head[{species!r}]", pe)
        if DAIRY_COW not in self.pe_per_head:
            problems.add(
                f"pe_per_head has no {DAIRY_COW!r}; add it (guide: 100 pigs = 15 dairy cows)",
                f"pe_per_head 缺少 {DAIRY_COW!r}；请补充（指南：100 头猪 = 15 头奶牛）",
            )

    def _check_per_pe(self, problems: Problems) -> None:
        for nutrient in ("n", "p"):
            excreted = getattr(self, f"{nutrient}_excreted_kg_per_pe")
            supply = getattr(self, f"{nutrient}_supply_kg_per_pe")
            problems.require_positive(f"{nutrient}_excreted_kg_per_pe", excreted)
            problems.require_positive(f"{nutrient}_supply_kg_per_pe", supply)
            if supply > excreted:
                problems.add(
                    f"{nutrient}_supply_kg_per_pe = {supply!r} exceeds the excretion "
                    f"{excreted!r}; supply after losses cannot be larger than excretion",
                    f"{nutrient}_supply_kg_per_pe = {supply!r} 大于排泄量 {excreted!r}；"
                    "损失后的供给量不能大于排泄量",
                )

    def _check_fractions(self, problems: Problems) -> None:
        if set(self.fert_share_frac_by_class) != set(SOIL_CLASSES):
            got = sorted(self.fert_share_frac_by_class)
            problems.add(
                f"fert_share_frac_by_class has classes {got}; give exactly {list(SOIL_CLASSES)}",
                f"fert_share_frac_by_class 的等级为 {got}；须恰为 {list(SOIL_CLASSES)}",
            )
        for soil_class, share in self.fert_share_frac_by_class.items():
            problems.require_fraction(f"fert_share_frac[{soil_class!r}]", share)
        problems.require_fraction("manure_share_frac", self.manure_share_frac)
        problems.require_fraction("n_utilisation_frac", self.n_utilisation_frac)
        problems.require_fraction("p_utilisation_frac", self.p_utilisation_frac)
        for name in ("n_utilisation_range_frac", "p_utilisation_range_frac"):
            low, high = getattr(self, name)
            problems.require_fraction(f"{name}[0]", low)
            problems.require_fraction(f"{name}[1]", high)
            if low > high:
                problems.add(f"{name} = {(low, high)!r}: low > high", f"{name}：下限大于上限")

    def values_by_key(self) -> dict[str, float]:
        """Return every coefficient value by its CSV key (``pe_per_head.dairy_cow`` ...)."""
        values = {f"pe_per_head.{sp}": pe for sp, pe in self.pe_per_head.items()}
        for name in (
            "n_excreted_kg_per_pe",
            "p_excreted_kg_per_pe",
            "n_supply_kg_per_pe",
            "p_supply_kg_per_pe",
        ):
            values[name] = getattr(self, name)
        for soil_class, share in self.fert_share_frac_by_class.items():
            values[f"fert_share_frac.{soil_class}"] = share
        for name in (
            "manure_share_frac",
            "n_utilisation_frac",
            "p_utilisation_frac",
            "olsen_p_threshold_mg_per_kg",
            "low_n_demand_np_ratio",
        ):
            values[name] = getattr(self, name)
        return values

    def coefficient(self, key: str) -> Coefficient:
        """Return the record (value, unit, status, source) of one coefficient key."""
        value = self.values_by_key()[key]
        unit = _UNITS[key.split(".")[0]]
        return resolve_coefficient(key, value, unit, dict(self.sources))

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the records of every coefficient, user overrides marked ``user``."""
        return tuple(self.coefficient(key) for key in self.values_by_key())
