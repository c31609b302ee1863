"""The running app in headless chromium: the map renders with the network cut.

Starts ``streamlit run app.py`` on a free local port, opens it in Debian's chromium via
Playwright, aborts every request that does not go to localhost (a cut network), records all
requests, and checks that the nine county polygons render, that nothing tried to leave the
machine, and that a broken upload shows one error. Screenshots go to
``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browser.app_server import (
    BROWSER_MARKS,
    MAP_FRAME,
    SHOTS,
    UI_TIMEOUT_MS,
    is_local,
    open_offline_page,
    running_app,
)

N_COUNTIES = 9

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app() as url:
        yield url


@pytest.fixture
def offline_page(app_url: str) -> Iterator[tuple[object, list[str]]]:
    """A page whose context aborts non-local requests; yields (page, requested URLs)."""
    with open_offline_page({"width": 1400, "height": 1000}) as page_and_requests:
        yield page_and_requests


def _map_frame(page):
    page.locator(MAP_FRAME).first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").wait_for(state="visible", timeout=UI_TIMEOUT_MS)
    return frame


def test_targets_map_renders_offline_with_nine_counties(app_url: str, offline_page) -> None:
    from playwright.sync_api import expect

    page, requested = offline_page
    page.goto(app_url, wait_until="domcontentloaded")
    frame = _map_frame(page)
    expect(frame.locator("path.leaflet-interactive")).to_have_count(
        N_COUNTIES, timeout=UI_TIMEOUT_MS
    )
    expect(frame.locator(".planner-legend")).to_be_visible()
    expect(frame.locator(".leaflet-tile")).to_have_count(0)  # basemap "none" by default
    expect(page.get_by_role("heading", name="饲草种植规划目标")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "targets_offline.png"), full_page=True)
    frame.locator("path.leaflet-interactive").nth(4).hover()  # 土默特左旗 (sorted by adcode)
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("土默特左旗")
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("目标（万亩）")
    page.screenshot(path=str(SHOTS / "targets_tooltip.png"), full_page=True)
    outside = sorted({u for u in requested if not is_local(u)})
    assert outside == [], f"requests left localhost: {outside}"
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in requested)


def test_broken_upload_shows_one_error(app_url: str, offline_page) -> None:
    from playwright.sync_api import expect

    page, requested = offline_page
    page.goto(f"{app_url}/upload", wait_until="domcontentloaded")
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    upload.set_input_files(
        {
            "name": "broken.geojson",
            "mimeType": "application/json",
            "buffer": json.dumps({"type": "FeatureCollection"}).encode()[:-3],
        }
    )
    errors = page.locator('[data-testid="stAlertContentError"]')
    expect(errors).to_have_count(1, timeout=UI_TIMEOUT_MS)
    expect(errors).to_contain_text("broken.geojson")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "upload_error.png"), full_page=True)
    assert sorted({u for u in requested if not is_local(u)}) == []
