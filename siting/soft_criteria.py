"""Measure the soft criteria of candidate sites and normalise them to 0-1.

Each criterion key maps to one measure function (`CRITERION_MEASURES`). A measure returns the
raw value per site, or says why it is not available (no layer, no terrain, no need given, no
county water table). Unavailable criteria are left out of the score and say so; they are
never filled with a made-up value.

Land criteria count parcels whose nearest point lies within the haul radius of the site
polygon (straight line, analysis CRS): the whole parcel's ``area_mu`` counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo.near import pairs_within_m
from geo.units import M_PER_KM
from siting.criteria import ConstraintLayers, CriterionSpec, FloatArray, SitingParams
from siting.gates import nearest_feature

if TYPE_CHECKING:
    import numpy.typing as npt

    import geopandas as gpd


@dataclass(frozen=True)
class CriterionResult:
    """One soft criterion of one site, with its explanation as data.

    ``raw_value`` is in ``unit``; ``normalised`` is 0-1; ``weight`` is the criterion's share
    of the site's score (weights of available criteria sum to 1); ``contribution`` is
    ``100 * weight * normalised`` points of the 0-100 score. Unavailable criteria have
    ``available=False``, None values, weight 0 and a reason.
    """

    key: str
    name_zh: str
    name_en: str
    available: bool
    raw_value: float | None
    unit: str
    normalised: float | None
    weight: float
    contribution: float | None
    value_function_en: str
    value_function_zh: str
    source: str
    status: str
    explanation_en: str
    explanation_zh: str
    reason_unavailable_en: str | None = None
    reason_unavailable_zh: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the result as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class _Context:
    sites: gpd.GeoDataFrame
    geoms: npt.NDArray[np.object_]
    layers: ConstraintLayers
    params: SitingParams
    terrain: pd.DataFrame | None


@dataclass(frozen=True)
class _Raw:
    values: FloatArray  # NaN where not available
    details_en: tuple[str, ...]
    details_zh: tuple[str, ...]
    reason_en: str = ""
    reason_zh: str = ""


Measure = Callable[[_Context, CriterionSpec], _Raw]


def measure_criteria(
    sites: gpd.GeoDataFrame,
    layers: ConstraintLayers,
    params: SitingParams,
    *,
    terrain: pd.DataFrame | None = None,
) -> dict[str, tuple[CriterionResult, ...]]:
    """Measure and normalise every enabled criterion for every site (weights still 0).

    Parameters
    ----------
    sites
        Site polygons in ``layers.crs``: ``site_id`` (str), ``dairy_cow_head`` (head),
        optional ``absorption_need_mu`` and ``forage_need_mu`` (亩).
    layers
        Constraint/context layers and (optional) parcels.
    params
        Criteria, haul radius and forage land per cow.
    terrain
        Per-site ``slope_mean_deg`` / ``slope_max_deg`` (None: slope criteria unavailable).

    Returns
    -------
    dict
        ``site_id`` -> criterion results in criteria order (``weight`` 0; `siting.score`
        sets weights and contributions).
    """
    ctx = _Context(sites, np.asarray(sites.geometry.values), layers, params, terrain)
    site_ids = sites["site_id"].astype(str).tolist()
    out: dict[str, list[CriterionResult]] = {sid: [] for sid in site_ids}
    for spec in (c for c in params.criteria if c.enabled):
        raw = CRITERION_MEASURES[spec.key](ctx, spec)
        normalised = spec.normalise(raw.values)
        for k, sid in enumerate(site_ids):
            out[sid].append(_criterion_result(spec, raw, normalised, k))
    return {sid: tuple(results) for sid, results in out.items()}


def _criterion_result(
    spec: CriterionSpec, raw: _Raw, normalised: FloatArray, k: int
) -> CriterionResult:
    available = not np.isnan(raw.values[k])
    result = partial(
        CriterionResult,
        key=spec.key,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        unit=spec.unit,
        value_function_en=spec.describe_function("en"),
        value_function_zh=spec.describe_function("zh"),
        source=spec.source,
        status=spec.status,
        weight=0.0,
        contribution=None,
    )
    if not available:
        return result(
            available=False,
            raw_value=None,
            normalised=None,
            explanation_en=f"{spec.name_en}: not available ({raw.reason_en}).",
            explanation_zh=f"{spec.name_zh}：暂不可用（{raw.reason_zh}）。",
            reason_unavailable_en=raw.reason_en,
            reason_unavailable_zh=raw.reason_zh,
        )
    score = float(normalised[k])
    return result(
        available=True,
        raw_value=float(raw.values[k]),
        normalised=score,
        explanation_en=(
            f"{spec.name_en}: {raw.details_en[k]} -> {score:.2f} ({spec.describe_function('en')})."
        ),
        explanation_zh=(
            f"{spec.name_zh}：{raw.details_zh[k]} → {score:.2f}（{spec.describe_function('zh')}）。"
        ),
    )


def _unavailable(n: int, reason_en: str, reason_zh: str) -> _Raw:
    return _Raw(np.full(n, np.nan), ("",) * n, ("",) * n, reason_en, reason_zh)


def _land_within_radius_mu(
    ctx: _Context, spec: CriterionSpec, parcels: gpd.GeoDataFrame
) -> FloatArray:
    """Sum of ``area_mu`` of eligible parcels within the haul radius of each site (亩)."""
    eligible = np.ones(len(parcels), dtype=bool)
    if spec.crops:
        eligible &= parcels["crop"].astype(str).isin(spec.crops).to_numpy()
    if "manure_allowed" in parcels.columns and not spec.crops:
        eligible &= parcels["manure_allowed"].fillna(False).astype(bool).to_numpy()
    radius_m = ctx.params.haul_radius_km.value * M_PER_KM
    left, right = pairs_within_m(ctx.geoms, parcels.sindex, radius_m)
    keep = eligible[right]
    area_mu = parcels["area_mu"].to_numpy(dtype=np.float64)[right[keep]]
    # with weights, bincount gives float64 (numpy's stubs say int); asarray does not copy
    return np.asarray(
        np.bincount(left[keep], weights=area_mu, minlength=len(ctx.geoms)), dtype=np.float64
    )


def _site_column(ctx: _Context, column: str) -> FloatArray | None:
    if column not in ctx.sites.columns:
        return None
    values: FloatArray = pd.to_numeric(ctx.sites[column], errors="coerce").to_numpy(
        dtype=np.float64
    )
    return values


def _land_ratio(
    ctx: _Context, spec: CriterionSpec, need_mu: FloatArray | None, what: tuple[str, str]
) -> _Raw:
    n = len(ctx.geoms)
    parcels = ctx.layers.parcels
    if parcels is None:
        return _unavailable(n, "no parcel layer loaded", "未加载地块图层")
    if need_mu is None or np.isnan(need_mu).all():
        return _unavailable(n, "the herd's land need was not given", "未给出畜群所需土地")
    land_mu = _land_within_radius_mu(ctx, spec, parcels)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(need_mu > 0, land_mu / need_mu, np.nan)
    radius = ctx.params.haul_radius_km.value
    en = tuple(
        f"{what[0]} within {radius:g} km: {a:,.0f} mu vs need {b:,.0f} mu (ratio {r:.2f})"
        for a, b, r in zip(land_mu, need_mu, ratio, strict=True)
    )
    zh = tuple(
        f"{radius:g} km 内{what[1]} {a:,.0f} 亩，需要 {b:,.0f} 亩（比值 {r:.2f}）"
        for a, b, r in zip(land_mu, need_mu, ratio, strict=True)
    )
    return _Raw(ratio, en, zh, "the herd's land need is zero or missing", "所需土地为零或缺失")


def _absorption_land(ctx: _Context, spec: CriterionSpec) -> _Raw:
    need = _site_column(ctx, "absorption_need_mu")
    raw = _land_ratio(ctx, spec, need, ("manure-absorption land", "粪污消纳地"))
    low, high = (_site_column(ctx, f"absorption_need_{end}_mu") for end in ("low", "high"))
    if low is None or high is None or len(raw.details_en) != len(low):
        return raw
    return replace(
        raw,
        details_en=tuple(
            f"{d} (need over the utilisation range {a:,.0f}–{b:,.0f} mu)"
            for d, a, b in zip(raw.details_en, low, high, strict=True)
        ),
        details_zh=tuple(
            f"{d}（按当季利用率范围需 {a:,.0f}–{b:,.0f} 亩）"
            for d, a, b in zip(raw.details_zh, low, high, strict=True)
        ),
    )


def _forage_land(ctx: _Context, spec: CriterionSpec) -> _Raw:
    need = _site_column(ctx, "forage_need_mu")
    if need is None:
        herd = _site_column(ctx, "dairy_cow_head")
        need = None if herd is None else herd * ctx.params.forage_land_mu_per_cow.value
    return _land_ratio(ctx, spec, need, ("forage land", "饲草地"))


def _distance_km(kind: str) -> Measure:
    def measure(ctx: _Context, spec: CriterionSpec) -> _Raw:
        n = len(ctx.geoms)
        frame = ctx.layers.features.get(kind)
        if frame is None or not len(frame):
            return _unavailable(n, f"no {kind} layer loaded", f"未加载图层 {kind}")
        distance_m, index = nearest_feature(ctx.geoms, frame)
        km = distance_m / M_PER_KM
        names = frame["name"].astype(str).to_numpy()[index]
        en = tuple(f"nearest {name}: {d:,.1f} km" for name, d in zip(names, km, strict=True))
        zh = tuple(f"最近为 {name}，{d:,.1f} km" for name, d in zip(names, km, strict=True))
        return _Raw(km, en, zh)

    return measure


def _slope(column: str) -> Measure:
    def measure(ctx: _Context, spec: CriterionSpec) -> _Raw:
        n = len(ctx.geoms)
        if ctx.terrain is None or column not in ctx.terrain.columns:
            return _unavailable(n, "no DEM/terrain given", "未提供地形（DEM）")
        by_site = ctx.terrain.assign(site_id=ctx.terrain["site_id"].astype(str))
        values = (
            by_site.set_index("site_id")[column]
            .reindex(ctx.sites["site_id"].astype(str))
            .to_numpy(dtype=np.float64)
        )
        text = tuple(f"{column} = {v:.1f}°" for v in values)
        return _Raw(
            values,
            text,
            text,
            "no slope value (site outside the DEM?)",
            "无坡度值（场址是否超出 DEM 范围？）",
        )

    return measure


def _water_headroom(ctx: _Context, spec: CriterionSpec) -> _Raw:
    """(cap - current use - this herd's water) / cap of the site's county (fraction)."""
    n = len(ctx.geoms)
    table = ctx.layers.county_water
    if table is None:
        return _unavailable(
            n,
            "no county water caps and current use loaded (the build-out check computes "
            "them from water_caps.csv); left out of the score",
            "未加载县域用水总量控制指标与现状用水（由建设方案核算提供），本项暂不计分",
        )
    need = _site_column(ctx, "water_need_m3_per_yr")
    if need is None or "adcode" not in ctx.sites.columns:
        return _unavailable(
            n, "the herd's water need or county is not known", "畜群需水量或所在县未知"
        )
    by_county = table.assign(adcode=table["adcode"].astype(str)).set_index("adcode")
    adcodes = ctx.sites["adcode"].astype(str)
    cap = adcodes.map(by_county["cap_m3_per_yr"]).to_numpy(dtype=np.float64)
    use = adcodes.map(by_county["use_m3_per_yr"]).to_numpy(dtype=np.float64)
    year = adcodes.map(by_county["year"]).to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        headroom = np.where(cap > 0, (cap - use - need) / cap, np.nan)
    rows = list(zip(adcodes, cap, use, year, need, headroom, strict=True))
    en = tuple(
        f"county {a}: cap {c:,.0f} m3/yr, use in {y:.0f} {u:,.0f} m3/yr, this herd "
        f"{w:,.0f} m3/yr -> headroom {h:.1%} of the cap"
        for a, c, u, y, w, h in rows
    )
    zh = tuple(
        f"{a} 县用水总量指标 {c:,.0f} m³/年，{y:.0f} 年用水 {u:,.0f} m³/年，本场需水 "
        f"{w:,.0f} m³/年 → 余量 {h:.1%}"
        for a, c, u, y, w, h in rows
    )
    return _Raw(
        headroom,
        en,
        zh,
        "the site's county has no water cap, or its water need is unknown",
        "场址所在县无用水总量指标或需水量未知",
    )


#: Criterion key -> measure. A criteria table may only use these keys.
CRITERION_MEASURES: Final[dict[str, Measure]] = {
    "absorption_land_ratio": _absorption_land,
    "forage_land_ratio": _forage_land,
    "processing_plant_distance_km": _distance_km("processing_plants"),
    "main_road_distance_km": _distance_km("main_roads"),
    "settlement_distance_km": _distance_km("settlements"),
    "slope_mean_deg": _slope("slope_mean_deg"),
    "slope_max_deg": _slope("slope_max_deg"),
    "water_headroom": _water_headroom,
}
