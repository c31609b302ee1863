"""Shared by the browser tests: start the app on a free port, open an offline chromium page.

Not a test module. `running_app` starts ``streamlit run app.py`` from the repository root and
yields its URL once ``/_stcore/health`` answers; `open_offline_page` opens Debian's chromium via
Playwright with every non-local request aborted (a cut network) and records every request
and websocket URL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from planning.regions import list_regions, load_region
from planning.site_files import demo_site_file
from store import ScenarioStore

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
STARTUP_TIMEOUT_S = 60
UI_TIMEOUT_MS = 60_000
#: Pause before looking for the "Stop" button: the run an action starts may not show it yet.
IDLE_SETTLE_MS = 300

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (install it with `make chromium`)",
    ),
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


@contextmanager
def running_app(env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run the app (no Tianditu key, ``env`` added) and yield its base URL."""
    port = _free_port()
    full_env = {k: v for k, v in os.environ.items() if k != "TIANDITU_KEY"}
    full_env.update(env or {})
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.enableStaticServing",
        "true",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
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


@contextmanager
def open_offline_page(viewport: Mapping[str, int]) -> Iterator[tuple[Any, list[str]]]:
    """Yield (page, requested URLs) of a chromium page whose non-local requests are aborted."""
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport=dict(viewport), locale="zh-CN")
        context.route("**/*", _local_only)
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda ws: requested.append(ws.url))
        try:
            yield page, requested
        finally:
            context.close()
            browser.close()


def _local_only(route: Any) -> None:
    if is_local(route.request.url):
        route.continue_()
    else:
        route.abort("internetdisconnected")


def is_local(url: str) -> bool:
    """Return whether ``url`` stays on this machine (or is a data/blob/about URL)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def wait_idle(page: Any) -> None:
    """Wait until the script run triggered by the last action has finished."""
    page.wait_for_timeout(IDLE_SETTLE_MS)
    page.get_by_role("button", name="Stop").wait_for(state="hidden", timeout=UI_TIMEOUT_MS)


def map_eval(page: Any, script: str) -> object:
    """Evaluate ``script`` in the map iframe (found afresh: a save re-mounts the map)."""
    element = page.locator(MAP_FRAME).first.element_handle(timeout=UI_TIMEOUT_MS)
    return element.content_frame().evaluate(script)


def seed_demo_store(path: Path, name: str = "demo") -> None:
    """Write the first region's demo scenario, named ``name``, into a new store at ``path``."""
    store = ScenarioStore(path)
    region = load_region(list_regions()[0])
    scenario = store.create_scenario(name, user="test")
    store.add_sites(scenario, demo_site_file(region).records, user="test")
