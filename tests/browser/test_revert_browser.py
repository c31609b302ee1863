"""Reverting a saved site to an earlier version, in headless chromium (Plan page).

The scenario store keeps every version of a site; the Plan page's version history
(`ui.planner.history`) saves a chosen earlier version as the next one. Starts the app with
one demo ranch saved (version 1) in a temporary scenario store and the network cut, then as a
user: pick the ranch, change its herd, save (version 2), revert to version 1 (saved as
version 3) and find the old herd back in the form, the history table and the store.
Screenshots go to ``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planning.regions import list_regions, load_region
from planning.site_files import demo_site_file
from store import ScenarioStore
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

LANG = "zh"
VIEWPORT = {"width": 1500, "height": 1400}
RANCH = 2  # 托县新建牧场（选址）1（示意）: 5,000 head from 2022
NEW_HERD = 6000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, int]:
    """A scenario store with one saved ranch: (store path, site id, name, herd)."""
    if not list_regions():
        pytest.skip("no region pack installed (make data)")
    path = tmp_path_factory.mktemp("revert") / "plans.gpkg"
    store = ScenarioStore(path)
    record = demo_site_file(load_region(list_regions()[0])).records[RANCH]
    scenario = store.create_scenario("revert", user="test")
    [saved] = store.add_sites(scenario, [record], user="test")
    assert saved.version == 1 and saved.dairy_cow_head != NEW_HERD
    return path, str(saved.site_id), str(saved.name), int(saved.dairy_cow_head)


@pytest.fixture(scope="module")
def app_url(seeded: tuple[Path, str, str, int]) -> Iterator[str]:
    with running_app({"FORAGE_SITING_STORE": str(seeded[0])}) as url:
        yield url


def _herd_field(page):  # type: ignore[no-untyped-def]
    return page.get_by_role("spinbutton", name=t("planner.field.dairy_cow_head", LANG), exact=True)


def _history_grid(page):  # type: ignore[no-untyped-def]
    """The version history table (its header has the action column), fixed by position.

    By position, not by header: scrolled sideways, the grid no longer renders that column.
    """
    grids = page.locator('[data-testid="stDataFrame"]')
    grids.filter(
        has=page.locator('[role="columnheader"]', has_text=t("planner.hcol.action", LANG))
    ).locator('[role="gridcell"]').first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
    action = t("planner.hcol.action", LANG)
    index = grids.evaluate_all(
        "(els, action) => els.findIndex(el => [...el.querySelectorAll('[role=columnheader]')]"
        ".some(h => h.innerText.trim() === action))",
        action,
    )
    assert index >= 0
    return grids.nth(index)


def _history_rows(grid) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Rows of a table as shown (glide-data-grid's accessible table), header -> text.

    The grid renders only the columns in view: scroll it to reach the others.
    """
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    rows = []
    for row in grid.locator('[role="row"]').all():
        cells = row.locator('[role="gridcell"]').all_inner_texts()
        if cells:
            rows.append(dict(zip(headers, cells, strict=False)))
    return rows


def test_revert_to_version_one_brings_the_old_herd_back(
    app_url: str, seeded: tuple[Path, str, str, int]
) -> None:
    from playwright.sync_api import expect

    path, site_id, name, herd = seeded
    with open_offline_page(VIEWPORT) as (page, requested):
        page.goto(f"{app_url}/planner", wait_until="domcontentloaded")
        page.locator(MAP_FRAME).first.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        picker = page.get_by_role("combobox", name=t("planner.pick", LANG))
        picker.click()
        picker.fill(name)
        page.keyboard.press("Enter")
        wait_idle(page)
        expect(_herd_field(page)).to_have_value(str(herd), timeout=UI_TIMEOUT_MS)

        # change the herd and save: version 2
        _herd_field(page).fill(str(NEW_HERD))
        _herd_field(page).press("Enter")
        wait_idle(page)
        page.get_by_role("button", name=t("planner.save_changes", LANG), exact=True).click()
        saved = t("planner.msg.saved", LANG).format(name=name, version=2)
        expect(page.get_by_text(saved)).to_be_visible(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        expect(_herd_field(page)).to_have_value(str(NEW_HERD), timeout=UI_TIMEOUT_MS)

        # revert to version 1: saved as version 3
        page.get_by_text(t("planner.history", LANG).format(n=2)).click()
        pick = page.get_by_role("combobox", name=t("planner.history_pick", LANG))
        expect(pick).to_be_visible(timeout=UI_TIMEOUT_MS)
        expect(page.get_by_text(t("planner.history", LANG).format(n=2))).to_be_visible(
            timeout=UI_TIMEOUT_MS
        )
        page.get_by_role("button", name=t("planner.revert", LANG)).click()
        reverted = t("planner.msg.reverted", LANG).format(name=name, old=1, version=3)
        expect(page.get_by_text(reverted)).to_be_visible(timeout=UI_TIMEOUT_MS)
        wait_idle(page)
        expect(_herd_field(page)).to_have_value(str(herd), timeout=UI_TIMEOUT_MS)

        # the history table shows the three versions with their herds
        page.get_by_text(t("planner.history", LANG).format(n=3)).click()
        herd_col, version_col = t("planner.hcol.herd", LANG), t("planner.hcol.version", LANG)
        grid = _history_grid(page)
        versions = [r[version_col] for r in _history_rows(grid)]
        assert versions == ["1", "2", "3"]
        # the herd column is off to the right of the narrow column: scroll the grid there
        grid.locator(".dvn-scroller").evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        herd_header = grid.locator('[role="columnheader"]', has_text=herd_col)
        herd_header.wait_for(state="attached", timeout=UI_TIMEOUT_MS)
        herds = [r[herd_col].replace(",", "") for r in _history_rows(grid)]
        assert herds == [str(herd), str(NEW_HERD), str(herd)], herds
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "planner_reverted.png"))
        assert sorted({u for u in requested if not is_local(u)}) == []

    # and the store: version 3 is current, with the herd of version 1
    store = ScenarioStore(path)
    history = store.site_history(site_id)
    assert [int(v) for v in history["version"]] == [1, 2, 3]
    assert [int(h) for h in history["dairy_cow_head"]] == [herd, NEW_HERD, herd]
    [scenario] = store.list_scenarios()
    current = store.sites(scenario)
    assert int(current.loc[current["site_id"] == site_id, "dairy_cow_head"].iloc[0]) == herd
