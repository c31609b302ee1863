"""Forage coefficients: rations by animal class, herd structure and forage yields by zone.

Defaults are in ``data/coefficients/forage_rations.csv``, ``herd_structure.csv`` and
``forage_yields.csv`` (loaded by `layers.forage_params.load_forage_params`); a region pack
may replace each table and add per-county yields (``forage_yield_overrides.csv``). Overrides
go through ``dataclasses.replace``, which runs the range checks again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from errors import ParameterError
from problems import Problems
from siting.parameters.coefficient import Coefficient, resolve_coefficient

#: Dairy cattle classes; their shares of a dairy head count are in ``herd_structure.csv``.
DAIRY_CLASSES: Final[tuple[str, ...]] = ("lactating_cow", "dry_cow", "heifer", "calf")
#: Adult cows (a head count given as adult cows is split between these two).
ADULT_CLASSES: Final[tuple[str, ...]] = ("lactating_cow", "dry_cow")
#: Every animal class with a forage ration.
ANIMAL_CLASSES: Final[tuple[str, ...]] = (*DAIRY_CLASSES, "dairy_goat")
#: Forage feeds grown on cropland, each as the crop of the same key (oat_hay: 燕麦草).
FEEDS: Final[tuple[str, ...]] = ("silage_corn", "alfalfa", "oat_hay")
#: 羊草 (Leymus grass hay): rationed, mostly cut on natural grassland, not grown as a feed of
#: `FEEDS`; the share of it replaced by oat hay grown on cropland is
#: ``grass_hay_as_oat_hay_frac``.
GRASS_HAY: Final[str] = "grass_hay"
#: Feeds of the ration table: the grown feeds and grass hay.
RATION_FEEDS: Final[tuple[str, ...]] = (*FEEDS, GRASS_HAY)
#: Landscape zones of the default yield and irrigation tables.
ZONES: Final[tuple[str, ...]] = ("plain", "plateau", "hills", "mountain")
#: Tolerance on the sum of the herd shares (they must add up to 1).
SHARE_SUM_TOLERANCE: Final[float] = 1e-6

RATION_UNIT: Final[str] = "t as fed per head per yr"
SHARE_UNIT: Final[str] = "fraction of the dairy herd"
YIELD_UNIT: Final[str] = "t per mu (silage corn whole-plant fresh; hay)"
FEEDING_UNIT: Final[str] = "fraction"
#: Scalar feeding coefficients (``forage_feeding.csv`` keys = `ForageParams` fields).
FEEDING_KEYS: Final[tuple[str, ...]] = ("grass_hay_as_oat_hay_frac", "storage_loss_frac")
_ADCODE = re.compile(r"^\d{6}$")


def _nested_copy(table: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    return {outer: dict(inner) for outer, inner in table.items()}


@dataclass(frozen=True, slots=True)
class ForageParams:
    """Annual forage rations, dairy herd structure and forage yields.

    Parameters
    ----------
    ration_t_per_head_yr
        ``class -> feed -> t`` as fed per head on stock per year, for every class of
        `ANIMAL_CLASSES` and feed of `RATION_FEEDS` (``forage_rations.csv``).
    herd_share_frac
        Share of a dairy head count (奶牛存栏, all dairy cattle) in each of `DAIRY_CLASSES`;
        the shares add up to 1 (illustrative).
    yield_t_per_mu
        ``zone -> feed -> t/亩``: silage corn whole-plant fresh, alfalfa and oat hay.
    county_yield_t_per_mu
        ``adcode -> feed -> t/亩``: per-county yields that replace the zone default.
    grass_hay_as_oat_hay_frac
        Share of the 羊草 ration fed as oat hay grown on cropland (0-1; ``forage_feeding.csv``).
    storage_loss_frac
        Feed lost between harvest and trough, as a share of what is fed (0-1): the land
        grows ``ration × (1 + storage_loss_frac)``.
    sources
        Loaded records by key (``ration.<class>.<feed>``, ``herd_share.<class>``,
        ``yield.<zone>.<feed>``, ``yield_override.<adcode>.<feed>``), for display.

    Raises
    ------
    ParameterError
        Listing every missing class, feed or zone, negative ration, non-positive yield and
        herd shares that do not add up to 1.
    """

    ration_t_per_head_yr: Mapping[str, Mapping[str, float]] = field(hash=False)
    herd_share_frac: Mapping[str, float] = field(hash=False)
    yield_t_per_mu: Mapping[str, Mapping[str, float]] = field(hash=False)
    county_yield_t_per_mu: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict, hash=False
    )
    grass_hay_as_oat_hay_frac: float = 0.0
    storage_loss_frac: float = 0.0
    sources: Mapping[str, Coefficient] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "ration_t_per_head_yr", _nested_copy(self.ration_t_per_head_yr))
        object.__setattr__(self, "herd_share_frac", dict(self.herd_share_frac))
        object.__setattr__(self, "yield_t_per_mu", _nested_copy(self.yield_t_per_mu))
        object.__setattr__(self, "county_yield_t_per_mu", _nested_copy(self.county_yield_t_per_mu))
        object.__setattr__(self, "sources", dict(self.sources))
        problems = Problems("forage parameters", "饲草参数")
        self._check_rations(problems)
        self._check_shares(problems)
        self._check_yields(problems)
        problems.require_fraction(
            "grass_hay_as_oat_hay_frac", self.grass_hay_as_oat_hay_frac, allow_zero=True
        )
        problems.require_fraction("storage_loss_frac", self.storage_loss_frac, allow_zero=True)
        problems.raise_if_any()

    def grown_ration_t_per_head_yr(self, animal: str, feed: str) -> float:
        """Return the t per head per year of ``feed`` that the land must grow for ``animal``.

        Notes
        -----
        ``(ration[feed] + ration[grass_hay] × grass_hay_as_oat_hay_frac if feed is oat_hay)
        × (1 + storage_loss_frac)``.
        """
        ration = self.ration_t_per_head_yr[animal]
        fed = ration[feed]
        if feed == "oat_hay":
            fed += ration[GRASS_HAY] * self.grass_hay_as_oat_hay_frac
        return fed * (1.0 + self.storage_loss_frac)

    def _check_rations(self, problems: Problems) -> None:
        _check_keys(problems, "ration_t_per_head_yr", self.ration_t_per_head_yr, ANIMAL_CLASSES)
        for animal, feeds in self.ration_t_per_head_yr.items():
            _check_keys(problems, f"ration_t_per_head_yr[{animal!r}]", feeds, RATION_FEEDS)
            for feed, value in feeds.items():
                problems.require_positive(f"ration[{animal!r}][{feed!r}]", value, allow_zero=True)

    def _check_shares(self, problems: Problems) -> None:
        _check_keys(problems, "herd_share_frac", self.herd_share_frac, DAIRY_CLASSES)
        for animal, share in self.herd_share_frac.items():
            problems.require_fraction(f"herd_share_frac[{animal!r}]", share, allow_zero=True)
        total = math.fsum(self.herd_share_frac.values())
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            problems.add(
                f"herd_share_frac adds up to {total:.6g}; the shares must add up to 1",
                f"herd_share_frac 之和为 {total:.6g}；各类占比之和须为 1",
            )
        adults = math.fsum(self.herd_share_frac.get(a, 0.0) for a in ADULT_CLASSES)
        if adults <= 0:
            problems.add(
                "herd_share_frac gives no adult cows (lactating_cow + dry_cow = 0)",
                "herd_share_frac 中成母牛（泌乳牛 + 干奶牛）占比为 0",
            )

    def _check_yields(self, problems: Problems) -> None:
        if not self.yield_t_per_mu:
            problems.add("yield_t_per_mu has no zone", "yield_t_per_mu 没有任何区域")
        for zone, feeds in self.yield_t_per_mu.items():
            _check_keys(problems, f"yield_t_per_mu[{zone!r}]", feeds, FEEDS)
            for feed, value in feeds.items():
                problems.require_positive(f"yield[{zone!r}][{feed!r}]", value)
        for adcode, feeds in self.county_yield_t_per_mu.items():
            if not _ADCODE.match(adcode):
                problems.add(
                    f"county yield override for {adcode!r}: not a 6-digit adcode",
                    f"县级产量 {adcode!r}：不是 6 位行政区划代码",
                )
            for feed, value in feeds.items():
                if feed not in FEEDS:
                    problems.add(
                        f"county yield override {adcode}: unknown feed {feed!r} "
                        f"(known: {', '.join(FEEDS)})",
                        f"县级产量 {adcode}：未知饲草 {feed!r}",
                    )
                problems.require_positive(f"county_yield[{adcode!r}][{feed!r}]", value)

    def yields_for(self, adcode: str, zone: str) -> dict[str, float]:
        """Return ``feed -> t/亩`` of a county: its override, else its zone's default.

        Raises
        ------
        ParameterError
            If ``zone`` has no default yields (the message lists the known zones).
        """
        if zone not in self.yield_t_per_mu:
            known = ", ".join(self.yield_t_per_mu)
            msg = (
                f"County {adcode}: zone {zone!r} has no forage yields; known zones: {known}. "
                "Fix the county's zone (county_zones.csv) or add the zone to "
                "forage_yields.csv."
            )
            zh = f"县 {adcode}：区域 {zone!r} 没有饲草产量；已有区域：{known}。"
            raise ParameterError(msg, zh=zh)
        return {**self.yield_t_per_mu[zone], **self.county_yield_t_per_mu.get(adcode, {})}

    def yield_key(self, adcode: str, zone: str, feed: str) -> str:
        """Return the coefficient key of the yield used for ``feed`` in a county."""
        if feed in self.county_yield_t_per_mu.get(adcode, {}):
            return f"yield_override.{adcode}.{feed}"
        return f"yield.{zone}.{feed}"

    def values_by_key(self) -> dict[str, float]:
        """Return every value by its coefficient key."""
        values = {
            f"ration.{a}.{f}": v
            for a, feeds in self.ration_t_per_head_yr.items()
            for f, v in feeds.items()
        }
        values |= {f"herd_share.{a}": v for a, v in self.herd_share_frac.items()}
        values |= {f"feeding.{name}": getattr(self, name) for name in FEEDING_KEYS}
        values |= {
            f"yield.{z}.{f}": v
            for z, feeds in self.yield_t_per_mu.items()
            for f, v in feeds.items()
        }
        values |= {
            f"yield_override.{c}.{f}": v
            for c, feeds in self.county_yield_t_per_mu.items()
            for f, v in feeds.items()
        }
        return values

    def coefficient(self, key: str) -> Coefficient:
        """Return the record (value, unit, status, source) of one key; overrides are ``user``."""
        unit = {"ration": RATION_UNIT, "herd_share": SHARE_UNIT, "feeding": FEEDING_UNIT}.get(
            key.split(".")[0], YIELD_UNIT
        )
        return resolve_coefficient(key, self.values_by_key()[key], unit, dict(self.sources))

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the records of every coefficient, user overrides marked ``user``."""
        return tuple(self.coefficient(key) for key in self.values_by_key())


def _check_keys(
    problems: Problems, name: str, table: Mapping[str, object], expected: tuple[str, ...]
) -> None:
    missing = [key for key in expected if key not in table]
    unknown = [key for key in table if key not in expected]
    if missing:
        problems.add(
            f"{name} lacks {missing}; give {list(expected)}",
            f"{name} 缺少 {missing}；须给出 {list(expected)}",
        )
    if unknown:
        problems.add(
            f"{name} has unknown key(s) {unknown}; known: {list(expected)}",
            f"{name} 含未知键 {unknown}；可选：{list(expected)}",
        )
