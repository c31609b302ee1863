"""Hard gates and soft criteria on tiny hand-built layers (EPSG:4546, metres).

Every expected number is written as arithmetic on the construction: a 1 km square 禁养区,
sites placed 499 m and 501 m from its edge, overlaps of known rectangles.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point, box

from errors import CrsMismatchError, GeographicCrsError, ParameterError, SchemaError
from geo.units import M2_PER_MU
from locales import Message
from siting.criteria import ConstraintLayers, CriterionSpec, GateRule, SitingParams
from siting.gates import evaluate_gates
from siting.parameters.coefficient import Coefficient
from siting.soft_criteria import measure_criteria

CRS = "EPSG:4546"
X0, Y0 = 500_000.0, 4_500_000.0  # near 111E, 40.6N


def _rule(key: str, kind: str, layer_kind: str, measure: str, limit: float, unit: str) -> GateRule:
    return GateRule(
        key=key,
        kind=kind,  # type: ignore[arg-type]
        layer_kind=layer_kind,
        measure=measure,
        limit=limit,
        unit=unit,
        status="verified",
        source=f"source of {key}",
        name_zh=f"{key} 中文",
        name_en=key,
    )


RULES = (
    _rule("zone_inside", "gate_inside", "no_farming_zone", "overlap_m2", 0, "m2"),
    _rule("zone_setback", "gate_setback", "no_farming_zone", "distance_m", 500, "m"),
    _rule("farmland", "gate_overlap", "basic_farmland", "overlap_mu", 0, "mu"),
    _rule("redline", "gate_inside", "eco_redline", "overlap_m2", 0, "m2"),
    _rule("slope", "gate_slope", "dem", "slope_mean_deg", 20, "deg"),
)


def _criterion(
    key: str, function: str, x0: float, x1: float, unit: str, crops: tuple[str, ...] = ()
) -> CriterionSpec:
    return CriterionSpec(
        key=key,
        name_zh=key,
        name_en=key,
        value_function=function,  # type: ignore[arg-type]
        x0=x0,
        x1=x1,
        unit=unit,
        default_weight=1.0,
        status="illustrative",
        source="test",
        crops=crops,
    )


CRITERIA = (
    _criterion("processing_plant_distance_km", "linear_decreasing", 5, 80, "km"),
    _criterion("absorption_land_ratio", "linear_increasing", 0, 2, "ratio"),
    _criterion("forage_land_ratio", "linear_increasing", 0, 1, "ratio", ("alfalfa",)),
    _criterion("water_headroom", "linear_increasing", 0, 0.2, "frac of county cap"),
)


def _params(rules: tuple[GateRule, ...] = RULES) -> SitingParams:
    return SitingParams(
        rules=rules,
        criteria=CRITERIA,
        haul_radius_km=Coefficient("haul_radius_km", 10.0, "km", "illustrative", "test"),
        forage_land_mu_per_cow=Coefficient(
            "forage_land_mu_per_cow", 3.0, "mu per head", "illustrative", "test"
        ),
    )


def _features(geoms: list[object], names: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"feature_id": [f"F{i}" for i in range(len(geoms))], "name": names}, geometry=geoms, crs=CRS
    )


def _zone() -> gpd.GeoDataFrame:
    return _features([box(X0, Y0, X0 + 1000, Y0 + 1000)], ["Test 禁养区"])


def _sites(boxes: dict[str, object], herd: float = 1000.0) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": list(boxes), "dairy_cow_head": herd}, geometry=list(boxes.values()), crs=CRS
    )


def _east_of_zone(gap_m: float) -> object:
    """A 200 m square whose west edge is ``gap_m`` east of the zone's east edge."""
    return box(X0 + 1000 + gap_m, Y0 + 400, X0 + 1000 + gap_m + 200, Y0 + 600)


def _gate(results: dict, site: str, rule: str):
    return next(g for g in results[site] if g.rule == rule)


def test_setback_499_m_fails_and_501_m_passes() -> None:
    layers = ConstraintLayers(CRS, {"no_farming_zone": _zone()})
    sites = _sites({"near": _east_of_zone(499), "far": _east_of_zone(501)})
    results = evaluate_gates(sites, layers, _params())
    near, far = _gate(results, "near", "zone_setback"), _gate(results, "far", "zone_setback")
    assert not near.passed and far.passed
    assert near.measured_value == pytest.approx(499.0)
    assert far.measured_value == pytest.approx(501.0)
    assert (near.limit, near.unit, near.source) == (500, "m", "source of zone_setback")
    assert near.feature_id == "F0" and near.feature_name == "Test 禁养区"
    assert near.message.key == "gates.result"
    assert near.message.render("en") == (
        "zone_setback FAILS: nearest feature Test 禁养区 [F0] is 499 m away; "
        "limit ≥ 500 m (source of zone_setback; verified)."
    )
    assert "最近要素 Test 禁养区 [F0] 距离 499 米；限值 ≥ 500 米" in near.message.render("zh")
    # Outside the zone, so the inside gate passes with zero overlap.
    assert _gate(results, "near", "zone_inside").passed
    assert _gate(results, "near", "zone_inside").measured_value == 0.0


def test_site_inside_zone_fails_inside_and_setback() -> None:
    layers = ConstraintLayers(CRS, {"no_farming_zone": _zone()})
    sites = _sites({"in": box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 200)})
    results = evaluate_gates(sites, layers, _params())
    inside = _gate(results, "in", "zone_inside")
    assert not inside.passed
    assert inside.measured_value == pytest.approx(200 * 100)
    assert inside.feature_name == "Test 禁养区"
    assert _gate(results, "in", "zone_setback").measured_value == 0.0


def test_basic_farmland_overlap_reports_area_in_mu() -> None:
    farmland = _features([box(X0, Y0, X0 + 100, Y0 + 100)], ["基本农田图斑 12"])
    layers = ConstraintLayers(CRS, {"basic_farmland": farmland})
    # The site covers x in [50, 250], y in [50, 150]: overlap 50 m x 50 m.
    sites = _sites({"s": box(X0 + 50, Y0 + 50, X0 + 250, Y0 + 150)})
    gate = _gate(evaluate_gates(sites, layers, _params()), "s", "farmland")
    assert not gate.passed
    assert gate.measured_value == pytest.approx(50 * 50 / M2_PER_MU)
    assert gate.unit == "mu" and gate.feature_id == "F0"
    assert "基本农田图斑 12" in gate.message.render("zh")


def test_overlapping_zones_are_not_counted_twice() -> None:
    zones = _features(
        [box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 50, Y0, X0 + 150, Y0 + 100)], ["A", "B"]
    )
    layers = ConstraintLayers(CRS, {"basic_farmland": zones})
    sites = _sites({"s": box(X0, Y0, X0 + 200, Y0 + 100)})
    gate = _gate(evaluate_gates(sites, layers, _params()), "s", "farmland")
    assert gate.measured_value == pytest.approx(150 * 100 / M2_PER_MU)


def test_red_line_inside_fails_with_feature_and_touching_passes() -> None:
    redline = _features([box(X0, Y0, X0 + 5000, Y0 + 5000)], ["大青山红线"])
    layers = ConstraintLayers(CRS, {"eco_redline": redline})
    sites = _sites(
        {
            "in": box(X0 + 10, Y0 + 10, X0 + 20, Y0 + 20),
            "touch": box(X0 + 5000, Y0, X0 + 5100, Y0 + 100),
        }
    )
    results = evaluate_gates(sites, layers, _params())
    assert not _gate(results, "in", "redline").passed
    assert _gate(results, "in", "redline").feature_name == "大青山红线"
    assert _gate(results, "touch", "redline").passed  # shares an edge, zero area


def test_missing_layer_and_terrain_leave_gates_unchecked() -> None:
    layers = ConstraintLayers(CRS, {})
    results = evaluate_gates(_sites({"s": _east_of_zone(10)}), layers, _params())
    for gate in results["s"]:
        assert not gate.evaluated and gate.passed and gate.measured_value is None
        assert "not checked" in gate.message.render("en")


def test_slope_gate_uses_terrain() -> None:
    layers = ConstraintLayers(CRS, {})
    sites = _sites({"flat": _east_of_zone(0), "steep": _east_of_zone(900)})
    terrain = pd.DataFrame(
        {"site_id": ["flat", "steep"], "slope_mean_deg": [3.0, 24.5], "slope_max_deg": [8.0, 40.0]}
    )
    results = evaluate_gates(sites, layers, _params(), terrain=terrain)
    assert _gate(results, "flat", "slope").passed
    steep = _gate(results, "steep", "slope")
    assert not steep.passed and steep.measured_value == 24.5 and steep.limit == 20
    assert steep.message.render("en").startswith("slope FAILS: mean slope 24.5°; limit ≤ 20.0 deg")
    assert "平均坡度 24.5°；限值 ≤ 20.0 度" in steep.message.render("zh")


def test_disabled_rule_is_not_evaluated() -> None:
    rules = (GateRule(**{**RULES[1].__dict__, "enabled": False}),)
    layers = ConstraintLayers(CRS, {"no_farming_zone": _zone()})
    results = evaluate_gates(_sites({"s": _east_of_zone(10)}), layers, _params(rules))
    assert results["s"] == ()


def test_user_limit_changes_the_verdict_and_status() -> None:
    params = _params().with_rule_limits({"zone_setback": 450.0})
    layers = ConstraintLayers(CRS, {"no_farming_zone": _zone()})
    gate = _gate(
        evaluate_gates(_sites({"s": _east_of_zone(499)}), layers, params), "s", "zone_setback"
    )
    assert gate.passed and gate.status == "user" and gate.limit == 450.0
    assert params.rule("zone_setback").note.startswith("default 500 m")
    with pytest.raises(ParameterError, match="unknown rule keys"):
        _params().with_rule_limits({"nope": 1.0})


def test_bad_rule_lists_every_problem() -> None:
    with pytest.raises(ParameterError, match=r"measure 'overlap_mu'.*\n?.*limit = -1"):
        GateRule(
            key="x",
            kind="gate_setback",
            layer_kind="settlements",
            measure="overlap_mu",
            limit=-1,
            unit="m",
            status="verified",
            source="s",
            name_zh="x",
            name_en="x",
        )
    with pytest.raises(ParameterError, match="status 'guess'"):
        GateRule(
            key="x",
            kind="gate_setback",
            layer_kind="settlements",
            measure="distance_m",
            limit=1,
            unit="m",
            status="guess",
            source="s",
            name_zh="x",
            name_en="x",
        )


def test_bad_criterion_is_rejected() -> None:
    with pytest.raises(ParameterError, match="x0 = 5 must be finite and below x1 = 1"):
        _criterion("slope_mean_deg", "linear_decreasing", 5, 1, "deg")
    with pytest.raises(ParameterError, match="value function 'log'"):
        _criterion("slope_mean_deg", "log", 0, 1, "deg")


def test_layers_must_share_a_projected_crs() -> None:
    with pytest.raises(GeographicCrsError, match="geographic"):
        ConstraintLayers("EPSG:4326", {})
    with pytest.raises(CrsMismatchError, match="no_farming_zone"):
        ConstraintLayers(CRS, {"no_farming_zone": _zone().to_crs("EPSG:4547")})
    bad = _zone().drop(columns=["name"])
    with pytest.raises(SchemaError, match="missing columns"):
        ConstraintLayers(CRS, {"no_farming_zone": bad})


def test_value_functions() -> None:
    rising = _criterion("absorption_land_ratio", "linear_increasing", 0, 2, "ratio")
    falling = _criterion("processing_plant_distance_km", "linear_decreasing", 5, 80, "km")
    np.testing.assert_allclose(rising.normalise(np.array([-1, 0, 0.5, 2, 9])), [0, 0, 0.25, 1, 1])
    np.testing.assert_allclose(
        falling.normalise(np.array([0, 5, 42.5, 80, 100])), [1, 1, 0.5, 0, 0]
    )
    assert math.isnan(rising.normalise(np.array([np.nan]))[0])


def test_soft_criteria_distances_land_and_unavailable_water() -> None:
    plants = _features([Point(X0, Y0 + 100 + 42_500)], ["伊利"])  # 42.5 km north of the site
    parcels = gpd.GeoDataFrame(
        {
            "area_mu": [1000.0, 2000.0, 4000.0, 500.0],
            "crop": ["maize", "alfalfa", "maize", "alfalfa"],
            "manure_allowed": [True, True, False, True],
        },
        geometry=[
            box(X0 + 5000, Y0, X0 + 5100, Y0 + 100),  # 5 km away: counts
            box(X0 + 9_900, Y0, X0 + 10_000, Y0 + 100),  # 9.9 km: counts
            box(X0 + 6000, Y0, X0 + 6100, Y0 + 100),  # manure not allowed
            box(X0 + 10_100, Y0, X0 + 10_200, Y0 + 100),
        ],  # 10.1 km: too far
        crs=CRS,
    )
    layers = ConstraintLayers(CRS, {"processing_plants": plants}, parcels=parcels)
    sites = _sites({"s": box(X0 - 100, Y0, X0, Y0 + 100)}, herd=1000.0)
    sites["absorption_need_mu"] = 1500.0
    results = {c.key: c for c in measure_criteria(sites, layers, _params())["s"]}
    plant = results["processing_plant_distance_km"]
    assert plant.raw_value == pytest.approx(42.5)
    assert plant.normalised == pytest.approx((80 - 42.5) / (80 - 5))
    assert "伊利" in plant.explanation.render("en")
    absorption = results["absorption_land_ratio"]
    assert absorption.raw_value == pytest.approx((1000 + 2000) / 1500)
    assert absorption.normalised == pytest.approx(1.0)
    forage = results["forage_land_ratio"]  # alfalfa within 10 km vs 1000 head x 3 mu
    assert forage.raw_value == pytest.approx(2000 / (1000 * 3.0))
    water = results["water_headroom"]
    assert not water.available and water.raw_value is None
    assert water.reason_unavailable == Message("siting.reason.no_water_table")
    assert "water caps" in water.reason_unavailable.render("en")


def test_water_headroom_after_the_herd() -> None:
    county_water = pd.DataFrame(
        {
            "adcode": ["150122", "150124"],
            "cap_m3_per_yr": [200e6, 84e6],
            "use_m3_per_yr": [180e6, 83e6],
            "year": [2021, 2021],
        }
    )
    layers = ConstraintLayers(CRS, {}, county_water=county_water)
    sites = _sites({"a": _east_of_zone(0), "b": _east_of_zone(900), "c": _east_of_zone(2000)})
    sites["adcode"] = ["150122", "150124", "150199"]
    sites["water_need_m3_per_yr"] = [5e6, 3e6, 1e6]
    results = measure_criteria(sites, layers, _params())
    water = {sid: next(c for c in rs if c.key == "water_headroom") for sid, rs in results.items()}
    # a: (200 - 180 - 5) / 200 = 7.5 % of the cap -> 0.075 / 0.2 = 0.375 on a 0..0.2 scale.
    assert water["a"].raw_value == pytest.approx((200 - 180 - 5) / 200)
    assert water["a"].normalised == pytest.approx(0.075 / 0.2)
    detail = water["a"].explanation.values["detail"]
    assert isinstance(detail, Message)
    assert detail.values["headroom_frac"] == pytest.approx(0.075)  # a number, not text
    assert "150122" in water["a"].explanation.render("en")
    assert "余量 7.5%" in water["a"].explanation.render("zh")
    # b: the herd needs more than the county has left: negative headroom -> 0.
    assert water["b"].raw_value == pytest.approx((84 - 83 - 3) / 84)
    assert water["b"].normalised == 0.0
    # c: a county without a cap: not available, with the reason.
    assert not water["c"].available and "no water cap" in water["c"].reason_unavailable.render("en")


def test_land_criteria_unavailable_without_parcels_or_need() -> None:
    layers = ConstraintLayers(CRS, {})
    results = {
        c.key: c for c in measure_criteria(_sites({"s": _east_of_zone(0)}), layers, _params())["s"]
    }
    assert not results["absorption_land_ratio"].available
    assert results["absorption_land_ratio"].reason_unavailable.render("en") == (
        "no parcel layer loaded"
    )
    assert not results["processing_plant_distance_km"].available
