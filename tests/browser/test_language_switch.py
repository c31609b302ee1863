"""A language switch keeps what the user chose, shown as chosen, in headless chromium.

Streamlit keeps a radio's value when its label changes with the language but, unless the
value is sent again, draws the new radio with no option selected (found on the Targets
page: after 中文 -> English no crop was selected while the map showed silage corn).
`ui.state.keep_widget_values` sends those values again; these tests look at the radios the
browser draws, and at Streamlit's upload box, whose English-only texts `ui.layout` replaces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.app_server import (
    BROWSER_MARKS,
    UI_TIMEOUT_MS,
    open_offline_page,
    running_app,
    wait_idle,
)
from ui.labels import LANG_NAMES, t
from ui.layout import UPLOAD_BUTTON_TEXT, UPLOAD_LIMIT_TEXT

pytestmark = BROWSER_MARKS

VIEWPORT = {"width": 1440, "height": 900}
MAIN = '[data-testid="stMainBlockContainer"]'
SIDEBAR = '[data-testid="stSidebar"]'
#: `server.maxUploadSize` of .streamlit/config.toml, read independently of the app.
MAX_UPLOAD_MB = tomllib.loads(
    (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text("utf-8")
)["server"]["maxUploadSize"]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app() as url:
        yield url


def _click(page, where: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(where).get_by_text(text, exact=True).first.click()
    wait_idle(page)


def _checked(page, label: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.locator(MAIN).get_by_role("radio", name=label, exact=True).is_checked())


def test_targets_crop_stays_chosen_after_switching_language(app_url: str) -> None:
    with open_offline_page(VIEWPORT) as (page, _requested):
        page.goto(app_url, wait_until="domcontentloaded")
        page.locator(SIDEBAR).wait_for(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        _click(page, MAIN, t("crop.oat_hay", "zh"))
        assert _checked(page, t("crop.oat_hay", "zh"))
        _click(page, SIDEBAR, LANG_NAMES["en"])
        page.locator(MAIN).get_by_text(t("targets.crop", "en"), exact=True).wait_for()
        assert _checked(page, t("crop.oat_hay", "en"))
        assert not _checked(page, t("crop.silage_corn", "en"))


def test_upload_kind_stays_chosen_after_switching_language(app_url: str) -> None:
    with open_offline_page(VIEWPORT) as (page, _requested):
        page.goto(app_url, wait_until="domcontentloaded")
        page.locator(SIDEBAR).wait_for(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        _click(page, '[data-testid="stSidebarNav"]', t("page.upload", "zh"))
        _click(page, MAIN, t("upload.kind.point", "zh"))
        _click(page, SIDEBAR, LANG_NAMES["en"])
        page.locator(MAIN).get_by_text(t("upload.kind", "en"), exact=True).wait_for()
        assert _checked(page, t("upload.kind.point", "en"))


def _after_text(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    script = "(el) => getComputedStyle(el, '::after').content"
    return str(page.locator(selector).first.evaluate(script)).strip('"')


def test_upload_box_speaks_the_interface_language(app_url: str) -> None:
    with open_offline_page(VIEWPORT) as (page, _requested):
        page.goto(app_url, wait_until="domcontentloaded")
        page.locator(SIDEBAR).wait_for(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        _click(page, '[data-testid="stSidebarNav"]', t("page.upload", "zh"))
        page.locator(UPLOAD_BUTTON_TEXT).first.wait_for(timeout=UI_TIMEOUT_MS)
        assert _after_text(page, UPLOAD_BUTTON_TEXT) == t("upload.box_button", "zh")
        limit = t("upload.box_limit", "zh").format(mb=MAX_UPLOAD_MB)
        assert _after_text(page, UPLOAD_LIMIT_TEXT) == limit
        _click(page, SIDEBAR, LANG_NAMES["en"])
        page.locator(MAIN).get_by_text(t("upload.kind", "en"), exact=True).wait_for()
        assert _after_text(page, UPLOAD_BUTTON_TEXT) == t("upload.box_button", "en")
