"""Smoke version of the province benchmark, and slope per zone on a hand-computable plane.

A real LocalCluster of 2 worker processes: the generated case, reduced to 600 x 600 cells in
windows of 250 (with edges that are not whole windows) and 20,000 parcels in partitions of
7,000, gives the same zone slope statistics and county demand on the cluster as in memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import dask.array as dask_array
import numpy as np
import pytest
import xarray as xr
from distributed import Client

from bench.bench_province import Case, largest_gap, run_dask, run_in_memory
from layers.coefficients import load_crop_table, load_nutrient_params
from planning.scaleout.cluster import local_cluster
from planning.scaleout.terrain import ZoneSlopeSpec, zonal_slope_counts, zonal_slope_on_cluster

SMOKE = Case("smoke", cells=600, parcels=20_000, window_cells=250, partition_parcels=7_000)
CELL_M = 30.0
PLANE_DEG = 10.0
PLANE_CELLS = 12
PLANE_WINDOW = 5


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with local_cluster(2, "1.5GB", processes=True) as started:
        yield started


def test_generated_case_equal_on_cluster_and_in_memory(client: Client) -> None:
    crops, params = load_crop_table(), load_nutrient_params()
    on_cluster = run_dask(SMOKE, client, crops, params)
    in_memory = run_in_memory(SMOKE, crops, params)
    assert largest_gap(on_cluster, in_memory) < 1e-9
    slope, demand = on_cluster
    # every cell but the outer ring has a slope (Horn needs all 8 neighbours)
    assert slope["cells"].sum() == (SMOKE.cells - 2) ** 2
    assert 0 < slope["cells_above_limit"].sum() < slope["cells"].sum()
    assert demand["area_mu"].sum() > 0
    assert len(demand) == 100  # the 10 x 10 zones all hold parcels


def test_plane_has_its_slope_in_every_zone(client: Client) -> None:
    # z rises by tan(10 deg) x 30 m per column: Horn's slope is 10 deg on every inner cell
    rise_m = math.tan(math.radians(PLANE_DEG)) * CELL_M
    dem_m = np.tile(np.arange(PLANE_CELLS) * rise_m, (PLANE_CELLS, 1))
    zones = (
        (np.arange(PLANE_CELLS)[None, :] >= PLANE_CELLS // 2)
        .astype(np.int16)
        .repeat(PLANE_CELLS, axis=0)
    )
    spec = ZoneSlopeSpec(CELL_M, zone_count=2, slope_limit_deg=PLANE_DEG - 1)
    expected_cells = (PLANE_CELLS - 2) * (PLANE_CELLS // 2 - 1)
    in_memory = zonal_slope_counts(dem_m, zones, spec)
    dem = xr.DataArray(dask_array.from_array(dem_m, chunks=PLANE_WINDOW), dims=("y", "x"))
    zone_windows = dask_array.from_array(zones, chunks=PLANE_WINDOW)
    on_cluster = zonal_slope_on_cluster(dem, zone_windows, spec, client)
    for stats in (in_memory, on_cluster):
        assert stats["cells"].tolist() == [expected_cells, expected_cells]
        assert stats["mean_slope_deg"].tolist() == pytest.approx([PLANE_DEG] * 2, rel=1e-12)
        assert stats["share_above_limit"].tolist() == [1.0, 1.0]


def test_windows_of_dem_and_zones_must_match(client: Client) -> None:
    spec = ZoneSlopeSpec(CELL_M, zone_count=1, slope_limit_deg=PLANE_DEG)
    dem = xr.DataArray(dask_array.zeros((10, 10), chunks=5), dims=("y", "x"))
    with pytest.raises(ValueError, match="windows"):
        zonal_slope_on_cluster(dem, dask_array.zeros((10, 10), chunks=10), spec, client)
