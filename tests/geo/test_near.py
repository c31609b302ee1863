"""`geo.near.pairs_within_m` returns exactly the pairs of an STRtree ``dwithin`` query."""

from __future__ import annotations

import numpy as np

import shapely
from shapely.geometry import Polygon, box

from geo.near import pairs_within_m


def test_hand_pairs() -> None:
    # feature 0 touches site 0; feature 1 is 100 m east of site 0 with its first vertex
    # 200 m from the site's (only the exact test decides at d = 120 m); feature 2 is 1 km away.
    sites = np.array([box(0, 0, 100, 100), box(5_000, 0, 5_100, 100)], dtype=object)
    features = [box(100, 0, 200, 100), box(200, 0, 300, 100), box(1_200, 0, 1_300, 100)]
    tree = shapely.STRtree(features)
    left, right = pairs_within_m(sites, tree, 120.0)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 0), (0, 1)]
    left, right = pairs_within_m(sites, tree, 99.0)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 0)]


def test_equals_the_dwithin_query_on_random_polygons() -> None:
    rng = np.random.default_rng(12)
    centres = rng.uniform(0, 20_000, size=(400, 2))
    features = [
        Polygon(c + rng.uniform(-300, 300, size=(5, 2))).convex_hull for c in centres[:300]
    ] + [shapely.Polygon()]
    sites = np.array([box(x, y, x + 600, y + 600) for x, y in centres[300:]], dtype=object)
    tree = shapely.STRtree(features)
    for distance_m in (0.0, 750.0, 3_000.0):
        want = tree.query(sites, predicate="dwithin", distance=distance_m)
        order = np.lexsort((want[1], want[0]))
        got = pairs_within_m(sites, tree, distance_m)
        assert np.array_equal(got[0], want[0][order])
        assert np.array_equal(got[1], want[1][order])
