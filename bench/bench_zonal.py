"""Zonal slope under candidate sites: exactextract (tiled) vs rasterstats (per site).

Both on the Hohhot 30 m DEM (``make data``) and the shifted demo candidates of
`bench.bench_batch_score.make_candidates`:

* ours, `geo.raster.slope_stats`: sites grouped by DEM tile, one window, one Horn slope and one
  exactextract call per tile (coverage-weighted mean, max);
* baseline, rasterstats 0.21 ``zonal_stats`` per site on the Horn slope of that site's DEM
  window (plus one cell), the usual way to do it with rasterstats: mean of the cells whose
  centre is inside, max.

The means differ a little by method (coverage weights vs cell centres); the maxima by the
cells counted at the edge. Both differences are printed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from rasterstats import zonal_stats

import geopandas as gpd
import rasterio
from rasterio.windows import Window, from_bounds

from bench.bench_batch_score import make_candidates
from bench.figures import Figure, timed
from geo.raster import slope_deg, slope_stats
from layers.constraints import dem_path as region_dem_path
from layers.region import load_region

SITES: Final = 2_000
QUICK_SITES: Final = 300
HALO_CELLS: Final = 1


def rasterstats_slope(sites: gpd.GeoDataFrame, dem_path: Path) -> pd.DataFrame:
    """Return ``site_id``, ``slope_mean_deg``, ``slope_max_deg`` by rasterstats, site by site."""
    rows = []
    with rasterio.open(dem_path) as dem:
        for site_id, geometry in zip(sites["site_id"], sites.geometry, strict=True):
            window = from_bounds(*geometry.bounds, transform=dem.transform)
            window = Window(
                int(window.col_off) - HALO_CELLS,
                int(window.row_off) - HALO_CELLS,
                int(np.ceil(window.width)) + 2 * HALO_CELLS + 1,
                int(np.ceil(window.height)) + 2 * HALO_CELLS + 1,
            )
            transform = dem.window_transform(window)
            elevation = dem.read(1, window=window, boundless=True, masked=True)
            slope = slope_deg(elevation.filled(np.nan).astype(np.float64), transform)
            stats = zonal_stats(
                geometry, slope, affine=transform, stats=["mean", "max"], nodata=np.nan
            )[0]
            rows.append((site_id, stats["mean"], stats["max"]))
    return pd.DataFrame(rows, columns=["site_id", "slope_mean_deg", "slope_max_deg"])


def figures(quick: bool = False) -> list[Figure]:
    """Time both on the same sites; return the figure with rasterstats as the baseline."""
    n_sites = QUICK_SITES if quick else SITES
    region = load_region("hohhot")
    dem_path = region_dem_path(region)
    with rasterio.open(dem_path) as dem:
        sites = make_candidates(n_sites).to_crs(dem.crs)
    ours, ours_s = timed(lambda: slope_stats(sites, dem_path, id_column="site_id"))
    theirs, theirs_s = timed(lambda: rasterstats_slope(sites, dem_path))
    merged = ours.merge(theirs, on="site_id", suffixes=("", "_rs"))
    mean_gap = float((merged["slope_mean_deg"] - merged["slope_mean_deg_rs"]).abs().median())
    max_gap = float((merged["slope_max_deg"] - merged["slope_max_deg_rs"]).abs().median())
    print(
        f"zonal slope, {n_sites:,} sites: exactextract {ours_s:.2f} s, rasterstats "
        f"{theirs_s:.2f} s; median |difference| mean {mean_gap:.3f} deg, max {max_gap:.3f} deg"
    )
    return [
        Figure(
            f"zonal slope of {n_sites:,} sites (exactextract, tiled)",
            ours_s,
            "s",
            "rasterstats per site",
            theirs_s,
            note=f"median |diff| of the mean {mean_gap:.3f} deg",
        )
    ]


def main(quick: bool = False) -> None:
    """Print the figure."""
    figures(quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
