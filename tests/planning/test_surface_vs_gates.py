"""The surface agrees with the polygon scorer (siting.gates) on a window of the Hohhot pack.

For sampled cells of a 40 x 40 window the footprint square centred on the cell is checked by
`siting.gates.evaluate_gates` (exact polygon distances and overlaps, slope from the DEM by
`planning.siting_inputs.site_terrain`). The surface must never pass a gate the polygon fails
(its setbacks and zones are conservative), and where the exact value is clear of the limit by
more than the discretisation (a few cells; 1 degree for slope) both must say the same, down to
the first failing gate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import geopandas as gpd
import shapely

from geo.grid import GridWindow
from planning.regions import load_region
from planning.siting_inputs import site_terrain
from planning.surface import SurfaceOptions, surface_context, surface_window, window_rasters
from siting.gates import evaluate_gates, nearest_feature
from siting.surface import OUTSIDE_CODE, PASS_CODE, SurfaceFootprint, gate_failures

WINDOW = GridWindow(row_off=1800, col_off=3600, height=40, width=40)
STEP = 3  # sample every third cell in both directions
CLEAR_CELLS = 3  # exact value further than this many cells from the limit: must agree
CLEAR_SLOPE_DEG = 1.0


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    footprint = SurfaceFootprint.from_area_mu(500, 5000)
    return surface_context(
        load_region("hohhot"), footprint, SurfaceOptions(cell_m=30.0, with_water=False)
    )


def _squares(context, rows, cols):  # type: ignore[no-untyped-def]
    xs, ys = context.grid.cell_centres_m(WINDOW)
    half = context.footprint.side_m / 2
    boxes = [
        shapely.box(xs[c] - half, ys[r] - half, xs[c] + half, ys[r] + half)
        for r, c in zip(rows, cols, strict=True)
    ]
    return gpd.GeoDataFrame(
        {"site_id": [f"cell-{r}-{c}" for r, c in zip(rows, cols, strict=True)]},
        geometry=boxes,
        crs=context.grid.crs,
    )


def _clear(rule, result, squares, k, layers, cell_m):  # type: ignore[no-untyped-def]
    """Whether the exact value of ``rule`` at site ``k`` is clear of the limit."""
    if not result.evaluated:
        return True
    if rule.kind == "gate_slope":
        return abs(result.measured_value - rule.limit) > CLEAR_SLOPE_DEG
    if rule.kind == "gate_setback":
        return abs(result.measured_value - rule.limit) > CLEAR_CELLS * cell_m
    if not result.passed:
        return True
    distance_m, _ = nearest_feature(
        np.array([squares.geometry.iloc[k]]), layers.features[rule.layer_kind]
    )
    return bool(distance_m[0] > CLEAR_CELLS * cell_m)


def test_surface_gates_match_the_polygon_scorer(context) -> None:  # type: ignore[no-untyped-def]
    codes, score = surface_window(context, WINDOW)
    rasters, _ = window_rasters(context, WINDOW)
    failures = gate_failures(context.inputs.params.rules, rasters, context.footprint)
    rows, cols = np.meshgrid(np.arange(0, 40, STEP), np.arange(0, 40, STEP), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    inside = codes[rows, cols] != OUTSIDE_CODE
    rows, cols = rows[inside], cols[inside]
    squares = _squares(context, rows, cols)
    exact = evaluate_gates(
        squares,
        context.inputs.layers,
        context.inputs.params,
        terrain=site_terrain(squares, context.inputs),
    )
    rules = context.inputs.params.rules
    compared_codes = set()
    n_clear = 0
    for k, sid in enumerate(squares["site_id"]):
        results = exact[sid]
        clear = True
        for result in results:
            rule = next(r for r in rules if r.key == result.rule)
            surface_fails = (
                bool(failures[rule.key][rows[k], cols[k]]) if rule.key in failures else False
            )
            is_clear = _clear(rule, result, squares, k, context.inputs.layers, 30.0)
            if rule.kind != "gate_slope" and not result.passed:
                assert surface_fails, f"{sid}: surface passes {rule.key}, the polygon fails it"
            if is_clear:
                assert surface_fails == (not result.passed), f"{sid}: {rule.key} differs"
            clear &= is_clear
        if clear:
            n_clear += 1
            first = next(
                (
                    p
                    for p, r in enumerate(rules, start=1)
                    if any(g.rule == r.key and not g.passed for g in results)
                ),
                PASS_CODE,
            )
            assert codes[rows[k], cols[k]] == first
            compared_codes.add(first)
            assert math.isnan(score[rows[k], cols[k]]) == (first != PASS_CODE)
    assert n_clear >= 30
    assert PASS_CODE in compared_codes and len(compared_codes) >= 3
