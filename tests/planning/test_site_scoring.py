"""`planning.site_scoring.read_sites`: a file's own site ids and names survive the reading."""

from __future__ import annotations

from pathlib import Path

import pytest

import geopandas as gpd
from shapely.geometry import Point, box

from errors import InputDataError, ParameterError
from planning.regions import load_region, region_outline
from planning.site_scoring import (
    ID_COLUMNS,
    NAME_COLUMNS,
    ScoreOptions,
    check_herd_sizes,
    read_sites,
)

NAMED_SITES = Path(__file__).resolve().parents[1] / "data" / "named_sites.geojson"
# A 700 m square in 土默特左旗 (lon/lat degrees), inside the Hohhot outline.
SQUARE = box(111.4273, 40.6561, 111.4369, 40.6634)


@pytest.fixture(scope="module")
def outline() -> object:
    return region_outline(load_region("hohhot"))


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "sites.geojson"
    gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def test_ids_and_names_of_the_file_are_kept(outline: object) -> None:
    sites = read_sites(NAMED_SITES, herd=None, region_outline=outline).sites
    assert list(sites["site_id"]) == ["P1", "P2", "site-3"]
    assert list(sites["name"]) == ["P1-tumochuan-plain", "P2-togtoh-north", "P3-tumed-west"]
    assert list(sites["dairy_cow_head"]) == [5000, 3000, 4000]


@pytest.mark.parametrize(
    ("id_column", "name_column"),
    [("id", "名称"), ("编号", "site_name"), ("ID", "Name"), ("site_no", "name_zh")],
)
def test_recognised_id_and_name_columns(
    tmp_path: Path, outline: object, id_column: str, name_column: str
) -> None:
    assert id_column.lower() in [c.lower() for c in ID_COLUMNS]
    assert name_column.lower() in [c.lower() for c in NAME_COLUMNS]
    path = _write(tmp_path, [{id_column: 17, name_column: " 甲牧场 ", "geometry": SQUARE}])
    sites = read_sites(path, herd=5000, region_outline=outline).sites
    assert (sites.loc[0, "site_id"], sites.loc[0, "name"]) == ("17", "甲牧场")


def test_site_without_id_or_name(tmp_path: Path, outline: object) -> None:
    path = _write(tmp_path, [{"site_id": "", "name": None, "geometry": SQUARE}])
    sites = read_sites(path, herd=5000, region_outline=outline).sites
    assert sites.loc[0, "site_id"] == "site-1" and sites.loc[0, "name"] is None


def test_bad_features_keep_their_ids_and_names(tmp_path: Path, outline: object) -> None:
    path = _write(
        tmp_path,
        [
            {"site_id": "A", "name": "good", "dairy_cow_head": 5000, "geometry": SQUARE},
            {"site_id": "B", "name": "no-herd", "dairy_cow_head": 0, "geometry": SQUARE},
            {
                "site_id": "C",
                "name": "a-point",
                "dairy_cow_head": 5000,
                "geometry": Point(111.43, 40.66),
            },
        ],
    )
    bad = read_sites(path, herd=None, region_outline=outline).bad
    assert [(b["feature_no"], b["site_id"], b["name"]) for b in bad] == [
        (2, "B", "no-herd"),
        (3, "C", "a-point"),
    ]


def test_repeated_ids_are_refused_by_name(tmp_path: Path, outline: object) -> None:
    path = _write(
        tmp_path,
        [
            {"id": "X", "name": "first", "geometry": SQUARE},
            {"id": "X", "name": "second", "geometry": SQUARE},
        ],
    )
    result = read_sites(path, herd=5000, region_outline=outline)
    assert list(result.sites["name"]) == ["first"]
    assert result.bad[0]["name"] == "second"
    assert "site_id 'X' repeats an earlier feature" in result.bad[0]["reason"]


def test_no_usable_site_names_the_file(tmp_path: Path, outline: object) -> None:
    path = _write(tmp_path, [{"name": "zero", "dairy_cow_head": 0, "geometry": SQUARE}])
    with pytest.raises(InputDataError, match=r"sites.geojson: no usable site"):
        read_sites(path, herd=None, region_outline=outline)


def test_score_options_default_to_the_region_manifest() -> None:
    options = ScoreOptions()
    assert options.crop is None and options.water_year is None and options.with_water


def test_old_herd_attribute_is_read_as_dairy_cow_head(tmp_path: Path, outline: object) -> None:
    # site files written before the vocabulary pass carry the herd under its old name
    path = _write(
        tmp_path,
        [
            {
                "site_id": "A",
                "herd_dairy_cows": 4500,  # vocab: old name
                "geometry": SQUARE,
            }
        ],
    )
    sites = read_sites(path, herd=None, region_outline=outline).sites
    assert list(sites["dairy_cow_head"]) == [4500]


def test_the_site_check_refuses_an_absurd_herd(outline: object) -> None:
    region = load_region("hohhot")
    sites = read_sites(NAMED_SITES, herd=1e12, region_outline=outline).sites
    with pytest.raises(ParameterError, match=r"more than the largest plausible ranch"):
        check_herd_sizes(sites, region)
    check_herd_sizes(read_sites(NAMED_SITES, herd=5000, region_outline=outline).sites, region)
