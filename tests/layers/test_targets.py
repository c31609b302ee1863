"""Hohhot plan targets: county sums equal the plan's totals; malformed tables fail clearly.

Plan: 《呼和浩特市打造以乳业为核心的绿色食品加工产业集群三年行动方案（2021—2023年）》.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from errors import FileFormatError, SchemaError
from geo.units import M2_PER_HA, M2_PER_MU
from layers.counties import load_counties
from layers.csv_tables import STATUSES
from layers.region import Region, load_region
from layers.targets import load_city_targets, load_forage_targets, load_ranch_targets
from tests.layers.pack_factory import copy_hohhot_pack

PLAN_TITLE = "《呼和浩特市打造以乳业为核心的绿色食品加工产业集群三年行动方案（2021—2023年）》"


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region("hohhot")


@pytest.fixture(scope="module")
def forage(region: Region) -> pd.DataFrame:
    return load_forage_targets(region)


@pytest.fixture(scope="module")
def plan(region: Region) -> dict[tuple[str, int], float]:
    table = load_city_targets(region)
    return {(k, y): v for k, y, v in zip(table["key"], table["year"], table["value"], strict=True)}


def _crop_wan_mu(forage: pd.DataFrame, crop: str) -> dict[str, float]:
    rows = forage[forage["crop"] == crop]
    return dict(zip(rows["name_zh"], rows["target_wan_mu"], strict=True))


def test_forage_targets_columns_and_types(forage: pd.DataFrame) -> None:
    assert list(forage.columns) == [
        "adcode",
        "name_zh",
        "crop",
        "year",
        "target_wan_mu",
        "target_mu",
        "target_ha",
        "source",
        "status",
    ]
    assert all(isinstance(code, str) and len(code) == 6 for code in forage["adcode"])
    assert set(forage["crop"]) == {"silage_corn", "oat_hay", "alfalfa"}
    assert set(forage["year"]) == {2021}
    assert forage["source"].str.startswith(PLAN_TITLE).all()
    assert forage["status"].isin(STATUSES).all()


def test_silage_corn_counties_sum_to_100_wan_mu(forage: pd.DataFrame) -> None:
    assert _crop_wan_mu(forage, "silage_corn") == {
        "土默特左旗": 40,
        "和林格尔县": 25,
        "托克托县": 22,
        "清水河县": 6,
        "赛罕区": 5,
        "武川县": 1,
        "玉泉区": 1,
    }
    assert sum(_crop_wan_mu(forage, "silage_corn").values()) == 40 + 25 + 22 + 6 + 5 + 1 + 1
    assert 40 + 25 + 22 + 6 + 5 + 1 + 1 == 100


def test_oat_hay_counties_sum_to_13_wan_mu(forage: pd.DataFrame) -> None:
    oat = _crop_wan_mu(forage, "oat_hay")
    assert oat == {"武川县": 7, "清水河县": 3, "和林格尔县": 2.4, "托克托县": 0.6}
    assert sum(oat.values()) == pytest.approx(7 + 3 + 2.4 + 0.6) == 13


def test_alfalfa_counties_sum_to_12_wan_mu(forage: pd.DataFrame) -> None:
    alfalfa = _crop_wan_mu(forage, "alfalfa")
    assert alfalfa == {
        "土默特左旗": 3,
        "清水河县": 2.8,
        "和林格尔县": 2.13,
        "武川县": 2,
        "托克托县": 1.8,
        "赛罕区": 0.2,
        "新城区": 0.07,
    }
    # 3 + 2.8 + 2.13 + 2 + 1.8 + 0.2 + 0.07 = 12.00 exactly (up to float rounding).
    assert sum(alfalfa.values()) == pytest.approx(12.0, abs=1e-9)


def test_crop_totals_equal_the_city_targets_and_the_forage_base(
    forage: pd.DataFrame, plan: dict[tuple[str, int], float]
) -> None:
    totals = forage.groupby("crop")["target_wan_mu"].sum()
    for crop in ("silage_corn", "oat_hay", "alfalfa"):
        assert totals[crop] == pytest.approx(plan[(f"{crop}_wan_mu", 2021)])
    assert totals.sum() == pytest.approx(plan[("forage_base_wan_mu", 2021)]) == 100 + 13 + 12


def test_unit_conversions_of_forage_targets(forage: pd.DataFrame) -> None:
    row = forage[(forage["name_zh"] == "土默特左旗") & (forage["crop"] == "silage_corn")].iloc[0]
    assert row["target_mu"] == pytest.approx(40 * 10_000)
    assert row["target_ha"] == pytest.approx(40 * 10_000 * M2_PER_MU / M2_PER_HA)
    assert row["target_ha"] == pytest.approx(400_000 / 15)


def test_target_counties_are_region_counties(region: Region, forage: pd.DataFrame) -> None:
    counties = load_counties(region)
    names = dict(zip(counties["adcode"], counties["name_zh"], strict=True))
    ranches = load_ranch_targets(region)
    for table in (forage, ranches):
        assert {code: names[code] for code in table["adcode"]} == dict(
            zip(table["adcode"], table["name_zh"], strict=True)
        )


def test_city_targets_values(plan: dict[tuple[str, int], float]) -> None:
    expected = {
        ("forage_base_wan_mu", 2021): 125,
        ("forage_base_wan_mu", 2023): 150,
        ("dairy_cow_head", 2021): 36 * 10_000,
        ("dairy_cow_head", 2023): 46 * 10_000,
        ("goat_head", 2021): 5 * 10_000,
        ("goat_head", 2023): 15 * 10_000,
        ("alfalfa_oat_self_sufficiency_min_frac", 2021): 0.20,
        ("alfalfa_oat_self_sufficiency_min_frac", 2023): 0.30,
        ("silage_corn_self_sufficiency_min_frac", 2021): 1.0,
        ("silage_corn_self_sufficiency_min_frac", 2023): 1.0,
        ("forage_land_for_15_ranches_wan_mu", 2021): 25,
        ("ranches_under_construction_count", 2021): 15,
        ("ranches_new_to_site_count", 2021): 10,
        ("manure_utilisation_min_frac", 2021): 0.9,
        ("manure_utilisation_min_frac", 2022): 0.9,
        ("manure_utilisation_min_frac", 2023): 0.9,
    }
    assert {key: plan[key] for key in expected} == pytest.approx(expected)


def test_city_targets_columns(region: Region) -> None:
    table = load_city_targets(region)
    assert list(table.columns) == ["key", "year", "value", "unit", "source", "status", "note"]
    assert table["source"].str.startswith(PLAN_TITLE).all()
    assert table["status"].isin(STATUSES).all()


def test_ranch_targets_sum_to_15_and_10(region: Region, plan: dict[tuple[str, int], float]) -> None:
    ranches = load_ranch_targets(region)
    assert list(ranches.columns) == [
        "adcode",
        "name_zh",
        "ranches_under_construction_2021",
        "ranches_new_to_site",
        "source",
        "status",
    ]
    per_county = {
        n: (u, s)
        for n, u, s in zip(
            ranches["name_zh"],
            ranches["ranches_under_construction_2021"],
            ranches["ranches_new_to_site"],
            strict=True,
        )
    }
    assert per_county == {
        "土默特左旗": (7, 2),
        "和林格尔县": (3, 3),
        "托克托县": (2, 4),
        "清水河县": (2, 1),
        "赛罕区": (1, 0),
    }
    assert ranches["ranches_under_construction_2021"].sum() == 7 + 3 + 2 + 2 + 1 == 15
    assert ranches["ranches_new_to_site"].sum() == 2 + 3 + 4 + 1 == 10
    assert plan[("ranches_under_construction_count", 2021)] == 15


# --- malformed tables, in a temporary copy of the pack ------------------------------------


def _copy_with(tmp_path: Path, file: str, text: str) -> Region:
    folder = copy_hohhot_pack(tmp_path)
    (folder / file).write_text(text, encoding="utf-8")
    return load_region(folder)


def test_forage_table_problems_are_listed_together(tmp_path: Path) -> None:
    text = (
        "adcode,name_zh,crop,year,value,unit,status,source\n"
        "150121,土默特左旗,silage_corn,2021,40,万亩,verified,plan\n"
        "15012,x,maize,2021,abc,acre,guessed,plan\n"
        "150121,土默特左旗,silage_corn,2021,-1,万亩,verified,plan\n"
        "150122,托克托县,alfalfa,2021.5,1,亩,verified,\n"
    )
    region = _copy_with(tmp_path, "forage_targets.csv", text)
    with pytest.raises(SchemaError, match=r"has 9 problem\(s\)") as excinfo:
        load_forage_targets(region)
    message = str(excinfo.value)
    for part in [
        "column 'adcode' is not a 6-digit code on line(s) 3: '15012'",
        "column 'year' is not an integer on line(s) 5: '2021.5'",
        "column 'value' is not a number on line(s) 3: 'abc'",
        "column 'source' is empty on line(s) 5",
        "column 'crop' is not one of silage_corn, oat_hay, alfalfa on line(s) 3",
        "column 'unit' is not one of 万亩, 亩, ha on line(s) 3: 'acre'",
        "column 'status' is not one of verified, corroborated, recalled, illustrative, derived",
        "repeats a (adcode, crop, year) combination on line(s) 2, 4",
        "column 'value' is negative on line(s) 4",
    ]:
        assert part in message
    assert "forage targets 表 'forage_targets.csv' 有 9 处问题" in excinfo.value.message("zh")


def test_hectare_and_mu_units_are_converted(tmp_path: Path) -> None:
    text = (
        "adcode,name_zh,crop,year,value,unit,status,source\n"
        "150121,土默特左旗,alfalfa,2021,15,ha,illustrative,test\n"
        "150122,托克托县,alfalfa,2021,300,亩,illustrative,test\n"
    )
    forage = load_forage_targets(_copy_with(tmp_path, "forage_targets.csv", text))
    assert forage["target_mu"].tolist() == pytest.approx([15 * M2_PER_HA / M2_PER_MU, 300])
    assert forage["target_wan_mu"].tolist() == pytest.approx([225 / 10_000, 300 / 10_000])


def test_missing_columns_are_named(tmp_path: Path) -> None:
    region = _copy_with(tmp_path, "forage_targets.csv", "adcode,crop,value\n150121,alfalfa,1\n")
    with pytest.raises(SchemaError, match=r"missing column.*name_zh, year, unit, status, source"):
        load_forage_targets(region)


def test_missing_table_file(tmp_path: Path) -> None:
    folder = copy_hohhot_pack(tmp_path)
    (folder / "ranch_targets.csv").unlink()
    with pytest.raises(FileFormatError, match=r"ranch targets table .*ranch_targets\.csv does not"):
        load_ranch_targets(load_region(folder))


def test_non_utf8_table(tmp_path: Path) -> None:
    folder = copy_hohhot_pack(tmp_path)
    text = (folder / "ranch_targets.csv").read_text(encoding="utf-8")
    (folder / "ranch_targets.csv").write_bytes(text.encode("gb18030"))
    with pytest.raises(FileFormatError, match="not a readable UTF-8 CSV"):
        load_ranch_targets(load_region(folder))


def test_city_target_table_unit_and_range_problems(tmp_path: Path) -> None:
    text = (
        "key,year,value,unit,status,source,note\n"
        "dairy_cow_head,2021,360000,万亩,verified,plan,\n"
        "manure_utilisation_min_frac,2021,1.5,frac,verified,plan,\n"
        "forage_base,2021,125,万亩,verified,plan,\n"
        "dairy_cow_head,2021,1,head,verified,plan,\n"
    )
    region = _copy_with(tmp_path, "city_targets.csv", text)
    with pytest.raises(
        SchemaError,
        match=r"(?s)3 problem\(s\).*'unit' disagrees with the "
        r"key's unit suffix.*line\(s\) 2, 4.*"
        r"negative or a fraction above 1 on line\(s\) 3.*"
        r"repeats a \(key, year\) combination on line\(s\) 2, 5",
    ):
        load_city_targets(region)


def test_ranch_table_count_problems(tmp_path: Path) -> None:
    text = (
        "adcode,name_zh,ranches_under_construction_2021,ranches_new_to_site,status,source\n"
        "150121,土默特左旗,2.5,-1,verified,plan\n"
    )
    region = _copy_with(tmp_path, "ranch_targets.csv", text)
    with pytest.raises(
        SchemaError,
        match=r"(?s)ranches_under_construction_2021' is not an "
        r"integer on line\(s\) 2: '2.5'.*"
        r"'ranches_new_to_site' is negative",
    ):
        load_ranch_targets(region)


def test_old_target_keys_are_read_under_their_new_names(tmp_path: Path) -> None:
    # city target tables written before the vocabulary pass (issue "One model, one truth")
    text = (
        "key,year,value,unit,status,source,note\n"
        "dairy_cows_head,2021,360000,head,verified,plan,\n"  # vocab: old name
        "dairy_goats_head,2021,50000,head,verified,plan,\n"
    )  # vocab: old name
    table = load_city_targets(_copy_with(tmp_path, "city_targets.csv", text))
    assert table.set_index("key")["value"].to_dict() == {
        "dairy_cow_head": 360_000.0,
        "goat_head": 50_000.0,
    }


def test_old_layer_kind_of_the_city_targets_is_accepted(tmp_path: Path) -> None:
    # a manifest written before the vocabulary pass: the old kind, its own file name
    folder = copy_hohhot_pack(tmp_path)
    manifest = folder / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    old = text.replace('kind = "city_targets"', 'kind = "plan_targets"')  # vocab: old name
    assert old != text
    manifest.write_text(
        old.replace('file = "city_targets.csv"', 'file = "targets_2021.csv"'), encoding="utf-8"
    )
    (folder / "city_targets.csv").rename(folder / "targets_2021.csv")
    table = load_city_targets(load_region(folder))
    assert ("dairy_cow_head", 2023) in set(zip(table["key"], table["year"], strict=True))
