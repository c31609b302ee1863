"""Tests of the herd baseline table and its loader (layers.herd)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from errors import ParameterError, SchemaError
from layers.counties import load_counties
from layers.herd import HERD_COLUMNS, load_herd_baseline
from layers.region import Region, load_region
from layers.targets import load_city_targets, load_forage_targets

REGION_ID = "hohhot"
CITY_DAIRY_COWS_HEAD = 360_000  # plan 三(一)1: 2021年奶牛存栏达到36万头
CITY_DAIRY_GOATS_HEAD = 50_000  # plan 三(一)1: 奶羊存栏5万只


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region(REGION_ID)


def test_city_totals_are_the_plan_figures(region: Region) -> None:
    herd = load_herd_baseline(region)
    assert herd["dairy_cow_head"].sum() == CITY_DAIRY_COWS_HEAD
    assert herd["goat_head"].sum() == CITY_DAIRY_GOATS_HEAD
    plan = load_city_targets(region).set_index(["key", "year"])["value"]
    assert herd["dairy_cow_head"].sum() == plan[("dairy_cow_head", 2021)]
    assert herd["goat_head"].sum() == plan[("goat_head", 2021)]


def test_nine_counties_with_text_adcodes(region: Region) -> None:
    herd = load_herd_baseline(region, year=2021)
    assert len(herd) == 9
    assert list(herd["adcode"]) == sorted(load_counties(region)["adcode"])
    assert all(isinstance(a, str) and len(a) == 6 for a in herd["adcode"])
    assert (herd["year"] == 2021).all()
    assert (herd["status"] == "illustrative").all()
    for column in HERD_COLUMNS:
        assert str(herd[column].dtype) == "int64"
        assert (herd[column] >= 0).all()


def test_dairy_cows_split_by_silage_corn_target(region: Region) -> None:
    herd = load_herd_baseline(region).set_index("adcode")["dairy_cow_head"]
    targets = load_forage_targets(region)
    silage = targets.loc[(targets["crop"] == "silage_corn") & (targets["year"] == 2021)]
    silage_wan_mu = silage.set_index("adcode")["target_wan_mu"]
    assert silage_wan_mu.sum() == pytest.approx(100.0)
    for adcode, cows in herd.items():
        expected = CITY_DAIRY_COWS_HEAD * silage_wan_mu.get(adcode, 0.0) / 100.0
        assert cows == pytest.approx(expected), adcode


def _pack_with_herd(region: Region, tmp_path: Path, text: str) -> Region:
    pack = tmp_path / REGION_ID
    shutil.copytree(region.dir, pack, ignore=shutil.ignore_patterns("*.gpkg"))
    (pack / "herd_baseline.csv").write_text(text, encoding="utf-8")
    return load_region(pack)


def test_missing_year_lists_the_years(region: Region) -> None:
    with pytest.raises(ParameterError, match=r"no rows for year 2019 \(years: 2021\)"):
        load_herd_baseline(region, year=2019)


def test_bad_rows_are_listed_together(region: Region, tmp_path: Path) -> None:
    header = (
        "adcode,name_zh,year,dairy_cow_head,goat_head,beef_cattle_head,sheep_head,"
        "pig_head,poultry_head,status,source,note\n"
    )
    rows = (
        "150121,土默特左旗,2021,-5,0,0,0,0,0,illustrative,s,\n"
        "150121,土默特左旗,2021,10,0,0,0,0,0,guessed,s,\n"
        "150122,托克托县,2021,1.5,0,0,0,0,0,illustrative,s,\n"
    )
    bad = _pack_with_herd(region, tmp_path, header + rows)
    with pytest.raises(SchemaError, match="4 problem") as caught:
        load_herd_baseline(bad)
    text = str(caught.value)
    assert "'dairy_cow_head' is negative on line(s) 2" in text
    assert (
        "'status' is not one of verified, corroborated, recalled, illustrative, derived on "
        "line(s) 3"
    ) in text
    assert "repeats an (adcode, year) pair on line(s) 2, 3" in text
    assert "'dairy_cow_head' is not an integer on line(s) 4" in text
    assert "4 处问题" in caught.value.message("zh")


def test_missing_column(region: Region, tmp_path: Path) -> None:
    bad = _pack_with_herd(region, tmp_path, "adcode,name_zh,year\n150121,土默特左旗,2021\n")
    with pytest.raises(SchemaError, match="missing column\\(s\\) dairy_cow_head"):
        load_herd_baseline(bad)


def test_old_dairy_goat_column_is_read_as_goat_head(region: Region, tmp_path: Path) -> None:
    # herd baselines written before the vocabulary pass had another name for the goat column
    old_goat = "dairy_goat_head"  # vocab: old name
    header = (
        f"adcode,name_zh,year,dairy_cow_head,{old_goat},beef_cattle_head,"
        "sheep_head,pig_head,poultry_head,status,source,note\n"
    )
    rows = "150121,土默特左旗,2021,10,7,0,0,0,0,illustrative,s,\n"
    herd = load_herd_baseline(_pack_with_herd(region, tmp_path, header + rows))
    assert int(herd.loc[0, "goat_head"]) == 7 and old_goat not in herd.columns
