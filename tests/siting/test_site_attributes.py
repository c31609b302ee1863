"""Uploaded features -> planned sites: column aliases, defaults, point footprints, errors."""

from __future__ import annotations

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point

from errors import InvalidGeometryError, SchemaError
from geo.crs import STORAGE_CRS
from siting.site_attributes import PLANNED_SITE_COLUMNS, planned_sites
from siting.site_footprint import footprint_area_mu
from tests.siting.scenario_fixtures import (
    COUNTY,
    CRS,
    FOOTPRINT,
    X0_M,
    Y0_M,
    county,
    footprint,
)


def _features(rows: list[dict], geoms: list[object]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows)
    frame.insert(0, "feature_no", range(1, len(rows) + 1))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=STORAGE_CRS)


def _point(x_km: float) -> Point:
    return gpd.GeoSeries([Point(X0_M + x_km * 1_000, Y0_M)], crs=CRS).to_crs(STORAGE_CRS).iloc[0]


def test_aliases_defaults_and_point_footprints() -> None:
    features = _features(
        [
            {"Name": "甲牧场", "状态": "在建", "奶牛": "3000", "footprint_mu": None},
            {"Name": None, "状态": None, "奶牛": None, "footprint_mu": 800},
        ],
        [footprint(1.0), _point(5.0)],
    )
    planned = planned_sites(
        features, source_name="farms.kml", params=FOOTPRINT, counties=county(), analysis_crs=CRS
    )
    sites = planned.sites
    assert list(sites.columns[:-1]) == list(PLANNED_SITE_COLUMNS)
    assert list(sites["name"]) == ["甲牧场", "farms #2"]
    assert list(sites["status"]) == ["under_construction", "proposed"]
    assert list(sites["dairy_cow_head"]) == [3000, 0]
    assert list(sites["footprint_source"]) == ["uploaded", "point_footprint"]
    assert list(sites["county_code"]) == [COUNTY, COUNTY]
    assert footprint_area_mu([sites.geometry.iloc[1]], analysis_crs=CRS)[0] == pytest.approx(
        800.0, rel=1e-9
    )
    notes_en = [note.render("en") for note in planned.notes]
    notes_zh = [note.render("zh") for note in planned.notes]
    assert "1 point(s) turned into square footprints" in notes_en
    assert any("beef_cattle_head, " in note for note in notes_en)  # English list separator
    assert any("beef_cattle_head、" in note for note in notes_zh)  # Chinese list separator


def test_default_point_size_and_duplicate_names() -> None:
    features = _features([{"name": "A"}, {"name": "A"}], [_point(1.0), _point(3.0)])
    sites = planned_sites(
        features, source_name="pts.csv", params=FOOTPRINT, counties=county(), analysis_crs=CRS
    ).sites
    assert list(sites["name"]) == ["A", "A (2)"]
    area = footprint_area_mu(list(sites.geometry), analysis_crs=CRS)
    assert area == pytest.approx([FOOTPRINT.default_footprint_mu] * 2, rel=1e-9)


def test_bad_values_are_listed_together() -> None:
    features = _features(
        [
            {"name": "A", "status": "dreaming", "dairy_cow_head": "-5"},
            {"name": "B", "status": "proposed", "dairy_cow_head": "many"},
        ],
        [footprint(1.0), footprint(2.0)],
    )
    with pytest.raises(
        SchemaError,
        match=r"feature 1: status 'dreaming'.*feature 1: "
        r"dairy_cow_head = '-5'.*feature 2: dairy_cow_head",
    ):
        planned_sites(
            features,
            source_name="bad.geojson",
            params=FOOTPRINT,
            counties=county(),
            analysis_crs=CRS,
        )


def test_sliver_footprints_are_refused() -> None:
    features = _features([{"name": "tiny", "footprint_mu": 2}], [_point(1.0)])
    with pytest.raises(InvalidGeometryError, match=r"'tiny' covers 2\.0 mu"):
        planned_sites(
            features, source_name="pts.csv", params=FOOTPRINT, counties=county(), analysis_crs=CRS
        )
