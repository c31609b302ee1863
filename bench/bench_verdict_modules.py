"""Count the project modules a drawn polygon passes through to reach its verdict.

The Plan page's draft check, without Streamlit: a drawn footprint (the demo candidate
DEMO-09, 5,000 dairy cows) becomes the draft site (`ui.planner.sites.draft_sites`), is
checked with the page's service (`planning.scenario_ops.check_scenario_sites`: terrain, gates,
criteria, needs, ledger) on the Plan page's inputs, and its verdict is read back. Every
function call is traced after a warm-up run; the figure is the number of distinct project
modules (``.py`` files of this repository) with at least one call. The page's own
modules that render the result (``ui/planner/page``, ``results``, ``map``) run inside
Streamlit and are listed, not traced.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path
from types import FrameType

import geopandas as gpd

from planning.regions import load_region
from planning.scenario_inputs import load_scenario_inputs
from planning.scenario_ops import check_scenario_sites
from planning.site_scoring import county_water_use
from store import SiteRecord
from store.frame_schema import sites_frame
from ui.planner.sites import DRAFT_SITE_ID, draft_sites

ROOT = Path(__file__).resolve().parents[1]
REGION = "hohhot"
CANDIDATE = "DEMO-09"
HERD_HEAD = 5000
#: Rendering modules of the Plan page (run in Streamlit, not traced here).
PAGE_MODULES = ("ui/planner/page.py", "ui/planner/results.py", "ui/planner/map.py")


def _drawn_site() -> SiteRecord:
    candidates = gpd.read_file(ROOT / "data" / "regions" / REGION / "demo_candidates.geojson")
    geometry = candidates.set_index("site_id").loc[CANDIDATE, "geometry"]
    return SiteRecord(
        name="drawn",
        geometry=geometry,
        dairy_cow_head=HERD_HEAD,
        start_year=2023,
        footprint_source="drawn",
        site_id=DRAFT_SITE_ID,  # as the page's form gives a new site
    )


def traced_modules(call: object) -> set[str]:
    """Return the repository modules (paths) with a function called by ``call()``."""
    seen: set[str] = set()

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call":
            seen.add(frame.f_code.co_filename)

    sys.setprofile(profile)
    try:
        call()  # type: ignore[operator]
    finally:
        sys.setprofile(None)
    root, venv = str(ROOT), str(ROOT / ".venv")
    return {
        Path(f).resolve().relative_to(ROOT).as_posix()
        for f in seen
        if f.startswith(root)
        and not f.startswith(venv)
        and not f.endswith("__init__.py")
        and "/bench/" not in f
    }


def main() -> None:
    """Print the number of modules per package and their list."""
    region = load_region(REGION)
    inputs = load_scenario_inputs(
        region, county_water=county_water_use(region, region.plan.water_baseline_year)
    )
    record = _drawn_site()

    def verdict() -> None:
        run = check_scenario_sites(draft_sites(sites_frame([]), record), inputs)
        assert len(run.results) == 1

    verdict()  # warm-up: imports and caches
    start = time.perf_counter()
    modules = traced_modules(verdict)
    elapsed = time.perf_counter() - start
    by_package: dict[str, list[str]] = defaultdict(list)
    for module in sorted(modules):
        by_package[module.split("/")[0]].append(module)
    print(f"drawn polygon -> verdict: {len(modules)} project modules traced ({elapsed:.2f} s)")
    print(
        f"plus the page's rendering modules: {len(PAGE_MODULES)} -> "
        f"{len(modules) + len(PAGE_MODULES)} in all"
    )
    for package, names in sorted(by_package.items()):
        print(f"  {package} ({len(names)}): {', '.join(n.split('/', 1)[-1] for n in names)}")
