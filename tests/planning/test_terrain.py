"""Slope under sites from a DEM, read once per footprint (planning.terrain)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from affine import Affine

import rasterio

from planning import terrain
from planning.terrain import FOOTPRINT_KEY, site_terrain
from tests.siting.scenario_fixtures import CRS, X0_M, Y0_M, replaced, site, sites

CELL_M = 30.0
RISE_PER_M = 0.1  # a plane rising 10 m per 100 m eastwards: slope atan(0.1)


def _plane_dem(path: Path) -> Path:
    n = 400  # 12 km x 12 km around (X0_M, Y0_M)
    west, north = X0_M - n / 2 * CELL_M, Y0_M + n / 2 * CELL_M
    x_m = west + (np.arange(n) + 0.5) * CELL_M
    values = np.tile(RISE_PER_M * (x_m - west), (n, 1)).astype("float32")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=n,
        height=n,
        count=1,
        dtype="float32",
        crs=CRS,
        transform=Affine(CELL_M, 0, west, 0, -CELL_M, north),
    ) as dst:
        dst.write(values, 1)
    return path


def test_slope_is_read_once_per_footprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dem = str(_plane_dem(tmp_path / "dem.tif"))
    calls: list[int] = []
    real = terrain.slope_stats

    def counting(polygons, path, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(polygons))
        return real(polygons, path, **kwargs)

    monkeypatch.setattr(terrain, "slope_stats", counting)
    frame = sites(site("A", 0.0), site("B", 2.0))
    first = site_terrain(frame, dem)
    assert first is not None and calls == [2]
    expected_deg = math.degrees(math.atan(RISE_PER_M))
    assert first["slope_mean_deg"].to_numpy() == pytest.approx([expected_deg] * 2, rel=1e-3)
    moved = replaced(frame, site("B", 3.0))
    again = site_terrain(moved, dem, first)
    assert calls == [2, 1]
    assert again is not None
    assert list(again["site_id"]) == ["A", "B"]
    assert again.loc[0, FOOTPRINT_KEY] == first.loc[0, FOOTPRINT_KEY]
    assert again.loc[1, FOOTPRINT_KEY] != first.loc[1, FOOTPRINT_KEY]


def test_no_dem_or_no_sites_gives_none() -> None:
    assert site_terrain(sites(site("A", 0.0)), None) is None
    assert site_terrain(sites().iloc[0:0], "unused.tif") is None
