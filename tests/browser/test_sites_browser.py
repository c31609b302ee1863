"""The site-check page in headless chromium: ranking, sensitivity words, weight sliders.

Starts ``streamlit run app.py`` on a free local port with the network cut (like
`test_map_browser`), opens 选址评价 on the demo candidates and checks what a user sees: the
ranking in rank order with the failed sites last ("—" and the rules of their failed gates),
the sensitivity said in words, a weight slider that changes the ranking without re-sending
the map and that keeps its value across a page switch. "Not re-sent" is read off the
websocket: no ForwardMsg after the change carries the map's script or a reference to its
cached message (Streamlit sends an unchanged large element again as ``ref_hash``), and the
map's iframe element and Leaflet map keep a JS tag set before the change. Screenshots go
to ``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from planning.regions import list_regions
from tests.browser.app_server import (
    BROWSER_MARKS,
    MAP_FRAME,
    SHOTS,
    UI_TIMEOUT_MS,
    is_local,
    open_offline_page,
    running_app,
    wait_idle,
)
from ui.labels import t

pytestmark = BROWSER_MARKS

#: Wide enough for the failed-gates column of the ranking beside the map.
VIEWPORT = {"width": 1920, "height": 1200}
N_DEMO = 15
CRITERION = "settlement_distance_km"
LANG = "zh"
POLL_MS = 250
#: In the st_folium script (streamlit-folium names the map div so): marks a sent map.
MAP_SCRIPT_MARK = b"map_div"


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    if not list_regions():
        pytest.skip("no region pack installed (make data)")
    with running_app() as url:
        yield url


@pytest.fixture
def browser_page() -> Iterator[tuple[object, list[str]]]:
    with open_offline_page(VIEWPORT) as page_and_requests:
        yield page_and_requests


def _open_sites(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/sites", wait_until="domcontentloaded")
    page.locator(MAP_FRAME).first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=UI_TIMEOUT_MS)
    _ranking_grid(page).locator('[role="gridcell"]').first.wait_for(
        state="attached", timeout=UI_TIMEOUT_MS
    )
    wait_idle(page)


def _raw(payload: str | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()


def _messages(frames: list[bytes]) -> Iterator[Any]:
    """Streamlit's ForwardMsgs in the websocket ``frames`` the server sent."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for frame in list(frames):
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        yield msg


def _ranking_grid(page):  # type: ignore[no-untyped-def]
    """The ranking table (its header has the site column)."""
    return page.locator('[data-testid="stDataFrame"]').filter(
        has=page.locator('[role="columnheader"]', has_text=re.compile(f"^{t('scol.site', LANG)}$"))
    )


def _ranking_rows(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Rows of the ranking as shown (glide-data-grid's accessible table), header -> text."""
    grid = _ranking_grid(page)
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    rows = []
    for row in grid.locator('[role="row"]').all():
        cells = row.locator('[role="gridcell"]').all_inner_texts()
        if cells:
            rows.append(dict(zip(headers, cells, strict=False)))
    return rows


def _scores_when(page, ready: Callable[[list[str]], bool]) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the ranking's scores once ``ready(scores)`` holds on two reads in a row.

    The table is redrawn after the run (glide-data-grid): poll it, up to `UI_TIMEOUT_MS`.
    """
    score = t("scol.score", LANG)
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    last: list[str] | None = None
    while time.monotonic() < deadline:
        scores = [r[score] for r in _ranking_rows(page)]
        if scores and ready(scores) and scores == last:
            return scores
        last = scores
        page.wait_for_timeout(POLL_MS)
    pytest.fail(f"the ranking did not reach the expected state: {last}")


def test_ranking_in_rank_order_failed_last_and_sensitivity_in_words(
    app_url: str, browser_page
) -> None:
    from playwright.sync_api import expect

    page, requested = browser_page
    _open_sites(page, app_url)
    summary = page.get_by_text(re.compile(r"15 个场址：\d+ 个通过硬性约束"))
    expect(summary).to_be_visible(timeout=UI_TIMEOUT_MS)
    rows = _ranking_rows(page)
    rank, passed, failed = t("scol.rank", LANG), t("scol.passed", LANG), t("scol.failed", LANG)
    assert rows and failed in rows[0], rows[:2]  # the failed-gate column is in view
    ranks = [r[rank] for r in rows]
    scored = [int(r) for r in ranks if r != "—"]
    assert scored == list(range(1, len(scored) + 1))  # rank order, from 1
    assert ranks == [str(r) for r in scored] + ["—"] * (len(ranks) - len(scored))
    for row in rows[len(scored) :]:
        assert row[passed] == "✖" and row[t("scol.score", LANG)] == "—"
        assert row[failed].strip() and not re.search(r"[a-z]+_[a-z]", row[failed]), row
    assert any("距地表水体" in r[failed] for r in rows)  # gates named by their rule
    assert "None" not in str(rows)
    # the sensitivity, in words: "权重各变化 ±20% 时，排名第一的 DEMO-11 … 始终第一。"
    words = page.locator('[data-testid="stAlert"]').filter(has_text="±20")
    expect(words).to_have_count(1, timeout=UI_TIMEOUT_MS)
    text = words.inner_text()
    top_name = rows[0][t("scol.site", LANG)]
    assert top_name.split()[0] in text
    assert "始终第一" in text or "不能始终保持" in text
    assert not re.search(r"[a-z]+_[a-z_]+", text), text  # no internal criterion key
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "sites_ranking.png"))
    assert sorted({u for u in requested if not is_local(u)}) == []


def test_weight_change_reranks_keeps_the_map_and_outlives_a_page_switch(
    app_url: str, browser_page
) -> None:
    from playwright.sync_api import expect

    page, requested = browser_page
    received: list[bytes] = []  # what the server sends (websocket frames)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(_raw(f))))
    _open_sites(page, app_url)
    map_hashes = {m.hash for m in _messages(received) if MAP_SCRIPT_MARK in m.SerializeToString()}
    assert map_hashes  # the map came this way
    before = _ranking_rows(page)
    # tag the map's iframe element and its Leaflet map: a re-mounted map loses both
    page.locator(MAP_FRAME).first.evaluate("el => { el.__probe = 'kept'; }")
    content = page.locator(MAP_FRAME).first.element_handle().content_frame()
    content.evaluate("() => { window.map.__probe = 'kept'; }")

    page.get_by_role("tab", name=t("sites.tab.weights", LANG)).click()
    slider = page.get_by_role("slider", name=t(f"criterion.{CRITERION}", LANG))
    expect(slider).to_be_visible(timeout=UI_TIMEOUT_MS)
    default = slider.input_value()
    received.clear()
    slider.focus()
    page.keyboard.press("End")  # weight 1.0: distance to settlements counts most
    expect(slider).to_have_value("1", timeout=UI_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("tab", name=t("sites.tab.ranking", LANG)).click()
    score = t("scol.score", LANG)
    before_scores = [r[score] for r in before]
    after = _scores_when(page, lambda scores: scores[0] != before_scores[0])  # reranked
    assert after.count("—") == before_scores.count("—")  # gates do not depend on weights
    # the map was not re-sent (no frame with its script) and not re-mounted (tags kept)
    # (Streamlit sends an unchanged large element again as a reference to its hash)
    replies = list(_messages(received))
    assert replies, "no reply to the weight change"
    assert not any(MAP_SCRIPT_MARK in m.SerializeToString() for m in replies), "map sent again"
    assert not any(m.ref_hash in map_hashes for m in replies), "map sent again (by reference)"
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=UI_TIMEOUT_MS)
    assert page.locator(MAP_FRAME).first.evaluate("el => el.__probe") == "kept"
    content = page.locator(MAP_FRAME).first.element_handle().content_frame()
    assert content.evaluate("() => window.map.__probe") == "kept"

    # another page and back: the weight is kept
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text(t("page.targets", LANG), exact=True).click()
    expect(page.get_by_role("heading", name=t("targets.title", LANG))).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    wait_idle(page)
    nav.get_by_text(t("page.sites", LANG), exact=True).click()
    _ranking_grid(page).locator('[role="gridcell"]').first.wait_for(
        state="attached", timeout=UI_TIMEOUT_MS
    )
    wait_idle(page)
    page.get_by_role("tab", name=t("sites.tab.weights", LANG)).click()
    slider = page.get_by_role("slider", name=t(f"criterion.{CRITERION}", LANG))
    expect(slider).to_have_value("1", timeout=UI_TIMEOUT_MS)
    page.get_by_role("tab", name=t("sites.tab.ranking", LANG)).click()
    assert _scores_when(page, lambda scores: scores == after) == after  # kept weights' ranking
    assert default != "1"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "sites_weights_kept.png"))
    assert sorted({u for u in requested if not is_local(u)}) == []
