"""``python -m siting plan``: build, check and export a scenario without the UI (subprocess).

Uses the Hohhot pack (its generated absorption parcels: ``make data``) and a scenario store in
``tmp_path`` given by ``--store`` or ``FORAGE_SITING_STORE``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import geopandas as gpd

ROOT = Path(__file__).resolve().parents[2]
# Two farms in 土默特左旗 (lon/lat, WGS84): a drawn outline and a point with a footprint.
SITES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "甲", "status": "existing", "dairy_cow_head": 3000},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [111.30, 40.70],
                        [111.31, 40.70],
                        [111.31, 40.707],
                        [111.30, 40.707],
                        [111.30, 40.70],
                    ]
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "乙", "dairy_cow_head": 5000, "footprint_mu": 400},
            "geometry": {"type": "Point", "coordinates": [111.35, 40.72]},
        },
    ],
}


def _plan(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FORAGE_SITING_STORE": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "siting", "scenario", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_create_import_allocate_export_round_trip(tmp_path: Path) -> None:
    store = tmp_path / "plans.gpkg"
    sites_file = tmp_path / "sites.geojson"
    sites_file.write_text(json.dumps(SITES), encoding="utf-8")
    assert _plan("create", "--scenario", "S", store=store).returncode == 0
    imported = _plan("import", str(sites_file), "--scenario", "S", store=store)
    assert imported.returncode == 0, imported.stderr
    assert "Added 2 site(s)" in imported.stdout
    allocated = _plan("allocate", "--scenario", "S", "--json", store=store)
    assert allocated.returncode == 0, allocated.stderr
    farms = {f["name"]: f for f in json.loads(allocated.stdout)["farms"]}
    assert farms["甲"]["n_need_kg_per_yr"] == pytest.approx(3000 * 100 / 15 * 7.0, rel=1e-12)
    out = tmp_path / "plan.gpkg"
    exported = _plan(
        "export", "--scenario", "S", "--format", "gpkg", "--out", str(out), store=store
    )
    assert exported.returncode == 0, exported.stderr
    results = gpd.read_file(out, layer="site_results").set_index("name")
    allocations = gpd.read_file(out, layer="allocations")
    sites = gpd.read_file(out, layer="sites").set_index("name")
    for name, farm in farms.items():
        for column in ("land_allocated_mu", "mean_haul_km", "unmet_kg_per_yr"):
            assert results.loc[name, column] == pytest.approx(farm[column], rel=1e-12)
        site_id = sites.loc[name, "site_id"]
        mine = allocations[allocations["site_id"] == site_id]
        assert mine["area_mu"].sum() == pytest.approx(farm["land_allocated_mu"], rel=1e-9)
    assert sites.crs.to_epsg() == 4326
    listed = _plan("list", "--json", store=store)
    assert [s["name"] for s in json.loads(listed.stdout)] == ["S"]
    assert json.loads(listed.stdout)[0]["sites"] == 2


def test_duplicate_keeps_the_sites(tmp_path: Path) -> None:
    store = tmp_path / "plans.gpkg"
    sites_file = tmp_path / "sites.geojson"
    sites_file.write_text(json.dumps(SITES), encoding="utf-8")
    _plan("create", "--scenario", "S", store=store)
    _plan("import", str(sites_file), "--scenario", "S", store=store)
    copied = _plan("duplicate", "--scenario", "S", "--to", "S2", store=store)
    assert copied.returncode == 0, copied.stderr
    listed = json.loads(_plan("list", "--json", store=store).stdout)
    assert [(s["name"], s["sites"]) for s in listed] == [("S", 2), ("S2", 2)]


@pytest.fixture(scope="module")
def one_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one empty scenario "S"."""
    store = tmp_path_factory.mktemp("cli") / "plans.gpkg"
    assert _plan("create", "--scenario", "S", store=store).returncode == 0
    return store


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("allocate",), 2, "--scenario"),
        (("export", "--scenario", "S", "--format", "pdf", "--out", "x.pdf"), 2, "invalid choice"),
        (("allocate", "--scenario", "nope"), 2, "No scenario 'nope'"),
        (("import", "missing.geojson", "--scenario", "S"), 2, "does not exist"),
    ],
)
def test_errors_are_one_line(
    one_scenario: Path, args: tuple[str, ...], code: int, text: str
) -> None:
    result = _plan(*args, store=one_scenario)
    assert result.returncode == code
    assert text in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_store_option_wins_over_the_environment(tmp_path: Path) -> None:
    other = tmp_path / "other.gpkg"
    result = _plan("create", "--scenario", "X", "--store", str(other), store=tmp_path / "env.gpkg")
    assert result.returncode == 0 and other.is_file()
    assert not (tmp_path / "env.gpkg").exists()
