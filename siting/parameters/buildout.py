"""Build-out parameters: herd ramp after a farm's start year, warning band, load-index limits.

Defaults are in ``data/coefficients/buildout.csv`` (loaded by
`layers.forage_params.load_buildout_params`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from problems import Problems
from siting.parameters.coefficient import Coefficient, resolve_coefficient

_UNITS: Final[dict[str, str]] = {
    "ramp_frac": "fraction of the final herd",
    "warning_band_frac": "fraction of the limit",
    "load_index_limit": "load index",
    "load_index_warning": "load index",
}


@dataclass(frozen=True, slots=True)
class BuildoutParams:
    """Parameters of the build-out check (all illustrative except the load-index bands).

    Parameters
    ----------
    ramp_frac
        Herd on stock as a share of the farm's final herd, by years since its start year
        (index 0 = the start year); the last value holds for every later year and must be 1.
        Default (0.5, 1.0): half the herd in the first year, all of it from the second.
    warning_band_frac
        A check within this share of its limit is a ``warning`` (0.1: above 90% of a
        maximum, below 110% of a minimum).
    load_index_limit
        Manure load index above which a county is overloaded (1.0, ``exceeded``).
    load_index_warning
        Load index above which a county gets a ``warning`` (0.7, grade III).
    sources
        Loaded records by key (``ramp_frac.<i>``, ``warning_band_frac`` ...), for display.

    Raises
    ------
    ParameterError
        Listing every value out of range.
    """

    ramp_frac: tuple[float, ...]
    warning_band_frac: float
    load_index_limit: float
    load_index_warning: float
    sources: Mapping[str, Coefficient] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "ramp_frac", tuple(float(v) for v in self.ramp_frac))
        object.__setattr__(self, "sources", dict(self.sources))
        problems = Problems("build-out parameters", "建设进度参数")
        if not self.ramp_frac:
            problems.add(
                "ramp_frac is empty; give at least one share (e.g. 1.0)",
                "ramp_frac 为空；至少给出一个比例（如 1.0）",
            )
        for index, share in enumerate(self.ramp_frac):
            problems.require_fraction(f"ramp_frac[{index}]", share, allow_zero=True)
        if any(b < a for a, b in zip(self.ramp_frac, self.ramp_frac[1:], strict=False)):
            problems.add(
                f"ramp_frac {self.ramp_frac} decreases; a herd ramp must not fall",
                f"ramp_frac {self.ramp_frac} 出现下降；存栏爬坡不能下降",
            )
        if self.ramp_frac and self.ramp_frac[-1] != 1.0:
            problems.add(
                f"the last ramp_frac is {self.ramp_frac[-1]!r}; it must be 1 (the "
                "farm reaches its full herd)",
                "ramp_frac 最后一项须为 1（达到满栏）",
            )
        problems.require_fraction("warning_band_frac", self.warning_band_frac, allow_zero=True)
        problems.require_positive("load_index_limit", self.load_index_limit)
        problems.require_positive("load_index_warning", self.load_index_warning)
        if math.isfinite(self.load_index_warning) and not (
            self.load_index_warning <= self.load_index_limit
        ):
            problems.add(
                f"load_index_warning {self.load_index_warning!r} is above "
                f"load_index_limit {self.load_index_limit!r}",
                "load_index_warning 大于 load_index_limit",
            )
        problems.raise_if_any()

    def ramp_for(self, years_since_start: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Return the herd share for each number of years since the start year (0 before it)."""
        years = np.asarray(years_since_start, dtype=float)
        ramp = np.asarray(self.ramp_frac, dtype=float)
        index = np.clip(np.nan_to_num(years, nan=-1.0), 0, len(ramp) - 1).astype(np.intp)
        return np.where(years >= 0, ramp[index], 0.0)

    def values_by_key(self) -> dict[str, float]:
        """Return every value by its coefficient key."""
        values = {f"ramp_frac.{i}": v for i, v in enumerate(self.ramp_frac)}
        for name in ("warning_band_frac", "load_index_limit", "load_index_warning"):
            values[name] = getattr(self, name)
        return values

    def coefficient(self, key: str) -> Coefficient:
        """Return the record (value, unit, status, source) of one key; overrides are ``user``."""
        unit = _UNITS[key.split(".")[0]]
        return resolve_coefficient(key, self.values_by_key()[key], unit, dict(self.sources))

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the records of every coefficient, user overrides marked ``user``."""
        return tuple(self.coefficient(key) for key in self.values_by_key())
