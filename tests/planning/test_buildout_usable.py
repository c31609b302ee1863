"""A scenario's unusable sites are set aside by name with reasons; the rest is checked."""

from __future__ import annotations

import pandas as pd

import geopandas as gpd
from shapely.geometry import box

from layers.region import load_region
from layers.scenario_files import load_demo_scenario
from planning.buildout_inputs import checked_scenario_buildout, scenario_buildout, usable_farms

A, B = "150121", "150122"
COUNTIES = gpd.GeoDataFrame(
    {"adcode": [A, B]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326"
)


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["s1", "s2", "s3", "s4", "s5"],
            "name": ["好牧场", "无年份", "无牲畜", "区外", "老牧场"],
            "status": ["proposed", "proposed", "proposed", "proposed", "existing"],
            "start_year": [2022, None, 2022, None, None],
            "dairy_cow_head": [10, 20, 0, 30, 40],
            "county_code": [None, A, A, None, None],
        },
        geometry=[
            box(1.2, 0.2, 1.3, 0.3),
            box(0.5, 0.5, 0.6, 0.6),
            box(0.5, 0.5, 0.6, 0.6),
            box(5.0, 5.0, 5.1, 5.1),  # outside both counties
            box(0.2, 0.2, 0.3, 0.3),
        ],
        crs="EPSG:4326",
    )


def test_unusable_sites_are_listed_by_name_with_what_is_missing() -> None:
    split = usable_farms(_sites(), COUNTIES)
    assert split.farms["farm_id"].tolist() == ["s1", "s5"]  # existing needs no start year
    assert split.unusable.to_dict("records") == [
        {"site_id": "s2", "name": "无年份", "missing": ("start_year",)},
        {"site_id": "s3", "name": "无牲畜", "missing": ("herd",)},
        {"site_id": "s4", "name": "区外", "missing": ("start_year", "county")},
    ]


def test_a_complete_scenario_sets_nothing_aside() -> None:
    sites = _sites().iloc[[0, 4]]
    split = usable_farms(sites, COUNTIES)
    assert split.unusable.empty
    assert split.farms["farm_id"].tolist() == ["s1", "s5"]


def test_the_check_runs_on_the_usable_sites_of_the_demo() -> None:
    region = load_region("hohhot")
    demo = load_demo_scenario(region)
    blanked = demo.copy()
    blanked["start_year"] = blanked["start_year"].astype(object)
    first = blanked.index[blanked["status"] != "existing"][0]
    blanked.loc[first, "start_year"] = None
    years = (2023,)
    checked = checked_scenario_buildout(region, blanked, years)
    assert checked.unusable["site_id"].tolist() == [str(demo.loc[first, "site_id"])]
    expected = scenario_buildout(region, demo.drop(index=first), years)
    pd.testing.assert_frame_equal(checked.result.checks, expected.checks)
