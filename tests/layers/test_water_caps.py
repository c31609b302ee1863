"""Water caps: derived from land and quotas only (never a scenario); a user file replaces them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from errors import SchemaError
from layers.county_zones import load_county_zones
from layers.parcels import load_parcels
from layers.region import load_region
from layers.scenario_files import load_demo_scenario
from layers.water_caps import load_water_caps
from planning.buildout_inputs import load_buildout_inputs, scenario_buildout
from planning.regions import load_nutrient_params
from tests.layers.pack_factory import copy_hohhot_pack

ROUND_M3 = 1_000_000


def test_bundled_caps_follow_the_stated_rule() -> None:
    """cap = cropland (all parcels, 亩) × the zone's silage-corn quota, to 1 million m³."""
    region = load_region("hohhot")
    area = pd.DataFrame(load_parcels(region)).groupby("adcode")["area_mu"].sum()
    zones = load_county_zones(region).set_index("adcode")["zone"]
    quotas = pd.read_csv(Path("data/coefficients/water_quotas.csv")).set_index("key")["value"]
    caps = load_water_caps(region).set_index("adcode")["cap_m3_per_yr"]
    for adcode in caps.index.astype(str):
        quota = float(quotas[f"irrigation.{zones[adcode]}.silage_corn"])
        expected = round(float(area[adcode]) * quota / ROUND_M3) * ROUND_M3
        assert caps[adcode] == expected, adcode


def test_changing_the_demo_scenario_leaves_the_caps() -> None:
    region = load_region("hohhot")
    sites = load_demo_scenario(region)
    bigger = sites.assign(dairy_cow_head=sites["dairy_cow_head"] * 3)
    fewer = sites.iloc[: len(sites) // 2]
    caps = [
        scenario_buildout(region, s, (2023,)).county_totals.set_index("adcode")[
            "water_cap_m3_per_yr"
        ]
        for s in (sites, bigger, fewer)
    ]
    pd.testing.assert_series_equal(caps[0], caps[1])
    pd.testing.assert_series_equal(caps[0], caps[2])
    uses = [
        scenario_buildout(region, s, (2023,)).county_totals["water_use_m3_per_yr"].sum()
        for s in (sites, bigger)
    ]
    assert uses[1] > uses[0]  # the scenario moves the use, not the cap


def test_a_user_caps_file_replaces_the_bundled_one(tmp_path: Path) -> None:
    folder = copy_hohhot_pack(tmp_path)
    lines = (folder / "water_caps.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    user = [header] + [
        ",".join(
            [
                r.split(",")[0],
                r.split(",")[1],
                "500000000",
                "1000",
                "verified",
                "county indicator",
                "",
            ]
        )
        for r in rows
    ]
    (folder / "water_caps.csv").write_text("\n".join(user) + "\n", encoding="utf-8")
    inputs, _ = load_buildout_inputs(load_region(folder), load_nutrient_params(folder))
    np.testing.assert_array_equal(inputs.water_caps["cap_m3_per_yr"], 500_000_000.0)
    assert set(inputs.water_caps["status"]) == {"verified"}


def test_a_bad_user_caps_file_is_refused_with_every_problem(tmp_path: Path) -> None:
    folder = copy_hohhot_pack(tmp_path)
    (folder / "water_caps.csv").write_text(
        "adcode,name_zh,cap_m3_per_yr,other_use_m3_per_yr,status,source,note\n"
        "150121,土默特左旗,-5,0,published,county indicator,\n"
        "150121,土默特左旗,ten,0,verified,county indicator,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"(?s)water caps.*'cap_m3_per_yr'.*'status' is not "
        r"one of .*'adcode' is repeated",
    ):
        load_water_caps(load_region(folder))
