"""Water-use quotas: livestock L per head per day by class, irrigation m³ per 亩 by crop and zone.

Defaults are in ``data/coefficients/water_quotas.csv`` (loaded by
`layers.forage_params.load_water_params`). They are ILLUSTRATIVE: the standard to replace
them with is 《内蒙古自治区行业用水定额(2019年版)》, whose table values were not retrieved.
County caps are region data (``water_caps.csv``, `layers.water_caps.load_water_caps`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from problems import Problems
from siting.parameters.coefficient import Coefficient, resolve_coefficient
from siting.parameters.forage import ANIMAL_CLASSES, FEEDS

#: Classes with a drinking and cleaning quota: the forage classes plus other livestock.
LIVESTOCK_CLASSES: Final[tuple[str, ...]] = (*ANIMAL_CLASSES, "beef_cattle", "sheep")
LIVESTOCK_UNIT: Final[str] = "L per head per day"
IRRIGATION_UNIT: Final[str] = "m3 per mu per yr"


@dataclass(frozen=True, slots=True)
class WaterParams:
    """Water-use quotas of livestock and forage irrigation.

    Parameters
    ----------
    livestock_l_per_head_day
        Whole-farm water (drinking, parlour, cleaning) in L per head on stock per day, for
        every class of `LIVESTOCK_CLASSES` (illustrative between the cited 50 and 300 L per
        cow per day).
    irrigation_m3_per_mu
        ``zone -> feed -> m³`` of gross irrigation water per 亩 of the crop per year,
        averaged over irrigated and rainfed fields (illustrative, around the Inner Mongolia
        2022 average of 214 m³/亩).
    sources
        Loaded records by key (``livestock.<class>``, ``irrigation.<zone>.<feed>``).

    Raises
    ------
    ParameterError
        Listing every missing class, zone or feed and every negative or non-finite value.
    """

    livestock_l_per_head_day: Mapping[str, float] = field(hash=False)
    irrigation_m3_per_mu: Mapping[str, Mapping[str, float]] = field(hash=False)
    sources: Mapping[str, Coefficient] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "livestock_l_per_head_day", dict(self.livestock_l_per_head_day))
        object.__setattr__(
            self, "irrigation_m3_per_mu", {z: dict(f) for z, f in self.irrigation_m3_per_mu.items()}
        )
        object.__setattr__(self, "sources", dict(self.sources))
        problems = Problems("water parameters", "用水参数")
        missing = [c for c in LIVESTOCK_CLASSES if c not in self.livestock_l_per_head_day]
        if missing:
            problems.add(
                f"livestock_l_per_head_day lacks {missing}",
                f"livestock_l_per_head_day 缺少 {missing}",
            )
        for animal, value in self.livestock_l_per_head_day.items():
            problems.require_positive(f"livestock[{animal!r}]", value, allow_zero=True)
        if not self.irrigation_m3_per_mu:
            problems.add("irrigation_m3_per_mu has no zone", "irrigation_m3_per_mu 没有任何区域")
        for zone, feeds in self.irrigation_m3_per_mu.items():
            lacking = [f for f in FEEDS if f not in feeds]
            if lacking:
                problems.add(
                    f"irrigation_m3_per_mu[{zone!r}] lacks {lacking}",
                    f"irrigation_m3_per_mu[{zone!r}] 缺少 {lacking}",
                )
            for feed, value in feeds.items():
                problems.require_positive(f"irrigation[{zone!r}][{feed!r}]", value, allow_zero=True)
        problems.raise_if_any()

    def values_by_key(self) -> dict[str, float]:
        """Return every value by its coefficient key."""
        values = {f"livestock.{a}": v for a, v in self.livestock_l_per_head_day.items()}
        values |= {
            f"irrigation.{z}.{f}": v
            for z, feeds in self.irrigation_m3_per_mu.items()
            for f, v in feeds.items()
        }
        return values

    def coefficient(self, key: str) -> Coefficient:
        """Return the record (value, unit, status, source) of one key; overrides are ``user``."""
        unit = LIVESTOCK_UNIT if key.startswith("livestock.") else IRRIGATION_UNIT
        return resolve_coefficient(key, self.values_by_key()[key], unit, dict(self.sources))

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the records of every coefficient, user overrides marked ``user``."""
        return tuple(self.coefficient(key) for key in self.values_by_key())
