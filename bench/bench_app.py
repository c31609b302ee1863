"""Timings of the app as a user feels them, in headless chromium (median of 5).

Starts ``streamlit run app.py`` on a free local port with a temporary scenario store holding the
region's demo scenario and one empty scenario, opens Debian's chromium (``/usr/bin/chromium``)
through Playwright with every non-local request aborted, and measures from the user's action
to the result on screen:

* ``draw_to_verdict``: closing a drawn polygon on the Plan page -> its verdict (footprint
  area of the new shape) shown beside the map (target 1.0 s);
* ``weight_to_ranking``: moving a criterion weight slider on the Site-check page to its end
  -> the new ranking (the "top three now" line changes) (target 0.7 s);
* ``page_to_map``: a click in the sidebar -> the other page's map drawn (target 1.5 s);
* ``first_page``: a new browser session opening the app -> the first page's map with its
  county polygons (target 3 s).

``run(quick)`` returns rows ``{name, seconds, target_seconds}`` (``quick``: 3 repeats, not 5);
``main()`` prints them (``python -m bench app``). Figures depend on the machine's load.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from bench.figures import Figure
from planning.regions import list_regions, load_region
from planning.scenarios import ScenarioStore
from planning.site_files import demo_site_file
from ui.labels import t

ROOT: Final[Path] = Path(__file__).resolve().parents[1]
CHROMIUM: Final[Path] = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final[list[str]] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT: Final[dict[str, int]] = {"width": 1440, "height": 900}
MAP_FRAME: Final[str] = 'iframe[title="streamlit_folium.st_folium"]'
REPEATS: Final[int] = 5
QUICK_REPEATS: Final[int] = 3
STARTUP_TIMEOUT_S: Final[float] = 90.0
UI_TIMEOUT_MS: Final[int] = 90_000
POLL_MS: Final[int] = 20
TARGETS_S: Final[dict[str, float]] = {
    "draw_to_verdict": 1.0,
    "weight_to_ranking": 0.7,
    "page_to_map": 1.5,
    "first_page": 3.0,
}
EMPTY_SCENARIO: Final[str] = "bench"
DEMO_SCENARIO: Final[str] = "demo"
# A square in 土默特左旗 off the illustrative constraint layers (lon/lat), grown per repeat.
LON, LAT = 111.4978, 40.8137
HALF_DEG: Final[float] = 0.0025
GROWTH_PER_REPEAT: Final[float] = 0.1
DRAW_ZOOM: Final[int] = 14
CLICK_PAUSE_MS: Final[int] = 250
VIEW_ATTEMPTS: Final[int] = 5
#: The slider whose end positions put different sites on top (settlement distance).
SLIDER_KEY: Final[str] = "settlement_distance_km"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(store: Path) -> Iterator[str]:
    """Run the app with ``store`` as its scenario store; yield its URL once it is healthy."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "TIANDITU_KEY"}
    env["FORAGE_SITING_STORE"] = str(store)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    cmd += ["--server.address", "127.0.0.1", "--server.port", str(port)]
    cmd += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    cmd += ["--server.enableStaticServing", "true"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    msg = f"the app did not start at {url}"
                    raise RuntimeError(msg) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _local_only(route: Any) -> None:
    host = urlsplit(route.request.url).hostname
    if urlsplit(route.request.url).scheme in ("data", "blob", "about") or host in (
        "127.0.0.1",
        "localhost",
    ):
        route.continue_()
    else:
        route.abort("internetdisconnected")


def seed_store(path: Path) -> None:
    """Write the demo scenario and an empty scenario into a new scenario store."""
    store = ScenarioStore(path)
    region = load_region(list_regions()[0])
    demo = store.create_scenario(DEMO_SCENARIO, user="bench")
    store.add_sites(demo, demo_site_file(region).records, user="bench")
    store.create_scenario(EMPTY_SCENARIO, user="bench")


def _wait_idle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Stop").wait_for(state="hidden", timeout=UI_TIMEOUT_MS)


def _until(check: Callable[[], bool]) -> float:
    """Poll ``check`` until it holds; return the time it held (perf_counter seconds)."""
    deadline = time.perf_counter() + UI_TIMEOUT_MS / 1000
    while time.perf_counter() < deadline:
        if check():
            return time.perf_counter()
        time.sleep(POLL_MS / 1000)
    msg = "the result did not appear in time"
    raise TimeoutError(msg)


def _map_eval(page: Any, script: str) -> Any:
    element = page.locator(MAP_FRAME).first.element_handle(timeout=UI_TIMEOUT_MS)
    return element.content_frame().evaluate(script)


def _nav(page: Any, key: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(
        t(f"page.{key}", "zh"), exact=True
    ).click()


def _footprint_text(page: Any) -> str:
    prefix = t("planner.fb.footprint", "zh").split("{")[0]
    caption = page.get_by_text(re.compile("^" + re.escape(prefix) + r"[\d,.]+"))
    return str(caption.last.inner_text()) if caption.count() else ""


def _set_view(page: Any) -> None:
    """Move the map onto the drawing place; again if a late re-draw reset the view."""
    for _ in range(VIEW_ATTEMPTS):
        _map_eval(page, f"window.map.setView([{LAT}, {LON}], {DRAW_ZOOM})")
        page.wait_for_timeout(800)
        _wait_idle(page)
        if _map_eval(page, "window.map.getZoom()") == DRAW_ZOOM:
            return
    msg = "the map did not keep the drawing view"
    raise RuntimeError(msg)


def draw_to_verdict(page: Any, url: str, repeats: int) -> list[float]:
    """Seconds from closing a polygon to its verdict beside the map, once per repeat."""
    page.goto(f"{url}/planner", wait_until="domcontentloaded")
    scenario = page.get_by_role("combobox", name=t("planner.scenario", "zh"))
    scenario.click()
    page.get_by_role("option", name=EMPTY_SCENARIO, exact=True).click()
    _wait_idle(page)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-draw-draw-polygon").wait_for(timeout=UI_TIMEOUT_MS)
    times = []
    for k in range(repeats):
        half = HALF_DEG * (1 + GROWTH_PER_REPEAT * k)
        _set_view(page)
        points = [
            _map_eval(
                page,
                f"(() => {{ const p = window.map.latLngToContainerPoint([{LAT + dy * half}, "
                f"{LON + dx * half}]); return [p.x, p.y]; }})()",
            )
            for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))
        ]
        before = _footprint_text(page)
        frame.locator(".leaflet-draw-draw-polygon").click()
        for x, y in points:
            frame.locator(".leaflet-container").click(position={"x": x, "y": y})
            page.wait_for_timeout(CLICK_PAUSE_MS)
        start = time.perf_counter()
        frame.locator(".leaflet-marker-icon.leaflet-editing-icon").first.click()
        shown = _until(lambda before=before: _footprint_text(page) not in ("", before))
        times.append(shown - start)
        _wait_idle(page)
    return times


def _top_line(page: Any) -> str:
    line = page.get_by_text(t("sites.top_now", "zh").split("{")[0])
    return str(line.last.inner_text()) if line.count() else ""


def weight_to_ranking(page: Any, url: str, repeats: int) -> list[float]:
    """Seconds from moving a weight slider to its end to the changed ranking."""
    page.goto(f"{url}/sites", wait_until="domcontentloaded")
    page.get_by_role("tab", name=t("sites.tab.weights", "zh")).click(timeout=UI_TIMEOUT_MS)
    _wait_idle(page)
    slider = page.get_by_role("slider", name=t(f"criterion.{SLIDER_KEY}", "zh"))
    times = []
    for k in range(repeats):
        before = _top_line(page)
        slider.focus()
        start = time.perf_counter()
        page.keyboard.press("End" if k % 2 == 0 else "Home")
        shown = _until(lambda before=before: _top_line(page) not in ("", before))
        times.append(shown - start)
        _wait_idle(page)
    return times


def page_to_map(page: Any, url: str, repeats: int) -> list[float]:
    """Seconds from a sidebar click to the other page's map (targets <-> site check)."""
    page.goto(url, wait_until="domcontentloaded")
    page.frame_locator(MAP_FRAME).first.locator(".leaflet-container").wait_for(
        timeout=UI_TIMEOUT_MS
    )
    _wait_idle(page)
    times = []
    for k in range(repeats):
        key, title = ("sites", "sites.title") if k % 2 == 0 else ("targets", "targets.title")
        start = time.perf_counter()
        _nav(page, key)
        page.get_by_role("heading", name=t(title, "zh")).wait_for(timeout=UI_TIMEOUT_MS)
        page.frame_locator(MAP_FRAME).first.locator(".leaflet-interactive").first.wait_for(
            timeout=UI_TIMEOUT_MS
        )
        times.append(time.perf_counter() - start)
        _wait_idle(page)
    return times


def first_page(browser: Any, url: str, repeats: int) -> list[float]:
    """Seconds from opening the app in a new session to the first page's county map."""
    times = []
    for _ in range(repeats):
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        context.route("**/*", _local_only)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive").first.wait_for(
            timeout=UI_TIMEOUT_MS
        )
        times.append(time.perf_counter() - start)
        context.close()
    return times


def run(quick: bool) -> list[dict[str, object]]:
    """Measure the four timings; return ``{name, seconds (median), target_seconds}`` rows."""
    from playwright.sync_api import sync_playwright

    repeats = QUICK_REPEATS if quick else REPEATS
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "plans.gpkg"
        seed_store(store)
        with running_app(store) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            first_page(browser, url, 1)  # warm the server's caches once, not timed
            measured = {"first_page": first_page(browser, url, repeats)}
            for name, step in (
                ("page_to_map", page_to_map),
                ("weight_to_ranking", weight_to_ranking),
                ("draw_to_verdict", draw_to_verdict),
            ):
                context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                context.route("**/*", _local_only)
                measured[name] = step(context.new_page(), url, repeats)
                context.close()
            browser.close()
    for name, times in measured.items():
        rows.append(
            {
                "name": name,
                "seconds": round(statistics.median(times), 3),
                "target_seconds": TARGETS_S[name],
                "runs": [round(x, 3) for x in times],
            }
        )
    return rows


#: Words of the four timings in the bench table.
FIGURE_NAMES: Final[dict[str, str]] = {
    "first_page": "app: first page of a new session (headless chromium)",
    "page_to_map": "app: page switch -> map (headless chromium)",
    "weight_to_ranking": "app: site-check weight change -> ranking (headless chromium)",
    "draw_to_verdict": "app: draw -> verdict visible (headless chromium)",
}


def figures(quick: bool) -> list[Figure]:
    """The four timings as rows of bench/RESULTS.md, each beside its target."""
    return [
        Figure(
            FIGURE_NAMES[str(row["name"])],
            float(row["seconds"]),  # type: ignore[arg-type]
            "s",
            "the target",
            float(row["target_seconds"]),  # type: ignore[arg-type]
            target=f"<= {row['target_seconds']} s",
            note=f"median of {len(row['runs'])}; runs {row['runs']}",  # type: ignore[arg-type]
        )
        for row in run(quick)
    ]


def main() -> None:
    """Print the four timings (median of 5) against their targets."""
    for row in run(quick=False):
        met = "ok" if float(row["seconds"]) <= float(row["target_seconds"]) else "MISSED"  # type: ignore[arg-type]
        print(
            f"{row['name']:<18} {row['seconds']:>7.3f} s  target {row['target_seconds']:>4} s"
            f"  {met}  runs {row['runs']}"
        )


if __name__ == "__main__":
    main()
