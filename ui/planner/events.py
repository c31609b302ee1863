"""What the planner map (st_folium) sends back, as small dataclasses made right away.

`st_folium` returns a dict of raw Leaflet objects (GeoJSON features, ``{"lat", "lng"}``
clicks). `MapEvents.from_st_folium` turns it into a `DrawnFeature` (the last shape drawn,
with a fingerprint so a shape is handled once) and a `MapClick`; nothing else in the UI
reads the raw dict.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

#: The st_folium return keys the planner map asks for (nothing on pan or zoom).
RETURNED_OBJECTS: Final[tuple[str, ...]] = (
    "last_active_drawing",
    "last_object_clicked",
    "all_drawings",
)
#: GeoJSON property naming the saved site an outline under the edit tool belongs to.
EDIT_OF: Final[str] = "edit_of"
_KINDS: Final[dict[str, Literal["polygon", "point"]]] = {
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "Point": "point",
    "MultiPoint": "point",
}


@dataclass(frozen=True)
class DrawnFeature:
    """A shape drawn with the map's draw tools, in EPSG:4326 (lon/lat degrees).

    ``kind`` is "polygon" or "point" (a marker); ``fingerprint`` identifies the drawing
    (its coordinates), so the page handles each new drawing once.
    """

    geometry: BaseGeometry
    kind: Literal["polygon", "point"]
    fingerprint: str

    @classmethod
    def from_geojson(cls, feature: Mapping[str, Any] | None) -> DrawnFeature | None:
        """Return the drawing of a GeoJSON Feature, or None if it is not a polygon or point."""
        if not isinstance(feature, Mapping):
            return None
        geometry = feature.get("geometry")
        if not isinstance(geometry, Mapping) or geometry.get("type") not in _KINDS:
            return None
        text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
        digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        return cls(shape(geometry), _KINDS[str(geometry["type"])], digest)

    def to_geojson_bytes(self) -> bytes:
        """Return the drawing as a GeoJSON FeatureCollection (to validate like an upload)."""
        feature = {
            "type": "Feature",
            "properties": {},
            "geometry": shapely.geometry.mapping(self.geometry),
        }
        return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


@dataclass(frozen=True)
class MapClick:
    """A click on a map object (site, parcel) at ``lon``, ``lat`` degrees (EPSG:4326)."""

    lon: float
    lat: float

    @property
    def fingerprint(self) -> str:
        """Identify the click by its position (a new click elsewhere is a new event)."""
        return f"{self.lon:.7f},{self.lat:.7f}"

    @classmethod
    def from_latlng(cls, value: Mapping[str, Any] | None) -> MapClick | None:
        """Return the click of a Leaflet ``{"lat", "lng"}`` dict, or None."""
        if not isinstance(value, Mapping):
            return None
        try:
            lat, lon = float(value["lat"]), float(value["lng"])
        except (KeyError, TypeError, ValueError):
            return None
        return cls(lon, lat) if math.isfinite(lat) and math.isfinite(lon) else None


@dataclass(frozen=True)
class MapEdit:
    """The outline of saved site ``site_id`` as reshaped with the edit tool (EPSG:4326)."""

    site_id: str
    drawing: DrawnFeature


@dataclass(frozen=True)
class MapEvents:
    """The planner map's return value: the last drawing, the last click, an edited outline."""

    drawing: DrawnFeature | None = None
    click: MapClick | None = None
    edit: MapEdit | None = None

    @classmethod
    def from_st_folium(cls, value: Mapping[str, Any] | None) -> MapEvents:
        """Convert the dict returned by ``st_folium`` (None before the map reports)."""
        if not isinstance(value, Mapping):
            return cls()
        return cls(
            DrawnFeature.from_geojson(value.get("last_active_drawing")),
            MapClick.from_latlng(value.get("last_object_clicked")),
            _edit(value.get("all_drawings")),
        )


def _edit(features: object) -> MapEdit | None:
    """Return the outline tagged `EDIT_OF` among ``all_drawings`` features, or None."""
    if not isinstance(features, list):
        return None
    for feature in features:
        if not isinstance(feature, Mapping):
            continue
        properties = feature.get("properties")
        site_id = properties.get(EDIT_OF) if isinstance(properties, Mapping) else None
        drawing = DrawnFeature.from_geojson(feature)
        if site_id and drawing is not None and drawing.kind == "polygon":
            return MapEdit(str(site_id), drawing)
    return None
