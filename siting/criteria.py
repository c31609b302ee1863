"""Siting rules and criteria as data: hard gates, soft criteria, their parameters and layers.

* A **gate** (`GateRule`) is a pass/fail rule with a limit, a unit, a source and a status:
  ``gate_inside`` (any overlap with a zone, m²), ``gate_overlap`` (overlap area, 亩),
  ``gate_setback`` (distance from the site polygon to the nearest feature, m) and
  ``gate_slope`` (a slope statistic under the site, degrees).
* A **criterion** (`CriterionSpec`) turns a measured value into a 0-1 score with a documented
  value function (`CriterionSpec.normalise`) and carries its default weight and source.
* `ConstraintLayers` holds the constraint and context layers by *kind*, all in one projected
  analysis CRS, so every distance and area is measured there.

Defaults are CSV tables in ``data/coefficients/`` read by `layers.siting_params`; nothing is
hard-coded here. Evaluation lives in `siting.gates` and `siting.soft_criteria`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt

from errors import SchemaError
from geo.crs import require_projected
from geo.validate import require_columns, require_same_crs
from locales import Message
from problems import Problems
from siting.parameters.coefficient import Coefficient

if TYPE_CHECKING:
    import pandas as pd

    import geopandas as gpd

GateKind = Literal["gate_inside", "gate_overlap", "gate_setback", "gate_slope"]
ValueFunction = Literal["linear_increasing", "linear_decreasing"]

#: Measures each gate kind may use (the first is the one the kind normally uses).
GATE_MEASURES: Final[dict[str, tuple[str, ...]]] = {
    "gate_inside": ("overlap_mu", "overlap_m2"),
    "gate_overlap": ("overlap_mu", "overlap_m2"),
    "gate_setback": ("distance_m",),
    "gate_slope": ("slope_mean_deg", "slope_max_deg"),
}
#: Status vocabulary of siting rules: the coefficient statuses plus ``reference_since_2019``
#: for the animal-epidemic distances that 农牧发〔2019〕42号 suspended and that provinces now
#: use only as reference values in a risk assessment (parameters.md §2.3).
RULE_STATUSES: Final[tuple[str, ...]] = (
    "verified",
    "corroborated",
    "recalled",
    "illustrative",
    "derived",
    "reference_since_2019",
    "user",
)
VALUE_FUNCTIONS: Final[tuple[str, ...]] = ("linear_increasing", "linear_decreasing")

#: Layer kinds of the constraint and context layers (manifest ``kind`` values); their names
#: are the catalogue keys ``layer_kind.<kind>``.
LAYER_KINDS: Final[tuple[str, ...]] = (
    "no_farming_zone",
    "basic_farmland",
    "eco_redline",
    "surface_water",
    "settlements",
    "main_roads",
    "dairy_farms",
    "processing_plants",
)
#: Columns every constraint layer carries (besides geometry).
FEATURE_COLUMNS: Final[tuple[str, ...]] = ("feature_id", "name")
#: Columns of the county water table (`ConstraintLayers.county_water`).
COUNTY_WATER_COLUMNS: Final[dict[str, str]] = {
    "adcode": "string",
    "cap_m3_per_yr": "float",
    "use_m3_per_yr": "float",
    "year": "int",
}

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GateRule:
    """One hard gate: a site fails when its measure breaks ``limit``.

    Parameters
    ----------
    key
        Identifier, e.g. ``"no_farming_zone_setback"``.
    kind
        ``gate_inside`` / ``gate_overlap`` fail when the overlap is **above** ``limit``;
        ``gate_setback`` fails when the distance is **below** ``limit``; ``gate_slope`` fails
        when the slope statistic is **above** ``limit``.
    layer_kind
        The `LAYER_KINDS` entry the rule applies to (``"dem"`` for slope gates).
    measure
        One of `GATE_MEASURES` for ``kind`` (``distance_m``, ``overlap_mu`` ...).
    limit, unit
        The limit in ``unit`` (m, m2, mu or deg).
    status, source
        Provenance shown with every result (`RULE_STATUSES`).
    """

    key: str
    kind: GateKind
    layer_kind: str
    measure: str
    limit: float
    unit: str
    status: str
    source: str
    name_zh: str
    name_en: str
    enabled: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        problems = Problems(f"siting rule {self.key!r}", f"选址规则 {self.key!r}")
        if self.kind not in GATE_MEASURES:
            problems.add(
                f"kind {self.kind!r} is not one of {', '.join(GATE_MEASURES)}",
                f"类型 {self.kind!r} 不在 {', '.join(GATE_MEASURES)} 之中",
            )
        elif self.measure not in GATE_MEASURES[self.kind]:
            allowed = ", ".join(GATE_MEASURES[self.kind])
            problems.add(
                f"measure {self.measure!r} does not fit kind {self.kind} ({allowed})",
                f"量测 {self.measure!r} 与类型 {self.kind} 不符（可用：{allowed}）",
            )
        if self.layer_kind not in (*LAYER_KINDS, "dem"):
            problems.add(
                f"layer kind {self.layer_kind!r} is unknown", f"图层类型 {self.layer_kind!r} 未知"
            )
        problems.require_positive("limit", self.limit, allow_zero=True)
        if self.status not in RULE_STATUSES:
            problems.add(
                f"status {self.status!r} is not one of {', '.join(RULE_STATUSES)}",
                f"状态 {self.status!r} 不在 {', '.join(RULE_STATUSES)} 之中",
            )
        problems.raise_if_any()

    def fails(self, measured: FloatArray) -> npt.NDArray[np.bool_]:
        """Return True where ``measured`` breaks the limit (NaN never fails here)."""
        values = np.asarray(measured, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if self.kind == "gate_setback":
                return values < self.limit
            return values > self.limit

    def with_limit(self, limit: float) -> GateRule:
        """Return a copy with a user-set ``limit`` (status ``user``, default kept in note)."""
        if limit == self.limit:
            return self
        note = f"default {self.limit:g} {self.unit} ({self.status}; {self.source})"
        return replace(self, limit=limit, status="user", note=note)


@dataclass(frozen=True)
class CriterionSpec:
    """One soft criterion and its value function.

    Parameters
    ----------
    key
        Identifier; must be one of `siting.soft_criteria.CRITERION_MEASURES`.
    value_function, x0, x1
        ``linear_increasing``: 0 at or below ``x0``, 1 at or above ``x1``;
        ``linear_decreasing``: 1 at or below ``x0``, 0 at or above ``x1``; linear between.
    unit
        Unit of the raw value (``ratio``, ``km``, ``deg``).
    default_weight
        Weight before normalisation (>= 0).
    crops
        Crop keys counted by land criteria (empty = every parcel allowed to take manure).
    """

    key: str
    name_zh: str
    name_en: str
    value_function: ValueFunction
    x0: float
    x1: float
    unit: str
    default_weight: float
    status: str
    source: str
    enabled: bool = True
    crops: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        problems = Problems(f"siting criterion {self.key!r}", f"选址指标 {self.key!r}")
        if self.value_function not in VALUE_FUNCTIONS:
            problems.add(
                f"value function {self.value_function!r} is not one of "
                f"{', '.join(VALUE_FUNCTIONS)}",
                f"值函数 {self.value_function!r} 不在 {', '.join(VALUE_FUNCTIONS)} 之中",
            )
        if not (math.isfinite(self.x0) and math.isfinite(self.x1) and self.x0 < self.x1):
            problems.add(
                f"x0 = {self.x0!r} must be finite and below x1 = {self.x1!r}",
                f"x0 = {self.x0!r} 须为有限数且小于 x1 = {self.x1!r}",
            )
        problems.require_positive("default_weight", self.default_weight, allow_zero=True)
        if self.status not in RULE_STATUSES:
            problems.add(
                f"status {self.status!r} is not one of {', '.join(RULE_STATUSES)}",
                f"状态 {self.status!r} 不在 {', '.join(RULE_STATUSES)} 之中",
            )
        problems.raise_if_any()

    def normalise(self, raw: FloatArray) -> FloatArray:
        """Return the 0-1 score of raw values (NaN stays NaN)."""
        values = np.asarray(raw, dtype=np.float64)
        rising = (values - self.x0) / (self.x1 - self.x0)
        score = rising if self.value_function == "linear_increasing" else 1.0 - rising
        return np.clip(score, 0.0, 1.0)

    def describe_function(self) -> Message:
        """Return the value function as a message, e.g. ``"1 at <= 5 km, 0 at >= 80 km"``."""
        low, high = (0, 1) if self.value_function == "linear_increasing" else (1, 0)
        return Message.of(
            "criteria.value_function",
            x0=self.x0,
            x1=self.x1,
            low=low,
            high=high,
            unit=Message.of(f"unit.{self.unit}"),
        )


@dataclass(frozen=True)
class SitingParams:
    """Everything that decides a site's gates and criteria, with provenance.

    Parameters
    ----------
    rules
        Hard gates (disabled ones are kept for display but not evaluated).
    criteria
        Soft criteria.
    haul_radius_km
        Straight-line radius within which land counts for the land criteria (km).
    forage_land_mu_per_cow
        Forage land one cow needs (亩/head); used until the forage module computes it.
    """

    rules: tuple[GateRule, ...]
    criteria: tuple[CriterionSpec, ...]
    haul_radius_km: Coefficient
    forage_land_mu_per_cow: Coefficient

    def __post_init__(self) -> None:
        problems = Problems("siting parameters", "选址参数")
        for what, keys in (
            ("rule", [r.key for r in self.rules]),
            ("criterion", [c.key for c in self.criteria]),
        ):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                problems.add(f"duplicate {what} keys {dupes}", f"重复的键 {dupes}")
        problems.require_positive("haul_radius_km", self.haul_radius_km.value)
        problems.require_positive(
            "forage_land_mu_per_cow", self.forage_land_mu_per_cow.value, allow_zero=True
        )
        problems.raise_if_any()

    def rule(self, key: str) -> GateRule:
        """Return the rule ``key`` (KeyError if absent)."""
        return {r.key: r for r in self.rules}[key]

    def criterion(self, key: str) -> CriterionSpec:
        """Return the criterion ``key`` (KeyError if absent)."""
        return {c.key: c for c in self.criteria}[key]

    def with_rule_limits(self, limits: Mapping[str, float]) -> SitingParams:
        """Return a copy with user-set limits ``{rule key: limit}`` (status ``user``)."""
        unknown = sorted(set(limits) - {r.key for r in self.rules})
        if unknown:
            problems = Problems("rule limits", "规则限值")
            problems.add(f"unknown rule keys {unknown}", f"未知规则 {unknown}")
            problems.raise_if_any()
        rules = tuple(r.with_limit(limits[r.key]) if r.key in limits else r for r in self.rules)
        return replace(self, rules=rules)


@dataclass(frozen=True, eq=False)
class ConstraintLayers:
    """Constraint and context layers by kind, all in one projected analysis CRS.

    Parameters
    ----------
    crs
        The analysis CRS (projected, metres), e.g. ``"EPSG:4546"``.
    features
        Layer kind (`LAYER_KINDS`) -> features with ``feature_id`` (str), ``name`` (str) and
        geometry in ``crs``. A missing kind means the layer is not available.
    illustrative
        Layer kind -> True when the layer is not real data (shown with every result).
    parcels
        Optional absorption/forage land parcels in ``crs`` with ``area_mu``, ``crop`` and
        (optional) ``manure_allowed``.
    counties
        Optional county polygons in ``crs`` with ``adcode`` (text): which county a site is in
        (its forage yields, irrigation quotas and water cap).
    county_water
        Optional table per county: ``adcode``, ``cap_m3_per_yr`` (用水总量控制指标),
        ``use_m3_per_yr`` (current use), ``year`` and ``source`` - for the water headroom.
    """

    crs: str
    features: Mapping[str, gpd.GeoDataFrame]
    illustrative: Mapping[str, bool] = field(default_factory=dict)
    parcels: gpd.GeoDataFrame | None = None
    counties: gpd.GeoDataFrame | None = None
    county_water: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        require_projected(self.crs, what="constraint layers")
        for kind, frame in self.features.items():
            require_same_crs(frame, self, names=(f"layer {kind}", "analysis CRS"))
            missing = [c for c in FEATURE_COLUMNS if c not in frame.columns]
            if missing or kind not in LAYER_KINDS:
                problems = Problems(f"constraint layer {kind!r}", f"约束图层 {kind!r}")
                problems.add(
                    f"unknown kind or missing columns {missing}", f"图层类型未知或缺少列 {missing}"
                )
                problems.raise_if_any(SchemaError)
        if self.parcels is not None:
            require_same_crs(self.parcels, self, names=("parcels", "analysis CRS"))
        if self.counties is not None:
            require_same_crs(self.counties, self, names=("counties", "analysis CRS"))
            require_columns(self.counties, {"adcode": "string"}, what="counties")
        if self.county_water is not None:
            require_columns(self.county_water, COUNTY_WATER_COLUMNS, what="county water")

    def has(self, kind: str) -> bool:
        """Return True if a layer of ``kind`` is loaded (it may have zero features)."""
        return kind in self.features
