"""Windowed raster reads, Horn slope and zonal statistics on tiny hand-built rasters."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from affine import Affine

import geopandas as gpd
import rasterio
from shapely.geometry import box

from errors import (
    FileFormatError,
    GeographicCrsError,
    MissingCrsError,
    NodataWarning,
    ParameterError,
)
from geo.raster import read_raster_window, slope_deg, slope_stats, zonal_stats

CRS = "EPSG:4546"
X0, Y0 = 500_000.0, 4_500_000.0
CELL_M = 30.0
NODATA = -9999.0


def _write(
    path: Path, values: np.ndarray, *, crs: str | None = CRS, transform: Affine | None = None
) -> Path:
    transform = transform or Affine(CELL_M, 0, X0, 0, -CELL_M, Y0)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype="float32",
        crs=crs,
        transform=transform,
        nodata=NODATA,
    ) as dst:
        dst.write(values.astype("float32"), 1)
    return path


def _plane(path: Path, n: int = 40, gradient: float = 0.1) -> Path:
    """DEM z = gradient * x (x = easting of the cell centre, metres)."""
    x_m = X0 + CELL_M * (np.arange(n) + 0.5)
    # Elevation relative to X0 keeps float32 precise (a constant offset changes no slope).
    return _write(path, np.tile(gradient * (x_m - X0), (n, 1)))


def _sites(*geoms: object, crs: str = CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": [f"s{i}" for i in range(len(geoms))]}, geometry=list(geoms), crs=crs
    )


def test_slope_of_a_plane_is_atan_of_its_gradient() -> None:
    x_m = CELL_M * np.arange(10)
    dem = np.tile(0.1 * x_m, (8, 1))
    slope = slope_deg(dem, Affine(CELL_M, 0, 0, 0, -CELL_M, 0))
    expected = math.degrees(math.atan(0.1))  # 5.71 degrees
    np.testing.assert_allclose(slope[1:-1, 1:-1], expected)
    assert np.isnan(slope[0]).all() and np.isnan(slope[:, -1]).all()  # outer ring


def test_slope_of_a_diagonal_plane_and_nodata_neighbours() -> None:
    # z = 0.3 x + 0.4 y: gradient magnitude 0.5 -> atan(0.5) = 26.57 degrees.
    cols, rows = np.meshgrid(np.arange(6), np.arange(6))
    dem = 0.3 * CELL_M * cols - 0.4 * CELL_M * rows  # rows go south, so y = -row
    dem[3, 3] = np.nan
    slope = slope_deg(dem, Affine(CELL_M, 0, 0, 0, -CELL_M, 0))
    assert slope[1, 1] == pytest.approx(math.degrees(math.atan(0.5)))
    assert np.isnan(slope[2:5, 2:5]).all()  # every cell next to the hole


def test_slope_stats_on_a_plane(tmp_path: Path) -> None:
    dem = _plane(tmp_path / "plane.tif")
    sites = _sites(box(X0 + 300, Y0 - 900, X0 + 900, Y0 - 300))
    stats = slope_stats(sites, dem)
    assert stats["site_id"].tolist() == ["s0"]
    assert stats.loc[0, "slope_mean_deg"] == pytest.approx(math.degrees(math.atan(0.1)))
    assert stats.loc[0, "slope_max_deg"] == pytest.approx(math.degrees(math.atan(0.1)))
    assert stats.loc[0, "nodata_cells"] == 0


def test_slope_stats_reprojects_lonlat_polygons(tmp_path: Path) -> None:
    dem = _plane(tmp_path / "plane.tif")
    sites = _sites(box(X0 + 300, Y0 - 900, X0 + 900, Y0 - 300)).to_crs("EPSG:4326")
    stats = slope_stats(sites, dem)
    assert stats.loc[0, "slope_mean_deg"] == pytest.approx(math.degrees(math.atan(0.1)))


def test_slope_stats_warns_and_counts_cells_outside_the_dem(tmp_path: Path) -> None:
    dem = _plane(tmp_path / "plane.tif")
    # Half of the 20 x 10 cell site lies west of the DEM; the DEM's first column has no
    # slope (its west neighbour is missing), so 10 x 10 + 10 cells have no value.
    sites = _sites(box(X0 - 300, Y0 - 600, X0 + 300, Y0 - 300))
    with pytest.warns(NodataWarning, match=r"s0: 110\.0"):
        stats = slope_stats(sites, dem)
    assert stats.loc[0, "nodata_cells"] == pytest.approx(110)
    assert stats.loc[0, "slope_mean_deg"] == pytest.approx(math.degrees(math.atan(0.1)))


def test_slope_refuses_a_dem_in_degrees(tmp_path: Path) -> None:
    dem = _write(
        tmp_path / "lonlat.tif",
        np.zeros((5, 5)),
        crs="EPSG:4326",
        transform=Affine(0.001, 0, 111.0, 0, -0.001, 40.5),
    )
    sites = _sites(box(111.001, 40.497, 111.003, 40.499), crs="EPSG:4326")
    with pytest.raises(GeographicCrsError, match="gdalwarp -t_srs EPSG:4546"):
        slope_stats(sites, dem)


def test_zonal_mean_and_max_by_hand(tmp_path: Path) -> None:
    # 3 x 3 raster with values 1..9 and the centre cell nodata.
    values = np.arange(1, 10, dtype=float).reshape(3, 3)
    values[1, 1] = NODATA
    raster = _write(tmp_path / "small.tif", values)
    whole = box(X0, Y0 - 3 * CELL_M, X0 + 3 * CELL_M, Y0)
    top_left = box(X0, Y0 - CELL_M, X0 + CELL_M, Y0)  # exactly cell (0, 0)
    with pytest.warns(NodataWarning, match="s0: 1.0"):
        stats = zonal_stats(_sites(whole, top_left), raster, ("mean", "max", "min"))
    assert stats.loc[0, "mean"] == pytest.approx((45 - 5) / 8)
    assert stats.loc[0, "max"] == 9 and stats.loc[0, "min"] == 1
    assert stats.loc[0, "nodata_cells"] == pytest.approx(1)
    assert stats.loc[1, "mean"] == 1 and stats.loc[1, "nodata_cells"] == 0
    assert stats["site_id"].tolist() == ["s0", "s1"]  # ids come back as str


def test_zonal_stats_reprojects_polygons_not_the_raster(tmp_path: Path) -> None:
    raster = _write(tmp_path / "small.tif", np.arange(1, 10, dtype=float).reshape(3, 3))
    cell = box(X0 + CELL_M, Y0 - CELL_M, X0 + 2 * CELL_M, Y0)  # cell (0, 1) = 2
    sites = _sites(cell.buffer(-5)).to_crs("EPSG:4326")
    assert zonal_stats(sites, raster).loc[0, "mean"] == pytest.approx(2.0)


def test_read_raster_window_pads_and_fills_outside_with_nan(tmp_path: Path) -> None:
    raster = _write(tmp_path / "small.tif", np.arange(1, 10, dtype=float).reshape(3, 3))
    window = read_raster_window(raster, (X0 + 1, Y0 - 29, X0 + 29, Y0 - 1), CRS, pad_cells=1)
    assert window.values.shape == (3, 3)
    assert window.transform.c == X0 - CELL_M and window.transform.f == Y0 + CELL_M
    assert np.isnan(window.values[0]).all() and np.isnan(window.values[:, 0]).all()
    assert window.values[1, 1] == 1 and window.values[2, 2] == 5
    assert window.nodata_cells == 5


def test_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "not_a_raster.tif"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"not_a_raster\.tif"):
        zonal_stats(_sites(box(0, 0, 1, 1)), bad)
    no_crs = _write(tmp_path / "no_crs.tif", np.zeros((3, 3)), crs=None)
    with pytest.raises(MissingCrsError, match=r"no_crs\.tif"):
        zonal_stats(_sites(box(0, 0, 1, 1)), no_crs)
    raster = _write(tmp_path / "ok.tif", np.zeros((3, 3)))
    with pytest.raises(ParameterError, match="Unknown statistic"):
        zonal_stats(_sites(box(0, 0, 1, 1)), raster, ("mode",))
    with pytest.raises(MissingCrsError, match="polygons"):
        zonal_stats(gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[box(0, 0, 1, 1)]), raster)
