"""Greedy pick of the best cells at least a distance apart (siting.locate)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from errors import ParameterError
from siting.locate import locate_cells


def test_best_cells_keep_the_distance() -> None:
    score = np.full((5, 5), np.nan)
    score[0, 0], score[0, 1], score[4, 4], score[2, 2] = 90.0, 89.0, 70.0, 80.0
    picked = locate_cells(score, cell_m=100.0, count=3, min_distance_m=150.0)
    # (0, 1) is 100 m from (0, 0): suppressed; (2, 2) is 283 m away, (4, 4) 566 m.
    assert list(zip(picked.rows, picked.cols, strict=True)) == [(0, 0), (2, 2), (4, 4)]
    np.testing.assert_allclose(picked.score, [90.0, 80.0, 70.0])


def test_fewer_cells_when_the_surface_has_no_room() -> None:
    score = np.arange(9, dtype=float).reshape(3, 3)
    picked = locate_cells(score, cell_m=10.0, count=5, min_distance_m=1_000.0)
    assert len(picked.score) == 1 and picked.score[0] == 8.0


def test_all_pairs_apart_on_a_random_surface() -> None:
    rng = np.random.default_rng(7)
    score = rng.uniform(0, 100, (60, 60))
    score[rng.uniform(size=score.shape) < 0.3] = np.nan
    picked = locate_cells(score, cell_m=30.0, count=15, min_distance_m=400.0)
    points = np.column_stack([picked.cols, picked.rows]) * 30.0
    for a, b in itertools.combinations(range(len(points)), 2):
        assert math.dist(points[a], points[b]) >= 400.0
    assert picked.score[0] == np.nanmax(score)
    assert np.all(np.diff(picked.score) <= 0)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ParameterError, match="count"):
        locate_cells(np.zeros((2, 2)), cell_m=10.0, count=0, min_distance_m=10.0)
    with pytest.raises(ParameterError, match="min_distance_m"):
        locate_cells(np.zeros((2, 2)), cell_m=10.0, count=1, min_distance_m=-1.0)
