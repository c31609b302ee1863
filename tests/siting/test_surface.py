"""Gates and score of the suitability surface on tiny hand-made grids (siting.surface*)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from errors import ParameterError
from siting.criteria import CriterionSpec, GateRule, SitingParams
from siting.parameters.coefficient import Coefficient
from siting.score import CriteriaWeights
from siting.surface import (
    OUTSIDE_CODE,
    PASS_CODE,
    SurfaceFootprint,
    WindowRasters,
    footprint_centre_cells,
    footprint_reach_cells,
    gate_codes,
)
from siting.surface_score import land_in_reach_mu, water_headroom_frac, weighted_score

CELL_M = 10.0


def _rule(key: str, kind: str, layer_kind: str, measure: str, limit: float, unit: str) -> GateRule:
    return GateRule(
        key=key,
        kind=kind,
        layer_kind=layer_kind,
        measure=measure,  # type: ignore[arg-type]
        limit=limit,
        unit=unit,
        status="illustrative",
        source="test",
        name_zh=key,
        name_en=key,
    )


ZONE = _rule("zone_inside", "gate_inside", "no_farming_zone", "overlap_mu", 0, "mu")
SETBACK = _rule("road_setback", "gate_setback", "main_roads", "distance_m", 25, "m")


def _rasters(
    zone: np.ndarray, road: np.ndarray, *, margin: int = 0, inside: np.ndarray | None = None
) -> WindowRasters:
    inside_region = np.ones(zone.shape, dtype=bool) if inside is None else inside
    return WindowRasters(
        CELL_M,
        margin,
        {"no_farming_zone": zone, "main_roads": road},
        {"no_farming_zone": zone, "main_roads": road},
        None,
        inside_region,
    )


def test_footprint_half_widths() -> None:
    # A 90 m square on 30 m cells overlaps offsets -1..1 (cell edge at 45 m is not inside).
    assert footprint_reach_cells(90, 30) == 1
    # A 100 m square reaches 50 m: offset 2 spans 45-75 m, so it overlaps.
    assert footprint_reach_cells(100, 30) == 2
    assert footprint_centre_cells(100, 30) == 1  # centres at 0 and 30 m lie inside 50 m
    assert SurfaceFootprint.from_area_mu(1.5, 10).side_m == pytest.approx(math.sqrt(1000))


def test_footprint_is_validated() -> None:
    with pytest.raises(ParameterError, match="side_m"):
        SurfaceFootprint(0.0, 100)
    with pytest.raises(ParameterError, match="dairy_cow_head"):
        SurfaceFootprint(10.0, -1)


def test_zone_fails_where_the_square_touches_it() -> None:
    zone = np.zeros((11, 11), dtype=bool)
    zone[5, 5] = True
    footprint = SurfaceFootprint(30.0, 100)  # reaches one cell each way
    codes = gate_codes((ZONE,), _rasters(zone, np.zeros_like(zone)), footprint)
    expected = np.zeros((11, 11), dtype=np.uint8)
    expected[4:7, 4:7] = 1
    np.testing.assert_array_equal(codes, expected)


def test_setback_is_conservative_by_a_cell_diagonal() -> None:
    road = np.zeros((11, 11), dtype=bool)
    road[5, 5] = True
    footprint = SurfaceFootprint(CELL_M, 100)  # the square is the cell itself
    codes = gate_codes((SETBACK,), _rasters(np.zeros_like(road), road), footprint)
    rows, cols = np.indices(road.shape)
    distance_m = np.hypot(rows - 5, cols - 5) * CELL_M
    expected = np.where(distance_m - CELL_M * math.sqrt(2) < 25, 1, 0)
    np.testing.assert_array_equal(codes, expected)


def test_first_failing_rule_and_outside_cells() -> None:
    zone = np.zeros((5, 5), dtype=bool)
    zone[0, 0] = True
    road = zone.copy()  # the road runs through the zone too
    inside = np.ones((5, 5), dtype=bool)
    inside[4, 4] = False
    codes = gate_codes(
        (ZONE, SETBACK), _rasters(zone, road, inside=inside), SurfaceFootprint(CELL_M, 100)
    )
    assert codes[0, 0] == 1  # both fail: the first rule in order is reported
    assert codes[2, 2] == 2  # 28 m from the road centre, less the diagonal: setback fails
    assert codes[4, 4] == OUTSIDE_CODE
    assert codes[4, 3] == PASS_CODE


def test_margin_is_cut_off() -> None:
    zone = np.zeros((7, 7), dtype=bool)
    zone[1, 1] = True  # in the margin only
    rasters = _rasters(zone, np.zeros_like(zone), margin=2)
    codes = gate_codes((ZONE,), rasters, SurfaceFootprint(30.0, 100))
    assert codes.shape == (3, 3)
    # (0, 0) of the window is (2, 2) of the grid: its square reaches the zone cell (1, 1)
    assert codes[0, 0] == 1 and codes[1, 1] == PASS_CODE


def _spec(key: str, function: str, x0: float, x1: float, weight: float) -> CriterionSpec:
    return CriterionSpec(
        key=key,
        name_zh=key,
        name_en=key,
        value_function=function,  # type: ignore[arg-type]
        x0=x0,
        x1=x1,
        unit="km",
        default_weight=weight,
        status="illustrative",
        source="test",
    )


def test_weighted_score_renormalises_over_available_criteria() -> None:
    specs = (
        _spec("main_road_distance_km", "linear_decreasing", 0, 10, 1.0),
        _spec("settlement_distance_km", "linear_increasing", 0, 4, 3.0),
    )
    radius = Coefficient("haul_radius_km", 10, "km", "illustrative", "test")
    params = SitingParams(
        rules=(), criteria=specs, haul_radius_km=radius, forage_land_mu_per_cow=radius
    )
    weights = CriteriaWeights.from_mapping(
        {"main_road_distance_km": 1.0, "settlement_distance_km": 3.0}
    )
    raw = {
        "main_road_distance_km": np.array([2.0, np.nan]),
        "settlement_distance_km": np.array([1.0, 3.0]),
    }
    score = weighted_score(raw, params, weights)
    # cell 0: road 1 - 2/10 = 0.8, settlement 1/4 = 0.25 -> 100 (0.8 + 3 x 0.25) / 4
    # cell 1: road unavailable -> settlement alone, 3/4
    np.testing.assert_allclose(score, [100 * (0.8 + 3 * 0.25) / 4, 75.0])


def test_land_in_reach_is_a_disk_sum() -> None:
    area = np.zeros((9, 9))
    area[4, 4] = 12.0
    land = land_in_reach_mu(area, 2.0)
    rows, cols = np.indices(area.shape)
    expected = np.where(np.hypot(rows - 4, cols - 4) <= 2.0, 12.0, 0.0)
    np.testing.assert_allclose(land, expected, atol=1e-9)


def test_water_headroom_per_county() -> None:
    index = np.array([[0, 1], [-1, 0]])
    frac = water_headroom_frac(
        index, np.array([100.0, 50.0]), np.array([60.0, 10.0]), np.array([20.0, 5.0])
    )
    np.testing.assert_allclose(
        frac, [[(100 - 60 - 20) / 100, (50 - 10 - 5) / 50], [np.nan, (100 - 60 - 20) / 100]]
    )
