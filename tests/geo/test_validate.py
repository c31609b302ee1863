"""Tests for geo.validate: CRS and schema requirements, geometry checks, problem messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from pyproj import CRS
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from errors import CrsMismatchError, InvalidGeometryError, MissingCrsError, SchemaError
from geo.validate import (
    MAX_LISTED_PROBLEMS,
    REGION_TOLERANCE_DEG,
    GeometryProblem,
    check_geometries,
    check_kind,
    check_present,
    check_valid,
    check_within,
    crs_label,
    geometry_problems_error,
    reduce_to_kind,
    require_columns,
    require_crs,
    require_same_crs,
)
from locales import Message

SQUARE = box(0, 0, 1, 1)
BOWTIE = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
# A ring folded onto a line: invalid, and make_valid leaves no area.
FOLDED = Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])


def _frame(geoms: list[object], crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    numbers = list(range(1, len(geoms) + 1))
    return gpd.GeoDataFrame({"feature_no": numbers}, geometry=geoms, crs=crs)


# --- CRS -------------------------------------------------------------------------------


def test_require_crs_returns_pyproj_crs() -> None:
    assert require_crs(_frame([SQUARE], "EPSG:4546"), what="parcels") == CRS("EPSG:4546")


def test_require_crs_missing() -> None:
    with pytest.raises(MissingCrsError, match="`parcels` has no CRS") as info:
        require_crs(_frame([SQUARE], None), what="parcels")
    assert "没有坐标系" in info.value.message("zh")


def test_require_same_crs_passes_and_returns_the_crs() -> None:
    a, b = _frame([SQUARE], "EPSG:4546"), _frame([SQUARE], "EPSG:4546")
    assert require_same_crs(a, b, names=("parcels", "counties")).to_epsg() == 4546


def test_require_same_crs_mismatch_lists_both_and_the_fix() -> None:
    a, b = _frame([SQUARE], "EPSG:4546"), _frame([SQUARE], "EPSG:4326")
    with pytest.raises(
        CrsMismatchError,
        match=r"`parcels` is in EPSG:4546 but `counties` is in EPSG:4326.*to_crs\('EPSG:4326'\)",
    ) as info:
        require_same_crs(a, b, names=("parcels", "counties"))
    zh = info.value.message("zh")
    assert "EPSG:4546" in zh
    assert "必须一致" in zh


def test_require_same_crs_with_one_missing() -> None:
    with pytest.raises(MissingCrsError, match="`counties` has no CRS"):
        require_same_crs(_frame([SQUARE]), _frame([SQUARE], None), names=("parcels", "counties"))


def test_crs_label() -> None:
    assert crs_label(CRS("EPSG:4546")) == "EPSG:4546"
    custom = CRS.from_proj4("+proj=tmerc +lon_0=111.5 +ellps=GRS80 +units=m")
    assert crs_label(custom) == custom.name


# --- columns ---------------------------------------------------------------------------

SCHEMA = {"county_code": "string", "n_kg_per_yr": "float", "herd_head": "int", "is_active": "bool"}


def _table(**overrides: object) -> pd.DataFrame:
    columns: dict[str, object] = {
        "county_code": ["150102", "150121"],
        "n_kg_per_yr": [1.5, 2.0],
        "herd_head": [100, 200],
        "is_active": [True, False],
    }
    columns.update(overrides)
    return pd.DataFrame({k: v for k, v in columns.items() if v is not None})


def test_require_columns_accepts_a_good_table() -> None:
    require_columns(_table(), SCHEMA, what="targets")


def test_require_columns_accepts_ints_as_floats_and_whole_floats_as_ints() -> None:
    table = _table(n_kg_per_yr=[1, 2], herd_head=[100.0, np.nan])
    require_columns(table, SCHEMA, what="targets")


def test_require_columns_lists_every_problem_at_once() -> None:
    table = _table(
        county_code=None, herd_head=[1.5, 2.0], n_kg_per_yr=["12,5", "3"], is_active=[1, 0]
    )
    with pytest.raises(SchemaError, match=r"`county_targets\.csv` does not match") as info:
        require_columns(table, SCHEMA, what="county_targets.csv")
    text = str(info.value)
    assert "missing columns: county_code" in text
    assert "column 'n_kg_per_yr' should hold float values but has" in text
    assert "'12,5'" in text
    assert "column 'herd_head' should hold int values" in text
    assert "column 'is_active' should hold bool values" in text
    zh = info.value.message("zh")
    assert "缺少列：county_code" in zh
    assert "herd_head" in zh


def test_require_columns_rejects_numbers_as_strings() -> None:
    with pytest.raises(SchemaError, match="'county_code' should hold string"):
        require_columns(_table(county_code=[150102, 150121]), SCHEMA, what="targets")


def test_require_columns_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown column kinds"):
        require_columns(_table(), {"herd_head": "integer"}, what="targets")


# --- geometry checks -------------------------------------------------------------------


def test_check_present_rejects_null_and_empty() -> None:
    result = check_present(_frame([SQUARE, None, Polygon()]))
    assert result.features["feature_no"].tolist() == [1]
    assert [p.feature_no for p in result.problems] == [2, 3]
    assert {p.code for p in result.problems} == {"missing"}


def test_check_kind_accepts_multi_and_rejects_other_types() -> None:
    frame = _frame([SQUARE, MultiPolygon([SQUARE]), Point(0, 0), LineString([(0, 0), (1, 1)])])
    result = check_kind(frame, "polygon")
    assert result.features["feature_no"].tolist() == [1, 2]
    assert [p.reason.render("en") for p in result.problems] == [
        "is a Point, expected a polygon (Polygon/MultiPolygon)",
        "is a LineString, expected a polygon (Polygon/MultiPolygon)",
    ]


def test_check_kind_any_accepts_everything() -> None:
    result = check_kind(_frame([SQUARE, Point(0, 0)]), "any")
    assert len(result.features) == 2
    assert result.problems == ()


def test_reduce_to_kind_keeps_parts_of_collections() -> None:
    other = box(2, 2, 3, 3)
    collection = GeometryCollection([Point(0, 0), SQUARE, GeometryCollection([other])])
    reduced = reduce_to_kind(collection, "polygon")
    assert reduced is not None
    assert reduced.equals(MultiPolygon([SQUARE, other]))
    assert reduce_to_kind(GeometryCollection([Point(0, 0), SQUARE]), "polygon") == SQUARE
    assert reduce_to_kind(GeometryCollection([Point(0, 0)]), "polygon") is None
    assert reduce_to_kind(Point(0, 0), "polygon") is None
    assert reduce_to_kind(Point(0, 0), "point") == Point(0, 0)


def test_check_kind_notes_reduced_collections() -> None:
    result = check_kind(_frame([GeometryCollection([Point(0, 0), SQUARE])]), "polygon")
    assert result.features.geometry.iloc[0] == SQUARE
    assert _texts(result.notes, "en") == (
        "1 geometry collection(s) reduced to their polygon parts",
    )


def test_check_valid_repairs_and_counts() -> None:
    result = check_valid(_frame([SQUARE, BOWTIE]), kind="polygon", repair=True)
    assert result.repaired_count == 1
    assert result.features.geometry.is_valid.all()
    assert result.features.geometry.iloc[1].area == pytest.approx(0.5)
    assert _texts(result.notes, "zh") == ("已修复 1 个无效几何（如自相交多边形）",)


def test_check_valid_without_repair_rejects_with_the_reason() -> None:
    result = check_valid(_frame([SQUARE, BOWTIE]), kind="polygon", repair=False)
    assert result.features["feature_no"].tolist() == [1]
    assert result.problems[0].reason.render("en") == "invalid geometry (Self-intersection[0.5 0.5])"
    assert result.repaired_count == 0


def test_check_valid_rejects_a_polygon_with_no_area_left() -> None:
    result = check_valid(_frame([FOLDED]), kind="polygon", repair=True)
    assert result.features.empty
    assert (
        result.problems[0].reason.render("en")
        == "invalid geometry that has no polygon left after repair"
    )
    assert result.repaired_count == 0


def test_check_within_uses_a_small_tolerance() -> None:
    region = box(0, 0, 1, 1)
    near = box(1, 0, 1 + REGION_TOLERANCE_DEG / 2, 0.5)
    far = box(5, 5, 6, 6)
    result = check_within(_frame([SQUARE, near, far]), region)
    assert result.features["feature_no"].tolist() == [1, 2]
    assert [p.feature_no for p in result.problems] == [3]
    assert "near lon 5.5000, lat 5.5000" in result.problems[0].reason.render("en")
    assert "lon 0.000 to 1.000" in result.problems[0].reason.render("en")


def test_check_geometries_runs_all_checks_in_order() -> None:
    frame = _frame([SQUARE, None, Point(0.5, 0.5), BOWTIE, box(9, 9, 10, 10)])
    result = check_geometries(frame, geometry_kind="polygon", region_extent=box(-1, -1, 2, 2))
    assert result.features["feature_no"].tolist() == [1, 4]
    assert [(p.feature_no, p.code) for p in result.problems] == [
        (2, "missing"),
        (3, "type"),
        (5, "outside"),
    ]
    assert result.repaired_count == 1


def test_check_geometries_without_feature_numbers_uses_positions() -> None:
    frame = gpd.GeoDataFrame(geometry=[SQUARE, Point(0, 0)], crs="EPSG:4326")
    result = check_geometries(frame, geometry_kind="polygon")
    assert result.problems[0].feature_no == 2


def test_geometry_checks_do_not_mutate_their_input() -> None:
    frame = _frame([BOWTIE, GeometryCollection([SQUARE])])
    before = frame.copy()
    check_geometries(frame, geometry_kind="polygon")
    assert frame.geometry.iloc[0].equals(before.geometry.iloc[0])
    assert frame.geometry.iloc[1].geom_type == "GeometryCollection"


def test_geometry_problems_error_truncates_and_lists_fixes() -> None:
    problems = tuple(
        GeometryProblem(
            n, "outside" if n % 2 else "type", Message.of("input.reason.invalid", why=f"r{n}")
        )
        for n in range(MAX_LISTED_PROBLEMS + 3, 0, -1)
    )
    err = geometry_problems_error(problems, source_name="sites.kml", n_features=20)
    assert isinstance(err, InvalidGeometryError)
    text = str(err)
    assert text.startswith(
        "sites.kml: 13 of 20 features have problems:\n- feature 1: invalid geometry (r1)"
    )
    assert "- feature 10: invalid geometry (r10)\n- ... and 3 more" in text
    assert "feature 11" not in text
    assert "How to fix: keep only features of the expected type" in text
    assert "GCJ-02" in text
    zh = err.message("zh")
    assert "20 个要素中有 13 个存在问题" in zh
    assert "另有 3 个" in zh


def _texts(notes: tuple[Message, ...], lang: str) -> tuple[str, ...]:
    return tuple(note.render(lang) for note in notes)
