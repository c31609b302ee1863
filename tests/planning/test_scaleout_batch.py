"""The chunked batch (`planning.scaleout`) equals the in-memory path on a real LocalCluster.

One LocalCluster of 2 worker processes (as ``python -m siting batch`` starts by default) for
the module: sites scored in partitions, the county balance over parcel partitions and the
suitability surface computed window by window on the workers, each compared with the
in-memory function the ordinary commands call.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client

import geopandas as gpd
import rasterio
from shapely import affinity

from cli import main
from layers.coefficients import load_nutrient_params
from layers.parcels import load_parcels
from layers.region import load_region
from planning.nutrient_balance import county_balance_table
from planning.regions import region_outline
from planning.scaleout.capacity import county_balance_on_cluster
from planning.scaleout.cluster import cluster_client
from planning.scaleout.sites import BATCH_SCORE_COLUMNS, score_on_cluster
from planning.scaleout.surface import write_surface_on_cluster
from planning.site_scoring import ScoreOptions, assess_site_file, read_sites
from planning.surface import SurfaceOptions, surface_context, write_surface
from siting.surface import SurfaceFootprint

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "regions" / "hohhot" / "demo_candidates.geojson"
SHIFT_DEG = 0.004  # copies of the demo candidates ~400 m apart
COPIES = 3
PARTITION_SITES = 7  # 45 sites -> 7 partitions, the last one short
PARTITION_PARCELS = 5_000
COARSE_CELL_M = 600.0  # a coarse surface keeps the test to seconds
WINDOW_ROWS = 16
HERD_HEAD = 5_000
FOOTPRINT_MU = 600.0


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with cluster_client(None, n_workers=2, memory_limit="1.5GB") as started:
        yield started


@pytest.fixture(scope="module")
def sites_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    demo = gpd.read_file(DEMO)
    copies = []
    for k in range(COPIES):
        copy = demo.copy()
        copy["geometry"] = copy.geometry.apply(
            lambda g, k=k: affinity.translate(g, k * SHIFT_DEG, k * SHIFT_DEG)
        )
        copy["site_id"] = [f"C{k}-{i:02d}" for i in range(len(demo))]
        copies.append(copy)
    path = tmp_path_factory.mktemp("batch") / "sites.geojson"
    gpd.GeoDataFrame(pd.concat(copies, ignore_index=True), crs=demo.crs).to_file(path)
    return path


def _in_memory_table(sites_file: Path) -> pd.DataFrame:
    """What ``python -m siting score`` computes, as the batch table's columns."""
    region = load_region("hohhot")
    site_input = read_sites(sites_file, herd=None, region_outline=region_outline(region), lang="en")
    assessment, _ = assess_site_file(site_input, region, ScoreOptions())
    scores = assessment.scores.to_frame()
    needs = pd.DataFrame(assessment.sites.drop(columns="geometry")).reset_index(drop=True)
    return scores.assign(**{c: needs[c] for c in BATCH_SCORE_COLUMNS if c not in scores})


def test_sites_scored_in_partitions_equal_the_score_command(
    client: Client, sites_file: Path
) -> None:
    region = load_region("hohhot")
    site_input = read_sites(sites_file, herd=None, region_outline=region_outline(region), lang="en")
    batch = score_on_cluster(
        site_input.sites, region, ScoreOptions(), client, partition_sites=PARTITION_SITES
    )
    expected = _in_memory_table(sites_file)
    assert len(batch) == len(expected) == COPIES * 15
    assert batch["site_id"].tolist() == expected["site_id"].tolist()
    assert batch["passed"].tolist() == expected["passed"].tolist()
    assert batch["failed_rules"].tolist() == expected["failed_rules"].tolist()
    assert batch["rank"].tolist() == expected["rank"].tolist()
    assert 0 < int(batch["passed"].sum()) < len(batch)  # both outcomes are exercised
    numbers = ["score", "absorption_need_mu", "forage_need_mu", "water_need_m3_per_yr"]
    pd.testing.assert_frame_equal(
        batch[numbers], expected[numbers].astype(float), rtol=1e-12, atol=0.0
    )


def test_county_balance_over_parcel_partitions_equals_capacity(client: Client) -> None:
    region = load_region("hohhot")
    params = load_nutrient_params(region.dir)
    batch = county_balance_on_cluster(region, params, client, partition_rows=PARTITION_PARCELS)
    expected = county_balance_table(region, params, load_parcels(region))
    assert batch["adcode"].tolist() == expected["adcode"].tolist()
    assert batch["grade_n"].tolist() == expected["grade_n"].tolist()
    numeric = [c for c in expected.columns if pd.api.types.is_float_dtype(expected[c])]
    assert "capacity_dairy_cows_n" in numeric
    pd.testing.assert_frame_equal(
        batch[numeric], expected[numeric], rtol=1e-9, atol=1e-9, check_dtype=False
    )


def test_surface_windows_on_workers_equal_the_surface_command(
    client: Client, tmp_path: Path
) -> None:
    region = load_region("hohhot")
    footprint = SurfaceFootprint.from_area_mu(FOOTPRINT_MU, HERD_HEAD)
    options = SurfaceOptions(cell_m=COARSE_CELL_M, rows_per_window=WINDOW_ROWS)
    context = surface_context(region, footprint, options)
    write_surface(context, tmp_path / "memory.tif")
    write_surface_on_cluster(context, tmp_path / "dask.tif", client)
    with (
        rasterio.open(tmp_path / "memory.tif") as memory,
        rasterio.open(tmp_path / "dask.tif") as dask_file,
    ):
        profiles = [{**f.profile, "nodata": str(f.nodata)} for f in (memory, dask_file)]
        assert profiles[0] == profiles[1]  # NaN nodata compared as text (NaN != NaN)
        assert memory.tags() == dask_file.tags()
        codes, scores = memory.read(1), memory.read(2)
        np.testing.assert_array_equal(dask_file.read(1), codes)
        np.testing.assert_array_equal(dask_file.read(2), scores)
    assert (codes == 0).sum() > 0  # some cells pass every gate and carry a score
    assert np.isfinite(scores).sum() == (codes == 0).sum()


def test_batch_score_command_writes_the_table(
    sites_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    cluster = ["--workers", "2", "--memory-limit", "1.5GB", "--partition-sites", "20"]
    status = main(
        ["batch", "score", str(sites_file), "--region", "hohhot", "--out", str(out), *cluster]
    )
    assert status == 0
    written = pd.read_csv(out, dtype={"adcode": str})
    expected = _in_memory_table(sites_file)
    assert written["site_id"].tolist() == expected["site_id"].tolist()
    np.testing.assert_allclose(
        written["score"].to_numpy(), expected["score"].astype(float).to_numpy(), rtol=1e-12
    )
    passing = int(expected["passed"].sum())
    assert f"{len(expected)} sites, {passing} pass every hard gate" in capsys.readouterr().out
