"""The planner map's return value -> DrawnFeature / MapClick / MapEvents."""

from __future__ import annotations

import json

from shapely.geometry import Point, Polygon

from ui.planner.events import EDIT_OF, RETURNED_OBJECTS, DrawnFeature, MapClick, MapEvents

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[111.3, 40.7], [111.31, 40.7], [111.31, 40.71], [111.3, 40.7]]],
}


def _feature(geometry: dict) -> dict:
    return {"type": "Feature", "properties": {}, "geometry": geometry}


def test_polygon_and_marker_drawings() -> None:
    polygon = DrawnFeature.from_geojson(_feature(SQUARE))
    assert polygon is not None and polygon.kind == "polygon"
    assert isinstance(polygon.geometry, Polygon)
    marker = DrawnFeature.from_geojson(_feature({"type": "Point", "coordinates": [111.3, 40.7]}))
    assert marker is not None and marker.kind == "point"
    assert marker.geometry.equals(Point(111.3, 40.7))


def test_fingerprint_identifies_the_shape_not_the_key_order() -> None:
    a = DrawnFeature.from_geojson(_feature(SQUARE))
    b = DrawnFeature.from_geojson(_feature(dict(reversed(list(SQUARE.items())))))
    moved = DrawnFeature.from_geojson(
        _feature(
            {
                **SQUARE,
                "coordinates": [[[111.4, 40.7], [111.41, 40.7], [111.41, 40.71], [111.4, 40.7]]],
            }
        )
    )
    assert a is not None and b is not None and moved is not None
    assert a.fingerprint == b.fingerprint != moved.fingerprint


def test_other_shapes_and_garbage_are_ignored() -> None:
    line = {"type": "LineString", "coordinates": [[111.3, 40.7], [111.4, 40.7]]}
    for value in (None, "x", {}, {"geometry": None}, _feature(line)):
        assert DrawnFeature.from_geojson(value) is None  # type: ignore[arg-type]


def test_drawing_round_trips_as_geojson() -> None:
    drawn = DrawnFeature.from_geojson(_feature(SQUARE))
    assert drawn is not None
    collection = json.loads(drawn.to_geojson_bytes())
    assert collection["type"] == "FeatureCollection"
    assert collection["features"][0]["geometry"]["type"] == "Polygon"


def test_clicks() -> None:
    click = MapClick.from_latlng({"lat": 40.7, "lng": 111.3})
    assert click == MapClick(111.3, 40.7)
    assert click.fingerprint == "111.3000000,40.7000000"
    for value in (None, {"lat": "x", "lng": 1}, {"lat": float("nan"), "lng": 1.0}, {"lat": 1}):
        assert MapClick.from_latlng(value) is None  # type: ignore[arg-type]


def test_map_events_from_st_folium() -> None:
    assert MapEvents.from_st_folium(None) == MapEvents()
    events = MapEvents.from_st_folium(
        {
            "last_active_drawing": _feature(SQUARE),
            "last_object_clicked": {"lat": 40.7, "lng": 111.3},
        }
    )
    assert events.drawing is not None and events.drawing.kind == "polygon"
    assert events.click == MapClick(111.3, 40.7)
    assert set(RETURNED_OBJECTS) == {"last_active_drawing", "last_object_clicked", "all_drawings"}
    assert events.edit is None


def test_a_reshaped_saved_outline_is_found_among_all_drawings() -> None:
    tagged = {**_feature(SQUARE), "properties": {EDIT_OF: "site-1"}}
    new_point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [111.3, 40.7]},
    }
    events = MapEvents.from_st_folium({"all_drawings": [new_point, tagged]})
    assert events.edit is not None and events.edit.site_id == "site-1"
    assert events.edit.drawing.kind == "polygon"
    assert events.edit.drawing.geometry.equals(DrawnFeature.from_geojson(tagged).geometry)
    untagged = MapEvents.from_st_folium({"all_drawings": [_feature(SQUARE)]})
    assert untagged.edit is None and untagged.drawing is None
