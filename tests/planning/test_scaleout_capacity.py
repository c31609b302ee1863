"""Chunked county manure demand (`planning.scaleout.capacity`) on a real 2-worker LocalCluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client

import geopandas as gpd
from shapely.geometry import box

from errors import FileFormatError, ParameterError
from layers.coefficients import load_crop_table, load_nutrient_params, load_warning_grades
from layers.herd import HERD_COLUMNS, load_herd_baseline
from layers.parcels import load_parcels
from layers.region import load_region
from planning.scaleout.capacity import COUNTY_DEMAND_COLUMNS, county_demand_by_chunks
from planning.scaleout.cluster import local_cluster
from planning.scaleout.parcel_chunks import parcel_windows
from siting.nutrients import county_balance, parcel_absorption_capacity

ROOT = Path(__file__).resolve().parents[2]
HOHHOT = ROOT / "data" / "regions" / "hohhot"
HOHHOT_PARCELS = HOHHOT / "absorption_parcels.gpkg"
LAYER = "absorption_parcels"
SUMS = list(COUNTY_DEMAND_COLUMNS[1:])


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with local_cluster(n_workers=2, memory_limit="1GiB") as started:
        yield started


@pytest.fixture(scope="module")
def coefficients() -> dict[str, object]:
    return {"crops": load_crop_table(HOHHOT), "params": load_nutrient_params(HOHHOT)}


@pytest.mark.skipif(
    not HOHHOT_PARCELS.is_file(), reason="generated Hohhot parcels missing: run `make data`"
)
@pytest.mark.parametrize("chunk_rows", [997, 5000])
def test_hohhot_chunked_equals_in_memory(
    client: Client, coefficients: dict[str, object], chunk_rows: int
) -> None:
    region = load_region("hohhot")
    crops, params = coefficients["crops"], coefficients["params"]
    in_memory = county_balance(
        parcel_absorption_capacity(load_parcels(region), crops, params),
        load_herd_baseline(region),
        params,
        load_warning_grades(region.dir),
        species_columns=HERD_COLUMNS,
    )
    chunked = county_demand_by_chunks(
        HOHHOT_PARCELS, LAYER, crops=crops, params=params, chunk_rows=chunk_rows, client=client
    )
    expected = in_memory[in_memory["area_mu"] > 0].reset_index(drop=True)
    assert chunked["adcode"].tolist() == expected["adcode"].astype(str).tolist()
    pd.testing.assert_frame_equal(
        chunked[SUMS], expected[SUMS], rtol=1e-9, atol=0.0, check_dtype=False
    )


def _tiny_parcels(path: Path, *, with_area: bool = True) -> Path:
    """Three parcels in two counties; 100 m x 100 m squares built in EPSG:4546."""
    squares = [box(500_000 + 1000 * i, 4_500_000, 500_100 + 1000 * i, 4_500_100) for i in range(3)]
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "adcode": ["150121", "150121", "150122"],
            "crop": ["maize", "wheat", "maize"],
            "yield_kg_per_mu": [600.0, 400.0, 500.0],
            "soil_n_class": ["II", "III", "II"],
            "soil_p_class": ["I", "II", "II"],
            "olsen_p_mg_per_kg": [10.0, 20.0, 30.0],
            "manure_allowed": [True, True, False],
            "area_mu": [10.0, 5.0, 7.0],
            "illustrative": [True, True, True],
        },
        geometry=squares,
        crs="EPSG:4546",
    ).to_crs("EPSG:4326")
    if not with_area:
        frame = frame.drop(columns="area_mu")
    frame.to_file(path, layer=LAYER, driver="GPKG")
    return path


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 1000])
def test_tiny_layer_known_answer(
    tmp_path: Path, client: Client, coefficients: dict[str, object], chunk_rows: int
) -> None:
    path = _tiny_parcels(tmp_path / "tiny.gpkg")
    result = county_demand_by_chunks(
        path, LAYER, chunk_rows=chunk_rows, client=client, **coefficients
    )
    # yield/100 x uptake per 100 kg x fert share (soil class) x manure share 0.5
    # / utilisation (defaults N 0.30, P 0.35) x area; maize N 2.3 P 0.3, wheat N 3.0 P 1.0;
    # fert share I 0.35, II 0.45, III 0.55; P3 has manure_allowed False -> 0.
    n_p1 = 600 / 100 * 2.3 * 0.45 * 0.5 / 0.30 * 10.0
    p_p1 = 600 / 100 * 0.3 * 0.35 * 0.5 / 0.35 * 10.0
    n_p2 = 400 / 100 * 3.0 * 0.55 * 0.5 / 0.30 * 5.0
    p_p2 = 400 / 100 * 1.0 * 0.45 * 0.5 / 0.35 * 5.0
    assert result["adcode"].tolist() == ["150121", "150122"]
    assert result["area_mu"].tolist() == pytest.approx([15.0, 7.0], rel=1e-12)
    assert result["manure_area_mu"].tolist() == pytest.approx([15.0, 0.0], rel=1e-12)
    assert result["manure_n_demand_kg_per_yr"].tolist() == pytest.approx(
        [n_p1 + n_p2, 0.0], rel=1e-12
    )
    assert result["manure_p_demand_kg_per_yr"].tolist() == pytest.approx(
        [p_p1 + p_p2, 0.0], rel=1e-12
    )


def test_area_measured_from_geometry_without_area_column(
    tmp_path: Path, client: Client, coefficients: dict[str, object]
) -> None:
    path = _tiny_parcels(tmp_path / "no_area.gpkg", with_area=False)
    result = county_demand_by_chunks(
        path, LAYER, chunk_rows=2, client=client, analysis_crs="EPSG:4546", **coefficients
    )
    # each square is 100 m x 100 m = 10,000 m2 = 15 亩 (1 亩 = 10,000/15 m2)
    assert result["area_mu"].tolist() == pytest.approx([30.0, 15.0], rel=1e-6)


def test_chunk_larger_than_file_is_one_chunk(
    tmp_path: Path, client: Client, coefficients: dict[str, object]
) -> None:
    path = _tiny_parcels(tmp_path / "tiny.gpkg")
    assert len(parcel_windows(path, LAYER, 10_000)) == 1
    assert len(parcel_windows(path, LAYER, 2)) == 2
    one = county_demand_by_chunks(path, LAYER, chunk_rows=10_000, client=client, **coefficients)
    many = county_demand_by_chunks(path, LAYER, chunk_rows=1, client=client, **coefficients)
    pd.testing.assert_frame_equal(one, many, rtol=1e-12)


def test_bad_chunk_rows(tmp_path: Path, client: Client, coefficients: dict[str, object]) -> None:
    path = _tiny_parcels(tmp_path / "tiny.gpkg")
    with pytest.raises(ParameterError, match="chunk_rows must be a row count >= 1, got 0"):
        county_demand_by_chunks(path, LAYER, chunk_rows=0, client=client, **coefficients)


def test_missing_area_without_crs(
    tmp_path: Path, client: Client, coefficients: dict[str, object]
) -> None:
    path = _tiny_parcels(tmp_path / "no_area.gpkg", with_area=False)
    with pytest.raises(ParameterError, match="no area_mu column; pass analysis_crs"):
        county_demand_by_chunks(path, LAYER, chunk_rows=2, client=client, **coefficients)


def test_missing_file_and_layer(
    tmp_path: Path, client: Client, coefficients: dict[str, object]
) -> None:
    with pytest.raises(FileFormatError, match="does not exist"):
        county_demand_by_chunks(
            tmp_path / "none.gpkg", LAYER, chunk_rows=2, client=client, **coefficients
        )
    path = _tiny_parcels(tmp_path / "tiny.gpkg")
    with pytest.raises(FileFormatError, match="no readable layer 'other'"):
        county_demand_by_chunks(path, "other", chunk_rows=2, client=client, **coefficients)
