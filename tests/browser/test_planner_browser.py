"""The planner page in headless chromium: draw a ranch, fill the form, save, reload, find it.

Starts ``streamlit run app.py`` on a free local port with the scenario store in a temporary
folder (``FORAGE_SITING_STORE``), cuts the network like `test_map_browser`, and draws a
polygon with Leaflet.draw the way a user does (polygon tool, four clicks, click the first
vertex). The view is first moved onto a location that passes the siting gates (inside an
illustrative demo ranch, off the illustrative constraint layers). Screenshots go to
``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.app_server import (
    BROWSER_MARKS,
    MAP_FRAME,
    SHOTS,
    UI_TIMEOUT_MS,
    is_local,
    map_eval,
    open_offline_page,
    running_app,
    wait_idle,
)

pytestmark = BROWSER_MARKS

# Inside the footprint of an illustrative demo ranch in 土默特左旗 (lon/lat, WGS84).
LON, LAT = 111.4978, 40.8137
HALF_DEG = 0.0025
DRAW_ZOOM = 15
CLICK_PAUSE_MS = 350
VIEW_ATTEMPTS = 5
NAME = "浏览器测试牧场"
START_YEAR = "2023"
COWS = "5000"
N_NEED_TEXT = f"{5000 * 100 / 15 * 7.0:,.0f}"  # 15 cows = 100 PE, 7.0 kg N per PE


@pytest.fixture(scope="module")
def planner_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("planner-store") / "plans.gpkg"
    with running_app({"FORAGE_SITING_STORE": str(store)}) as url:
        yield url


@pytest.fixture
def browser_page() -> Iterator[tuple[object, list[str]]]:
    with open_offline_page({"width": 1500, "height": 1400}) as page_and_requests:
        yield page_and_requests


def _leaflet(page):  # type: ignore[no-untyped-def]
    """Return the map iframe (locator) once the draw tools are there."""
    from playwright.sync_api import expect

    page.locator(MAP_FRAME).first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    # a save re-mounts the map: wait until the stale iframe is gone
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=UI_TIMEOUT_MS)
    locator = page.frame_locator(MAP_FRAME).first
    locator.locator(".leaflet-draw-draw-polygon").wait_for(timeout=UI_TIMEOUT_MS)
    return locator


def _set_view(page, lat: float, lon: float) -> None:  # type: ignore[no-untyped-def]
    """Move the map to ``lat, lon`` at `DRAW_ZOOM` and wait until it stays there.

    The map may still be re-drawn by the run that its first report triggered, which resets
    the view; so set it again until it holds.
    """
    for _ in range(VIEW_ATTEMPTS):
        map_eval(page, f"window.map.setView([{lat}, {lon}], {DRAW_ZOOM})")
        page.wait_for_timeout(800)
        wait_idle(page)
        if map_eval(page, "window.map.getZoom()") == DRAW_ZOOM:
            return
    pytest.fail("the map did not keep the drawing view")


def _draw_square(page) -> None:  # type: ignore[no-untyped-def]
    locator = _leaflet(page)
    _set_view(page, LAT, LON)
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    points = [
        map_eval(
            page,
            f"(() => {{ const p = window.map.latLngToContainerPoint([{LAT + dy * HALF_DEG}, "
            f"{LON + dx * HALF_DEG}]); return [p.x, p.y]; }})()",
        )
        for dx, dy in corners
    ]
    locator.locator(".leaflet-draw-draw-polygon").click()
    for x, y in points:
        locator.locator(".leaflet-container").click(position={"x": x, "y": y})
        page.wait_for_timeout(CLICK_PAUSE_MS)
    locator.locator(".leaflet-marker-icon.leaflet-editing-icon").first.click()


def _fill(page, label: str, value: str, *, role: str = "textbox") -> None:  # type: ignore[no-untyped-def]
    """Type into a text (or number: role "spinbutton") input and commit with Enter."""
    from playwright.sync_api import expect

    field = page.get_by_role(role, name=label, exact=True)
    expect(field).to_have_count(1, timeout=UI_TIMEOUT_MS)  # stale copies gone: run finished
    field.fill(value)
    field.press("Enter")
    wait_idle(page)


def test_draw_save_reload_and_find_the_ranch(planner_url: str, browser_page) -> None:
    from playwright.sync_api import expect

    page, requested = browser_page
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{planner_url}/planner", wait_until="domcontentloaded")
    try:
        expect(page.get_by_text("还没有规划方案")).to_be_visible(timeout=UI_TIMEOUT_MS)
    finally:
        page.screenshot(path=str(SHOTS / "planner_start.png"))
    _fill(page, "新方案名称", "浏览器方案")
    page.get_by_role("button", name="新建空方案").click()
    expect(page.get_by_text("已新建方案“浏览器方案”。")).to_be_visible(timeout=UI_TIMEOUT_MS)
    wait_idle(page)

    _draw_square(page)
    try:
        expect(page.get_by_text("已绘制新场址的占地范围（未保存）。")).to_be_visible(
            timeout=UI_TIMEOUT_MS
        )
    finally:
        page.screenshot(path=str(SHOTS / "planner_square.png"))
    wait_idle(page)
    _fill(page, "名称", NAME)
    _fill(page, "奶牛存栏（头）", COWS, role="spinbutton")
    _fill(page, "投产年份", START_YEAR, role="spinbutton")  # required at save
    nitrogen = page.locator('[data-testid="stMetric"]').filter(has_text="粪污氮")
    expect(nitrogen).to_contain_text(N_NEED_TEXT, timeout=UI_TIMEOUT_MS)
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"计算用时 \d+ 毫秒（增量")).last).to_be_visible()
    page.screenshot(path=str(SHOTS / "planner_drawn.png"))
    page.get_by_role("button", name="保存新场址").click()
    expect(page.get_by_text(f"已保存“{NAME}”（第 1 版）。")).to_be_visible(timeout=UI_TIMEOUT_MS)

    page.reload(wait_until="domcontentloaded")
    locator = _leaflet(page)
    picker = page.get_by_role("combobox", name="编辑的场址")
    picker.click()
    picker.fill(NAME)
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(
        page.get_by_text(re.compile(r"通过已检查的选址门槛 · 适宜性评分 \d+\.\d/100")).last
    ).to_be_visible(timeout=UI_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("tab", name="消纳地块").click()
    heading = page.get_by_text(re.compile(r"分配的消纳地块（(\d+) 块）")).last
    expect(heading).to_be_visible()
    n_parcels = int(re.search(r"（(\d+) 块）", heading.inner_text()).group(1))
    assert n_parcels > 0
    expect(nitrogen).to_contain_text(N_NEED_TEXT)
    # the allocated parcels are drawn on the map (purple) with their haul lines
    expect(locator.locator('path[fill="#9e9ac8"]')).to_have_count(n_parcels, timeout=UI_TIMEOUT_MS)
    expect(locator.locator(".planner-label", has_text=NAME)).to_have_count(1)  # map label
    page.screenshot(path=str(SHOTS / "planner_reloaded.png"))
    _reshape_and_save(page)
    outside = sorted({u for u in requested if not is_local(u)})
    assert outside == [], f"requests left localhost: {outside}"


def _footprint_mu(page) -> float:  # type: ignore[no-untyped-def]
    caption = page.get_by_text(re.compile(r"占地 [\d,.]+ 亩")).last
    return float(re.search(r"占地 ([\d,.]+) 亩", caption.inner_text()).group(1).replace(",", ""))


def _reshape_and_save(page) -> None:  # type: ignore[no-untyped-def]
    """Drag the saved outline's north-east vertex east by half the square: +1/4 of its area."""
    from playwright.sync_api import expect

    locator = _leaflet(page)
    before_mu = _footprint_mu(page)
    _set_view(page, LAT, LON + HALF_DEG)
    locator.locator(".leaflet-draw-edit-edit").click()
    vertex, target = (
        map_eval(
            page,
            f"(() => {{ const p = window.map.latLngToContainerPoint([{LAT + HALF_DEG}, {lon}]); "
            "return [p.x, p.y]; })()",
        )
        for lon in (LON + HALF_DEG, LON + 2 * HALF_DEG)
    )
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.move(box["x"] + vertex[0], box["y"] + vertex[1])
    page.mouse.down()
    page.mouse.move(box["x"] + target[0], box["y"] + target[1], steps=10)
    page.mouse.up()
    page.wait_for_timeout(CLICK_PAUSE_MS)
    locator.locator('.leaflet-draw-actions a[title="保存修改"]').click()
    page.get_by_role("tab", name="场址信息").click()
    expect(page.get_by_text("已重新绘制占地范围", exact=False).last).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    wait_idle(page)
    after_mu = _footprint_mu(page)
    assert after_mu == pytest.approx(before_mu * 1.25, rel=0.02), (before_mu, after_mu)
    expect(
        page.get_by_text(re.compile(r"通过已检查的选址门槛 · 适宜性评分 \d+\.\d/100")).last
    ).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(SHOTS / "planner_reshaped.png"))
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text(f"已保存“{NAME}”（第 2 版）。")).to_be_visible(timeout=UI_TIMEOUT_MS)
    wait_idle(page)
    assert _footprint_mu(page) == pytest.approx(after_mu, rel=1e-3)
