"""Property-based tests of the geometry validators (geo.validate), hypothesis, a few s each.

Whatever rings arrive, `check_geometries` partitions the features: each one is either kept
(valid, non-empty, of the asked kind, its ``feature_no`` unchanged) or reported once as a
problem; a zero-area ring is never kept; clean boxes pass untouched; the region check keeps
exactly the boxes inside the region grown by its tolerance.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd
import shapely
from shapely.geometry import Polygon, box

from geo.validate import REGION_TOLERANCE_DEG, check_geometries, check_within

FAST = settings(max_examples=60, deadline=None, database=None)
REGION = box(110.5, 39.5, 112.5, 41.5)

lon = st.floats(110.6, 112.4, allow_nan=False)
lat = st.floats(39.6, 41.4, allow_nan=False)
size = st.floats(1e-4, 0.05, allow_nan=False)
vertex = st.tuples(lon, lat)
ring = st.lists(vertex, min_size=3, max_size=12)


def _frame(geoms: list[object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"feature_no": list(range(1, len(geoms) + 1))}, geometry=geoms, crs="EPSG:4326"
    )


@FAST
@given(st.lists(ring, min_size=1, max_size=6), st.sampled_from(["polygon", "any"]))
def test_every_feature_is_kept_valid_or_reported_once(
    rings: list[list[tuple[float, float]]], kind: str
) -> None:
    frame = _frame([Polygon(r) for r in rings])
    result = check_geometries(frame, geometry_kind=kind, repair=True)  # type: ignore[arg-type]
    kept = result.features["feature_no"].tolist()
    reported = [p.feature_no for p in result.problems]
    assert sorted(kept + reported) == list(range(1, len(rings) + 1))
    geoms = result.features.geometry
    assert geoms.is_valid.all()
    assert not geoms.is_empty.any()
    assert geoms.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    for no, geom in zip(kept, geoms, strict=True):
        original = frame.geometry.iloc[no - 1]
        assert geom.area > 0
        if original.is_valid:
            assert geom.equals(original)


@FAST
@given(vertex, st.floats(-1.0, 1.0), st.lists(st.floats(0.0, 0.05), min_size=3, max_size=8))
def test_a_zero_area_ring_is_never_kept(
    start: tuple[float, float], slope: float, steps: list[float]
) -> None:
    """Points on one line (or one point repeated) enclose nothing: reported, for any kind."""
    x0, y0 = start
    xs = [x0 + sum(steps[:i]) for i in range(len(steps) + 1)]
    line = [(x, y0 + slope * (x - x0)) for x in xs]
    folded = Polygon([*line, *reversed(line[:-1])])
    for kind in ("polygon", "any"):
        result = check_geometries(_frame([folded]), geometry_kind=kind, repair=True)
        assert result.features.empty
        assert [p.feature_no for p in result.problems] == [1]


@FAST
@given(st.lists(st.tuples(lon, lat, size, size), min_size=1, max_size=8))
def test_clean_boxes_pass_untouched(boxes: list[tuple[float, float, float, float]]) -> None:
    geoms = [box(x, y, x + w, y + h) for x, y, w, h in boxes]
    result = check_geometries(_frame(geoms), geometry_kind="polygon", region_extent=REGION)
    assert result.problems == ()
    assert result.repaired_count == 0
    assert all(a.equals(b) for a, b in zip(result.features.geometry, geoms, strict=True))


@FAST
@given(lon, lat, size, st.floats(-3.0, 3.0), st.floats(-3.0, 3.0))
def test_the_region_check_keeps_exactly_what_lies_in_the_grown_region(
    x: float, y: float, w: float, dx: float, dy: float
) -> None:
    geom = box(x + dx, y + dy, x + dx + w, y + dy + w)
    result = check_within(_frame([geom]), REGION)
    inside = REGION.buffer(REGION_TOLERANCE_DEG).covers(geom)
    assert len(result.features) == int(inside)
    assert [p.code for p in result.problems] == ([] if inside else ["outside"])


@FAST
@given(ring)
def test_repair_never_grows_a_feature_beyond_its_outline(
    points: list[tuple[float, float]],
) -> None:
    polygon = Polygon(points)
    result = check_geometries(_frame([polygon]), geometry_kind="polygon", repair=True)
    for geom in result.features.geometry:
        assert shapely.convex_hull(polygon).buffer(1e-9).covers(geom)
