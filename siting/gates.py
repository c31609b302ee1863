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
from geo.near import IntArray, nearest_m, pairs_within_m
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
    nearest: NearestCache | None = None,
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
    nearest
        Nearest features already found for these sites (`NearestCache`), shared with the
        criteria so each layer is queried once; None queries here.

    Returns
    -------
    dict
        ``site_id`` -> gate results in rule order.
    """
    site_ids = sites["site_id"].astype(str).tolist()
    cache = NearestCache(np.asarray(sites.geometry.values)) if nearest is None else nearest
    columns = [
        _evaluate_rule(rule, cache, site_ids, layers, terrain)
        for rule in params.rules
        if rule.enabled
    ]
    rows = zip(*columns, strict=True) if columns else [()] * len(site_ids)
    return {sid: tuple(row) for sid, row in zip(site_ids, rows, strict=True)}


class NearestCache:
    """Spatial queries of a layer for all sites at once, each made once per layer.

    ``of``: the nearest feature and its distance; ``within``: the pairs within a distance.
    The setback gates and the distance criteria ask for the same layers (settlements, main
    roads), the two land criteria for the same parcels within the same radius; the first
    ask queries the layer's spatial index, the others reuse the answer.
    """

    def __init__(self, geoms: npt.NDArray[np.object_]) -> None:
        self.geoms = geoms
        self._found: dict[str, tuple[FloatArray, npt.NDArray[np.int64]]] = {}
        self._within: dict[tuple[str, float], tuple[IntArray, IntArray]] = {}

    def within(
        self, kind: str, features: gpd.GeoDataFrame, distance_m: float
    ) -> tuple[IntArray, IntArray]:
        """Return `geo.near.pairs_within_m` of the sites and ``features`` (layer ``kind``).

        The two land criteria ask for the same parcels within the same radius.
        """
        key = (kind, distance_m)
        if key not in self._within:
            self._within[key] = pairs_within_m(self.geoms, features.sindex, distance_m)
        return self._within[key]

    def of(self, kind: str, features: gpd.GeoDataFrame) -> tuple[FloatArray, npt.NDArray[np.int64]]:
        """Return `nearest_feature` of the sites and ``features`` (the layer ``kind``)."""
        if kind not in self._found:
            self._found[kind] = nearest_feature(self.geoms, features)
        return self._found[kind]


def _evaluate_rule(
    rule: GateRule,
    nearest: NearestCache,
    site_ids: list[str],
    layers: ConstraintLayers,
    terrain: pd.DataFrame | None,
) -> list[GateResult]:
    if rule.kind == "gate_slope":
        if terrain is None:
            return [_unchecked(rule, layers, Message.of("siting.reason.no_terrain"))] * len(
                site_ids
            )
        return _slope_results(rule, site_ids, terrain, layers)
    if not layers.has(rule.layer_kind):
        layer = Message.of(f"layer_kind.{rule.layer_kind}")
        why = Message.of("siting.reason.no_layer", layer=layer)
        return [_unchecked(rule, layers, why)] * len(site_ids)
    features = layers.features[rule.layer_kind]
    if rule.kind == "gate_setback":
        measured = _Measured(*nearest.of(rule.layer_kind, features))
    else:
        measured = _overlap_area(
            nearest.geoms, features, layers.crs, in_mu=rule.measure == "overlap_mu"
        )
    labels = _FeatureLabels(
        features["feature_id"].astype(str).to_numpy(), features["name"].astype(str).to_numpy()
    )
    return _results(_RuleText.of(rule, layers), measured, labels)


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
        # the answer of ``features.sindex.nearest(geoms, return_distance=True)``, faster on
        # long outlines (`geo.near.nearest_m`)
        values, found = nearest_m(geoms, features.sindex)
        index = found.astype(np.int64)
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
    by_site = np.argsort(left, kind="stable")  # each site's parts in query order
    hit, starts = np.unique(left[by_site], return_index=True)
    unions = [shapely.union_all(group) for group in np.split(parts[by_site], starts[1:])]
    values[hit] = area_m2(gpd.GeoSeries(unions, crs=crs)).to_numpy()
    return _Measured(values / M2_PER_MU if in_mu else values, index)


def _slope_results(
    rule: GateRule, site_ids: list[str], terrain: pd.DataFrame, layers: ConstraintLayers
) -> list[GateResult]:
    values = _terrain_values(terrain, rule.measure, site_ids)
    measured = _Measured(values, np.full(len(site_ids), -1, dtype=np.int64))
    results = _results(_RuleText.of(rule, layers), measured, None)
    unchecked = _unchecked(rule, layers, Message.of("siting.reason.no_slope_value"))
    return [unchecked if np.isnan(v) else r for v, r in zip(values, results, strict=True)]


def _terrain_values(terrain: pd.DataFrame, column: str, site_ids: list[str]) -> FloatArray:
    """Return ``column`` of ``terrain`` per site of ``site_ids`` (NaN where absent)."""
    if column not in terrain.columns:
        return np.full(len(site_ids), np.nan)
    ids = terrain["site_id"].astype(str)
    by_site = pd.Series(terrain[column].to_numpy(), index=ids)
    by_site = by_site[~ids.duplicated().to_numpy()]
    values: FloatArray = pd.to_numeric(by_site.reindex(site_ids), errors="coerce").to_numpy(
        dtype=np.float64
    )
    return values


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


@dataclass(frozen=True)
class _RuleText:
    """What every site's result of one rule shares, built once per rule (issue 12).

    ``fixed`` holds the `GateResult` fields that do not depend on the site; ``passes`` and
    ``fails`` the message parameters after ``what`` (name, verdict, limit, source, status).
    """

    rule: GateRule
    fixed: dict[str, object]
    passes: tuple[tuple[str, object], ...]
    fails: tuple[tuple[str, object], ...]

    @classmethod
    def of(cls, rule: GateRule, layers: ConstraintLayers) -> _RuleText:
        """Return the shared parts of ``rule``'s results."""
        fixed: dict[str, object] = {
            "rule": rule.key,
            "name_zh": rule.name_zh,
            "name_en": rule.name_en,
            "kind": rule.kind,
            "evaluated": True,
            "limit": rule.limit,
            "unit": rule.unit,
            "source": rule.source,
            "status": rule.status,
            "illustrative_layer": bool(layers.illustrative.get(rule.layer_kind, False)),
        }
        return cls(rule, fixed, _common(rule, failed=False), _common(rule, failed=True))


def _common(rule: GateRule, *, failed: bool) -> tuple[tuple[str, object], ...]:
    verdict = Message.of("gates.verdict.fails" if failed else "gates.verdict.passes")
    return (
        ("name", Term(rule.name_zh, rule.name_en)),
        ("verdict", verdict),
        ("limit", _limit(rule)),
        ("source", rule.source),
        ("status", Message.of(f"status.{rule.status}")),
    )


def _results(
    text: _RuleText, measured: _Measured, labels: _FeatureLabels | None
) -> list[GateResult]:
    """Return every site's result of one rule from its measured column."""
    failed = text.rule.fails(measured.values).tolist()
    values = [None if np.isnan(v) else v for v in measured.values.tolist()]
    ids, names = _feature_labels(labels, measured.feature_index)
    return [
        GateResult(
            **text.fixed,  # type: ignore[arg-type]
            passed=not fail,
            measured_value=value,
            feature_id=fid,
            feature_name=fname,
            message=_message(text, value, fid, fname, fail),
        )
        for value, fail, fid, fname in zip(values, failed, ids, names, strict=True)
    ]


def _feature_labels(
    labels: _FeatureLabels | None, index: npt.NDArray[np.int64]
) -> tuple[list[str | None], list[str | None]]:
    """Return the deciding feature's id and name per site (None where there is none)."""
    if labels is None:
        return [None] * len(index), [None] * len(index)
    ids = [None if k < 0 else str(labels.ids[k]) for k in index.tolist()]
    names = [None if k < 0 else str(labels.names[k]) for k in index.tolist()]
    return ids, names


def _message(
    text: _RuleText,
    value: float | None,
    feature_id: str | None,
    feature_name: str | None,
    failed: bool,
) -> Message:
    common = text.fails if failed else text.passes
    if value is None:
        return Message("gates.no_features", common)
    return Message(
        "gates.result", (("what", _what(text.rule, value, feature_id, feature_name)), *common)
    )


def _what(
    rule: GateRule, value: float, feature_id: str | None, feature_name: str | None
) -> Message:
    feature = f"{feature_name} [{feature_id}]" if feature_id is not None else ""
    if rule.kind == "gate_setback":
        return Message("gates.what.nearest", (("feature", feature), ("distance_m", value)))
    if rule.kind == "gate_slope":
        return Message(f"siting.measure.{rule.measure}", (("slope_deg", value),))
    if value > 0:
        return Message(
            "gates.what.overlap", (("feature", feature), ("overlap", _amount(rule, value)))
        )
    return Message("gates.what.no_overlap")


def _limit(rule: GateRule) -> Message:
    if rule.kind == "gate_setback":
        return Message.of("gates.limit.at_least_m", limit_m=rule.limit)
    return Message.of("gates.limit.at_most", amount=_amount(rule, rule.limit))


def _amount(rule: GateRule, value: float) -> Message:
    return Message.of("siting.amount", value=value, unit=Message.of(f"unit.{rule.unit}"))
