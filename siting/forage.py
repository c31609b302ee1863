"""Forage demand of a herd by animal class, and the forage land it needs at given yields.

``demand_t = Σ_class head × grown ration``; ``land_mu = demand_t × share ÷ yield_t_per_mu`` per
feed (silage corn whole-plant fresh, alfalfa hay, oat hay), where the grown ration is the
ration plus oat hay for a share of the 羊草 plus storage loss, and ``share`` is
the part of the demand grown locally (1 = self-sufficient). Herd input columns follow the plan
store: ``dairy_cow_head`` (all dairy cattle on stock, 奶牛存栏, as the plan counts them) and
``goat_head`` (dairy goats). The dairy head count is split into lactating cows, dry cows,
heifers and calves with `ForageParams.herd_share_frac` (``herd_structure.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from problems import Problems
from siting.nutrients.explain import ExplainRow, fmt
from siting.parameters import (
    ANIMAL_CLASSES,
    DAIRY_CLASSES,
    FEEDS,
    Coefficient,
    ForageParams,
)
from siting.parameters.forage import FEEDING_KEYS, GRASS_HAY, RATION_FEEDS

#: Herd input columns (scenario store names) read by `class_heads`; missing ones count as 0.
HERD_INPUT_COLUMNS: Final[tuple[str, ...]] = ("dairy_cow_head", "goat_head")
#: Crop key (data/coefficients/crops.csv, parcel layer) that grows each feed.
FEED_CROP_KEYS: Final[dict[str, str]] = {
    "silage_corn": "silage_corn",
    "alfalfa": "alfalfa",
    "oat_hay": "forage_oat",
}
#: Feeds whose combined local share the plan sets (优质燕麦草、优质苜蓿本土自给率).
HAY_FEEDS: Final[tuple[str, ...]] = ("alfalfa", "oat_hay")


def class_columns() -> tuple[str, ...]:
    """Return the class head-count columns ``<class>_head`` in `ANIMAL_CLASSES` order."""
    return tuple(f"{animal}_head" for animal in ANIMAL_CLASSES)


def herd_input(herd: pd.DataFrame, column: str) -> np.ndarray:
    """Return ``herd[column]`` as floats (zeros if the column is missing, NaN if not numeric)."""
    if column not in herd.columns:
        return np.zeros(len(herd))
    return pd.to_numeric(herd[column], errors="coerce").to_numpy(dtype=float)


def check_herd_columns(herd: pd.DataFrame, columns: tuple[str, ...] = HERD_INPUT_COLUMNS) -> None:
    """Raise `ParameterError` listing every negative or non-numeric head count of ``herd``."""
    problems = Problems("herd", "畜群")
    for column in columns:
        values = herd_input(herd, column)
        bad = ~(values >= 0)
        if bad.any():
            rows = ", ".join(map(str, herd.index[bad][:5]))
            problems.add(
                f"{column} must be a head count >= 0 (rows {rows})",
                f"{column} 须为不小于 0 的头数（行 {rows}）",
            )
    problems.raise_if_any()


def class_heads(herd: pd.DataFrame, params: ForageParams) -> pd.DataFrame:
    """Return head on stock by animal class for each row of ``herd`` (same index).

    Parameters
    ----------
    herd
        Rows with `HERD_INPUT_COLUMNS` (head on stock; a missing column is 0).
    params
        Herd structure shares.

    Returns
    -------
    heads
        Columns `class_columns` (``lactating_cow_head`` ... ``dairy_goat_head``), head.

    Raises
    ------
    ParameterError
        If a head count is negative or not a number.
    """
    check_herd_columns(herd)
    dairy = herd_input(herd, "dairy_cow_head")
    heads = {animal: dairy * params.herd_share_frac[animal] for animal in DAIRY_CLASSES}
    heads["dairy_goat"] = herd_input(herd, "goat_head")
    return pd.DataFrame({f"{a}_head": heads[a] for a in ANIMAL_CLASSES}, index=herd.index)


def feed_demand(heads: pd.DataFrame, params: ForageParams) -> pd.DataFrame:
    """Return ``<feed>_demand_t_per_yr`` (t to grow per year) for each row of ``heads``.

    ``heads`` has the columns `class_columns` (output of `class_heads`). The demand is what
    the land must grow: the ration, oat hay standing in for part of the 羊草, plus storage
    loss (`ForageParams.grown_ration_t_per_head_yr`).
    """
    return pd.DataFrame(
        {
            f"{feed}_demand_t_per_yr": sum(
                heads[f"{animal}_head"].to_numpy(dtype=float)
                * params.grown_ration_t_per_head_yr(animal, feed)
                for animal in ANIMAL_CLASSES
            )
            for feed in FEEDS
        },
        index=heads.index,
    )


@dataclass(frozen=True, slots=True)
class ForageNeed:
    """Forage a herd eats per year and the land that grows it.

    Attributes
    ----------
    head_by_class
        Head on stock by animal class.
    grown_t_per_head_yr
        ``class -> feed -> t`` the land grows per head per year (ration, oat hay for part of
        the 羊草, storage loss; `ForageParams.grown_ration_t_per_head_yr`).
    demand_t_per_yr
        Feed to grow per year by feed (t).
    local_share_frac
        Share of each feed grown on the herd's own land (1 = self-sufficient).
    yield_t_per_mu
        Yield used per feed (t/亩).
    area_mu
        ``demand × local share ÷ yield`` per feed (亩).
    total_area_mu
        Sum of ``area_mu`` (亩).
    """

    head_by_class: Mapping[str, float] = field(hash=False)
    grown_t_per_head_yr: Mapping[str, Mapping[str, float]] = field(hash=False)
    demand_t_per_yr: Mapping[str, float] = field(hash=False)
    local_share_frac: Mapping[str, float] = field(hash=False)
    yield_t_per_mu: Mapping[str, float] = field(hash=False)
    area_mu: Mapping[str, float] = field(hash=False)
    total_area_mu: float
    sources: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers as a JSON-ready dict."""
        return {
            "head_by_class": dict(self.head_by_class),
            "demand_t_per_yr": dict(self.demand_t_per_yr),
            "local_share_frac": dict(self.local_share_frac),
            "yield_t_per_mu": dict(self.yield_t_per_mu),
            "area_mu": dict(self.area_mu),
            "total_area_mu": self.total_area_mu,
        }

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return one demand row and one land row per feed, then the total land."""
        by_key = {c.key: c for c in self.sources}
        rows: list[ExplainRow] = []
        for feed in FEEDS:
            present = [a for a in ANIMAL_CLASSES if self.head_by_class[a] > 0]
            terms = [
                f"{fmt(self.head_by_class[a])} × {fmt(self.grown_t_per_head_yr[a][feed])}"
                for a in present
            ]
            ration_keys = [
                f"ration.{a}.{f}"
                for a in present
                for f in ((feed, GRASS_HAY) if feed == "oat_hay" else (feed,))
            ]
            rations = (
                *(by_key[k] for k in ration_keys),
                *(c for k, c in by_key.items() if k.startswith("feeding.")),
            )
            yield_rec = tuple(
                c
                for k, c in by_key.items()
                if k.startswith(("yield.", "yield_override.")) and k.endswith(feed)
            )
            rows += [
                ExplainRow(
                    f"{feed}_demand_t_per_yr",
                    self.demand_t_per_yr[feed],
                    "t/yr",
                    " + ".join(terms) or "0",
                    rations,
                ),
                ExplainRow(
                    f"{feed}_area_mu",
                    self.area_mu[feed],
                    "mu",
                    f"{fmt(self.demand_t_per_yr[feed])} t × "
                    f"{fmt(self.local_share_frac[feed])} ÷ "
                    f"{fmt(self.yield_t_per_mu[feed])} t/mu",
                    yield_rec,
                ),
            ]
        total_terms = " + ".join(fmt(self.area_mu[f]) for f in FEEDS)
        rows.append(ExplainRow("total_area_mu", self.total_area_mu, "mu", total_terms))
        return tuple(rows)


def herd_forage_need(
    herd: Mapping[str, float],
    params: ForageParams,
    *,
    adcode: str,
    zone: str,
    local_share_frac: Mapping[str, float] | None = None,
) -> ForageNeed:
    """Return the forage one herd (a farm) eats and the land that grows its local share.

    Parameters
    ----------
    herd
        Head on stock by any of `HERD_INPUT_COLUMNS` (``{"dairy_cow_head": 5000}``).
    params
        Rations, herd structure and yields.
    adcode, zone
        County of the farm and its zone (selects the yields; a county override wins).
    local_share_frac
        Share of each feed grown locally (default 1 for every feed).

    Raises
    ------
    ParameterError
        For a negative head count, an unknown zone or a share outside [0, 1].
    """
    shares = dict.fromkeys(FEEDS, 1.0) | dict(local_share_frac or {})
    problems = Problems("forage need", "饲草需求")
    for feed, share in shares.items():
        problems.require_fraction(f"local_share_frac[{feed!r}]", share, allow_zero=True)
    problems.raise_if_any()
    heads = class_heads(pd.DataFrame([dict(herd)]), params).iloc[0]
    head_by_class = {a: float(heads[f"{a}_head"]) for a in ANIMAL_CLASSES}
    demand = feed_demand(heads.to_frame().T, params).iloc[0]
    yields = params.yields_for(adcode, zone)
    demand_t = {feed: float(demand[f"{feed}_demand_t_per_yr"]) for feed in FEEDS}
    area = {feed: demand_t[feed] * shares[feed] / yields[feed] for feed in FEEDS}
    keys = [f"ration.{a}.{f}" for a in ANIMAL_CLASSES for f in RATION_FEEDS]
    keys += [params.yield_key(adcode, zone, f) for f in FEEDS]
    keys += [f"herd_share.{a}" for a in DAIRY_CLASSES]
    keys += [f"feeding.{k}" for k in FEEDING_KEYS]
    grown = {a: {f: params.grown_ration_t_per_head_yr(a, f) for f in FEEDS} for a in ANIMAL_CLASSES}
    return ForageNeed(
        head_by_class,
        grown,
        demand_t,
        shares,
        {f: yields[f] for f in FEEDS},
        area,
        sum(area.values()),
        tuple(params.coefficient(k) for k in keys),
    )


def county_yields(
    adcodes: pd.Series, zones: Mapping[str, str], params: ForageParams
) -> pd.DataFrame:
    """Return ``<feed>_yield_t_per_mu`` for each county code (zone default or override).

    Raises
    ------
    ParameterError
        If a county has no zone or its zone has no yields (every such county listed).
    """
    problems = Problems("county zones", "县区域")
    missing = sorted({a for a in adcodes if a not in zones})
    if missing:
        problems.add(
            f"no zone for county {', '.join(missing)}; add them to county_zones.csv",
            f"县 {', '.join(missing)} 没有区域；请在 county_zones.csv 中补充",
        )
    problems.raise_if_any()
    rows = [params.yields_for(a, zones[a]) for a in adcodes]
    return pd.DataFrame(
        {f"{feed}_yield_t_per_mu": [r[feed] for r in rows] for feed in FEEDS}, index=adcodes.index
    )


def parcel_forage_area(parcels: pd.DataFrame) -> pd.DataFrame:
    """Return the parcel area under each forage crop per county.

    Parameters
    ----------
    parcels
        ``adcode``, ``crop`` (crop keys; see `FEED_CROP_KEYS`) and ``area_mu`` (亩).

    Returns
    -------
    area
        ``adcode`` and ``<feed>_area_mu`` for every feed (0 where none), sorted by adcode.
    """
    crop_to_feed = {crop: feed for feed, crop in FEED_CROP_KEYS.items()}
    frame = pd.DataFrame(
        {
            "adcode": parcels["adcode"].astype(str).to_numpy(),
            "feed": parcels["crop"].map(crop_to_feed).to_numpy(),
            "area_mu": pd.to_numeric(parcels["area_mu"]).to_numpy(dtype=float),
        }
    )
    pivot = (
        frame.dropna(subset=["feed"])
        .pivot_table(index="adcode", columns="feed", values="area_mu", aggfunc="sum")
        .reindex(columns=list(FEEDS), index=sorted(frame["adcode"].unique()))
        .fillna(0.0)
    )
    pivot.columns = [f"{feed}_area_mu" for feed in pivot.columns]
    return pivot.rename_axis(None, axis=1).reset_index()
