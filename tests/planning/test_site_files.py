"""Reading sites from files: other programs' vector files and this program's exports."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import geopandas as gpd
import shapely

from errors import InvalidGeometryError
from geo.crs import STORAGE_CRS
from planning.site_files import read_site_file
from siting.site_footprint import footprint_area_mu
from store import EXPORT_FORMATS, ScenarioStore, export_scenario
from store.export import SUFFIXES
from tests.siting.scenario_fixtures import COUNTY, CRS, X0_M, Y0_M, footprint, scenario_inputs, site

INPUTS = scenario_inputs(suitability=False)
EDITABLE = (
    "name",
    "status",
    "start_year",
    "dairy_cow_head",
    "beef_cattle_head",
    "sheep_head",
    "goat_head",
    "manure_route",
    "haul_radius_km",
    "footprint_source",
    "county_code",
    "note",
    "source_id",
)


def _lonlat(x_km: float) -> tuple[float, float]:
    point = (
        gpd.GeoSeries([shapely.Point(X0_M + x_km * 1_000, Y0_M)], crs=CRS)
        .to_crs(STORAGE_CRS)
        .iloc[0]
    )
    return point.x, point.y


def test_geojson_from_another_program() -> None:
    feature = {
        "type": "Feature",
        "properties": {"名称": "新牧场", "奶牛存栏": 2000},
        "geometry": shapely.geometry.mapping(footprint(2.0)),
    }
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    result = read_site_file(content, "farms.geojson", INPUTS)
    assert not result.exported
    (record,) = result.records
    assert (record.name, record.dairy_cow_head, record.status) == ("新牧场", 2000, "proposed")
    assert record.county_code == COUNTY and record.footprint_source == "uploaded"


def test_the_files_own_id_is_kept_as_source_id() -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"编号": site_no, "名称": name},
            "geometry": shapely.geometry.mapping(footprint(x_km)),
        }
        for site_no, name, x_km in (("DEMO-09", "甲", 2.0), ("P-17", "乙", 5.0))
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = read_site_file(content, "farms.geojson", INPUTS)
    assert [(r.name, r.source_id) for r in result.records] == [("甲", "DEMO-09"), ("乙", "P-17")]
    assert not any(
        "编号" in note or "source_id" in note for note in (n.render("en") for n in result.notes)
    )
    (lon, lat) = _lonlat(3.0)
    csv = f"id,name,lon,lat\n17,P1,{lon},{lat}\n".encode()  # a numeric id stays its digits
    (record,) = read_site_file(csv, "points.csv", INPUTS).records
    assert record.source_id == "17"


def test_a_file_without_an_id_column_has_no_source_id() -> None:
    feature = {
        "type": "Feature",
        "properties": {"name": "P1"},
        "geometry": shapely.geometry.mapping(footprint(2.0)),
    }
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    (record,) = read_site_file(content, "farms.geojson", INPUTS).records
    assert record.source_id is None


def test_lonlat_csv_with_footprint_column() -> None:
    (lon, lat) = _lonlat(3.0)
    content = f"name,lon,lat,footprint_mu,dairy_cow_head\nP1,{lon},{lat},600,1000\n".encode()
    (record,) = read_site_file(content, "points.csv", INPUTS).records
    assert record.footprint_source == "point_footprint"
    assert footprint_area_mu([record.geometry], analysis_crs=CRS)[0] == pytest.approx(
        600.0, rel=1e-9
    )


def test_a_site_outside_the_region_is_refused() -> None:
    far = gpd.GeoSeries([shapely.Point(X0_M + 80_000, Y0_M)], crs=CRS).to_crs(STORAGE_CRS).iloc[0]
    content = f"name,lon,lat\nfar,{far.x},{far.y}\n".encode()
    with pytest.raises(InvalidGeometryError, match=r"points\.csv"):
        read_site_file(content, "points.csv", INPUTS)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_exports_round_trip(tmp_path: Path, fmt: str) -> None:
    store = ScenarioStore(tmp_path / "plans.gpkg")
    scenario = store.create_scenario("S", user="t")
    originals = [
        dataclasses.replace(
            site(
                "A",
                1.0,
                dairy=1500,
                status="existing",
                start_year=2020,
                manure_route="guide_default",
                haul_radius_km=8.5,
                note="备注 a",
            ),
            site_id=None,
            source_id="DEMO-09",
        ),
        dataclasses.replace(
            site("B", 4.0, dairy=0, goat_head=300, footprint_source="point_footprint"), site_id=None
        ),
    ]
    store.add_sites(scenario, originals, user="t")
    out = export_scenario(store, scenario, tmp_path / f"export{SUFFIXES[fmt]}", fmt)
    result = read_site_file(out.read_bytes(), out.name, INPUTS)
    assert result.exported
    back = {r.name: r for r in result.records}
    for original in originals:
        got = back[original.name]
        for field in EDITABLE:
            assert getattr(got, field) == getattr(original, field), (fmt, field)
        assert got.geometry.equals_exact(original.geometry, 1e-9), fmt
