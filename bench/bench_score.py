"""Timing of site suitability (``siting.assess``) on the Hohhot pack.

Needs the generated constraint layers, DEM and parcels (``make data``). Figures:

* loading the inputs once (constraint layers, parcels, tables, and the county water use of
  the build-out check; what the app caches);
* scoring ONE candidate polygon end to end with loaded inputs: slope from the DEM window
  (`geo.raster.slope_stats`), land needs (2018 MoA guide), every gate and criterion, score,
  rank and the ±20 % weight sensitivity - first call (cold) and the median of repeated calls
  (warm); the target is under one second;
* the same for all 15 demo candidates at once.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import geopandas as gpd

from layers.region import load_region
from planning.site_scoring import county_water_use
from planning.siting_inputs import SitingInputs, load_siting_inputs, site_terrain
from siting.assess import SiteAssessment, assess_sites
from siting.score import default_weights

REPEATS = 20
ONE_SITE = "DEMO-11"  # passes every gate, so every criterion is measured


def _score(sites: gpd.GeoDataFrame, inputs: SitingInputs) -> SiteAssessment:
    return assess_sites(
        sites,
        inputs.layers,
        inputs.params,
        default_weights(inputs.params),
        needs=inputs.needs,
        terrain=site_terrain(sites, inputs),
    )


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    """Print the timings."""
    region = load_region("hohhot")
    start = time.perf_counter()
    inputs = load_siting_inputs(region, county_water=county_water_use(region, 2021))
    parcels = 0 if inputs.layers.parcels is None else len(inputs.layers.parcels)
    print(
        f"load inputs (constraint layers, {parcels:,} parcels, tables, county water): "
        f"{time.perf_counter() - start:.2f} s"
    )
    demo = gpd.read_file(region.dir / "demo_candidates.geojson")
    for label, sites in (
        (f"one candidate ({ONE_SITE})", demo[demo["site_id"] == ONE_SITE]),
        (f"{len(demo)} demo candidates", demo),
    ):
        cold = _time(lambda s=sites: _score(s, inputs))
        warm = [_time(lambda s=sites: _score(s, inputs)) for _ in range(REPEATS)]
        print(
            f"{label}: cold {cold * 1000:.0f} ms, warm median "
            f"{statistics.median(warm) * 1000:.0f} ms (min {min(warm) * 1000:.0f}, "
            f"max {max(warm) * 1000:.0f}; {REPEATS} runs)"
        )
    result = _score(demo[demo["site_id"] == ONE_SITE], inputs).scores.sites[0]
    print(
        f"{ONE_SITE}: passed={result.passed}, score={result.score:.1f}, target < 1 s per candidate"
    )


if __name__ == "__main__":
    main()
