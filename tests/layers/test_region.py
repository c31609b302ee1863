"""Region manifest: the bundled Hohhot pack parses; broken manifests fail with every problem."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from errors import FileFormatError, LayerNotAvailableError, SchemaError
from layers.region import (
    REGIONS_DIR,
    LayerSpec,
    list_regions,
    load_region,
    regions_dir,
    use_regions_dir,
)
from tests.layers.pack_factory import layer_entry, write_manifest

HOHHOT_LAYER_KINDS = {
    "counties": "counties",
    "city": "city_outline",
    "forage_targets": "forage_targets",
    "city_targets": "city_targets",
    "ranch_targets": "ranch_targets",
}


def test_hohhot_manifest_top_level_values() -> None:
    region = load_region("hohhot")
    assert (region.id, region.name_zh, region.name_en) == ("hohhot", "呼和浩特市", "Hohhot")
    assert region.adcode == "150100"
    assert (region.analysis_crs, region.storage_crs) == ("EPSG:4546", "EPSG:4326")
    lon, lat = region.map_center_lonlat
    assert 110.5 < lon < 112.3 and 39.6 < lat < 41.4
    assert isinstance(region.map_zoom, int)
    assert region.dir == REGIONS_DIR / "hohhot"


def test_hohhot_manifest_declares_the_region_pack_layers() -> None:
    region = load_region()
    kinds = {name: spec.kind for name, spec in region.layers.items()}
    assert HOHHOT_LAYER_KINDS.items() <= kinds.items()
    for name, spec in region.layers.items():
        assert isinstance(spec, LayerSpec) and spec.name == name
        assert spec.source and spec.licence and spec.description_zh and spec.description_en
        if name in HOHHOT_LAYER_KINDS:  # the real data of the pack
            assert spec.illustrative is False and spec.generated is False
        if not spec.generated:  # committed files exist in a fresh clone
            assert region.layer_path(name).is_file(), name
    assert region.layers["counties"].layer == "counties"
    assert region.layers["forage_targets"].layer is None
    assert region.layers["counties"].datum == "WGS84"


def test_illustrative_layers_say_so_in_their_descriptions() -> None:
    region = load_region()
    illustrative = [spec for spec in region.layers.values() if spec.illustrative]
    assert illustrative, "the Hohhot pack bundles illustrative layers"
    for spec in illustrative:
        assert "示意" in spec.description_zh, spec.name
        assert "illustrative" in spec.description_en.lower(), spec.name


def test_layer_lookup_helpers() -> None:
    region = load_region()
    assert region.has_layer("counties") and not region.has_layer("parcels")
    assert region.layer_path("city") == REGIONS_DIR / "hohhot" / "boundaries.gpkg"
    assert region.layer_of_kind("city_outline").name == "city"


def test_unknown_layer_names_the_known_ones() -> None:
    with pytest.raises(SchemaError, match=r"no layer 'parcels' \(layers: counties, city"):
        load_region().layer_path("parcels")


def test_missing_layer_kind_is_reported() -> None:
    with pytest.raises(
        LayerNotAvailableError, match=r"Layer 'soil_map' is not in region pack 'hohhot' \(Hohhot\)"
    ) as info:
        load_region("hohhot").layer_of_kind("soil_map")
    assert isinstance(info.value, SchemaError)
    assert "地区数据包 'hohhot'（呼和浩特市）中没有图层 'soil_map'" in info.value.message("zh")


def test_region_is_hashable_and_picklable_for_ui_caches() -> None:
    region = load_region()
    assert hash(region) == hash(load_region())
    assert pickle.loads(pickle.dumps(region)) == region
    with pytest.raises(TypeError):
        region.layers["x"] = region.layers["city"]  # type: ignore[index]


def test_list_regions_includes_hohhot() -> None:
    assert "hohhot" in list_regions()


def test_load_by_folder_path_equals_load_by_id() -> None:
    assert load_region(REGIONS_DIR / "hohhot") == load_region("hohhot")
    assert load_region(str(REGIONS_DIR / "hohhot")) == load_region("hohhot")


def test_minimal_pack_in_a_temporary_folder(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg", layer="c", generated=True)})
    region = load_region(tmp_path)
    assert region.id == "testregion" and region.layers["c"].generated is True
    assert region.map_center_lonlat == (111.41, 40.49)


def test_unknown_region_id_lists_known_regions() -> None:
    with pytest.raises(FileFormatError, match=r"No region pack .*nowhere.*Known regions.*hohhot"):
        load_region("nowhere")


def test_malformed_region_id_is_rejected() -> None:
    with pytest.raises(FileFormatError, match="'Hohhot!' is not a region id"):
        load_region("Hohhot!")


def test_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"manifest\.toml is missing"):
        load_region(tmp_path)


def test_toml_syntax_error_is_a_file_format_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text('id = "x\nname_zh = 1\n', encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"not valid UTF-8 TOML.*line 1"):
        load_region(tmp_path)


def test_non_utf8_manifest_is_a_file_format_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_bytes('name_zh = "呼和浩特"'.encode("gb18030"))
    with pytest.raises(FileFormatError, match="not valid UTF-8 TOML"):
        load_region(tmp_path)


def _broken_manifest(tmp_path: Path) -> Path:
    layers = {
        "counties": layer_entry("counties", "../outside.gpkg", datum="Beijing54"),
        "targets": layer_entry("forage_targets", "t.csv", illustrative="no", license="MIT"),
        "bare": {"kind": "city_outline"},
    }
    return write_manifest(
        tmp_path,
        layers,
        adcode=150100,
        analysis_crs="EPSG:4326",
        storage_crs="EPSG:999999",
        map_zoom=30,
        name_en=None,
        map_center_lonlat=[40.49],
        extra_key=1,
    )


def test_broken_manifest_lists_every_problem(tmp_path: Path) -> None:
    _broken_manifest(tmp_path)
    with pytest.raises(SchemaError, match=r"has 19 problem\(s\)") as excinfo:
        load_region(tmp_path)
    text = str(excinfo.value)
    expected = [
        "top level: missing key 'name_en'",
        "'adcode' must be str, got 150100",
        "top level: unknown key 'extra_key'",
        "analysis_crs: `analysis_crs` is in a geographic CRS (EPSG:4326)",
        "storage_crs: 'EPSG:999999' is not a coordinate reference system",
        "map_center_lonlat must be [lon, lat] in degrees, got [40.49]",
        "map_zoom must be 1..20, got 30",
        "[layers.counties]: datum 'Beijing54' is not one of WGS84, CGCS2000, GCJ-02, none",
        "[layers.counties]: file '../outside.gpkg' must be a relative path inside",
        "[layers.targets]: 'illustrative' must be bool, got 'no'",
        "[layers.targets]: unknown key 'license'",
        "[layers.bare]: missing key 'file'",
    ]
    for line in expected:
        assert line in text
    assert "缺少键 'name_en'" in excinfo.value.message("zh")


def test_layer_that_is_not_a_table(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg")})
    path.write_text(
        path.read_text(encoding="utf-8").replace("[layers.c]", "[layers]\nd = 3\n[layers.c]"),
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"\[layers\.d\] must be a table, got 3"):
        load_region(tmp_path)


def test_manifest_without_layers(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, {})
    path.write_text(path.read_text(encoding="utf-8") + "[layers]\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"no \[layers\.<name>\] tables"):
        load_region(tmp_path)


def test_bad_id_and_adcode_values(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg")}, id="Bad Id", adcode="1501")
    with pytest.raises(
        SchemaError,
        match=r"(?s)id 'Bad Id' must be lower-case.*"
        r"adcode '1501' must be 6 digits",
    ):
        load_region(tmp_path)


def test_hohhot_plan_years_and_defaults() -> None:
    plan = load_region("hohhot").plan
    assert plan.years == (2021, 2022, 2023, 2025)
    assert (plan.base_year, plan.target_year, plan.horizon_year) == (2021, 2023, 2025)
    assert plan.water_baseline_year == 2021 and plan.receiving_crop == "silage_corn"


def test_plan_table_is_read_from_the_manifest(tmp_path: Path) -> None:
    plan = {
        "years": [2030, 2031, 2035],
        "base_year": 2030,
        "target_year": 2031,
        "horizon_year": 2035,
        "water_baseline_year": 2029,
        "receiving_crop": "oat_hay",
    }
    write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg")}, plan=plan)
    region = load_region(tmp_path)
    assert region.plan.years == (2030, 2031, 2035)
    assert (region.plan.base_year, region.plan.target_year) == (2030, 2031)
    assert (region.plan.horizon_year, region.plan.water_baseline_year) == (2035, 2029)
    assert region.plan.receiving_crop == "oat_hay"


def test_missing_plan_table(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg")}, plan=None)
    with pytest.raises(SchemaError, match=r"top level: missing key 'plan'"):
        load_region(tmp_path)


def test_malformed_plan_table_lists_every_problem(tmp_path: Path) -> None:
    plan = {
        "years": [2023, 2021],
        "base_year": "2021",
        "target_year": 2023,
        "horizon_year": 2025,
        "water_baseline_year": 20211,
        "receiving_crop": "x",
        "horizon": 2025,
    }
    write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg")}, plan=plan)
    with pytest.raises(SchemaError, match=r"has 2 problem\(s\)") as excinfo:
        load_region(tmp_path)
    text = str(excinfo.value)
    assert "[plan]: 'base_year' must be int, got '2021'" in text
    assert "[plan]: unknown key 'horizon'" in text


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"years": [2023, 2021, 2025]}, r"years must be ascending whole years in 1949..2100"),
        ({"water_baseline_year": 20211}, r"water_baseline_year must be a year in 1949..2100"),
        ({"target_year": 2024}, r"target_year 2024 is not one of years \[2021, 2022, 2023, 2025\]"),
        ({"horizon_year": 2023}, r"horizon_year 2023 must be the last of years"),
        ({"base_year": 2025}, r"need base_year <= target_year <= horizon_year"),
        ({"receiving_crop": " "}, r"receiving_crop is empty"),
    ],
)
def test_bad_plan_values(tmp_path: Path, change: dict, match: str) -> None:
    plan = {
        "years": [2021, 2022, 2023, 2025],
        "base_year": 2021,
        "target_year": 2023,
        "horizon_year": 2025,
        "water_baseline_year": 2021,
        "receiving_crop": "silage_corn",
        **change,
    }
    write_manifest(tmp_path, {"c": layer_entry("counties", "c.gpkg")}, plan=plan)
    with pytest.raises(SchemaError, match=match):
        load_region(tmp_path)


def test_no_installed_region_is_a_clear_error(tmp_path: Path) -> None:
    use_regions_dir(tmp_path)
    try:
        assert list_regions() == []
        with pytest.raises(
            FileFormatError,
            match=r"No region pack is installed under .*"
            r"python -m layers\.build --adcode",
        ):
            load_region()
    finally:
        use_regions_dir(None)
    assert regions_dir() == REGIONS_DIR
