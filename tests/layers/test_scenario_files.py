"""The bundled Hohhot demo scenario: the plan's ranches per county, footprints, store fields."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import geopandas as gpd

from errors import FileFormatError, SchemaError
from geo.area import area_mu
from layers.build.demo_scenario import demo_features
from layers.counties import load_counties
from layers.region import REGIONS_DIR, Region, load_region
from layers.scenario_files import (
    DEMO_SCENARIO_NAME,
    SITE_FIELDS,
    demo_scenario_sites,
    load_demo_scenario,
)
from layers.targets import load_ranch_targets
from store.records import SITE_INPUT_FIELDS


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region("hohhot")


@pytest.fixture(scope="module")
def ranches(region: Region) -> gpd.GeoDataFrame:
    return load_demo_scenario(region)


def test_ranch_counts_per_county_follow_the_plan(region: Region, ranches: gpd.GeoDataFrame) -> None:
    counts = ranches.groupby(["adcode", "status"]).size().unstack(fill_value=0)
    targets = load_ranch_targets(region).set_index("adcode")
    assert (
        counts["under_construction"].to_dict()
        == targets["ranches_under_construction_2021"].to_dict()
    )  # 土左旗 7, 和林 3, 托县 2, 清水河 2, 赛罕 1
    proposed = counts["proposed"][counts["proposed"] > 0].to_dict()
    assert proposed == targets["ranches_new_to_site"][targets["ranches_new_to_site"] > 0].to_dict()
    assert len(ranches) == 15 + 10


def test_herd_and_start_years(ranches: gpd.GeoDataFrame) -> None:
    assert (ranches["dairy_cow_head"] == 5_000).all()  # 10万 head of growth / 20 ranches
    # built in 2021, stocked from 2022 (the 2021 baseline of 36万 holds none of them)
    under = ranches[ranches["status"] == "under_construction"]
    assert (under["start_year"] == 2022).all()
    # 5 of the 10 to site stocked from 2022 (the plan's 20 new ranches by 2023), 5 from 2024
    proposed = ranches[ranches["status"] == "proposed"]
    assert proposed["start_year"].value_counts().to_dict() == {2022: 5, 2024: 5}


def test_footprints_are_500_mu_inside_their_county(
    region: Region, ranches: gpd.GeoDataFrame
) -> None:
    measured = area_mu(ranches.to_crs(region.analysis_crs))
    assert measured.to_numpy() == pytest.approx(5_000 * 0.1, rel=0.002)  # 0.1 亩 per head
    counties = load_counties(region).set_index("adcode")
    for adcode, geometry in zip(ranches["adcode"], ranches.geometry, strict=True):
        assert counties.loc[adcode, "geometry"].contains(geometry)


@pytest.mark.skipif(
    not (REGIONS_DIR / "hohhot" / "constraints.gpkg").is_file(),
    reason="generated constraint layers missing: run make data",
)
def test_footprints_avoid_the_illustrative_constraint_layers(ranches: gpd.GeoDataFrame) -> None:
    path = REGIONS_DIR / "hohhot" / "constraints.gpkg"
    for layer in ("no_farming_zone", "eco_redline", "basic_farmland", "settlements"):
        areas = gpd.read_file(path, layer=layer).to_crs(ranches.crs)
        hits = gpd.sjoin(ranches, areas[["geometry"]], predicate="intersects")
        assert hits.empty, (layer, sorted(set(hits["site_id"])))


@pytest.mark.skipif(
    not (REGIONS_DIR / "hohhot" / "constraints.gpkg").is_file(),
    reason="placement avoids the generated constraint layers: run make data",
)
def test_committed_file_is_what_the_builder_makes(region: Region) -> None:
    committed = json.loads(
        (REGIONS_DIR / "hohhot" / "demo_scenario.geojson").read_text(encoding="utf-8")
    )["features"]
    rebuilt = json.loads(json.dumps(demo_features(region)))
    assert [f["properties"] for f in rebuilt] == [f["properties"] for f in committed]
    assert [f["geometry"] for f in rebuilt] == [f["geometry"] for f in committed]


def test_sites_have_the_plan_store_fields(region: Region) -> None:
    sites = demo_scenario_sites(region)
    assert tuple(sites.columns.drop("geometry")) == SITE_FIELDS == SITE_INPUT_FIELDS
    assert sites["name"].is_unique and sites["name"].str.contains("示意").all()
    assert (sites["footprint_source"] == "uploaded").all()
    assert sites["county_code"].str.fullmatch(r"\d{6}").all()
    assert sites.crs.to_epsg() == 4326
    assert DEMO_SCENARIO_NAME == "2021–2023 规划示范 demo"


def _pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "hohhot"
    shutil.copytree(
        REGIONS_DIR / "hohhot", target, ignore=shutil.ignore_patterns("*.tif", "*.gpkg")
    )
    shutil.copy(REGIONS_DIR / "hohhot" / "boundaries.gpkg", target)
    return target


def test_bad_demo_rows_are_listed(tmp_path: Path) -> None:
    folder = _pack_copy(tmp_path)
    path = folder / "demo_scenario.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["status"] = "dreamed"
    data["features"][1]["properties"]["site_id"] = data["features"][2]["properties"]["site_id"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        SchemaError,
        match=r"2 problem\(s\): repeated site_id: HH-PR-150122-1, "
        r"HH-PR-150122-1; status not in .*: HH-PR-150121-1",
    ):
        load_demo_scenario(load_region(folder))


def test_region_without_demo(tmp_path: Path) -> None:
    folder = _pack_copy(tmp_path)
    manifest = (folder / "manifest.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('kind = "demo_scenario"\n', 'kind = "other_scenario"\n')
    (folder / "manifest.toml").write_text(manifest, encoding="utf-8")
    with pytest.raises(FileFormatError, match="has no demo scenario"):
        load_demo_scenario(load_region(folder))
