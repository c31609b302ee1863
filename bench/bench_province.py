"""Province-size case on a 2-worker LocalCluster vs the in-memory path (issue 12).

Generated deterministically on the fly (not committed, not real data):

* a DEM of ``cells`` x ``cells`` cells at 30 m (full case 40,000 x 40,000 = 1.6 billion cells,
  1,200 km square, float32) as a dask array wrapped by rioxarray (EPSG:4546), each window
  computed from the global row/column of its cells (smooth relief plus a hashed roughness), so
  any window equals the same cells of the whole array; zones ("counties") are a 10 x 10 grid;
* ``parcels`` absorption parcels (full case 5 million) in partitions of 250,000, each drawn
  from a seed of its own (parcel schema, square geometries in EPSG:4546, county = zone).

Dask path, on a LocalCluster of 2 worker processes with `WORKER_MEMORY_LIMIT` each: slope
statistics per zone (`planning.scaleout.terrain.zonal_slope_on_cluster`: Horn slope per
window with a one-cell overlap, cells above the slope gate's 20 deg) and county manure demand
(`siting.nutrients.parcel_absorption_capacity` per partition, summed; as
`planning.scaleout.capacity`). In-memory path: the same functions on whole arrays and frames.
Both run on a sub-case where the in-memory path fits; the results are compared; the full case
runs on the cluster only. Peak memory = the largest sum of resident sizes of this process and
its worker processes (psutil, every 50 ms).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import dask.array as dask_array
import numpy as np
import pandas as pd
import xarray as xr
from dask.delayed import delayed

import geopandas as gpd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import shapely

from bench.figures import Figure, measured, timed
from layers.coefficients import load_crop_table, load_nutrient_params
from planning.scaleout.capacity import chunk_demand, tree_sum
from planning.scaleout.cluster import local_cluster
from planning.scaleout.terrain import (
    ZoneSlopeSpec,
    zonal_slope_counts,
    zonal_slope_on_cluster,
)

if TYPE_CHECKING:
    from distributed import Client

    from siting.parameters import CropTable, NutrientParams

CELL_M: Final = 30.0
CRS: Final = "EPSG:4546"
ORIGIN_M: Final = (300_000.0, 5_200_000.0)  # top-left corner (x, y), illustrative
ZONES_PER_SIDE: Final = 10
SLOPE_LIMIT_DEG: Final = 20.0  # the slope gate of data/coefficients/siting_rules.csv
WINDOW_CELLS: Final = 2_500
PARTITION_PARCELS: Final = 250_000
WORKERS: Final = 2
WORKER_MEMORY_LIMIT: Final = "2.5GB"
MEMORY_LIMIT_GB: Final = 6.0  # stated limit of the whole Dask run (2 x 2.5 GB + client)
SEED: Final = 20_261_206
RELIEF_M: Final = (400.0, 150.0, 150.0)  # amplitudes of three sine waves (m)
WAVELENGTH_M: Final = (90_000.0, 21_000.0, 2_000.0)
ROUGHNESS_M: Final = 6.0
BASE_ELEVATION_M: Final = 1_200.0
HASH_X: Final = 73_856_093
HASH_Y: Final = 19_349_663
HASH_BUCKETS: Final = 1_024
PARCEL_SIDE_M: Final = (40.0, 400.0)
M2_PER_MU: Final = 10_000 / 15


@dataclass(frozen=True)
class Case:
    """A generated case: a ``cells`` x ``cells`` DEM and ``parcels`` parcels."""

    name: str
    cells: int
    parcels: int
    window_cells: int = WINDOW_CELLS
    partition_parcels: int = PARTITION_PARCELS


FULL: Final = Case("province 40,000^2 cells, 5 M parcels", 40_000, 5_000_000)
SUB: Final = Case("sub-case 6,000^2 cells, 1 M parcels", 6_000, 1_000_000)
QUICK_FULL: Final = Case("quick 8,000^2 cells, 1 M parcels", 8_000, 1_000_000)
QUICK_SUB: Final = Case("quick sub-case 3,000^2 cells, 250 k parcels", 3_000, 250_000)


def elevation_m(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Return the generated elevation (m, float32) at global cell ``rows`` x ``cols``."""
    y_m = (rows.astype(np.float64)[:, None] + 0.5) * CELL_M
    x_m = (cols.astype(np.float64)[None, :] + 0.5) * CELL_M
    z = np.full((len(rows), len(cols)), BASE_ELEVATION_M)
    for amplitude, wavelength in zip(RELIEF_M, WAVELENGTH_M, strict=True):
        z += amplitude * np.sin(2 * np.pi * x_m / wavelength) * np.cos(2 * np.pi * y_m / wavelength)
    bucket = (rows.astype(np.int64)[:, None] * HASH_Y) ^ (cols.astype(np.int64)[None, :] * HASH_X)
    z += ROUGHNESS_M * ((bucket % HASH_BUCKETS) / HASH_BUCKETS - 0.5)
    return z.astype(np.float32)


def zone_ids(rows: np.ndarray, cols: np.ndarray, cells: int) -> np.ndarray:
    """Return the zone id (0..99, row-major 10 x 10 grid) of global cells (int16)."""
    side = -(-cells // ZONES_PER_SIDE)
    return ((rows[:, None] // side) * ZONES_PER_SIDE + cols[None, :] // side).astype(np.int16)


def _block_rows_cols(block_info: dict[object, dict[str, object]]) -> tuple[np.ndarray, ...]:
    (row0, row1), (col0, col1) = block_info[None]["array-location"]  # type: ignore[misc]
    return np.arange(row0, row1), np.arange(col0, col1)


def _dem_block(block_info: dict[object, dict[str, object]]) -> np.ndarray:
    return elevation_m(*_block_rows_cols(block_info))


def dem_array(cells: int, window_cells: int = WINDOW_CELLS) -> xr.DataArray:
    """Return the generated DEM as a rioxarray DataArray of dask windows (nothing computed)."""
    chunks = dask_array.core.normalize_chunks(window_cells, (cells, cells))
    values = dask_array.map_blocks(_dem_block, chunks=chunks, dtype=np.float32)
    x = ORIGIN_M[0] + (np.arange(cells) + 0.5) * CELL_M
    y = ORIGIN_M[1] - (np.arange(cells) + 0.5) * CELL_M
    dem = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name="elevation_m")
    return dem.rio.write_crs(CRS)


def zones_array(cells: int, window_cells: int = WINDOW_CELLS) -> dask_array.Array:
    """Return the zone ids as a dask array with the DEM's windows."""
    chunks = dask_array.core.normalize_chunks(window_cells, (cells, cells))

    def block(block_info: dict[object, dict[str, object]]) -> np.ndarray:
        return zone_ids(*_block_rows_cols(block_info), cells)

    return dask_array.map_blocks(block, chunks=chunks, dtype=np.int16)


def parcel_partition(index: int, rows: int, cells: int, crops: list[str]) -> gpd.GeoDataFrame:
    """Return partition ``index`` of the generated parcels (its own seed; EPSG:4546)."""
    rng = np.random.default_rng([SEED, index])
    side_m = rng.uniform(*PARCEL_SIDE_M, rows)
    extent_m = cells * CELL_M
    x = ORIGIN_M[0] + rng.uniform(0, extent_m, rows)
    y = ORIGIN_M[1] - rng.uniform(0, extent_m, rows)
    row = ((ORIGIN_M[1] - y) // CELL_M).astype(np.int64)
    col = ((x - ORIGIN_M[0]) // CELL_M).astype(np.int64)
    side = -(-cells // ZONES_PER_SIDE)
    zone = (row // side) * ZONES_PER_SIDE + col // side
    return gpd.GeoDataFrame(
        {
            "parcel_id": [f"G{index:03d}-{k:07d}" for k in range(rows)],
            "adcode": pd.array([f"Z{z:03d}" for z in zone], dtype="string"),
            "crop": rng.choice(crops, rows),
            "yield_kg_per_mu": rng.uniform(200.0, 1500.0, rows),
            "soil_n_class": rng.choice(["I", "II", "III"], rows),
            "soil_p_class": rng.choice(["I", "II", "III"], rows),
            "olsen_p_mg_per_kg": rng.uniform(5.0, 40.0, rows),
            "manure_allowed": rng.random(rows) < 0.8,
            "area_mu": side_m**2 / M2_PER_MU,
            "illustrative": np.ones(rows, dtype=bool),
        },
        geometry=shapely.box(x, y, x + side_m, y + side_m),
        crs=CRS,
    )


def _partition_sizes(case: Case) -> list[int]:
    full, rest = divmod(case.parcels, case.partition_parcels)
    return [case.partition_parcels] * full + ([rest] if rest else [])


def _spec() -> ZoneSlopeSpec:
    return ZoneSlopeSpec(CELL_M, ZONES_PER_SIDE**2, SLOPE_LIMIT_DEG)


def run_dask(case: Case, client: Client, crops: CropTable, params: NutrientParams) -> tuple:
    """Return (zone slope stats, county demand) of ``case`` computed on ``client``."""
    slope = zonal_slope_on_cluster(
        dem_array(case.cells, case.window_cells),
        zones_array(case.cells, case.window_cells),
        _spec(),
        client,
    )
    part = delayed(parcel_partition, pure=True)
    demand = delayed(chunk_demand, pure=True)
    names = list(crops)
    parts = [
        demand(part(i, n, case.cells, names), crops, params)
        for i, n in enumerate(_partition_sizes(case))
    ]
    county = client.compute(tree_sum(parts)).result()
    return slope, county.sort_index()


def run_in_memory(case: Case, crops: CropTable, params: NutrientParams) -> tuple:
    """Return the same two results computed on whole arrays and one parcel frame."""
    rows = cols = np.arange(case.cells)
    slope = zonal_slope_counts(elevation_m(rows, cols), zone_ids(rows, cols, case.cells), _spec())
    names = list(crops)
    parcels = pd.concat(
        [parcel_partition(i, n, case.cells, names) for i, n in enumerate(_partition_sizes(case))],
        ignore_index=True,
    )
    return slope, chunk_demand(parcels, crops, params).sort_index()


def largest_gap(dask_result: tuple, memory_result: tuple) -> float:
    """Return the largest relative difference between the two paths' numbers."""
    gaps = []
    for left, right in zip(dask_result, memory_result, strict=True):
        a, b = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
        both = np.isfinite(a) & np.isfinite(b)
        if not np.array_equal(np.isfinite(a), np.isfinite(b)):
            return float("inf")
        gaps.append(float(np.max(np.abs(a[both] - b[both]) / np.maximum(np.abs(b[both]), 1e-12))))
    return max(gaps)


def figures(quick: bool = False) -> list[Figure]:
    """Run the sub-case both ways and the province case on the cluster; return the figures."""
    full, sub = (QUICK_FULL, QUICK_SUB) if quick else (FULL, SUB)
    crops, params = load_crop_table(), load_nutrient_params()
    memory, memory_s, memory_gb = measured(lambda: run_in_memory(sub, crops, params))
    print(f"{sub.name}, in memory: {memory_s:.1f} s, peak {memory_gb:.2f} GB", flush=True)
    cluster = local_cluster(WORKERS, WORKER_MEMORY_LIMIT, processes=True)
    client, start_s = timed(cluster.__enter__)
    try:
        print(f"LocalCluster of {WORKERS} processes started in {start_s:.1f} s", flush=True)
        on_sub, sub_s, sub_gb = measured(lambda: run_dask(sub, client, crops, params))
        gap = largest_gap(on_sub, memory)
        print(f"{sub.name}, Dask: {sub_s:.1f} s, peak {sub_gb:.2f} GB; gap {gap:.1e}", flush=True)
        _, full_s, full_gb = measured(lambda: run_dask(full, client, crops, params))
        print(f"{full.name}, Dask: {full_s:.1f} s, peak {full_gb:.2f} GB", flush=True)
    finally:
        cluster.__exit__(None, None, None)
    cells_ratio = (full.cells / sub.cells) ** 2
    note = f"{WORKERS} workers x {WORKER_MEMORY_LIMIT}; results equal to {gap:.1e} relative"
    return [
        Figure(f"Dask, {sub.name}: wall", sub_s, "s", "in memory", memory_s, note=note),
        Figure(f"Dask, {sub.name}: peak memory", sub_gb, "GB", "in memory", memory_gb),
        Figure(
            f"Dask, {full.name}: wall",
            full_s,
            "s",
            f"in memory on the sub-case x {cells_ratio:.0f} (cells)",
            memory_s * cells_ratio,
            note="in memory does not fit: the baseline is extrapolated from the sub-case",
        ),
        Figure(
            f"Dask, {full.name}: peak memory",
            full_gb,
            "GB",
            "stated limit",
            MEMORY_LIMIT_GB,
            target=f"<= {MEMORY_LIMIT_GB:g} GB",
            note=f"in memory would hold >= {full.cells**2 * 8 / 1e9:.0f} GB of slope alone",
        ),
    ]


def main(quick: bool = False) -> None:
    """Print the figures."""
    for figure in figures(quick):
        ratio = "" if figure.ratio is None else f" ({figure.ratio:.2f}x {figure.baseline_what})"
        print(f"{figure.what}: {figure.value:.2f} {figure.unit}{ratio}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
