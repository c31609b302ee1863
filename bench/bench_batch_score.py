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

import numpy as np
import pandas as pd

import geopandas as gpd
from shapely import affinity

import cli
from bench.figures import Figure, timed
from layers.region import load_region
from planning.scaleout.sites import score_table
from planning.site_scoring import ScoreOptions, load_scoring_setup

SIZES = (1, 1_000, 2_000, 10_000)
QUICK_SIZES = (1, 2_000)
#: Runs per size in `figures` (the best is kept: the machine is shared and noisy).
REPEATS = {1: 3, 2_000: 2}
LOOP_SITES = 100
QUICK_LOOP_SITES = 30
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


def loop_vs_batch(n_sites: int) -> tuple[float, float]:
    """Return the wall time (s) of scoring ``n_sites`` in one batch and one site at a time.

    Inputs are loaded once before either is timed (`load_scoring_setup`); both call the
    scorer of ``siting score`` (`planning.scaleout.sites.score_table`).
    """
    region = load_region("hohhot")
    setup = load_scoring_setup(region, ScoreOptions())
    sites = make_candidates(n_sites).assign(name=None)
    batch, batch_s = timed(lambda: score_table(sites, setup))
    loop, loop_s = timed(lambda: [score_table(sites.iloc[[k]], setup) for k in range(n_sites)])
    scores = pd.concat(loop, ignore_index=True)["score"].to_numpy()
    same = np.allclose(scores, batch["score"].to_numpy(), rtol=1e-9, equal_nan=True)
    print(f"{n_sites:,} sites: batch {batch_s:.2f} s, per-site loop {loop_s:.2f} s; same {same}")
    return batch_s, loop_s


def figures(quick: bool = False) -> list[Figure]:
    """Return the end-to-end ``siting score`` timings and the batch vs per-site loop."""
    sizes = QUICK_SIZES if quick else SIZES
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        time_score(_write(1, folder), folder / "warm.json")  # imports and caches, not timed
        seconds = {}
        for n_sites in sizes:
            path = _write(n_sites, folder)
            repeats = REPEATS.get(n_sites, 1)
            seconds[n_sites] = min(time_score(path, folder / "out.json") for _ in range(repeats))
    for n_sites, value in seconds.items():
        print(f"score {n_sites:>6,} candidates: {value:6.2f} s", flush=True)
    result = [
        Figure(
            "siting score 2,000 sites, end to end",
            seconds[2_000],
            "s",
            "the same command on 1 site (best of 3 runs; 2,000: best of 2)",
            seconds[1],
            target="<= 2x",
        )
    ]
    if 10_000 in seconds:
        result.append(
            Figure(
                "siting score 10,000 sites, end to end",
                seconds[10_000],
                "s",
                "the target",
                TARGET_10K_S,
                target=f"<= {TARGET_10K_S:.0f} s",
            )
        )
    n_loop = QUICK_LOOP_SITES if quick else LOOP_SITES
    batch_s, loop_s = loop_vs_batch(n_loop)
    result.append(
        Figure(f"score {n_loop:,} sites in one batch", batch_s, "s", "per-site loop", loop_s)
    )
    return result


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
