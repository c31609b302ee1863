"""Suitability surface of the whole of Hohhot at 30 m, locate, and the siting optimiser.

Needs the generated constraint layers, DEM and parcels (``make data``). Figures:

* the surface (`planning.surface`): 5,000-cow ranch on the default footprint, 30 m cells,
  windows of 256 rows; wall time and the process's peak resident memory (targets <= 60 s,
  < 2 GB);
* locate: 2,000 candidates at least 1.5 km apart (`planning.locate`);
* the optimiser (`planning.optimise`): building the problem (every candidate scored by the
  site scorer, needs, ledger pairs, county headroom), then the MILP choosing 10 of the
  2,000 (target <= 30 s), and the plan's per-county counts (土左旗 2, 和林县 3, 托县 4,
  清水河县 1).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import rasterio

from bench.figures import Figure, measured
from layers.region import load_region
from planning.locate import propose_candidates, write_candidates
from planning.optimise import siting_problem
from planning.scaleout.cluster import local_cluster
from planning.scaleout.surface import write_surface_on_cluster
from planning.surface import (
    SurfaceContext,
    SurfaceOptions,
    default_footprint_mu,
    surface_context,
    write_surface,
)
from siting.optimise import SiteCounts, choose_sites
from siting.surface import SurfaceFootprint

HERD_DAIRY_COWS = 5_000
FULL_CELL_M = 30.0
QUICK_CELL_M = 120.0
CANDIDATES = 2_000
MIN_DISTANCE_KM = 1.5
PLAN_COUNTS = (("150121", 2), ("150123", 3), ("150122", 4), ("150124", 1))
_KB_PER_GB = 1024**2


def _peak_gb() -> float:
    """Peak resident memory of this process so far (GB; Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / _KB_PER_GB


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r  surface rows {done}/{total}")
    sys.stderr.flush()


def main() -> None:
    """Print the figures."""
    region = load_region("hohhot")
    footprint = SurfaceFootprint.from_area_mu(default_footprint_mu(region), HERD_DAIRY_COWS)
    with tempfile.TemporaryDirectory() as folder:
        tif = Path(folder) / "surface.tif"
        start, cpu = time.perf_counter(), time.process_time()
        context = surface_context(region, footprint, SurfaceOptions(cell_m=30.0))
        loaded = time.perf_counter()
        write_surface(context, tif, progress=_progress)
        done = time.perf_counter()
        sys.stderr.write("\n")
        grid = context.grid
        print(
            f"surface {grid.width} x {grid.height} cells of 30 m ({grid.width * grid.height:,}):"
            f" {done - start:.1f} s (load {loaded - start:.1f} s, windows "
            f"{done - loaded:.1f} s; process CPU {time.process_time() - cpu:.1f} s), "
            f"peak memory {_peak_gb():.2f} GB; "
            f"COG {tif.stat().st_size / 1e6:.1f} MB; targets <= 60 s, < 2 GB"
        )
        start = time.perf_counter()
        candidates = propose_candidates(
            region, tif, count=CANDIDATES, min_distance_km=MIN_DISTANCE_KM, lang="en"
        )
        gpkg = write_candidates(candidates, Path(folder) / "candidates.gpkg")
        print(
            f"locate {len(candidates):,} candidates >= {MIN_DISTANCE_KM} km apart: "
            f"{time.perf_counter() - start:.1f} s"
        )
        start = time.perf_counter()
        inputs = siting_problem(region, gpkg, lang="en")
        problem = inputs.problem
        print(
            f"optimiser problem ({problem.n_sites:,} passing candidates, "
            f"{len(problem.pair_site):,} ledger pairs; scoring every candidate): "
            f"{time.perf_counter() - start:.1f} s"
        )
        for label, counts in (
            ("10 in total", SiteCounts(total=10)),
            ("plan counts 150121:2,150123:3,150122:4,150124:1", SiteCounts(by_county=PLAN_COUNTS)),
        ):
            start = time.perf_counter()
            choice = choose_sites(problem, counts, inputs.params)
            print(
                f"optimiser, {label}: {time.perf_counter() - start:.1f} s, feasible "
                f"{choice.feasible}, objective {choice.objective_points:.1f}, "
                f"binding {[(b.adcode, b.kind) for b in choice.binding_limits]}; "
                f"target <= 30 s"
            )
    print(f"peak memory of the whole bench: {_peak_gb():.2f} GB")


def figures(quick: bool = False) -> list[Figure]:
    """Return the Hohhot surface in memory and on a 2-process LocalCluster (same COG).

    ``--quick`` uses `QUICK_CELL_M` cells instead of 30 m.
    """
    cell_m = QUICK_CELL_M if quick else FULL_CELL_M
    region = load_region("hohhot")
    footprint = SurfaceFootprint.from_area_mu(default_footprint_mu(region), HERD_DAIRY_COWS)
    options = SurfaceOptions(cell_m=cell_m)
    with tempfile.TemporaryDirectory() as folder:
        memory_tif, dask_tif = Path(folder) / "memory.tif", Path(folder) / "dask.tif"
        context, memory_s, memory_gb = measured(
            lambda: _written(surface_context(region, footprint, options), memory_tif)
        )
        with local_cluster(2, "2GB", processes=True) as client:
            _, dask_s, dask_gb = measured(
                lambda: write_surface_on_cluster(
                    surface_context(region, footprint, options), dask_tif, client
                )
            )
        with rasterio.open(memory_tif) as one, rasterio.open(dask_tif) as two:
            same = bool(np.array_equal(one.read(), two.read(), equal_nan=True))
    cells = f"{context.grid.width:,} x {context.grid.height:,} cells of {cell_m:g} m"
    print(
        f"surface of Hohhot, {cells}: in memory {memory_s:.1f} s ({memory_gb:.2f} GB), "
        f"Dask {dask_s:.1f} s ({dask_gb:.2f} GB); same COG pixels {same}"
    )
    return [
        Figure(
            f"surface of Hohhot ({cells}), Dask 2 workers",
            dask_s,
            "s",
            "in memory",
            memory_s,
            note=f"peak {dask_gb:.2f} GB vs {memory_gb:.2f} GB; pixels equal: {same}",
        )
    ]


def _written(context: SurfaceContext, path: Path) -> SurfaceContext:
    write_surface(context, path)
    return context


if __name__ == "__main__":
    main()
