"""The suitability surface on the planner map in headless chromium: drawn, named, switched off.

The cache folder (``FORAGE_SITING_CACHE``) holds, under the name the page asks for (the
default ranch at 30 m), a small hand-made surface: 200 x 200 cells of 30 m west of Hohhot
city, scores rising from west to east, a band of cells failing the first gate (禁养区). The
page finds it, so nothing is computed; the test checks what the browser shows: one image
layer (a PNG data URL) named 适宜性栅格 in the layer control, its legend, and that unticking
it in the layer control removes it. No request leaves localhost.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from geo.grid import Grid, GridWindow, write_cog
from planning.proposal import load_proposal_params, ranch_footprint
from planning.regions import load_region
from planning.surface import SurfaceOptions
from planning.surface_cache import surface_cache_path
from store import ScenarioStore
from tests.browser.app_server import (
    BROWSER_MARKS,
    MAP_FRAME,
    SHOTS,
    UI_TIMEOUT_MS,
    is_local,
    open_offline_page,
    running_app,
)

pytestmark = BROWSER_MARKS

CELLS = 200
CELL_M = 30.0
LEFT_M, TOP_M = 497_040.0, 4_507_020.0  # plain land west of Hohhot city (EPSG:4546)
FAILING_ROWS = slice(80, 100)  # gate 1 (inside a 禁养区) fails there


def _write_surface(path: Path) -> None:
    grid = Grid("EPSG:4546", CELL_M, LEFT_M, TOP_M, CELLS, CELLS)
    score = np.tile(np.linspace(40.0, 95.0, CELLS), (CELLS, 1))
    codes = np.zeros((CELLS, CELLS))
    codes[FAILING_ROWS, :] = 1.0
    score[FAILING_ROWS, :] = np.nan
    path.parent.mkdir(parents=True, exist_ok=True)
    write_cog(
        path,
        grid,
        iter([(GridWindow(0, 0, CELLS, CELLS), (codes, score))]),
        descriptions=("gate_code", "score"),
        tags={},
    )


@pytest.fixture(scope="module")
def planner_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("planner-surface")
    store = folder / "plans.gpkg"
    ScenarioStore(store).create_scenario("栅格方案", user="test")
    region = load_region("hohhot")
    footprint = ranch_footprint(region, load_proposal_params(region.dir))
    cache = folder / "cache"
    _write_surface(surface_cache_path(cache, region, footprint, SurfaceOptions()))
    env = {"FORAGE_SITING_STORE": str(store), "FORAGE_SITING_CACHE": str(cache)}
    with running_app(env) as url:
        yield url


@pytest.fixture
def browser_page() -> Iterator[tuple[object, list[str]]]:
    with open_offline_page({"width": 1500, "height": 1400}) as page_and_requests:
        yield page_and_requests


def test_surface_overlay_is_drawn_named_and_switched_off(planner_url: str, browser_page) -> None:
    from playwright.sync_api import expect

    page, requested = browser_page
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{planner_url}/planner", wait_until="domcontentloaded")
    page.locator(MAP_FRAME).first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    frame = page.frame_locator(MAP_FRAME).first
    image = frame.locator("img.leaflet-image-layer")
    try:
        expect(image).to_have_count(1, timeout=UI_TIMEOUT_MS)
    finally:
        page.screenshot(path=str(SHOTS / "planner_surface.png"))
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    control = frame.locator(".leaflet-control-layers-overlays label", has_text="适宜性栅格")
    expect(control).to_have_count(1)
    expect(frame.get_by_text("不通过：位于禁养区内")).to_be_visible()
    expect(frame.get_by_text("通过全部门槛，评分 100")).to_be_visible()
    control.locator("input").uncheck()
    expect(image).to_have_count(0, timeout=UI_TIMEOUT_MS)
    outside = sorted({u for u in requested if not is_local(u)})
    assert outside == [], f"requests left localhost: {outside}"
