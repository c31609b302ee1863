"""Check rows of a build-out: value, limit, status and source for every county (or the city).

Each check is a row: ``scope`` (county | city), ``adcode``, ``year``, ``check`` (key of
`CHECKS`), ``value``, ``limit``, ``warning_limit``, ``limit_type`` (max: the value must not
exceed the limit; min: it must reach it), ``unit``, ``status`` (ok | warning | exceeded:
the limit is breached, for a minimum the value falls short), ``grade`` (load-index checks),
``source`` (of the limit), ``name_zh``, ``name_en``, ``note``, ``note_zh``. Rows are built
from the additive totals of `siting.buildout_county`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from geo.units import MU_PER_WAN_MU
from siting.buildout_inputs import BuildoutRegion
from siting.parameters import FEEDS, RegionParams
from siting.targets import city_target
from siting.utilisation import utilisation_frac

LimitType = Literal["max", "min"]
STATUSES: Final[tuple[str, ...]] = ("ok", "warning", "exceeded")
CHECK_COLUMNS: Final[tuple[str, ...]] = (
    "scope",
    "adcode",
    "year",
    "check",
    "value",
    "limit",
    "warning_limit",
    "limit_type",
    "unit",
    "status",
    "grade",
    "source",
    "name_zh",
    "name_en",
    "note",
    "note_zh",
)
#: Plan-target key of each self-sufficiency check.
SELF_SUFFICIENCY_KEYS: Final[dict[str, str]] = {
    "silage_self_sufficiency": "silage_corn_self_sufficiency_min_frac",
    "hay_self_sufficiency": "alfalfa_oat_self_sufficiency_min_frac",
}
_SELF_SUFFICIENCY_FEEDS: Final[dict[str, tuple[str, ...]]] = {
    "silage_self_sufficiency": ("silage_corn",),
    "hay_self_sufficiency": ("alfalfa", "oat_hay"),
}
_FEED_ZH: Final[dict[str, str]] = {
    "silage_corn": "青贮玉米",
    "alfalfa": "苜蓿",
    "oat_hay": "燕麦草",
}


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """Display names, unit and kind of limit of one check."""

    name_zh: str
    name_en: str
    unit: str
    limit_type: LimitType


CHECKS: Final[dict[str, CheckSpec]] = {
    "silage_self_sufficiency": CheckSpec(
        "青贮玉米本地自给率", "silage corn self-sufficiency", "frac", "min"
    ),
    "hay_self_sufficiency": CheckSpec(
        "苜蓿、燕麦草本土自给率", "alfalfa and oat hay self-sufficiency", "frac", "min"
    ),
    **{
        f"forage_area_{f}": CheckSpec(
            f"{_FEED_ZH[f]}需种面积 vs 规划面积",
            f"{f.replace('_', ' ')} area needed vs planned",
            "万亩",
            "max",
        )
        for f in FEEDS
    },
    **{
        f"forage_grown_{f}": CheckSpec(
            f"{_FEED_ZH[f]}现有地块面积 vs 规划面积",
            f"{f.replace('_', ' ')} parcel area vs planned",
            "万亩",
            "min",
        )
        for f in FEEDS
    },
    "forage_area_total": CheckSpec(
        "饲草基地需种面积 vs 规划", "forage base needed vs plan", "万亩", "max"
    ),
    "manure_load_index_n": CheckSpec(
        "粪污土地承载指数（氮）", "manure load index (N)", "load index", "max"
    ),
    "manure_load_index_p": CheckSpec(
        "粪污土地承载指数（磷）", "manure load index (P)", "load index", "max"
    ),
    "manure_utilisation_n": CheckSpec(
        "粪污综合利用率（氮）", "manure utilisation (N)", "frac", "min"
    ),
    "manure_utilisation_p": CheckSpec(
        "粪污综合利用率（磷）", "manure utilisation (P)", "frac", "min"
    ),
    "manure_unmet_need": CheckSpec(
        "粪污消纳用地缺口", "manure land shortfall (ledger)", "kg/yr", "max"
    ),
    "water_use": CheckSpec(
        "农业与畜牧用水 vs 总量控制", "farm and livestock water vs cap", "m3/yr", "max"
    ),
    "dairy_cow_head": CheckSpec("奶牛存栏 vs 目标", "dairy cattle vs target", "head", "min"),
    "goat_head": CheckSpec("奶羊存栏 vs 目标", "dairy goats vs target", "head", "min"),
}


def check_status(
    value: pd.Series, limit: pd.Series, warning_limit: pd.Series, limit_type: pd.Series
) -> np.ndarray:
    """Return ok / warning / exceeded per row (ok where the value or limit is NaN)."""
    v, lim, warn = (s.to_numpy(dtype=float) for s in (value, limit, warning_limit))
    is_max = (limit_type == "max").to_numpy()
    with np.errstate(invalid="ignore"):
        exceeded = np.where(is_max, v > lim, v < lim)
        warning = np.where(is_max, v > warn, v < warn)
    return np.where(exceeded, "exceeded", np.where(warning, "warning", "ok"))


def _rows(
    totals: pd.DataFrame,
    check: str,
    value: np.ndarray,
    limit: np.ndarray,
    *,
    warning_limit: np.ndarray | None,
    band_frac: float,
    source: object,
    note: tuple[object, object],
) -> pd.DataFrame:
    spec = CHECKS[check]
    limit = np.asarray(limit, dtype=float)
    if warning_limit is None:
        factor = 1 - band_frac if spec.limit_type == "max" else 1 + band_frac
        warning_limit = limit * factor
    return pd.DataFrame(
        {
            "scope": totals["scope"].to_numpy(),
            "adcode": totals["adcode"].to_numpy(),
            "year": totals["year"].to_numpy(),
            "check": check,
            "value": value,
            "limit": limit,
            "warning_limit": warning_limit,
            "limit_type": spec.limit_type,
            "unit": spec.unit,
            "grade": "",
            "source": source,
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "note": note[0],
            "note_zh": note[1],
        }
    )


def _column_sum(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Return ``frame[a] + frame[b] + ...`` (NaN propagates; typed, unlike a bare ``sum``)."""
    return sum((frame[c] for c in columns), start=pd.Series(0, index=frame.index))


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num, den = numerator.to_numpy(dtype=float), denominator.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def self_sufficiency_rows(
    totals: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams
) -> list[pd.DataFrame]:
    """Return the silage and alfalfa-oat self-sufficiency rows (local supply ÷ demand)."""
    frames = []
    for check, key in SELF_SUFFICIENCY_KEYS.items():
        feeds = _SELF_SUFFICIENCY_FEEDS[check]
        supply = _column_sum(totals, (f"{f}_supply_t_per_yr" for f in feeds))
        demand = _column_sum(totals, (f"{f}_demand_t_per_yr" for f in feeds))
        targets = [city_target(region.city_targets, key, int(y)) for y in totals["year"]]
        if all(t is None for t in targets):
            continue
        limit = np.array([np.nan if t is None else t.value for t in targets])
        note = [
            f"local supply {s:,.0f} t ÷ demand {d:,.0f} t; plan target of "
            f"{t.target_year if t else '-'}"
            for s, d, t in zip(supply, demand, targets, strict=True)
        ]
        note_zh = [
            f"本地产量 {s:,.0f} 吨 ÷ 需求 {d:,.0f} 吨；采用 {t.target_year if t else '-'} "
            "年规划目标"
            for s, d, t in zip(supply, demand, targets, strict=True)
        ]
        source = [t.source if t else "" for t in targets]
        frames.append(
            _rows(
                totals,
                check,
                _ratio(supply, demand),
                limit,
                warning_limit=None,
                band_frac=parameters.buildout.warning_band_frac,
                source=source,
                note=(note, note_zh),
            )
        )
    return frames


def forage_area_rows(
    totals: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams, *, grown: bool
) -> list[pd.DataFrame]:
    """Return, per feed, area needed (or grown on parcels) vs the planned area, in 万亩."""
    source = str(region.forage_targets["source"].iloc[0]) if len(region.forage_targets) else ""
    band = parameters.buildout.warning_band_frac
    frames = []
    for feed in FEEDS:
        column = f"{feed}_area_mu" if grown else f"{feed}_area_needed_mu"
        value = totals[column].to_numpy(dtype=float) / MU_PER_WAN_MU
        limit = totals[f"{feed}_target_mu"].to_numpy(dtype=float) / MU_PER_WAN_MU
        what, what_zh = (
            ("parcels under the crop", "现有地块面积")
            if grown
            else ("area the herd needs at the plan's local share", "按规划自给率测算的需种面积")
        )
        note = (
            f"{what}; planned area = county target in force (0: the plan gives none)",
            f"{what_zh}；规划面积取当年有效的县级目标（0 表示规划未分配）",
        )
        check = f"forage_grown_{feed}" if grown else f"forage_area_{feed}"
        frames.append(
            _rows(
                totals,
                check,
                value,
                limit,
                warning_limit=None,
                band_frac=band,
                source=source,
                note=note,
            )
        )
    return frames


def manure_rows(
    totals: pd.DataFrame, parameters: RegionParams, region: BuildoutRegion
) -> list[pd.DataFrame]:
    """Return the N and P load-index rows (with grade) and the utilisation row."""
    params = parameters.buildout
    limit_source = params.coefficient("load_index_limit").source
    frames = []
    for x in ("n", "p"):
        index = _load_index(totals["present_pe"], totals[f"capacity_pe_{x}"])
        grades = [parameters.grades.classify(i) for i in index]
        rows = _rows(
            totals,
            f"manure_load_index_{x}",
            index,
            np.full(len(totals), params.load_index_limit),
            warning_limit=np.full(len(totals), params.load_index_warning),
            band_frac=params.warning_band_frac,
            source=limit_source,
            note=(
                [
                    f"{p:,.0f} PE ÷ capacity {c:,.0f} PE; grade {g.grade} ({g.label_en})"
                    for p, c, g in zip(
                        totals["present_pe"], totals[f"capacity_pe_{x}"], grades, strict=True
                    )
                ],
                [
                    f"{p:,.0f} 猪当量 ÷ 承载量 {c:,.0f}；等级 {g.grade}（{g.label_zh}）"
                    for p, c, g in zip(
                        totals["present_pe"], totals[f"capacity_pe_{x}"], grades, strict=True
                    )
                ],
            ),
        )
        frames.append(rows.assign(grade=[g.grade for g in grades]))
    frames += _utilisation_rows(totals, parameters, region)
    return frames


def _load_index(present: pd.Series, capacity: pd.Series) -> np.ndarray:
    p, c = present.to_numpy(dtype=float), capacity.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, p / np.where(c > 0, c, 1.0), np.where(p > 0, np.inf, 0.0))


def _utilisation_rows(
    totals: pd.DataFrame, parameters: RegionParams, region: BuildoutRegion
) -> list[pd.DataFrame]:
    """Return the N and P utilisation rows (`siting.utilisation`) against the plan target."""
    ledger = totals["ledger_need_kg_per_yr"].notna().to_numpy()
    targets = [
        city_target(region.city_targets, "manure_utilisation_min_frac", int(y))
        for y in totals["year"]
    ]
    limit = np.array([np.nan if t is None else t.value for t in targets])
    frames = []
    for x in ("n", "p"):
        parts = [totals[f"{x}_{part}_kg_per_yr"] for part in ("on_land", "to_plants", "produced")]
        land_en = np.where(
            ledger,
            "on land the ledger matched within haul radius",
            "on the county's land (no ledger: proxy)",
        )
        land_zh = np.where(
            ledger, "台账在运输半径内匹配的土地消纳", "本县土地消纳（未运行台账：近似）"
        )
        note = [
            f"({a:,.0f} kg {le} + {b:,.0f} kg to organic-fertiliser plants) ÷ {c:,.0f} kg produced"
            for a, b, c, le in zip(*parts, land_en, strict=True)
        ]
        note_zh = [
            f"（{lz} {a:,.0f} 千克 + 有机肥厂 {b:,.0f} 千克）÷ 产生量 {c:,.0f} 千克"
            for a, b, c, lz in zip(*parts, land_zh, strict=True)
        ]
        frames.append(
            _rows(
                totals,
                f"manure_utilisation_{x}",
                utilisation_frac(
                    totals[f"{x}_utilised_kg_per_yr"], totals[f"{x}_produced_kg_per_yr"]
                ),
                limit,
                warning_limit=None,
                band_frac=parameters.buildout.warning_band_frac,
                source=[t.source if t else "" for t in targets],
                note=(note, note_zh),
            )
        )
    return frames


def unmet_rows(totals: pd.DataFrame) -> list[pd.DataFrame]:
    """Return the ledger shortfall rows (only when an allocation was given)."""
    if totals["ledger_unmet_kg_per_yr"].isna().all():
        return []
    zero = np.zeros(len(totals))
    return [
        _rows(
            totals,
            "manure_unmet_need",
            totals["ledger_unmet_kg_per_yr"].to_numpy(),
            zero,
            warning_limit=zero,
            band_frac=0.0,
            source="absorption-land ledger (siting.allocate)",
            note=(
                "need of the scenario farms (their basis, N or P; need × herd ramp) "
                "not met by land within their haul radius",
                "方案牧场在运输半径内未获消纳用地的养分需求",
            ),
        )
    ]


def water_rows(
    totals: pd.DataFrame, parameters: RegionParams, region: BuildoutRegion
) -> list[pd.DataFrame]:
    """Return the water use vs cap rows (m³/yr)."""
    caps = region.water_caps.assign(adcode=region.water_caps["adcode"].astype(str))
    source = (
        totals["adcode"]
        .map(caps.set_index("adcode")["source"])
        .astype(object)  # all NaN (a pack without water caps) would be float
        .fillna("; ".join(sorted(set(caps["source"].astype(str)))) or "no water caps in the pack")
    )
    note = [
        f"livestock {a:,.0f} + forage irrigation {b:,.0f} + other farm use {c:,.0f} m3"
        for a, b, c in zip(
            totals["livestock_water_m3_per_yr"],
            totals["irrigation_water_m3_per_yr"],
            totals["other_water_m3_per_yr"],
            strict=True,
        )
    ]
    note_zh = [
        f"畜牧 {a:,.0f} + 饲草灌溉 {b:,.0f} + 其他农业 {c:,.0f} 立方米"
        for a, b, c in zip(
            totals["livestock_water_m3_per_yr"],
            totals["irrigation_water_m3_per_yr"],
            totals["other_water_m3_per_yr"],
            strict=True,
        )
    ]
    return [
        _rows(
            totals,
            "water_use",
            totals["water_use_m3_per_yr"].to_numpy(),
            totals["water_cap_m3_per_yr"].to_numpy(),
            warning_limit=None,
            band_frac=parameters.buildout.warning_band_frac,
            source=source.to_numpy(),
            note=(note, note_zh),
        )
    ]


def finish(rows: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate check rows, set their status and order the columns."""
    frame = pd.concat(rows, ignore_index=True)
    frame["status"] = check_status(
        frame["value"], frame["limit"], frame["warning_limit"], frame["limit_type"]
    )
    return frame[list(CHECK_COLUMNS)]


def city_rows(
    city: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams
) -> list[pd.DataFrame]:
    """Return the city-only rows: forage base and herd targets of the plan."""
    specs = (
        (
            "forage_area_total",
            "forage_base_wan_mu",
            MU_PER_WAN_MU,
            _column_sum(city, (f"{f}_area_needed_mu" for f in FEEDS)),
        ),
        ("dairy_cow_head", "dairy_cow_head", 1.0, city["dairy_cow_head"]),
        ("goat_head", "goat_head", 1.0, city["dairy_goat_head"]),
    )
    frames = []
    for check, key, per_unit, value in specs:
        targets = [city_target(region.city_targets, key, int(y)) for y in city["year"]]
        if all(t is None for t in targets):
            continue
        limit = np.array([np.nan if t is None else t.value for t in targets])
        years = [t.target_year if t else "-" for t in targets]
        frames.append(
            _rows(
                city,
                check,
                value.to_numpy(dtype=float) / per_unit,
                limit,
                warning_limit=None,
                band_frac=parameters.buildout.warning_band_frac,
                source=[t.source if t else "" for t in targets],
                note=(
                    [f"baseline + scenario farms (herd ramp); plan target of {y}" for y in years],
                    [f"基线 + 方案牧场（按存栏爬坡）；采用 {y} 年规划目标" for y in years],
                ),
            )
        )
    return frames
