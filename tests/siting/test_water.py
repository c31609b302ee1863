"""Tests of siting.water with figures worked by hand from the default (illustrative) quotas.

Livestock L per head per day: lactating cow 200, dry cow 80, heifer 60, calf 25, dairy goat 10,
beef cattle 50, sheep 6. Irrigation m³ per 亩: plain silage 220, alfalfa 280, oat hay 150;
hills 160 / 190 / 100. A dairy head count is 0.46 lactating, 0.09 dry, 0.20 heifers, 0.25
calves.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from errors import ParameterError, SchemaError
from layers.coefficients import coefficient_path
from layers.forage_params import load_forage_params, load_water_params
from siting.forage import herd_forage_need
from siting.water import (
    herd_water_need,
    irrigation_water_m3_per_yr,
    livestock_heads,
    livestock_water_m3_per_yr,
)

FORAGE = load_forage_params()
WATER = load_water_params()
L_PER_DAIRY_HEAD_DAY = 0.50 * 200 + 0.10 * 80 + 0.13 * 60 + 0.27 * 25  # 122.55 L
# land grown per dairy head (herd structure x rations, 40% of the 羊草 as oat hay, 10% loss)
SILAGE_T = 1.1 * (0.50 * 8 + 0.10 * 6 + 0.13 * 2.75 + 0.27 * 1.9)
ALFALFA_T = 1.1 * (0.50 * 1.3 + 0.10 * 1.1 + 0.13 * 0.5)
OAT_T = 1.1 * 0.40 * (0.50 * 2.0 + 0.10 * 1.5 + 0.13 * 1.85 + 0.27 * 1.2)


def test_livestock_water_of_a_mixed_herd() -> None:
    herd = pd.DataFrame(
        {
            "dairy_cow_head": [1_000],
            "goat_head": [200],
            "beef_cattle_head": [50],
            "sheep_head": [1_000],
        }
    )
    m3 = livestock_water_m3_per_yr(livestock_heads(herd, FORAGE), WATER).iloc[0]
    litres_per_day = 1_000 * L_PER_DAIRY_HEAD_DAY + 200 * 10 + 50 * 50 + 1_000 * 6
    assert m3 == pytest.approx(litres_per_day * 365 / 1_000)  # 49,640 m3


def test_irrigation_by_crop_and_zone() -> None:
    area = pd.DataFrame(
        {
            "silage_corn_area_mu": [1_000.0, 1_000.0],
            "alfalfa_area_mu": [100.0, 100.0],
            "oat_hay_area_mu": [10.0, 0.0],
        }
    )
    m3 = irrigation_water_m3_per_yr(area, pd.Series(["plain", "hills"]), WATER)
    assert m3.tolist() == pytest.approx(
        [1_000 * 220 + 100 * 280 + 10 * 150, 1_000 * 160 + 100 * 190]
    )


def test_water_need_of_a_5000_head_ranch() -> None:
    forage = herd_forage_need({"dairy_cow_head": 5_000}, FORAGE, adcode="150121", zone="plain")
    need = herd_water_need({"dairy_cow_head": 5_000}, forage, FORAGE, WATER, zone="plain")
    livestock = 5_000 * L_PER_DAIRY_HEAD_DAY * 365 / 1_000  # 223,653.75 m3
    silage_mu, alfalfa_mu, oat_mu = (
        5_000 * SILAGE_T / 3.0,
        5_000 * ALFALFA_T / 0.65,
        5_000 * OAT_T / 0.6,
    )
    irrigation = silage_mu * 220 + alfalfa_mu * 280 + oat_mu * 150
    assert need.livestock_water_m3_per_yr == pytest.approx(livestock)
    assert need.irrigation_water_m3_per_yr == pytest.approx(irrigation)
    assert need.total_water_m3_per_yr == pytest.approx(livestock + irrigation)
    rows = {row.quantity: row for row in need.explain()}
    assert "× 365 d ÷ 1,000 L/m3" in rows["livestock_water_m3_per_yr"].formula
    assert {c.status for c in need.sources} == {"illustrative"}


def test_unknown_zone_is_reported() -> None:
    area = pd.DataFrame(
        {"silage_corn_area_mu": [1.0], "alfalfa_area_mu": [0.0], "oat_hay_area_mu": [0.0]}
    )
    with pytest.raises(ParameterError, match=r"zone\(s\) \['desert'\] have no quotas"):
        irrigation_water_m3_per_yr(area, pd.Series(["desert"]), WATER)


def test_negative_herd_is_refused() -> None:
    with pytest.raises(ParameterError, match="sheep_head must be a head count >= 0"):
        livestock_heads(pd.DataFrame({"sheep_head": [-1]}), FORAGE)


def test_quotas_are_range_checked() -> None:
    livestock = {**WATER.livestock_l_per_head_day, "calf": -3.0}
    del livestock["sheep"]
    with pytest.raises(ParameterError, match=r"lacks \['sheep'\].*livestock\['calf'\] = -3.0"):
        dataclasses.replace(WATER, livestock_l_per_head_day=livestock)
    with pytest.raises(
        ParameterError,
        match=r"irrigation_m3_per_mu\['plain'\] lacks "
        r"\['oat_hay'\]",
    ):
        dataclasses.replace(
            WATER, irrigation_m3_per_mu={"plain": {"silage_corn": 1.0, "alfalfa": 1.0}}
        )


def test_quota_table_problems_name_the_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "coefficients"
    folder.mkdir()
    text = (
        coefficient_path("water_quotas.csv")
        .read_text(encoding="utf-8")
        .replace("livestock.calf,livestock,calf", "livestock.kid,livestock,calf")
    )
    (folder / "water_quotas.csv").write_text(
        text.replace(",25,L per", ",abc,L per"), encoding="utf-8"
    )
    with pytest.raises(
        SchemaError,
        match=r"water_quotas.csv line 5 \(livestock.kid\): key "
        r"'livestock.kid' must be 'livestock.calf'.*value "
        r"'abc' is not a number",
    ):
        load_water_params(tmp_path)
