"""The running app in headless chromium: the map renders with the network cut.

Starts ``streamlit run app.py`` on a free local port, opens it in Debian's chromium via
Playwright, aborts every request that does not go to localhost (a cut network), records all
requests, and checks that the nine county polygons render, that nothing tried to leave the
machine, and that a broken upload shows one error. Screenshots go to
``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
STARTUP_TIMEOUT_S = 60
UI_TIMEOUT_MS = 60_000
N_COUNTIES = 9

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (install it with `make chromium`)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"streamlit did not become healthy at {url} in {STARTUP_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "TIANDITU_KEY"}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--server.enableStaticServing", "true"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def offline_page(app_url: str):
    """A page whose context aborts non-local requests; yields (page, requested URLs)."""
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.route("**/*", _local_only)
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda ws: requested.append(ws.url))
        try:
            yield page, requested
        finally:
            context.close()
            browser.close()


def _local_only(route) -> None:
    url = route.request.url
    if urlsplit(url).scheme in ("data", "blob", "about") or _is_local(url):
        route.continue_()
    else:
        route.abort("internetdisconnected")


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


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
    expect(frame.locator("path.leaflet-interactive")).to_have_count(N_COUNTIES,
                                                                     timeout=UI_TIMEOUT_MS)
    expect(frame.locator(".planner-legend")).to_be_visible()
    expect(frame.locator(".leaflet-tile")).to_have_count(0)  # basemap "none" by default
    expect(page.get_by_role("heading", name="饲草种植规划目标")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "targets_offline.png"), full_page=True)
    frame.locator("path.leaflet-interactive").nth(4).hover()  # 土默特左旗 (sorted by adcode)
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("土默特左旗")
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("目标（万亩）")
    page.screenshot(path=str(SHOTS / "targets_tooltip.png"), full_page=True)
    outside = sorted({u for u in requested if not _is_local(u)})
    assert outside == [], f"requests left localhost: {outside}"
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in requested)


def test_broken_upload_shows_one_error(app_url: str, offline_page) -> None:
    from playwright.sync_api import expect

    page, requested = offline_page
    page.goto(f"{app_url}/upload", wait_until="domcontentloaded")
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    upload.set_input_files({"name": "broken.geojson", "mimeType": "application/json",
                            "buffer": json.dumps({"type": "FeatureCollection"}).encode()[:-3]})
    errors = page.locator('[data-testid="stAlertContentError"]')
    expect(errors).to_have_count(1, timeout=UI_TIMEOUT_MS)
    expect(errors).to_contain_text("broken.geojson")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "upload_error.png"), full_page=True)
    assert sorted({u for u in requested if not _is_local(u)}) == []
