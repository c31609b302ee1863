"""The county review page in headless chromium: packet downloads, county zoom, labels.

Starts the app with the demo scenario in a temporary scenario store (like `test_screenshots`)
and the network cut, opens 县域审核, chooses a county and checks that the map fits it (the
Leaflet map's bounds in the iframe contain the county's bounds and it zooms in; at the
city zoom no two county labels overlap, the small districts' give way), then makes
the county's packet and downloads each file as a user does (PDF, HTML, XLSX): the PDF is a
PDF, the workbook opens with openpyxl and has the packet's sheets, the HTML names the
county. Screenshots go to ``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest

from planning.regions import list_regions, load_region
from reports.workbook import SHEETS, sheet_label
from tests.browser.app_server import (
    BROWSER_MARKS,
    MAP_FRAME,
    SHOTS,
    UI_TIMEOUT_MS,
    is_local,
    open_offline_page,
    running_app,
    seed_demo_store,
    wait_idle,
)
from ui.data import load_counties
from ui.labels import t
from ui.review.view import place_names

pytestmark = BROWSER_MARKS

VIEWPORT = {"width": 1440, "height": 1000}
LANG = "zh"
COUNTY = "150122"  # 托克托县: four demo ranches
#: Slack (degrees) when comparing Leaflet's bounds with the county's.
BOUNDS_SLACK_DEG = 1e-6
POLL_MS = 250
DOWNLOAD_TIMEOUT_MS = 180_000  # the PDF takes seconds on an idle machine


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not list_regions():
        pytest.skip("no region pack installed (make data)")
    store = tmp_path_factory.mktemp("review") / "plans.gpkg"
    seed_demo_store(store)
    with running_app({"FORAGE_SITING_STORE": str(store)}) as url:
        yield url


@pytest.fixture(scope="module")
def county() -> tuple[str, tuple[float, float, float, float]]:
    """The chosen county's label in the picker and its bounds (lon/lat)."""
    region = load_region(list_regions()[0])
    counties = load_counties(region)
    label = place_names(counties, region.adcode, LANG)[COUNTY]
    minx, miny, maxx, maxy = counties[counties["adcode"] == COUNTY].to_crs(4326).total_bounds
    return label, (float(minx), float(miny), float(maxx), float(maxy))


@pytest.fixture
def browser_page() -> Iterator[tuple[object, list[str]]]:
    with open_offline_page(VIEWPORT) as page_and_requests:
        yield page_and_requests


def _open_review(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/review", wait_until="domcontentloaded")
    page.locator(MAP_FRAME).first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    page.frame_locator(MAP_FRAME).first.locator(".leaflet-container").wait_for(
        timeout=UI_TIMEOUT_MS
    )
    wait_idle(page)


def _choose_county(page, label: str) -> None:  # type: ignore[no-untyped-def]
    picker = page.get_by_role("combobox", name=t("review.county", LANG))
    picker.click()
    picker.fill(label)
    page.keyboard.press("Enter")
    wait_idle(page)


def _map_view(page) -> dict[str, float] | None:  # type: ignore[no-untyped-def]
    """The Leaflet map's zoom and bounds (None while the map iframe is being replaced)."""
    frames = page.locator(MAP_FRAME)
    if frames.count() != 1:
        return None
    content = frames.first.element_handle().content_frame()
    if content is None:
        return None
    return content.evaluate(
        """() => {
            if (!window.map || !window.map.getBounds) { return null; }
            const b = window.map.getBounds();
            return {zoom: window.map.getZoom(), west: b.getWest(), south: b.getSouth(),
                    east: b.getEast(), north: b.getNorth()};
        }"""
    )


def _label_overlaps(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(pairs of shown county labels that overlap, labels hidden) in the map iframe."""
    content = page.locator(MAP_FRAME).first.element_handle().content_frame()
    return tuple(
        content.evaluate(
            """() => {
                const labels = [...document.querySelectorAll('.planner-label')];
                const shown = labels.filter(e => e.style.visibility !== 'hidden')
                    .map(e => e.firstElementChild.getBoundingClientRect());
                let pairs = 0;
                for (let i = 0; i < shown.length; i++) {
                    for (let j = i + 1; j < shown.length; j++) {
                        const a = shown[i], b = shown[j];
                        if (!(a.right < b.left || b.right < a.left ||
                              a.bottom < b.top || b.bottom < a.top)) { pairs++; }
                    }
                }
                return [pairs, labels.length - shown.length];
            }"""
        )
    )


def _contains(view: dict[str, float], bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    slack = BOUNDS_SLACK_DEG
    return (
        view["west"] <= minx + slack
        and view["south"] <= miny + slack
        and view["east"] >= maxx - slack
        and view["north"] >= maxy - slack
    )


def test_choosing_a_county_zooms_the_map_to_it(app_url: str, county, browser_page) -> None:
    page, requested = browser_page
    label, bounds = county
    _open_review(page, app_url)
    city_view = _map_view(page)
    assert city_view is not None
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    shown, hidden = _label_overlaps(page)
    while hidden == 0 and time.monotonic() < deadline:  # labels sorted out once drawn
        page.wait_for_timeout(POLL_MS)
        shown, hidden = _label_overlaps(page)
    assert shown == 0 and hidden > 0  # small districts' labels give way at the city zoom
    _choose_county(page, label)
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    view = None
    while time.monotonic() < deadline:
        view = _map_view(page)
        if view is not None and view["zoom"] > city_view["zoom"] and _contains(view, bounds):
            break
        page.wait_for_timeout(POLL_MS)
    else:
        pytest.fail(f"the map did not fit {label} {bounds}: {view} (city {city_view})")
    # fitted, not just zoomed in somewhere: the county fills a good part of the view
    width = view["east"] - view["west"]
    assert (bounds[2] - bounds[0]) / width > 0.3 or (bounds[3] - bounds[1]) / (
        view["north"] - view["south"]
    ) > 0.3
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "review_county.png"))
    assert sorted({u for u in requested if not is_local(u)}) == []


def test_county_packet_downloads(app_url: str, county, browser_page) -> None:
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    page, requested = browser_page
    label, _ = county
    _open_review(page, app_url)
    _choose_county(page, label)
    page.get_by_role("button", name=t("review.packet.make", LANG)).click()
    files: dict[str, bytes] = {}
    for suffix in ("pdf", "html", "xlsx"):
        button = page.locator('[data-testid="stDownloadButton"]').get_by_role(
            "button", name=suffix.upper(), exact=True
        )
        # (a count, not a strict locator: a download reruns the page, and during the run
        # the button's stale copy is still there)
        expect(button).not_to_have_count(0, timeout=DOWNLOAD_TIMEOUT_MS)
        wait_idle(page)
        expect(button).to_have_count(1, timeout=UI_TIMEOUT_MS)
        with page.expect_download(timeout=UI_TIMEOUT_MS) as info:
            button.click()
        download = info.value
        assert download.suggested_filename.endswith(f".{suffix}")
        files[suffix] = download.path().read_bytes()
    assert files["pdf"].startswith(b"%PDF")
    html = files["html"].decode("utf-8")
    assert label in html
    workbook = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert workbook.sheetnames == [sheet_label(s, LANG) for s in SHEETS]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "review_packet.png"))
    assert sorted({u for u in requested if not is_local(u)}) == []
