"""Measuring on the Plan page's map in headless chromium: a line's length and an outline's area.

The planner draws a two-segment line with Leaflet.draw's line tool and an outline with the
polygon tool; each gets a permanent label (`ui.planner.map.MeasureReadout`). The expected
figures are computed here from the vertices the map holds, on the WGS84 ellipsoid
(`pyproj.Geod`), independently of the browser's spherical formulas; they agree within
`TOLERANCE` (the sphere against the ellipsoid).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pyproj import Geod

from geo.units import M2_PER_MU
from tests.browser.app_server import (
    BROWSER_MARKS,
    MAP_FRAME,
    UI_TIMEOUT_MS,
    is_local,
    map_eval,
    open_offline_page,
    running_app,
    seed_demo_store,
    wait_idle,
)
from ui.labels import t

pytestmark = BROWSER_MARKS

#: Open land in 土默特左旗, west of the demo ranches (lon/lat, WGS84).
LON, LAT = 111.30, 40.75
ZOOM = 14
#: Line vertices as offsets (degrees) from (LON, LAT): east, then south-east. The map is
#: about 600 x 520 px at `ZOOM` (117 px per 0.01 deg of longitude, 154 per 0.01 of latitude);
#: the vertices keep clear of its layer list (top right), legend and notes (bottom).
LINE_OFFSETS = ((-0.02, 0.0), (0.005, 0.0), (0.012, -0.006))
#: Outline vertices (a quadrilateral south of the line) as offsets from (LON, LAT).
POLYGON_OFFSETS = ((-0.01, -0.009), (0.0, -0.009), (0.0, -0.003), (-0.01, -0.003))
#: Sphere (browser) against ellipsoid (here), relative.
TOLERANCE = 0.005
CLICK_PAUSE_MS = 350
WGS84 = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("measure") / "plans.gpkg"
    seed_demo_store(store)
    with running_app({"FORAGE_SITING_STORE": str(store)}) as url:
        yield url


def _click_points(page, offsets: tuple[tuple[float, float], ...]) -> None:  # type: ignore[no-untyped-def]
    """Click the map at each vertex (lon/lat offsets from LON, LAT)."""
    frame = page.frame_locator(MAP_FRAME).first
    for dx, dy in offsets:
        x, y = map_eval(
            page,
            f"(() => {{ const p = window.map.latLngToContainerPoint([{LAT + dy}, {LON + dx}]);"
            " return [p.x, p.y]; })()",
        )
        frame.locator(".leaflet-container").click(position={"x": x, "y": y})
        page.wait_for_timeout(CLICK_PAUSE_MS)


def _label(page, index: int) -> str:  # type: ignore[no-untyped-def]
    labels = page.frame_locator(MAP_FRAME).first.locator(".planner-measure")
    labels.nth(index).wait_for(timeout=UI_TIMEOUT_MS)
    return str(labels.nth(index).inner_text())


def _vertices(page, kind: str) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """The (lon, lat) vertices of the drawn layers of ``kind`` ("Polygon" / "LineString")."""
    features = map_eval(page, "window.drawnItems.toGeoJSON().features")
    (geometry,) = [f["geometry"] for f in features if f["geometry"]["type"] == kind]  # type: ignore[index, union-attr]
    coords = geometry["coordinates"][0] if kind == "Polygon" else geometry["coordinates"]
    return [(float(x), float(y)) for x, y in coords]


def test_measure_a_line_and_an_outline(app_url: str) -> None:
    with open_offline_page({"width": 1500, "height": 1400}) as (page, requested):
        page.goto(f"{app_url}/planner", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_FRAME).first
        frame.locator(".leaflet-draw-draw-polyline").wait_for(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        map_eval(page, f"window.map.setView([{LAT}, {LON}], {ZOOM})")
        page.wait_for_timeout(800)

        frame.locator(".leaflet-draw-draw-polyline").click()
        _click_points(page, LINE_OFFSETS)
        _click_points(page, LINE_OFFSETS[-1:])  # a click on the last vertex ends the line
        line = _label(page, 0)
        lons, lats = zip(*_vertices(page, "LineString"), strict=True)
        expected_km = WGS84.line_length(lons, lats) / 1000
        shown_km = float(re.search(r"([\d.]+) km", line).group(1))  # type: ignore[union-attr]
        assert line.startswith(t("planner.measure_prefix", "zh").strip())
        assert shown_km == pytest.approx(expected_km, rel=TOLERANCE)

        frame.locator(".leaflet-draw-draw-polygon").click()
        _click_points(page, POLYGON_OFFSETS)
        _click_points(page, POLYGON_OFFSETS[:1])  # a click on the first vertex closes it
        outline = _label(page, 1)
        lons, lats = zip(*_vertices(page, "Polygon"), strict=True)
        expected_mu = abs(WGS84.polygon_area_perimeter(lons, lats)[0]) / M2_PER_MU
        mu = t("unit.mu", "zh")
        shown_mu = float(re.search(rf"(\d+) {mu}", outline).group(1))  # type: ignore[union-attr]
        assert shown_mu == pytest.approx(expected_mu, rel=TOLERANCE)
        outside = sorted({u for u in requested if not is_local(u)})
        assert outside == [], f"requests left localhost: {outside}"
