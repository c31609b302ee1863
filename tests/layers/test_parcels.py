"""Tests of the illustrative parcel layer (layers.build.parcels) and the parcel loaders."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry.polygon import orient

from errors import FileFormatError, ParameterError, SchemaError
from geo.io import write_vector
from geo.units import M2_PER_KM2, M2_PER_MU, MU_PER_WAN_MU
from geo.validate import require_columns
from layers.build.parcels import (
    build_parcels,
    generate_parcels,
    synthesize_parcels,
    write_parcels,
)
from layers.counties import load_counties
from layers.county_zones import load_county_zones
from layers.forage_params import load_forage_params
from layers.parcel_model import load_parcel_model
from layers.parcels import (
    PARCEL_COLUMNS,
    PARCELS_KIND,
    load_parcels,
    load_user_parcels,
)
from layers.region import LayerMap, Region, load_region
from layers.targets import load_forage_targets

REGION_ID = "hohhot"
PLAIN_COUNTIES = ("150121", "150122", "150105")  # 土左旗, 托县, 赛罕区
HILL_COUNTIES = ("150125", "150124")  # 武川县, 清水河县
# Lower-left corner of the user test parcels, EPSG:4546 metres: the 土左旗 plain near
# 察素齐, about 17 km from any county boundary.
USER_X0_M, USER_Y0_M = 510_990.0, 4_505_045.0
USER_W_M, USER_H_M = 200.0, 300.0  # 60,000 m2 = 90 亩 per test parcel
GEOD = Geod(ellps="GRS80")
INSIDE_TOLERANCE_M = 0.5  # lon/lat storage round trip; far below map precision


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region(REGION_ID)


@pytest.fixture(scope="module")
def parcels(region: Region, tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    """The layer from `make data`, or one built into a temporary folder."""
    path = region.layer_path(region.layer_of_kind(PARCELS_KIND).name)
    if not path.is_file():
        path = tmp_path_factory.mktemp("parcels") / "absorption_parcels.gpkg"
        write_parcels(generate_parcels(region), path)
    return load_parcels(region, path=path)


@pytest.fixture(scope="module")
def counties_m(region: Region) -> gpd.GeoDataFrame:
    return load_counties(region).to_crs(region.analysis_crs).set_index("adcode")


def _mu_by_county(parcels: gpd.GeoDataFrame, crop: str | None = None) -> pd.Series:
    chosen = parcels if crop is None else parcels.loc[parcels["crop"] == crop]
    return chosen.groupby("adcode")["area_mu"].sum()


# --- the generated layer -------------------------------------------------------------


def test_schema_ids_and_flags(parcels: gpd.GeoDataFrame) -> None:
    require_columns(parcels, PARCEL_COLUMNS, what="generated parcels")
    assert parcels.crs.to_epsg() == 4326
    assert parcels["parcel_id"].is_unique
    assert all(re.fullmatch(r"\d{6}-\d{6}", pid) for pid in parcels["parcel_id"])
    assert (parcels["parcel_id"].str[:6] == parcels["adcode"]).all()
    assert parcels["illustrative"].all()
    assert set(parcels["soil_n_class"]) <= {"I", "II", "III"}
    assert (parcels["yield_kg_per_mu"] > 0).all()


def test_forage_yields_come_from_the_forage_yield_table(
    parcels: gpd.GeoDataFrame, region: Region
) -> None:
    # One yield table per region: a forage parcel's yield lies within its county's yield in
    # forage_yields.csv (the one forage supply uses) +- the generator's spread, and the
    # area-weighted mean of a county is near it.
    forage = load_forage_params(region)
    zones = load_county_zones(region).set_index("adcode")["zone"]
    spread = load_parcel_model(region.layer_path("parcel_generator")).forage_yield_spread_frac
    feed_of = {"silage_corn": "silage_corn", "alfalfa": "alfalfa", "forage_oat": "oat_hay"}
    chosen = parcels.loc[parcels["crop"].isin(list(feed_of))]
    centre = np.array(
        [
            forage.yields_for(a, zones[a])[feed_of[c]] * 1_000
            for a, c in zip(chosen["adcode"], chosen["crop"], strict=True)
        ]
    )
    step = 10.0  # rounding of parcel yields (parcel_generator.toml)
    assert (chosen["yield_kg_per_mu"] >= centre * (1 - spread) - step).all()
    assert (chosen["yield_kg_per_mu"] <= centre * (1 + spread) + step).all()
    weighted = (chosen["yield_kg_per_mu"] * chosen["area_mu"]).sum() / (
        centre * chosen["area_mu"]
    ).sum()
    assert weighted == pytest.approx(1.0, abs=0.05)


def test_parcel_count_and_sizes(parcels: gpd.GeoDataFrame, region: Region) -> None:
    model = load_parcel_model(region.layer_path("parcel_generator"))
    cell_mu = model.cell_m**2 / M2_PER_MU  # a whole 1 km cell = 1,500 亩
    assert 20_000 <= len(parcels) <= 60_000
    assert parcels["area_mu"].min() >= model.min_parcel_mu
    assert parcels["area_mu"].max() <= cell_mu * (1 + 1e-9)
    assert 200 <= parcels["area_mu"].median() <= 800


def test_every_parcel_inside_its_county(
    parcels: gpd.GeoDataFrame, region: Region, counties_m: gpd.GeoDataFrame
) -> None:
    parcels_m = parcels.to_crs(region.analysis_crs)
    for adcode, rows in parcels_m.groupby("adcode"):
        county = counties_m.geometry[adcode].buffer(INSIDE_TOLERANCE_M)
        shapely.prepare(county)
        assert shapely.covers(county, rows.geometry.to_numpy()).all(), adcode


def test_area_mu_is_the_area_in_the_analysis_crs(parcels: gpd.GeoDataFrame, region: Region) -> None:
    measured_mu = parcels.to_crs(region.analysis_crs).area / M2_PER_MU
    np.testing.assert_allclose(parcels["area_mu"], measured_mu, rtol=1e-6)
    sample = parcels.iloc[:: max(1, len(parcels) // 50)]
    geodesic_m2 = [abs(GEOD.geometry_area_perimeter(orient(g))[0]) for g in sample.geometry]
    np.testing.assert_allclose(sample["area_mu"], np.array(geodesic_m2) / M2_PER_MU, rtol=1e-3)


def test_forage_area_meets_2021_targets(parcels: gpd.GeoDataFrame, region: Region) -> None:
    targets = load_forage_targets(region)
    targets = targets.loc[targets["year"] == 2021]
    crop_key = {"silage_corn": "silage_corn", "oat_hay": "forage_oat", "alfalfa": "alfalfa"}
    largest_parcel_mu = parcels["area_mu"].max()
    for row in targets.itertuples():
        area_mu = _mu_by_county(parcels, crop_key[row.crop]).get(row.adcode, 0.0)
        assert area_mu >= row.target_mu, (row.adcode, row.crop)
        if row.crop != "silage_corn":  # oats and alfalfa: near their targets
            assert area_mu <= row.target_mu * 1.1 + largest_parcel_mu, (row.adcode, row.crop)
    silage_wan_mu = _mu_by_county(parcels, "silage_corn").sum() / MU_PER_WAN_MU
    assert 100 <= silage_wan_mu <= 130  # 2021 city target 100万亩, goal x1.1-1.3


def test_plain_counties_have_more_cropland_per_km2(
    parcels: gpd.GeoDataFrame, counties_m: gpd.GeoDataFrame
) -> None:
    county_km2 = counties_m.area / M2_PER_KM2
    density_mu_per_km2 = _mu_by_county(parcels) / county_km2
    hills_max = max(density_mu_per_km2[a] for a in HILL_COUNTIES)
    for adcode in PLAIN_COUNTIES:
        assert density_mu_per_km2[adcode] > hills_max, adcode
    assert set(density_mu_per_km2.index) == set(counties_m.index)


def test_city_cropland_is_about_900_wan_mu(parcels: gpd.GeoDataFrame) -> None:
    assert 850 <= parcels["area_mu"].sum() / MU_PER_WAN_MU <= 950


def test_soil_p_class_follows_olsen_p(parcels: gpd.GeoDataFrame) -> None:
    olsen = parcels["olsen_p_mg_per_kg"]
    expected = np.where(olsen > 40, "I", np.where(olsen >= 20, "II", "III"))
    assert (parcels["soil_p_class"].to_numpy() == expected).all()


def test_some_parcels_exclude_manure(parcels: gpd.GeoDataFrame) -> None:
    excluded_frac = 1 - parcels["manure_allowed"].mean()
    assert 0.02 < excluded_frac < 0.3


def test_generation_is_deterministic(region: Region, tmp_path: Path) -> None:
    first, second = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    write_parcels(generate_parcels(region), first)
    write_parcels(generate_parcels(region), second)
    a, b = gpd.read_file(first), gpd.read_file(second)
    pd.testing.assert_series_equal(a["parcel_id"], b["parcel_id"])
    pd.testing.assert_series_equal(a["area_mu"], b["area_mu"])
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


def test_builder_skips_a_region_without_the_layer(region: Region, tmp_path: Path) -> None:
    kept = [spec for spec in region.layers.values() if spec.kind != PARCELS_KIND]
    bare = dataclasses.replace(region, dir=tmp_path, layers=LayerMap(kept))
    build_parcels(bare, True)
    assert list(tmp_path.iterdir()) == []


def test_too_little_cropland_for_a_target_is_reported(
    region: Region, counties_m: gpd.GeoDataFrame
) -> None:
    model = load_parcel_model(region.layer_path("parcel_generator"))
    tiny = dataclasses.replace(model, cropland_county_frac={"150104": 0.01})
    county = counties_m.loc[["150104"]].reset_index()[["adcode", "geometry"]]
    targets = pd.DataFrame({"adcode": ["150104"], "crop": ["silage_corn"], "target_mu": [10_000.0]})
    with pytest.raises(ParameterError, match=r"Raise cropland\.county_frac\.150104"):
        synthesize_parcels(county, targets, tiny)


def test_generator_crops_must_be_in_the_crop_table(region: Region, tmp_path: Path) -> None:
    pack = tmp_path / REGION_ID
    shutil.copytree(region.dir, pack, ignore=shutil.ignore_patterns("absorption_parcels.gpkg"))
    settings = pack / "parcel_generator.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("millet", "sorghum"), encoding="utf-8"
    )
    with pytest.raises(SchemaError, match="sorghum") as caught:
        generate_parcels(load_region(pack))
    assert "作物表" in caught.value.message("zh")


def test_missing_generated_file_says_make_data(region: Region, tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="make data"):
        load_parcels(region, path=tmp_path / "absorption_parcels.gpkg")


# --- users' own parcel layers --------------------------------------------------------


def _user_parcels(region: Region, attributes: Mapping[str, list[object]]) -> gpd.GeoDataFrame:
    n = len(next(iter(attributes.values())))
    boxes = [
        shapely.box(
            USER_X0_M + i * 1_000, USER_Y0_M, USER_X0_M + i * 1_000 + USER_W_M, USER_Y0_M + USER_H_M
        )
        for i in range(n)
    ]
    return gpd.GeoDataFrame(dict(attributes), geometry=boxes, crs=region.analysis_crs)


USER_MAP = {
    "ZWMC": "crop",
    "MBCL": "yield_kg_per_mu",
    "TRN": "soil_n_class",
    "TRP": "soil_p_class",
    "KSF": "manure_allowed",
}
GOOD = {
    "ZWMC": ["青贮玉米", "maize", "Alfalfa"],
    "MBCL": ["3800", "", "650"],
    "TRN": ["2", "I", "iii"],
    "TRP": ["III", "3", "II"],
    "KSF": ["是", "否", "1"],
}


def test_user_geopackage_with_column_mapping(region: Region, tmp_path: Path) -> None:
    path = write_vector(_user_parcels(region, GOOD), tmp_path / "mine.gpkg", layer="dk")
    parcels = load_user_parcels(
        path, column_map=USER_MAP, region=region, defaults={"olsen_p_mg_per_kg": 15.0}
    )
    require_columns(parcels, PARCEL_COLUMNS, what="user parcels")
    assert parcels.crs.to_epsg() == 4326
    assert list(parcels["crop"]) == ["silage_corn", "maize", "alfalfa"]
    maize_default_kg_per_mu = 600.0  # crops.csv default_yield_kg_per_mu of maize
    assert list(parcels["yield_kg_per_mu"]) == [3800.0, maize_default_kg_per_mu, 650.0]
    assert list(parcels["soil_n_class"]) == ["II", "I", "III"]
    assert list(parcels["soil_p_class"]) == ["III", "III", "II"]
    assert list(parcels["manure_allowed"]) == [True, False, True]
    assert list(parcels["parcel_id"]) == ["U-000001", "U-000002", "U-000003"]
    assert set(parcels["adcode"]) == {"150121"}
    assert not parcels["illustrative"].any()
    assert (parcels["olsen_p_mg_per_kg"] == 15.0).all()
    expected_mu = USER_W_M * USER_H_M / (10_000 / 15)  # 90 亩
    np.testing.assert_allclose(parcels["area_mu"], expected_mu, rtol=1e-9)


def test_user_zipped_shapefile_from_bytes_with_defaults(region: Region, tmp_path: Path) -> None:
    frame = _user_parcels(region, {"DKBH": ["A1", "A2"], "ZW": ["wheat", "potato"]})
    path = write_vector(frame, tmp_path / "dk.zip")
    parcels = load_user_parcels(
        path.read_bytes(),
        filename="dk.zip",
        region=region,
        column_map={"DKBH": "parcel_id", "ZW": "crop"},
        defaults={
            "soil_n_class": "II",
            "soil_p_class": "III",
            "manure_allowed": True,
            "yield_kg_per_mu": 350.0,
        },
    )
    assert list(parcels["parcel_id"]) == ["A1", "A2"]
    assert list(parcels["crop"]) == ["wheat", "potato"]
    assert (parcels["yield_kg_per_mu"] == 350.0).all()
    assert parcels["manure_allowed"].all()
    assert parcels["olsen_p_mg_per_kg"].isna().all()


def test_user_values_are_all_reported_at_once(region: Region, tmp_path: Path) -> None:
    bad = {
        "ZWMC": ["rice_paddy", "maize"],
        "MBCL": ["-5", "abc"],
        "TRN": ["IV", "II"],
        "TRP": ["III", "III"],
        "KSF": ["maybe", "0"],
    }
    path = write_vector(_user_parcels(region, bad), tmp_path / "bad.gpkg")
    with pytest.raises(SchemaError, match="unknown crop") as caught:
        load_user_parcels(path, column_map=USER_MAP, defaults={}, region=region)
    text = str(caught.value)
    for expected in (
        "'rice_paddy'",
        "known crops:",
        "silage_corn",
        "soil_n_class is not one of",
        "yield_kg_per_mu is negative",
        "yield_kg_per_mu is not a number",
        "manure_allowed is not true/false",
        "feature 1",
        "bad.gpkg",
    ):
        assert expected in text
    assert "未知作物" in caught.value.message("zh")


@pytest.mark.parametrize(
    ("column_map", "defaults", "pattern"),
    [
        ({**USER_MAP, "NOPE": "crop"}, {}, "names 'NOPE', which is not in the file"),
        ({**USER_MAP, "ZWMC": "crop_type"}, {}, "'crop_type' is not a parcel column"),
        ({k: v for k, v in USER_MAP.items() if k != "KSF"}, {}, "no 'manure_allowed' column"),
        (USER_MAP, {"colour": "red"}, "default given for unknown column 'colour'"),
        ({**USER_MAP, "TRP": "soil_n_class"}, {}, "several file columns are mapped to"),
    ],
)
def test_user_mapping_problems(
    region: Region,
    tmp_path: Path,
    column_map: dict[str, str],
    defaults: dict[str, object],
    pattern: str,
) -> None:
    path = write_vector(_user_parcels(region, GOOD), tmp_path / "mine.gpkg")
    with pytest.raises(SchemaError, match=re.escape(pattern)):
        load_user_parcels(path, column_map=column_map, defaults=defaults, region=region)


def test_user_duplicate_ids_and_unknown_county(region: Region, tmp_path: Path) -> None:
    frame = _user_parcels(region, {"ID": ["x", "x"], "XZQ": ["150121", "999999"]})
    path = write_vector(frame, tmp_path / "dup.gpkg")
    defaults = {
        "crop": "maize",
        "soil_n_class": "II",
        "soil_p_class": "II",
        "manure_allowed": "yes",
    }
    with pytest.raises(SchemaError, match="parcel_id repeated: x") as caught:
        load_user_parcels(
            path, column_map={"ID": "parcel_id", "XZQ": "adcode"}, defaults=defaults, region=region
        )
    assert "lies in no county of the region in feature 2" in str(caught.value)
