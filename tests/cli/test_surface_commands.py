"""``python -m siting locate`` and ``optimise`` on a tiny hand-made surface; bad inputs exit 2.

The surface is 20 x 20 cells of 30 m in Hohhot's analysis CRS (EPSG:4546) near 土默特左旗,
written with `geo.grid.write_cog` and the tags `planning.surface` writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import geopandas as gpd

from cli import main
from geo.grid import Grid, GridWindow, write_cog

CELL_M = 30.0
LEFT_M, TOP_M = 497_040.0, 4_507_020.0  # plain land west of Hohhot city (土默特左旗)
SIDE_M = 90.0


def _surface(path: Path, score: np.ndarray) -> Path:
    grid = Grid("EPSG:4546", CELL_M, LEFT_M, TOP_M, score.shape[1], score.shape[0])
    codes = np.where(np.isfinite(score), 0.0, 3.0)
    window = GridWindow(0, 0, grid.height, grid.width)
    write_cog(
        path,
        grid,
        iter([(window, (codes, score))]),
        descriptions=("gate_code", "score"),
        tags={"footprint_side_m": str(SIDE_M), "dairy_cow_head": "400"},  # 33 head per 亩
    )
    return path


@pytest.fixture
def surface(tmp_path: Path) -> Path:
    score = np.full((20, 20), np.nan)
    score[2, 2], score[2, 4], score[15, 15] = 90.0, 85.0, 70.0  # (2, 4) is 60 m from (2, 2)
    return _surface(tmp_path / "surface.tif", score)


def test_locate_writes_candidates_apart(
    surface: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "candidates.geojson"
    rc = main(
        [
            "locate",
            "--surface",
            str(surface),
            "--count",
            "3",
            "--min-distance-km",
            "0.2",
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    candidates = gpd.read_file(out)
    assert candidates.crs.to_epsg() == 4326
    assert list(candidates["site_id"]) == ["LOC-001", "LOC-002"]
    np.testing.assert_allclose(candidates["score"], [90.0, 70.0])
    assert set(candidates["county"]) == {"150121"}
    projected = candidates.to_crs("EPSG:4546")
    centre_x = LEFT_M + 2.5 * CELL_M
    centre_y = TOP_M - 2.5 * CELL_M
    assert projected.geometry.iloc[0].centroid.x == pytest.approx(centre_x, abs=1e-3)
    assert projected.geometry.iloc[0].centroid.y == pytest.approx(centre_y, abs=1e-3)
    assert projected.area.iloc[0] == pytest.approx(SIDE_M**2, rel=1e-6)
    assert "2 candidates" in capsys.readouterr().out


def test_locate_refuses_a_raster_that_is_not_a_surface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = Grid("EPSG:4546", CELL_M, LEFT_M, TOP_M, 4, 4)
    path = tmp_path / "dem.tif"
    write_cog(
        path,
        grid,
        iter([(GridWindow(0, 0, 4, 4), (np.zeros((4, 4)),))]),
        descriptions=("elevation",),
        tags={},
    )
    rc = main(["locate", "--surface", str(path), "--out", str(tmp_path / "c.gpkg")])
    assert rc == 2
    assert "has no band 'score'" in capsys.readouterr().err


def test_optimise_chooses_among_located_candidates(
    surface: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    candidates = tmp_path / "candidates.gpkg"
    assert (
        main(
            [
                "locate",
                "--surface",
                str(surface),
                "--count",
                "3",
                "--min-distance-km",
                "0.2",
                "--out",
                str(candidates),
            ]
        )
        == 0
    )
    capsys.readouterr()
    chosen = tmp_path / "chosen.gpkg"
    rc = main(
        [
            "optimise",
            "--candidates",
            str(candidates),
            "--counties",
            "150121:1",
            "--out",
            str(chosen),
            "--json",
        ]
    )
    assert rc == 0, capsys.readouterr().err
    data = json.loads(capsys.readouterr().out)
    passing = [c["site_id"] for c in data["chosen"]]
    assert data["feasible"] is True and len(passing) == 1
    assert {lim["kind"] for lim in data["county_limits"]} == {"water", "forage"}
    assert data["one_more"][0]["adcode"] == "150121"
    assert list(gpd.read_file(chosen)["site_id"]) == passing


@pytest.mark.parametrize("counts", ["150121-2", "abc:1", "150121:x"])
def test_optimise_bad_counts_exit_2(counts: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["optimise", "--candidates", "c.gpkg", "--counties", counts, "--out", "o.gpkg"])
    assert stop.value.code == 2
    assert "is not ADCODE:N" in capsys.readouterr().err
