"""Plausible herd sizes: head per 亩 of footprint and an absolute maximum per site.

A herd of 10¹² cows on 1 km² is a typing error, not a ranch; the siting, land and water
checks would score it without complaint. `check_herds` refuses such herds with one message
naming every site, its herd, its footprint and the limit it breaks (limits from
``data/coefficients/planner.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from problems import Problems
from siting.parameters import Coefficient

HERD_LIMIT_KEYS: Final[tuple[str, ...]] = ("max_head_per_mu_footprint", "max_herd_head")


@dataclass(frozen=True, slots=True)
class HerdLimits:
    """Largest plausible herd of a site (``data/coefficients/planner.csv``).

    Parameters
    ----------
    max_head_per_mu_footprint
        Most head per 亩 of the site's footprint.
    max_herd_head
        Most head on one site.
    coefficients
        The records the values came from (value, unit, status, source).
    """

    max_head_per_mu_footprint: float
    max_herd_head: float
    coefficients: tuple[Coefficient, ...] = ()

    def __post_init__(self) -> None:
        problems = Problems("HerdLimits", "存栏上限参数")
        problems.require_positive("max_head_per_mu_footprint", self.max_head_per_mu_footprint)
        problems.require_positive("max_herd_head", self.max_herd_head)
        problems.raise_if_any()

    @classmethod
    def from_coefficients(cls, records: Mapping[str, Coefficient]) -> HerdLimits:
        """Build from coefficient records keyed as in `HERD_LIMIT_KEYS`."""
        values = {key: records[key].value for key in HERD_LIMIT_KEYS}
        return cls(**values, coefficients=tuple(records[k] for k in HERD_LIMIT_KEYS))


def check_herds(
    heads: npt.ArrayLike, area_mu: npt.ArrayLike, names: Sequence[str], limits: HerdLimits
) -> None:
    """Refuse herds above the absolute maximum or too dense for their footprint.

    Parameters
    ----------
    heads
        Head on each site.
    area_mu
        Footprint of each site (亩).
    names
        Site names, for the message.
    limits
        The plausible maxima.

    Raises
    ------
    ParameterError
        Listing every site over `HerdLimits.max_herd_head` or over
        `HerdLimits.max_head_per_mu_footprint` × its footprint.
    """
    head = np.asarray(heads, dtype=float)
    area = np.asarray(area_mu, dtype=float)
    problems = Problems("herd size", "存栏规模")
    cap = limits.max_herd_head
    density = limits.max_head_per_mu_footprint
    for i in np.flatnonzero(head > cap).tolist():
        problems.add(
            f"{names[i]!r} has {head[i]:,.0f} head, more than the largest plausible ranch "
            f"({cap:,.0f} head); check the herd entered",
            f"“{names[i]}”存栏 {head[i]:,.0f} 头，超过单场合理上限 {cap:,.0f} 头，请核对存栏数",
        )
    for i in np.flatnonzero((head <= cap) & (head > density * area)).tolist():
        most = math.floor(density * area[i])  # whole head that fit: never shows the herd itself
        problems.add(
            f"{names[i]!r} has {head[i]:,.0f} head on {area[i]:,.0f} 亩, more than "
            f"{density:g} head per 亩 of footprint (at most {most:,d} head); "
            "check the herd or draw the whole footprint",
            f"“{names[i]}”在 {area[i]:,.0f} 亩占地上存栏 {head[i]:,.0f} 头，超过每亩占地 "
            f"{density:g} 头（至多 {most:,d} 头），请核对存栏数或绘制完整占地范围",
        )
    problems.raise_if_any()
