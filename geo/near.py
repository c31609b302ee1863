"""Pairs of geometries within a distance, found fast for thousands of polygons (issue 12).

`pairs_within_m` returns the pairs ``tree.query(geoms, predicate="dwithin", distance=d)``
returns, but decides most pairs without GEOS's polygon-to-polygon distance: a pair whose
bounding boxes are more than ``d`` apart is out (the index query on boxes grown by ``d``); a
pair with a vertex of one within ``d`` of a vertex of the other (an upper bound of their
distance) is in; only the pairs left in between get the exact ``dwithin`` test.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

import shapely

IntArray = npt.NDArray[np.intp]
#: Relative margin below ``d`` an upper bound must reach to decide a pair without GEOS.
_SURE_FRAC = 1.0 - 1e-9


def pairs_within_m(
    geoms: npt.NDArray[np.object_], tree: shapely.STRtree, distance_m: float
) -> tuple[IntArray, IntArray]:
    """Return ``(geom position, tree position)`` of every pair at most ``distance_m`` apart.

    Parameters
    ----------
    geoms
        Geometries (a projected CRS in metres, the tree's).
    tree
        Spatial index of the features (``GeoDataFrame.sindex`` or a `shapely.STRtree`).
    distance_m
        Distance (m, >= 0).

    Returns
    -------
    tuple of numpy.ndarray
        The pairs of ``tree.query(geoms, predicate="dwithin", distance=distance_m)``, sorted
        by geom then tree position.
    """
    features = np.asarray(tree.geometries)
    bounds = shapely.bounds(geoms)
    boxes = shapely.box(*(bounds + np.array([-1, -1, 1, 1]) * distance_m).T)
    left, right = tree.query(boxes)
    if not len(left):
        return left, right
    sure = _vertex_distance_m(features, right, geoms, left) <= distance_m * _SURE_FRAC
    exact = ~sure
    sure[exact] = shapely.dwithin(geoms[left[exact]], features[right[exact]], distance_m)
    order = np.lexsort((right[sure], left[sure]))
    return left[sure][order], right[sure][order]


def _first_vertices(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    """First vertex ``(x, y)`` of every geometry; NaN for an empty one."""
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    out = np.full((len(geoms), 2), np.nan)
    firsts, at = np.unique(owner, return_index=True)
    out[firsts] = coords[at]
    return out


def _vertex_distance_m(
    a: npt.NDArray[np.object_], a_pos: IntArray, b: npt.NDArray[np.object_], b_pos: IntArray
) -> npt.NDArray[np.float64]:
    """Distance between a vertex of ``a[a_pos]`` and one of ``b[b_pos]``: >= their distance.

    NaN (never "sure") where either geometry is empty.
    """
    offset = _first_vertices(a)[a_pos] - _first_vertices(b)[b_pos]
    return np.asarray(np.hypot(offset[:, 0], offset[:, 1]), dtype=np.float64)
