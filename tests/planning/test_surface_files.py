"""Results that open in QGIS: the surface COG (CRS, nodata, bands, style), the candidates and
chosen-sites GeoPackages (CRS, layer, attributes); the surface cache and its display copy.

The surface is Hohhot's at 300 m (507 x 666 cells, ~10 s): computed once for the module by
`cached_surface` in a temporary cache folder.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import pyogrio
import rasterio

from cli import main
from geo.units import M2_PER_MU
from planning import surface_cache
from planning.locate import CANDIDATE_COLUMNS
from planning.optimise import CHOSEN_COLUMNS
from planning.proposal import load_proposal_params, ranch_footprint
from planning.regions import load_region
from planning.surface import SurfaceOptions
from planning.surface_cache import cached_surface, surface_cache_path
from planning.surface_style import SCORE_RAMP, surface_display
from siting.surface import OUTSIDE_CODE, PASS_CODE

CELL_M = 300.0
#: Hohhot's counties cover 17,193 km² (stack-notes.md); the grid's cells inside them.
CITY_KM2 = 17_193
M2_PER_KM2 = 1e6


@pytest.fixture(scope="module")
def surface(tmp_path_factory: pytest.TempPathFactory) -> Path:
    region = load_region("hohhot")
    footprint = ranch_footprint(region, load_proposal_params(region.dir))
    root = tmp_path_factory.mktemp("cache")
    return cached_surface(region, footprint, SurfaceOptions(cell_m=CELL_M), root)


def test_surface_cog_has_crs_nodata_bands_and_a_qgis_style(surface: Path) -> None:
    with rasterio.open(surface) as src:
        assert src.crs.to_epsg() == 4546  # Hohhot's analysis CRS
        assert src.res == (CELL_M, CELL_M)
        assert np.isnan(src.nodata)
        assert src.descriptions == ("gate_code", "score")
        assert src.tags()["gate_code_1"] == "no_farming_zone_inside"
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        codes = src.read(1)
        score = src.read(2)
    inside = codes != OUTSIDE_CODE
    # the grid's cells inside the counties make up the city's area (cells sampled at centres)
    assert inside.sum() * CELL_M**2 / M2_PER_KM2 == pytest.approx(CITY_KM2, rel=0.01)
    passing = codes == PASS_CODE
    assert np.isfinite(score[passing]).all() and np.isnan(score[~passing]).all()
    assert score[passing].min() > 0 and score[passing].max() <= 100
    style = ET.parse(surface.with_suffix(".qml")).getroot()
    renderer = style.find("pipe/rasterrenderer")
    assert renderer is not None and renderer.get("band") == "2"
    items = style.findall(".//colorrampshader/item")
    assert [(float(i.get("value", "")), i.get("color")) for i in items] == list(SCORE_RAMP)


def test_second_request_is_served_from_the_cache(
    surface: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        msg = "the surface was computed again"
        raise AssertionError(msg)

    monkeypatch.setattr(surface_cache, "surface_context", fail)
    region = load_region("hohhot")
    footprint = ranch_footprint(region, load_proposal_params(region.dir))
    root = surface.parents[2]
    assert cached_surface(region, footprint, SurfaceOptions(cell_m=CELL_M), root) == surface
    assert surface.name.startswith(f"surface_5000cows_500mu_{CELL_M:g}m_")
    other = surface_cache_path(root, region, footprint, SurfaceOptions(cell_m=90.0))
    assert other != surface and other.parent == surface.parent


def test_display_copy_keeps_codes_and_the_pass_share(surface: Path) -> None:
    with rasterio.open(surface) as src:
        codes = src.read(1)
    inside = codes != OUTSIDE_CODE
    expected_share = (codes[inside] == PASS_CODE).mean()
    display = surface_display(surface, max_px=400)
    assert max(display.gate_code.shape) == 400
    assert set(np.unique(display.gate_code)) <= set(np.unique(codes).astype(np.uint8))
    assert display.pass_share_frac() == pytest.approx(expected_share, abs=0.02)
    west, south, east, north = display.bounds_lonlat
    assert 110.3 < west < 110.7 and 112.2 < east < 112.5  # Hohhot: about 110.5-112.3 E
    assert 39.4 < south < 39.7 and 41.3 < north < 41.5  # and 39.6-41.4 N


def test_locate_and_optimise_write_geopackages_qgis_reads(
    surface: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    candidates = tmp_path / "candidates.gpkg"
    rc = main(
        [
            "locate",
            "--surface",
            str(surface),
            "--count",
            "6",
            "--min-distance-km",
            "5",
            "--out",
            str(candidates),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    assert [name for name, _ in pyogrio.list_layers(candidates)] == ["candidates"]
    info = pyogrio.read_info(candidates, layer="candidates")
    assert info["crs"] == "EPSG:4326" and info["features"] == 6
    assert list(info["fields"]) == list(CANDIDATE_COLUMNS)
    located = pyogrio.read_dataframe(candidates).to_crs("EPSG:4546")
    side_m = np.sqrt(500 * M2_PER_MU)  # the region's default footprint, 500 亩
    np.testing.assert_allclose(located.area, side_m**2, rtol=1e-6)
    capsys.readouterr()
    chosen = tmp_path / "chosen.gpkg"
    rc = main(
        [
            "optimise",
            "--candidates",
            str(candidates),
            "--total",
            "2",
            "--no-one-more",
            "--out",
            str(chosen),
            "--json",
        ]
    )
    assert rc == 0, capsys.readouterr().err
    data = json.loads(capsys.readouterr().out)
    assert data["feasible"] is True
    info = pyogrio.read_info(chosen, layer="chosen")
    assert info["crs"] == "EPSG:4326" and info["features"] == 2
    assert list(info["fields"]) == [*CHOSEN_COLUMNS, "status"]
    written = pyogrio.read_dataframe(chosen)
    assert sorted(written["site_id"]) == sorted(c["site_id"] for c in data["chosen"])
    assert set(written["status"]) == {"proposed"}
    # 5,000 cows: 2018 MoA guide 15 cows = 100 PE, 7.0 kg N per PE
    np.testing.assert_allclose(written["n_need_kg_per_yr"], 5_000 * 100 / 15 * 7.0, rtol=1e-9)
