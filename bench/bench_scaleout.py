"""Time and peak memory of county manure demand: in memory vs chunked on a LocalCluster.

A synthetic, seeded 1,000,000-row parcel layer (attributes of the parcel schema plus tiny
square geometries near Hohhot; not real data) is written once to a temporary GeoPackage. Then:

* chunked: `planning.scaleout.capacity.county_demand_by_chunks` (2 thread workers, 100,000 rows a
  chunk), first so its peak is not hidden by memory the in-memory path leaves behind;
* in memory: read the whole layer's needed columns, `parcel_absorption_capacity`, group by
  county (what ``python -m siting capacity`` does after loading).

Peak memory is the highest resident set size sampled (every 10 ms, psutil) during each path,
minus the resident size when it started.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

import geopandas as gpd
import pyogrio
import shapely

from layers.coefficients import load_crop_table, load_nutrient_params
from planning.scaleout.capacity import chunk_demand, county_demand_by_chunks
from planning.scaleout.cluster import local_cluster
from planning.scaleout.parcel_chunks import NEEDED_COLUMNS

ROWS = 1_000_000
WRITE_BATCH = 250_000
CHUNK_ROWS = 100_000
LAYER = "absorption_parcels"
ADCODES = ("150102", "150103", "150104", "150105", "150121", "150122", "150123", "150124", "150125")
SEED = 20_260_101


def _batch(rng: np.random.Generator, start: int, rows: int, crops: list[str]) -> gpd.GeoDataFrame:
    lon = rng.uniform(110.6, 112.2, rows)
    lat = rng.uniform(39.7, 41.3, rows)
    return gpd.GeoDataFrame(
        {
            "parcel_id": [f"S{i:07d}" for i in range(start, start + rows)],
            "adcode": rng.choice(ADCODES, rows),
            "crop": rng.choice(crops, rows),
            "yield_kg_per_mu": rng.uniform(200.0, 1500.0, rows),
            "soil_n_class": rng.choice(["I", "II", "III"], rows),
            "soil_p_class": rng.choice(["I", "II", "III"], rows),
            "olsen_p_mg_per_kg": rng.uniform(5.0, 40.0, rows),
            "manure_allowed": rng.random(rows) < 0.8,
            "area_mu": rng.uniform(1.0, 200.0, rows),
            "illustrative": np.ones(rows, dtype=bool),
        },
        geometry=shapely.box(lon, lat, lon + 0.001, lat + 0.001),
        crs="EPSG:4326",
    )


def write_synthetic(path: Path, crops: list[str]) -> None:
    """Write the seeded synthetic parcel layer in batches."""
    rng = np.random.default_rng(SEED)
    for start in range(0, ROWS, WRITE_BATCH):
        pyogrio.write_dataframe(
            _batch(rng, start, WRITE_BATCH, crops),
            path,
            layer=LAYER,
            driver="GPKG",
            append=start > 0,
        )


def _measured(call: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame, float, float]:
    """Return ``call()``, its wall time (s) and peak resident memory above the start (MiB)."""
    process = psutil.Process()
    base = process.memory_info().rss
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return result, seconds, (peak[0] - base) / 2**20


def main() -> None:
    """Print time and peak memory of both paths on the synthetic layer."""
    crops, params = load_crop_table(), load_nutrient_params()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic_parcels.gpkg"
        start = time.perf_counter()
        write_synthetic(path, list(crops))
        print(
            f"wrote {ROWS:,} synthetic parcels in {time.perf_counter() - start:.1f} s "
            f"({path.stat().st_size / 2**20:.0f} MiB)"
        )
        with local_cluster(n_workers=2, memory_limit="2GiB") as client:
            chunked, seconds, mib = _measured(
                lambda: county_demand_by_chunks(
                    path, LAYER, crops=crops, params=params, chunk_rows=CHUNK_ROWS, client=client
                )
            )
        print(
            f"chunked ({CHUNK_ROWS:,} rows a chunk, 2 workers): {seconds:.1f} s, "
            f"peak +{mib:.0f} MiB"
        )
        whole, seconds, mib = _measured(
            lambda: chunk_demand(
                pyogrio.read_dataframe(
                    path, layer=LAYER, columns=list(NEEDED_COLUMNS), read_geometry=False
                ),
                crops,
                params,
            )
        )
        print(f"in memory (whole layer): {seconds:.1f} s, peak +{mib:.0f} MiB")
        gap = ((chunked.set_index("adcode") - whole).abs() / whole.abs()).max().max()
        print(f"largest relative difference between the two county totals: {gap:.2g}")
