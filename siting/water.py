"""Annual water demand of a herd (drinking, parlour, cleaning) and of forage irrigation.

``livestock_m3 = Σ_class head × L/head/day × 365 ÷ 1000``;
``irrigation_m3 = Σ_feed area_mu × m³/亩 (crop, zone)``. Compared with a county cap for
agricultural plus livestock water (`layers.water_caps`) in `siting.buildout`. The bundled
quotas are illustrative (see `siting.parameters.water`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from geo.units import DAYS_PER_YR, L_PER_M3
from problems import Problems
from siting.forage import ForageNeed, check_herd_columns, class_heads, herd_input
from siting.nutrients.explain import ExplainRow, fmt
from siting.parameters import FEEDS, LIVESTOCK_CLASSES, Coefficient, ForageParams, WaterParams

#: Livestock other than the forage classes, read from these herd columns.
OTHER_LIVESTOCK_COLUMNS: Final[dict[str, str]] = {
    "beef_cattle": "beef_cattle_head",
    "sheep": "sheep_head",
}


def livestock_heads(herd: pd.DataFrame, params: ForageParams) -> pd.DataFrame:
    """Return head on stock for every class of `LIVESTOCK_CLASSES` (``<class>_head``).

    ``herd`` has the plan-store herd columns (``dairy_cow_head`` = all dairy cattle,
    ``goat_head``, ``beef_cattle_head``, ``sheep_head``; missing ones are 0).

    Raises
    ------
    ParameterError
        If a head count is negative or not a number.
    """
    check_herd_columns(herd, tuple(OTHER_LIVESTOCK_COLUMNS.values()))
    heads = class_heads(herd, params)
    others = {
        f"{animal}_head": herd_input(herd, column)
        for animal, column in OTHER_LIVESTOCK_COLUMNS.items()
    }
    return heads.assign(**others)[[f"{a}_head" for a in LIVESTOCK_CLASSES]]


def livestock_water_m3_per_yr(heads: pd.DataFrame, params: WaterParams) -> pd.Series:
    """Return each row's livestock water (m³/yr) from ``<class>_head`` columns.

    ``Σ_class head × L/head/day × 365 days ÷ 1000 L/m³``.
    """
    litres_per_day = sum(
        heads[f"{animal}_head"].to_numpy(dtype=float) * params.livestock_l_per_head_day[animal]
        for animal in LIVESTOCK_CLASSES
    )
    return pd.Series(
        np.asarray(litres_per_day) * DAYS_PER_YR / L_PER_M3,
        index=heads.index,
        name="livestock_water_m3_per_yr",
    )


def irrigation_water_m3_per_yr(
    area: pd.DataFrame, zones: pd.Series, params: WaterParams
) -> pd.Series:
    """Return each row's forage irrigation water (m³/yr).

    Parameters
    ----------
    area
        ``<feed>_area_mu`` (亩) for every feed of `FEEDS`.
    zones
        Zone of each row (same index), a key of ``params.irrigation_m3_per_mu``.
    params
        Irrigation quotas.

    Raises
    ------
    ParameterError
        If a zone has no irrigation quotas (the message lists the known zones).
    """
    unknown = sorted(set(zones) - set(params.irrigation_m3_per_mu))
    if unknown:
        problems = Problems("irrigation quotas", "灌溉定额")
        known = ", ".join(params.irrigation_m3_per_mu)
        problems.add(
            f"zone(s) {unknown} have no quotas; known zones: {known}",
            f"区域 {unknown} 没有灌溉定额；已有区域：{known}",
        )
        problems.raise_if_any()
    total = np.zeros(len(area))
    for feed in FEEDS:
        quota = zones.map(lambda z, f=feed: params.irrigation_m3_per_mu[z][f])
        total = total + area[f"{feed}_area_mu"].to_numpy(dtype=float) * quota.to_numpy(float)
    return pd.Series(total, index=area.index, name="irrigation_water_m3_per_yr")


@dataclass(frozen=True, slots=True)
class WaterNeed:
    """Annual water of one herd and of the forage land it needs.

    Attributes
    ----------
    head_by_class
        Head on stock by livestock class.
    livestock_water_m3_per_yr
        Drinking, parlour and cleaning water (m³/yr).
    irrigation_m3_per_mu
        Quota used per feed (m³/亩/yr, the county zone's).
    irrigation_water_m3_per_yr
        ``Σ forage area × quota`` (m³/yr).
    total_water_m3_per_yr
        Livestock plus irrigation (m³/yr).
    """

    head_by_class: Mapping[str, float] = field(hash=False)
    livestock_water_m3_per_yr: float
    irrigation_m3_per_mu: Mapping[str, float] = field(hash=False)
    forage_area_mu: Mapping[str, float] = field(hash=False)
    irrigation_water_m3_per_yr: float
    total_water_m3_per_yr: float
    sources: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers as a JSON-ready dict."""
        return {
            "head_by_class": dict(self.head_by_class),
            "livestock_water_m3_per_yr": self.livestock_water_m3_per_yr,
            "irrigation_m3_per_mu": dict(self.irrigation_m3_per_mu),
            "forage_area_mu": dict(self.forage_area_mu),
            "irrigation_water_m3_per_yr": self.irrigation_water_m3_per_yr,
            "total_water_m3_per_yr": self.total_water_m3_per_yr,
        }

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return the livestock, irrigation and total rows."""
        by_key = {c.key: c for c in self.sources}
        used = [a for a in LIVESTOCK_CLASSES if self.head_by_class[a] > 0]
        terms = (
            " + ".join(
                f"{fmt(self.head_by_class[a])} × {fmt(by_key[f'livestock.{a}'].value)} L"
                for a in used
            )
            or "0"
        )
        irrigation = " + ".join(
            f"{fmt(self.forage_area_mu[f])} mu × {fmt(self.irrigation_m3_per_mu[f])} m3"
            for f in FEEDS
        )
        return (
            ExplainRow(
                "livestock_water_m3_per_yr",
                self.livestock_water_m3_per_yr,
                "m3/yr",
                f"({terms}) × {fmt(DAYS_PER_YR)} d ÷ {fmt(L_PER_M3)} L/m3",
                tuple(by_key[f"livestock.{a}"] for a in used),
            ),
            ExplainRow(
                "irrigation_water_m3_per_yr",
                self.irrigation_water_m3_per_yr,
                "m3/yr",
                irrigation,
                tuple(c for k, c in by_key.items() if k.startswith("irrigation.")),
            ),
            ExplainRow(
                "total_water_m3_per_yr",
                self.total_water_m3_per_yr,
                "m3/yr",
                f"{fmt(self.livestock_water_m3_per_yr)} + {fmt(self.irrigation_water_m3_per_yr)}",
            ),
        )


def herd_water_need(
    herd: Mapping[str, float],
    forage_need: ForageNeed,
    forage_params: ForageParams,
    water_params: WaterParams,
    *,
    zone: str,
) -> WaterNeed:
    """Return a herd's livestock water and the irrigation of its forage land (m³/yr).

    Parameters
    ----------
    herd
        Head on stock by plan-store herd column (``{"dairy_cow_head": 5000}``).
    forage_need
        The herd's forage land (`siting.forage.herd_forage_need`), irrigated at ``zone``'s
        quotas.
    forage_params, water_params
        Herd structure; water quotas.
    zone
        Zone of the farm's county.

    Raises
    ------
    ParameterError
        For a negative head count or a zone without irrigation quotas.
    """
    heads = livestock_heads(pd.DataFrame([dict(herd)]), forage_params)
    livestock = float(livestock_water_m3_per_yr(heads, water_params).iloc[0])
    area = pd.DataFrame([{f"{f}_area_mu": forage_need.area_mu[f] for f in FEEDS}])
    irrigation = float(irrigation_water_m3_per_yr(area, pd.Series([zone]), water_params).iloc[0])
    keys = [f"livestock.{a}" for a in LIVESTOCK_CLASSES] + [f"irrigation.{zone}.{f}" for f in FEEDS]
    return WaterNeed(
        head_by_class={a: float(heads[f"{a}_head"].iloc[0]) for a in LIVESTOCK_CLASSES},
        livestock_water_m3_per_yr=livestock,
        irrigation_m3_per_mu=dict(water_params.irrigation_m3_per_mu[zone]),
        forage_area_mu=dict(forage_need.area_mu),
        irrigation_water_m3_per_yr=irrigation,
        total_water_m3_per_yr=livestock + irrigation,
        sources=tuple(water_params.coefficient(k) for k in keys),
    )
