"""Footprints: square from a point, sliver check, repaired parts, county lookup."""

from __future__ import annotations

import math

import pytest

import geopandas as gpd
from shapely.geometry import MultiPolygon, Point, box

from errors import InvalidGeometryError, ParameterError
from geo.crs import STORAGE_CRS
from geo.units import M2_PER_MU
from siting.site_footprint import (
    FootprintParams,
    check_footprints,
    compactness_frac,
    county_codes,
    footprint_area_mu,
    single_footprint,
    square_footprint,
)
from tests.siting.scenario_fixtures import COUNTY, CRS, FOOTPRINT, X0_M, Y0_M, county, footprint


def _lonlat(geom_m: object) -> object:
    return gpd.GeoSeries([geom_m], crs=CRS).to_crs(STORAGE_CRS).iloc[0]


def test_square_footprint_has_the_requested_area_in_the_analysis_crs() -> None:
    centre = _lonlat(Point(X0_M, Y0_M))
    square = square_footprint(centre, 500.0, analysis_crs=CRS)
    assert footprint_area_mu([square], analysis_crs=CRS)[0] == pytest.approx(500.0, rel=1e-9)
    side_m = math.sqrt(500.0 * M2_PER_MU)
    assert compactness_frac([square], analysis_crs=CRS)[0] == pytest.approx(
        4 * math.pi * side_m**2 / (4 * side_m) ** 2, rel=1e-9
    )


def test_square_footprint_refuses_a_non_positive_size() -> None:
    with pytest.raises(ParameterError, match="area_mu"):
        square_footprint(_lonlat(Point(X0_M, Y0_M)), 0.0, analysis_crs=CRS)


def test_small_and_thin_footprints_are_slivers() -> None:
    tiny = _lonlat(box(X0_M, Y0_M, X0_M + 50, Y0_M + 50))  # 2,500 m2 = 3.75 mu < 10 mu
    strip = _lonlat(box(X0_M, Y0_M, X0_M + 3_000, Y0_M + 50))  # 1:60, 225 mu
    ok = footprint(0.0)
    with pytest.raises(InvalidGeometryError, match=r"'tiny' covers 3\.8 mu.*'strip' is a thin"):
        check_footprints(
            [tiny, strip, ok], ["tiny", "strip", "ok"], params=FOOTPRINT, analysis_crs=CRS
        )
    check_footprints([ok], ["ok"], params=FOOTPRINT, analysis_crs=CRS)


def test_single_footprint_drops_small_loops_and_refuses_two_farms() -> None:
    main = box(X0_M, Y0_M, X0_M + 300, Y0_M + 300)  # 90,000 m2 = 135 mu
    loop = box(X0_M + 400, Y0_M, X0_M + 420, Y0_M + 20)  # 400 m2 = 0.6 mu
    polygon, notes = single_footprint(
        _lonlat(MultiPolygon([main, loop])), name="A", params=FOOTPRINT, analysis_crs=CRS
    )
    assert footprint_area_mu([polygon], analysis_crs=CRS)[0] == pytest.approx(
        90_000 / M2_PER_MU, rel=1e-9
    )
    assert notes[0].key == "footprint.note.small_parts_dropped"
    assert notes[0].values["dropped_mu"] == pytest.approx(400 / M2_PER_MU, rel=1e-6)
    assert "dropped 1 small part(s) of 0.6 mu" in notes[0].render("en")
    assert "删除了 1 个小碎片（共 0.6 亩）" in notes[0].render("zh")
    other = box(X0_M + 1_000, Y0_M, X0_M + 1_300, Y0_M + 300)
    with pytest.raises(InvalidGeometryError, match=r"2 separate parts"):
        single_footprint(
            _lonlat(MultiPolygon([main, other])), name="A", params=FOOTPRINT, analysis_crs=CRS
        )


def test_county_codes_by_representative_point() -> None:
    outside = _lonlat(box(X0_M + 40_000, Y0_M, X0_M + 40_300, Y0_M + 300))
    assert county_codes([footprint(1.0), outside], county()) == [COUNTY, None]


def test_footprint_params_check_ranges() -> None:
    with pytest.raises(ParameterError, match=r"default_footprint_mu = 5\.0 is below"):
        FootprintParams(min_footprint_mu=10.0, min_compactness_frac=0.1, default_footprint_mu=5.0)
    with pytest.raises(ParameterError, match="min_compactness_frac"):
        FootprintParams(min_footprint_mu=10.0, min_compactness_frac=1.5, default_footprint_mu=500.0)
