"""Timing of ``python -m siting score`` on many candidates (issue 12: batch scoring).

Needs the generated constraint layers, DEM and parcels (``make data``). The candidates are
copies of the 15 demo candidates (``demo_candidates.geojson``) shifted on a grid of
``SHIFT_DEG`` steps, so they keep the demo's herd sizes and realistic footprints and a mix of
sites that pass and fail. Figures: wall time of ``cli.main(["score", FILE, "--region",
"hohhot", "--json"])`` in process (JSON written to a file) for 1, 1,000, 2,000 and 10,000
candidates, and the ratio of 2,000 sites to 1 site. Targets: 10,000 candidates in <= 10 s;
2,000 sites cost at most twice 1 site.

``python -m bench.bench_batch_score profile N`` prints the top of a cProfile of N sites.
"""

from __future__ import annotations

import contextlib
import cProfile
import math
import pstats
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import geopandas as gpd
from shapely import affinity

import cli
from layers.region import load_region

SIZES = (1, 1_000, 2_000, 10_000)
SHIFT_DEG = 0.004  # ~400 m: copies overlap the original's neighbourhood but not each other much
TARGET_10K_S = 10.0


def make_candidates(n_sites: int) -> gpd.GeoDataFrame:
    """Return ``n_sites`` candidate footprints: demo candidates shifted on a grid.

    Parameters
    ----------
    n_sites
        Number of candidates (ids ``B-00001``...).

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id``, ``dairy_cow_head`` and a polygon in EPSG:4326.
    """
    demo = gpd.read_file(load_region("hohhot").dir / "demo_candidates.geojson")
    side = math.ceil(math.sqrt(math.ceil(n_sites / len(demo))))
    rows = []
    for k in range(n_sites):
        base = demo.iloc[k % len(demo)]
        step = k // len(demo)
        dx_deg = (step % side - side // 2) * SHIFT_DEG
        dy_deg = (step // side - side // 2) * SHIFT_DEG
        rows.append(
            {
                "site_id": f"B-{k + 1:05d}",
                "dairy_cow_head": int(base["dairy_cow_head"]),
                "geometry": affinity.translate(base.geometry, dx_deg, dy_deg),
            }
        )
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=demo.crs)


def time_score(path: Path, out_path: Path) -> float:
    """Return the wall time (s) of ``score PATH --region hohhot --json`` run in process."""
    start = time.perf_counter()
    with out_path.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
        status = cli.main(["score", str(path), "--region", "hohhot", "--json"])
    elapsed = time.perf_counter() - start
    if status != 0:
        msg = f"score exited with {status}"
        raise RuntimeError(msg)
    return elapsed


def _write(n_sites: int, folder: Path) -> Path:
    path = folder / f"candidates_{n_sites}.geojson"
    make_candidates(n_sites).to_file(path, driver="GeoJSON")
    return path


def profile(n_sites: int, top: int = 40, sort: str = "cumulative") -> None:
    """Print the top (by ``sort``) of a cProfile of scoring ``n_sites`` candidates."""
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(n_sites, Path(tmp))
        profiler = cProfile.Profile()
        profiler.runcall(time_score, path, Path(tmp) / "out.json")
    pstats.Stats(profiler).sort_stats(sort).print_stats(top)


def main(sizes: tuple[int, ...] = SIZES) -> None:
    """Print the timings."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        time_score(_write(1, folder), folder / "warm.json")  # imports and caches, not timed
        seconds = {}
        for n_sites in sizes:
            seconds[n_sites] = time_score(_write(n_sites, folder), folder / "out.json")
            print(f"score {n_sites:>6,} candidates: {seconds[n_sites]:6.2f} s", flush=True)
    if 1 in seconds and 2_000 in seconds:
        print(f"2,000 sites / 1 site: {seconds[2_000] / seconds[1]:.1f}x (target <= 2x)")
    if 10_000 in seconds:
        print(f"10,000 sites: {seconds[10_000]:.2f} s (target <= {TARGET_10K_S:.0f} s)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "profile":
        profile(
            int(sys.argv[2]) if len(sys.argv) > 2 else 1_000,
            sort=sys.argv[3] if len(sys.argv) > 3 else "cumulative",
        )
    else:
        main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
