"""`geo.near.pairs_within_m` returns exactly the pairs of an STRtree ``dwithin`` query."""

from __future__ import annotations

import numpy as np

import geopandas as gpd
import shapely
from shapely.geometry import Polygon, box

from geo.near import nearest_m, pairs_within_m


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


def _long_outlines(rng: np.random.Generator) -> list[shapely.Geometry]:
    """Zones with many vertices, some with holes, rivers, a multipolygon: long outlines."""
    zones = [
        shapely.Point(rng.uniform(0, 20_000, 2)).buffer(rng.uniform(300, 2_000), 64)
        for _ in range(12)
    ]
    holed = [shapely.Polygon(z.exterior, [z.buffer(-200, 16).exterior]) for z in zones[:3]]
    rivers = [
        shapely.LineString(np.cumsum(rng.uniform(-200, 400, size=(300, 2)), axis=0))
        for _ in range(4)
    ]
    multi = shapely.MultiPolygon([zones[4], zones[5]]) if zones[4].disjoint(zones[5]) else zones[4]
    return [*zones[6:], *holed, *rivers, multi, zones[3]]


def test_nearest_m_equals_query_nearest_on_long_outlines() -> None:
    rng = np.random.default_rng(7)
    features = np.array(_long_outlines(rng), dtype=object)
    corners = rng.uniform(-2_000, 22_000, size=(3_000, 2))
    sites = np.array([box(x, y, x + 500, y + 300) for x, y in corners], dtype=object)
    sites = np.r_[sites, shapely.points(corners[:500])]
    for tree in (shapely.STRtree(features), gpd.GeoSeries(features).sindex):
        distance, index = nearest_m(sites, tree)
        (at, want_index), want = shapely.STRtree(features).query_nearest(
            sites, return_distance=True, all_matches=False
        )
        assert np.array_equal(at, np.arange(len(sites)))
        assert np.array_equal(distance, want)  # the same numbers, not only close
        assert np.array_equal(index, want_index)
    assert (distance == 0).any() and (distance > 0).any()


def test_nearest_m_leaves_short_features_to_query_nearest() -> None:
    features = [shapely.Point(0, 0), shapely.Point(1_000, 0)]
    sites = np.array([box(10, 10, 20, 20), box(900, 0, 950, 50)], dtype=object)
    distance, index = nearest_m(sites, shapely.STRtree(features))
    assert index.tolist() == [0, 1]
    assert distance[0] == shapely.distance(sites[0], features[0])
