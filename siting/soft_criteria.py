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
from locales import Message, Term
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
    value_function: Message
    source: str
    status: str
    explanation: Message
    reason_unavailable: Message | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the result as a JSON-ready dict (messages as key and parameters)."""
        data = asdict(self)
        for name in ("value_function", "explanation", "reason_unavailable"):
            message = getattr(self, name)
            data[name] = None if message is None else message.to_dict()
        return data


#: Reason of a site without a value when the measure gives no better one.
NO_VALUE: Final[Message] = Message("siting.reason.no_value")


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
    details: tuple[Message, ...]
    reason: Message = NO_VALUE


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
    name = Term(spec.name_zh, spec.name_en)
    result = partial(
        CriterionResult,
        key=spec.key,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        unit=spec.unit,
        value_function=spec.describe_function(),
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
            explanation=Message.of("criteria.unavailable", name=name, reason=raw.reason),
            reason_unavailable=raw.reason,
        )
    score = float(normalised[k])
    return result(
        available=True,
        raw_value=float(raw.values[k]),
        normalised=score,
        explanation=Message.of(
            "criteria.explanation",
            name=name,
            detail=raw.details[k],
            score=score,
            function=spec.describe_function(),
        ),
    )


def _unavailable(n: int, reason: Message) -> _Raw:
    return _Raw(np.full(n, np.nan), (NO_VALUE,) * n, reason)


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
    ctx: _Context, spec: CriterionSpec, need_mu: FloatArray | None, what: Message
) -> _Raw:
    n = len(ctx.geoms)
    parcels = ctx.layers.parcels
    if parcels is None:
        return _unavailable(n, Message.of("siting.reason.no_parcels"))
    if need_mu is None or np.isnan(need_mu).all():
        return _unavailable(n, Message.of("siting.reason.no_land_need"))
    land_mu = _land_within_radius_mu(ctx, spec, parcels)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(need_mu > 0, land_mu / need_mu, np.nan)
    radius = ctx.params.haul_radius_km.value
    details = tuple(
        Message.of(
            "criteria.detail.land",
            what=what,
            radius_km=radius,
            land_mu=float(a),
            need_mu=float(b),
            ratio=float(r),
        )
        for a, b, r in zip(land_mu, need_mu, ratio, strict=True)
    )
    return _Raw(ratio, details, Message.of("siting.reason.land_need_zero"))


def _absorption_land(ctx: _Context, spec: CriterionSpec) -> _Raw:
    need = _site_column(ctx, "absorption_need_mu")
    raw = _land_ratio(ctx, spec, need, Message.of("criteria.what.absorption_land"))
    low, high = (_site_column(ctx, f"absorption_need_{end}_mu") for end in ("low", "high"))
    if low is None or high is None or len(raw.details) != len(low):
        return raw
    return replace(
        raw,
        details=tuple(
            Message.of("criteria.detail.land_range", detail=d, low_mu=float(a), high_mu=float(b))
            for d, a, b in zip(raw.details, low, high, strict=True)
        ),
    )


def _forage_land(ctx: _Context, spec: CriterionSpec) -> _Raw:
    need = _site_column(ctx, "forage_need_mu")
    if need is None:
        herd = _site_column(ctx, "dairy_cow_head")
        need = None if herd is None else herd * ctx.params.forage_land_mu_per_cow.value
    return _land_ratio(ctx, spec, need, Message.of("criteria.what.forage_land"))


def _distance_km(kind: str) -> Measure:
    def measure(ctx: _Context, spec: CriterionSpec) -> _Raw:
        n = len(ctx.geoms)
        frame = ctx.layers.features.get(kind)
        if frame is None or not len(frame):
            return _unavailable(
                n, Message.of("siting.reason.no_layer", layer=Message.of(f"layer_kind.{kind}"))
            )
        distance_m, index = nearest_feature(ctx.geoms, frame)
        km = distance_m / M_PER_KM
        names = frame["name"].astype(str).to_numpy()[index]
        details = tuple(
            Message.of("criteria.detail.nearest", feature=str(name), distance_km=float(d))
            for name, d in zip(names, km, strict=True)
        )
        return _Raw(km, details)

    return measure


def _slope(column: str) -> Measure:
    def measure(ctx: _Context, spec: CriterionSpec) -> _Raw:
        n = len(ctx.geoms)
        if ctx.terrain is None or column not in ctx.terrain.columns:
            return _unavailable(n, Message.of("siting.reason.no_terrain"))
        by_site = ctx.terrain.assign(site_id=ctx.terrain["site_id"].astype(str))
        values = (
            by_site.set_index("site_id")[column]
            .reindex(ctx.sites["site_id"].astype(str))
            .to_numpy(dtype=np.float64)
        )
        details = tuple(Message.of(f"siting.measure.{column}", slope_deg=float(v)) for v in values)
        return _Raw(values, details, Message.of("siting.reason.no_slope_value"))

    return measure


def _water_headroom(ctx: _Context, spec: CriterionSpec) -> _Raw:
    """(cap - current use - this herd's water) / cap of the site's county (fraction)."""
    n = len(ctx.geoms)
    table = ctx.layers.county_water
    if table is None:
        return _unavailable(n, Message.of("siting.reason.no_water_table"))
    need = _site_column(ctx, "water_need_m3_per_yr")
    if need is None or "adcode" not in ctx.sites.columns:
        return _unavailable(n, Message.of("siting.reason.no_water_need"))
    by_county = table.assign(adcode=table["adcode"].astype(str)).set_index("adcode")
    adcodes = ctx.sites["adcode"].astype(str)
    cap = adcodes.map(by_county["cap_m3_per_yr"]).to_numpy(dtype=np.float64)
    use = adcodes.map(by_county["use_m3_per_yr"]).to_numpy(dtype=np.float64)
    year = adcodes.map(by_county["year"]).to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        headroom = np.where(cap > 0, (cap - use - need) / cap, np.nan)
    details = tuple(
        Message.of(
            "criteria.detail.water_headroom",
            adcode=a,
            cap_m3_per_yr=float(c),
            year=float(y),
            use_m3_per_yr=float(u),
            need_m3_per_yr=float(w),
            headroom_frac=float(h),
        )
        for a, c, u, y, w, h in zip(adcodes, cap, use, year, need, headroom, strict=True)
    )
    return _Raw(headroom, details, Message.of("siting.reason.no_water_cap"))


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
