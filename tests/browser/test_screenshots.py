"""Every page in each language at 1440×900 in headless chromium: a screenshot per page.

Starts the app with the demo scenario loaded into a temporary scenario store, opens each page
of `ui.navigation.PAGES` in Chinese and in English, waits for its map (pages without a map:
its title), checks that the run raised no exception and that nothing left the machine, and
saves ``tests/browser/screenshots/page_<key>_<lang>.png`` (the viewport a reviewer sees
first, no scrolling) for a person to look at.
"""

from __future__ import annotations

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
    seed_demo_store,
    wait_idle,
)
from ui.labels import LANG_NAMES, t
from ui.navigation import PAGES

pytestmark = BROWSER_MARKS

VIEWPORT = {"width": 1440, "height": 900}
#: Pages that show a folium map when the demo scenario is loaded.
MAP_PAGES = {"targets", "balance", "planner", "review", "sites"}
SETTLE_MS = 1500


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("shots") / "plans.gpkg"
    seed_demo_store(store)
    with running_app({"FORAGE_SITING_STORE": str(store)}) as url:
        yield url


def _switch_language(page, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebar"]').get_by_text(LANG_NAMES[lang], exact=True).click()
    wait_idle(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_in_view(app_url: str, lang: str) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(exist_ok=True)
    with open_offline_page(VIEWPORT) as (page, requested):
        page.goto(app_url, wait_until="domcontentloaded")
        page.locator('[data-testid="stSidebar"]').wait_for(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        if lang != "zh":
            _switch_language(page, lang)
        for spec in PAGES:
            page.locator('[data-testid="stSidebarNav"]').get_by_text(
                t(spec.title_key, lang), exact=True
            ).click()
            wait_idle(page)
            if spec.key in MAP_PAGES:
                frame = page.frame_locator(MAP_FRAME).first
                frame.locator(".leaflet-container").wait_for(timeout=UI_TIMEOUT_MS)
                expect(frame.locator(".leaflet-control-scale")).to_have_count(1)
            page.wait_for_timeout(SETTLE_MS)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            page.screenshot(path=str(SHOTS / f"page_{spec.key}_{lang}.png"))
        outside = sorted({u for u in requested if not is_local(u)})
        assert outside == [], f"requests left localhost: {outside}"
