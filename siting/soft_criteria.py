"""Measure the soft criteria of candidate sites and normalise them to 0-1.

Each criterion key maps to one measure function (`CRITERION_MEASURES`). A measure returns the
raw value per site, or says why it is not available (no layer, no terrain, no need given, no
county water table). Unavailable criteria are left out of the score and say so; they are
never filled with a made-up value.

Land criteria count parcels whose nearest point lies within the haul radius of the site
polygon (straight line, analysis CRS): the whole parcel's ``area_mu`` counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo.units import M_PER_KM
from locales import Message, Term
from siting.criteria import ConstraintLayers, CriterionSpec, FloatArray, SitingParams
from siting.gates import NearestCache

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
    nearest: NearestCache


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
    columns = criterion_columns(sites, layers, params, terrain=terrain)
    return criterion_results(columns, sites["site_id"].astype(str).tolist())


@dataclass(frozen=True)
class CriterionColumn:
    """One criterion measured for all sites: raw values (NaN = unavailable), 0-1 scores."""

    spec: CriterionSpec
    raw: _Raw
    normalised: FloatArray

    @property
    def available(self) -> npt.NDArray[np.bool_]:
        """Return True where the site has a value."""
        return ~np.isnan(self.raw.values)


@dataclass(frozen=True)
class Weighted:
    """Per site and criterion (rows, columns): share of the site's weight and its points.

    ``share`` is NaN and ``points`` NaN where the criterion does not count (unavailable, or
    the site's available criteria weigh nothing); ``score`` is NaN for such a site.
    """

    share: FloatArray
    points: FloatArray
    score: FloatArray


def criterion_columns(
    sites: gpd.GeoDataFrame,
    layers: ConstraintLayers,
    params: SitingParams,
    *,
    terrain: pd.DataFrame | None = None,
    nearest: NearestCache | None = None,
) -> list[CriterionColumn]:
    """Measure and normalise every enabled criterion for all sites at once (see above).

    ``nearest`` shares the nearest-feature queries with the gates (`NearestCache`).
    """
    geoms = np.asarray(sites.geometry.values)
    cache = NearestCache(geoms) if nearest is None else nearest
    ctx = _Context(sites, geoms, layers, params, terrain, cache)
    columns = []
    for spec in (c for c in params.criteria if c.enabled):
        raw = CRITERION_MEASURES[spec.key](ctx, spec)
        columns.append(CriterionColumn(spec, raw, spec.normalise(raw.values)))
    return columns


def weigh(columns: list[CriterionColumn], weights: Mapping[str, float]) -> Weighted:
    """Return each criterion's share and points of every site's 0-100 score.

    A site's available criteria share its weight in proportion to ``weights`` (missing
    keys weigh 0); points = 100 x share x normalised; the score is the sum of the points,
    added in criteria order (the same sums as one site at a time).
    """
    n_sites = len(columns[0].normalised) if columns else 0
    total = np.zeros(n_sites)
    for column in columns:
        total = total + np.where(column.available, weights.get(column.spec.key, 0.0), 0.0)
    counts = total > 0
    share = np.full((n_sites, len(columns)), np.nan)
    points = np.full((n_sites, len(columns)), np.nan)
    score = np.zeros(n_sites)
    for j, column in enumerate(columns):
        on = column.available & counts
        with np.errstate(divide="ignore", invalid="ignore"):
            share[:, j] = np.where(on, weights.get(column.spec.key, 0.0) / total, np.nan)
        points[:, j] = 100.0 * share[:, j] * column.normalised
        score = score + np.where(on, points[:, j], 0.0)
    return Weighted(share, points, np.where(counts, score, np.nan))


def criterion_results(
    columns: list[CriterionColumn], site_ids: list[str], weighted: Weighted | None = None
) -> dict[str, tuple[CriterionResult, ...]]:
    """Return every site's criterion results (weights 0 and no points without ``weighted``)."""
    per_column = [_column_results(column, weighted, j) for j, column in enumerate(columns)]
    rows = zip(*per_column, strict=True) if per_column else [()] * len(site_ids)
    return {sid: tuple(row) for sid, row in zip(site_ids, rows, strict=True)}


def _column_results(
    column: CriterionColumn, weighted: Weighted | None, j: int
) -> list[CriterionResult]:
    """Return one criterion's result of every site (its fixed parts built once)."""
    spec, raw = column.spec, column.raw
    function = spec.describe_function()
    fixed = _Fixed(spec, function, Term(spec.name_zh, spec.name_en))
    unavailable = fixed.unavailable(raw.reason)
    n_sites = len(raw.values)
    shares = [0.0] * n_sites if weighted is None else weighted.share[:, j].tolist()
    points = [math.nan] * n_sites if weighted is None else weighted.points[:, j].tolist()
    values, scores = raw.values.tolist(), column.normalised.tolist()
    rows = zip(values, scores, raw.details, shares, points, strict=True)
    return [
        unavailable if math.isnan(value) else fixed.available(value, score, detail, share, pts)
        for value, score, detail, share, pts in rows
    ]


@dataclass(frozen=True)
class _Fixed:
    """The parts of a criterion's results every site shares."""

    spec: CriterionSpec
    function: Message
    name: Term

    def unavailable(self, reason: Message) -> CriterionResult:
        """Return the result of a site without a value."""
        spec = self.spec
        explanation = Message("criteria.unavailable", (("name", self.name), ("reason", reason)))
        return CriterionResult(
            spec.key, spec.name_zh, spec.name_en, False, None, spec.unit, None, 0.0, None,
            self.function, spec.source, spec.status, explanation, reason,
        )  # fmt: skip

    def available(
        self, value: float, score: float, detail: Message, share: float, points: float
    ) -> CriterionResult:
        """Return the result of a site with a value (share NaN: the criterion weighs 0)."""
        spec = self.spec
        explanation = Message(
            "criteria.explanation",
            (
                ("name", self.name),
                ("detail", detail),
                ("score", score),
                ("function", self.function),
            ),
        )
        counted = not math.isnan(share)
        return CriterionResult(
            spec.key, spec.name_zh, spec.name_en, True, value, spec.unit, score,
            share if counted else 0.0, points if counted else None,
            self.function, spec.source, spec.status, explanation,
        )  # fmt: skip


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
    left, right = ctx.nearest.within("parcels", parcels, radius_m)
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
        Message(
            "criteria.detail.land",
            (("what", what), ("radius_km", radius), ("land_mu", a), ("need_mu", b), ("ratio", r)),
        )
        for a, b, r in zip(land_mu.tolist(), need_mu.tolist(), ratio.tolist(), strict=True)
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
            Message("criteria.detail.land_range", (("detail", d), ("low_mu", a), ("high_mu", b)))
            for d, a, b in zip(raw.details, low.tolist(), high.tolist(), strict=True)
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
        distance_m, index = ctx.nearest.of(kind, frame)
        km = distance_m / M_PER_KM
        names = frame["name"].astype(str).to_numpy()[index]
        details = tuple(
            Message("criteria.detail.nearest", (("feature", str(name)), ("distance_km", d)))
            for name, d in zip(names.tolist(), km.tolist(), strict=True)
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
        key = f"siting.measure.{column}"
        details = tuple(Message(key, (("slope_deg", v),)) for v in values.tolist())
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
    names = ("cap_m3_per_yr", "year", "use_m3_per_yr", "need_m3_per_yr", "headroom_frac")
    columns = (cap.tolist(), year.tolist(), use.tolist(), need.tolist(), headroom.tolist())
    details = tuple(
        Message("criteria.detail.water_headroom", (("adcode", a), *zip(names, row, strict=True)))
        for a, *row in zip(adcodes, *columns, strict=True)
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
