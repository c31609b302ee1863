"""Evaluate the hard gates of candidate sites against the constraint layers.

Every gate is measured for all sites at once in the analysis CRS through the layer's
spatial index: the overlap area with a zone (m², 亩), the distance from the site polygon to
the nearest feature (m), or a slope statistic from the site's terrain. Each result names the
rule, the measured value, the limit, the deciding feature and the source as a message key
with its parameters (`locales.Message`).
A gate whose layer (or terrain) is missing is reported as *not checked*, never as passed
silently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.area import area_m2
from geo.units import M2_PER_MU
from locales import Message, Term
from siting.criteria import ConstraintLayers, FloatArray, GateRule, SitingParams

if TYPE_CHECKING:
    import numpy.typing as npt


@dataclass(frozen=True)
class GateResult:
    """Outcome of one gate for one site.

    ``measured_value`` is in ``unit`` (m for setbacks, m² or 亩 for overlaps, degrees for
    slope); None when the gate was not checked or the layer has no features.
    ``feature_id`` / ``feature_name`` identify the deciding feature (the nearest one for a
    setback, the one with the largest overlap for a zone).
    """

    rule: str
    name_zh: str
    name_en: str
    kind: str
    evaluated: bool
    passed: bool
    measured_value: float | None
    limit: float
    unit: str
    feature_id: str | None
    feature_name: str | None
    source: str
    status: str
    illustrative_layer: bool
    message: Message

    def to_dict(self) -> dict[str, object]:
        """Return the result as a JSON-ready dict (the message as key and parameters)."""
        return {**asdict(self), "message": self.message.to_dict()}


@dataclass(frozen=True)
class _FeatureLabels:
    ids: npt.NDArray[np.object_]
    names: npt.NDArray[np.object_]


@dataclass(frozen=True)
class _Measured:
    values: FloatArray  # per site, NaN = no value
    feature_index: npt.NDArray[np.int64]  # per site, -1 = none


def evaluate_gates(
    sites: gpd.GeoDataFrame,
    layers: ConstraintLayers,
    params: SitingParams,
    *,
    terrain: pd.DataFrame | None = None,
) -> dict[str, tuple[GateResult, ...]]:
    """Evaluate every enabled gate for every site.

    Parameters
    ----------
    sites
        Site polygons in ``layers.crs`` with a unique ``site_id`` (str).
    layers
        Constraint layers by kind.
    params
        Rules (and their limits, sources, statuses).
    terrain
        Per-site slope: ``site_id``, ``slope_mean_deg``, ``slope_max_deg`` (from
        `geo.raster.slope_stats`); None leaves the slope gates not checked.

    Returns
    -------
    dict
        ``site_id`` -> gate results in rule order.
    """
    site_ids = sites["site_id"].astype(str).tolist()
    geoms = np.asarray(sites.geometry.values)
    per_site: dict[str, list[GateResult]] = {sid: [] for sid in site_ids}
    for rule in (r for r in params.rules if r.enabled):
        for sid, result in zip(
            site_ids, _evaluate_rule(rule, geoms, site_ids, layers, terrain), strict=True
        ):
            per_site[sid].append(result)
    return {sid: tuple(results) for sid, results in per_site.items()}


def _evaluate_rule(
    rule: GateRule,
    geoms: npt.NDArray[np.object_],
    site_ids: list[str],
    layers: ConstraintLayers,
    terrain: pd.DataFrame | None,
) -> list[GateResult]:
    if rule.kind == "gate_slope":
        if terrain is None:
            return [
                _unchecked(rule, layers, Message.of("siting.reason.no_terrain")) for _ in site_ids
            ]
        return _slope_results(rule, site_ids, terrain, layers)
    if not layers.has(rule.layer_kind):
        layer = Message.of(f"layer_kind.{rule.layer_kind}")
        why = Message.of("siting.reason.no_layer", layer=layer)
        return [_unchecked(rule, layers, why) for _ in site_ids]
    features = layers.features[rule.layer_kind]
    if rule.kind == "gate_setback":
        measured = _Measured(*nearest_feature(geoms, features))
    else:
        measured = _overlap_area(geoms, features, layers.crs, in_mu=rule.measure == "overlap_mu")
    failed = rule.fails(measured.values)
    labels = _FeatureLabels(
        features["feature_id"].astype(str).to_numpy(), features["name"].astype(str).to_numpy()
    )
    return [
        _result(rule, layers, labels, measured, k, bool(failed[k])) for k in range(len(site_ids))
    ]


def nearest_feature(
    geoms: npt.NDArray[np.object_],
    features: gpd.GeoDataFrame,
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Return, per geometry, the distance to the nearest feature and that feature's position.

    Distances are in the units of the (projected) CRS both share; NaN and -1 when
    ``features`` is empty. Ties keep one feature.
    """
    values = np.full(len(geoms), np.nan)
    index = np.full(len(geoms), -1, dtype=np.int64)
    if len(features) and len(geoms):
        pairs, dist = features.sindex.nearest(geoms, return_all=False, return_distance=True)
        values[pairs[0]] = dist
        index[pairs[0]] = pairs[1]
    return values, index


def _overlap_area(
    geoms: npt.NDArray[np.object_], features: gpd.GeoDataFrame, crs: str, *, in_mu: bool
) -> _Measured:
    """Overlap of each site with the union of the features it touches (m² or 亩)."""
    values = np.zeros(len(geoms))
    index = np.full(len(geoms), -1, dtype=np.int64)
    if not (len(features) and len(geoms)):
        return _Measured(values, index)
    left, right = features.sindex.query(geoms, predicate="intersects")
    if not len(left):
        return _Measured(values, index)
    parts = shapely.intersection(geoms[left], np.asarray(features.geometry.values)[right])
    part_m2 = area_m2(gpd.GeoSeries(parts, crs=crs)).to_numpy()
    # Largest overlapping feature decides; the area is that of the union of all overlaps
    # (zones may overlap each other, so a plain sum could count land twice).
    order = np.lexsort((-part_m2, left))
    first = order[np.r_[True, left[order][1:] != left[order][:-1]]]
    index[left[first]] = right[first]
    hit = np.unique(left)
    unions = [shapely.union_all(parts[left == site]) for site in hit]
    values[hit] = area_m2(gpd.GeoSeries(unions, crs=crs)).to_numpy()
    return _Measured(values / M2_PER_MU if in_mu else values, index)


def _slope_results(
    rule: GateRule, site_ids: list[str], terrain: pd.DataFrame, layers: ConstraintLayers
) -> list[GateResult]:
    by_site = terrain.assign(site_id=terrain["site_id"].astype(str)).set_index("site_id")
    results = []
    for sid in site_ids:
        value = by_site[rule.measure].get(sid, np.nan) if rule.measure in by_site else np.nan
        if pd.isna(value):
            results.append(_unchecked(rule, layers, Message.of("siting.reason.no_slope_value")))
            continue
        measured = _Measured(np.array([float(value)]), np.array([-1]))
        results.append(
            _result(rule, layers, None, measured, 0, bool(rule.fails(measured.values)[0]))
        )
    return results


def _unchecked(rule: GateRule, layers: ConstraintLayers, why: Message) -> GateResult:
    return GateResult(
        rule=rule.key,
        name_zh=rule.name_zh,
        name_en=rule.name_en,
        kind=rule.kind,
        evaluated=False,
        passed=True,
        measured_value=None,
        limit=rule.limit,
        unit=rule.unit,
        feature_id=None,
        feature_name=None,
        source=rule.source,
        status=rule.status,
        illustrative_layer=bool(layers.illustrative.get(rule.layer_kind, False)),
        message=Message.of("gates.unchecked", name=Term(rule.name_zh, rule.name_en), reason=why),
    )


def _result(
    rule: GateRule,
    layers: ConstraintLayers,
    labels: _FeatureLabels | None,
    measured: _Measured,
    k: int,
    failed: bool,
) -> GateResult:
    value = measured.values[k]
    feature_id = feature_name = None
    if labels is not None and measured.feature_index[k] >= 0:
        position = int(measured.feature_index[k])
        feature_id, feature_name = str(labels.ids[position]), str(labels.names[position])
    measured_value = None if np.isnan(value) else float(value)
    message = _message(rule, measured_value, feature_id, feature_name, failed)
    return GateResult(
        rule=rule.key,
        name_zh=rule.name_zh,
        name_en=rule.name_en,
        kind=rule.kind,
        evaluated=True,
        passed=not failed,
        measured_value=measured_value,
        limit=rule.limit,
        unit=rule.unit,
        feature_id=feature_id,
        feature_name=feature_name,
        source=rule.source,
        status=rule.status,
        illustrative_layer=bool(layers.illustrative.get(rule.layer_kind, False)),
        message=message,
    )


def _message(
    rule: GateRule,
    value: float | None,
    feature_id: str | None,
    feature_name: str | None,
    failed: bool,
) -> Message:
    common = {
        "name": Term(rule.name_zh, rule.name_en),
        "verdict": Message.of("gates.verdict.fails" if failed else "gates.verdict.passes"),
        "limit": _limit(rule),
        "source": rule.source,
        "status": Message.of(f"status.{rule.status}"),
    }
    if value is None:
        return Message.of("gates.no_features", **common)
    feature = f"{feature_name} [{feature_id}]" if feature_id is not None else ""
    if rule.kind == "gate_setback":
        what = Message.of("gates.what.nearest", feature=feature, distance_m=value)
    elif rule.kind == "gate_slope":
        what = Message.of(f"siting.measure.{rule.measure}", slope_deg=value)
    elif value > 0:
        what = Message.of("gates.what.overlap", feature=feature, overlap=_amount(rule, value))
    else:
        what = Message.of("gates.what.no_overlap")
    return Message.of("gates.result", what=what, **common)


def _limit(rule: GateRule) -> Message:
    if rule.kind == "gate_setback":
        return Message.of("gates.limit.at_least_m", limit_m=rule.limit)
    return Message.of("gates.limit.at_most", amount=_amount(rule, rule.limit))


def _amount(rule: GateRule, value: float) -> Message:
    return Message.of("siting.amount", value=value, unit=Message.of(f"unit.{rule.unit}"))
