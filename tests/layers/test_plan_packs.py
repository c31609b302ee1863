"""The bundled Ningxia and Ordos packs: their targets, groups and size classes as in the seeds.

Figures are those of 《全区牛奶产业高质量发展规划（2024年—2027年）》 (表1, 三(一)1, 三(一)2) and
《鄂尔多斯市推动传统奶制品产业发展专项行动工作方案》 二(一), typed here from the plans.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from cli import main
from layers.coefficients import load_nutrient_params
from layers.counties import load_counties
from layers.group_targets import (
    load_county_groups,
    load_group_targets,
    load_size_class_targets,
)
from layers.region import REGIONS_DIR, load_region
from layers.targets import load_city_targets
from planning.buildout_inputs import load_buildout_inputs
from siting.buildout import run_buildout
from siting.group_targets import size_class_counts, target_sums

WAN = 10_000
CORES = {"兴庆区", "西夏区", "贺兰县", "永宁县", "灵武市", "利通区", "青铜峡市"}
WINGS = {"平罗县", "惠农区", "沙坡头区", "中宁县", "海原县"}


def _city(region_id: str) -> pd.DataFrame:
    return load_city_targets(load_region(REGIONS_DIR / region_id))


def _value(table: pd.DataFrame, key: str, year: int) -> float:
    return float(table[(table["key"] == key) & (table["year"] == year)]["value"].iloc[0])


def test_ningxia_pack_loads_with_the_plan_calendar_and_counties() -> None:
    region = load_region(REGIONS_DIR / "ningxia")
    assert (region.adcode, region.analysis_crs) == ("640000", "EPSG:4544")
    assert (region.plan.base_year, region.plan.target_year) == (2023, 2027)
    assert len(load_counties(region)) == 22


def test_ningxia_region_targets_are_the_plans() -> None:
    city = _city("ningxia")
    assert _value(city, "dairy_cow_head", 2027) == 90 * WAN
    assert _value(city, "raw_milk_t_per_yr", 2027) == 450 * WAN
    assert _value(city, "silage_corn_wan_mu", 2027) == 270
    assert _value(city, "silage_corn_output_t_per_yr", 2027) == 1000 * WAN
    assert _value(city, "alfalfa_wan_mu", 2027) == 30
    assert _value(city, "alfalfa_hay_t_per_yr", 2027) == 20 * WAN
    assert _value(city, "annual_grass_wan_mu", 2027) == 70
    assert _value(city, "annual_grass_hay_t_per_yr", 2027) == 30 * WAN
    manure = city[city["key"] == "manure_utilisation_min_frac"].iloc[0]
    assert manure["value"] == 0.95
    assert "约束性" in manure["note"]
    assert "表1" in manure["source"]


def test_ningxia_groups_hold_the_plans_counties_and_targets() -> None:
    region = load_region(REGIONS_DIR / "ningxia")
    groups = load_county_groups(region)
    members = groups.groupby("group_id")["county_name_zh"].apply(set).to_dict()
    assert members == {"two_cores": CORES, "two_wings": WINGS}
    counties = load_counties(region).set_index("adcode")["name_zh"]
    assert all(
        counties[a] == n for a, n in zip(groups["adcode"], groups["county_name_zh"], strict=True)
    )
    targets = load_group_targets(region).set_index(["group_id", "key"])["value"]
    assert targets["two_cores", "dairy_cow_head"] == 63 * WAN
    assert targets["two_cores", "raw_milk_t_per_yr"] == 327 * WAN
    assert targets["two_wings", "dairy_cow_head"] == 27 * WAN
    assert targets["two_wings", "raw_milk_t_per_yr"] == 123 * WAN


def test_ningxia_group_targets_add_up_to_the_region_targets() -> None:
    region = load_region(REGIONS_DIR / "ningxia")
    sums = target_sums(load_group_targets(region), load_city_targets(region))
    by_key = sums.set_index("key")
    assert by_key.loc["dairy_cow_head", "groups_total"] == (63 + 27) * WAN
    assert by_key.loc["raw_milk_t_per_yr", "groups_total"] == (327 + 123) * WAN
    assert (by_key["difference"] == 0).all()


def test_ningxia_buildout_checks_each_group_against_its_cap() -> None:
    region = load_region(REGIONS_DIR / "ningxia")
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    farms = pd.DataFrame(
        {
            "farm_id": ["A", "B"],
            "adcode": ["640181", "640522"],  # 灵武市 (a core), 海原县 (a wing)
            "status": "proposed",
            "start_year": [2024, 2025],
            "dairy_cow_head": [10_000, 5_000],
        }
    )
    result = run_buildout(farms, [2023, 2027], inputs, parameters)
    rows = result.checks[result.checks["scope"] == "group"].set_index(["adcode", "year"])
    # Illustrative baseline: 92万 (表1, 2023) x 63/90 for the cores, x 27/90 for the wings.
    cores_2023 = 920_000 * 63 / 90
    wings_2023 = 920_000 * 27 / 90
    assert rows.loc[("two_cores", 2023), "value"] == pytest.approx(cores_2023, abs=7)
    assert rows.loc[("two_cores", 2027), "value"] == pytest.approx(cores_2023 + 10_000, abs=7)
    assert rows.loc[("two_wings", 2027), "value"] == pytest.approx(wings_2023 + 5_000, abs=3)
    assert rows.loc[("two_cores", 2027), "limit"] == 630_000
    assert rows.loc[("two_cores", 2027), "limit_type"] == "max"
    assert rows.loc[("two_cores", 2027), "status"] == "exceeded"
    util = result.checks[
        (result.checks["scope"] == "city") & (result.checks["check"] == "manure_utilisation_n")
    ]
    assert (util["limit"] == 0.95).all()


def test_ordos_targets_size_classes_and_pilot_banner() -> None:
    region = load_region(REGIONS_DIR / "ordos")
    assert (region.adcode, region.plan.target_year) == ("150600", 2022)
    city = load_city_targets(region)
    assert _value(city, "dairy_cow_head", 2022) == 10 * WAN
    assert _value(city, "raw_milk_t_per_yr", 2022) == 30 * WAN
    classes = load_size_class_targets(region).set_index("class_id")
    assert classes["target_count"].to_dict() == {
        "small_50_100": 20,
        "scale_100_1000": 10,
        "large_1000": 15,
    }
    assert (classes.loc["small_50_100", "min_head"], classes.loc["small_50_100", "max_head"]) == (
        50,
        100,
    )
    assert math.isinf(classes.loc["large_1000", "max_head"])
    pilot = load_county_groups(region)
    assert pilot[["group_id", "county_name_zh", "adcode"]].values.tolist() == [
        ["pilot_banner", "乌审旗", "150626"]
    ]
    assert load_group_targets(region).empty


def _mixed_farms(adcodes: list[str]) -> pd.DataFrame:
    """45 farms: 20 of 60 head, 10 of 300 and 15 of 1,500 (one of each at a class edge)."""
    heads = [60] * 19 + [50] + [300] * 9 + [100] + [1_500] * 14 + [1_000]
    return pd.DataFrame(
        {
            "farm_id": [f"F{i:02d}" for i in range(45)],
            "adcode": [adcodes[i % len(adcodes)] for i in range(45)],
            "status": "proposed",
            "start_year": [2022] * 44 + [2023],
            "dairy_cow_head": heads,
        }
    )


def test_ordos_buildout_counts_many_small_farms_by_size_class() -> None:
    region = load_region(REGIONS_DIR / "ordos")
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    farms = _mixed_farms(load_counties(region)["adcode"].tolist())
    result = run_buildout(farms, [2021, 2022], inputs, parameters)
    checks = result.checks
    sizes = checks[checks["check"].str.startswith("farm_count_size_class_")]
    got = sizes.set_index(["check", "year"])[["value", "limit", "status"]]
    # 2022: the last large farm starts in 2023, so 14 large farms operate.
    assert got.loc[("farm_count_size_class_small_50_100", 2022)].tolist() == [20.0, 20.0, "ok"]
    assert got.loc[("farm_count_size_class_scale_100_1000", 2022)].tolist() == [10.0, 10.0, "ok"]
    assert got.loc[("farm_count_size_class_large_1000", 2022)].tolist() == [
        14.0,
        15.0,
        "exceeded",
    ]
    assert got.loc[("farm_count_size_class_small_50_100", 2021), "value"] == 0
    herd = checks[(checks["check"] == "dairy_cow_head") & (checks["year"] == 2022)].iloc[0]
    # Baseline 0 (illustrative); each farm adds half its herd in its start year (ramp 0.5).
    assert herd["value"] == pytest.approx(0.5 * (19 * 60 + 50 + 9 * 300 + 100 + 14 * 1_500))
    assert herd["limit"] == 10 * WAN
    county = checks[(checks["scope"] == "county") & (checks["year"] == 2022)]
    assert set(county["adcode"]) == set(load_counties(region)["adcode"])


def test_size_class_counts_use_lower_inclusive_classes() -> None:
    region = load_region(REGIONS_DIR / "ordos")
    classes = load_size_class_targets(region)
    farms = pd.DataFrame(
        {
            "status": ["proposed", "proposed", "existing", "proposed", "proposed"],
            "start_year": [2022, 2022, None, 2022, 2030],
            "dairy_cow_head": [49, 99, 100, 1_000, 5_000],
        }
    )
    counts = size_class_counts(farms, classes, 2022).set_index("class_id")["farm_count"]
    assert counts.to_dict() == {"small_50_100": 1, "scale_100_1000": 1, "large_1000": 1}


def test_ordos_demo_scenario_meets_the_size_classes_in_2022(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["buildout", "--region", "ordos", "--scenario", "demo", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    city = next(e for e in payload["counties"] if e["scope"] == "city")
    year = next(y for y in city["years"] if y["year"] == 2022)
    rows = {c["check"]: c for c in year["checks"]}
    for class_id, count in (("small_50_100", 20), ("scale_100_1000", 10), ("large_1000", 15)):
        row = rows[f"farm_count_size_class_{class_id}"]
        assert (row["value"], row["limit"], row["status"]) == (count, count, "ok")
    # 20 x 70 + 10 x 500 + 15 x 2,000 head (demo_scenario.toml), half in the start year 2022.
    assert rows["dairy_cow_head"]["value"] == 0.5 * (20 * 70 + 10 * 500 + 15 * 2_000)
    assert rows["dairy_cow_head"]["status"] == "exceeded"  # short of the plan's 10万
