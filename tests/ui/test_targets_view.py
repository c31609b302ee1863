"""Targets page preparation: join, totals, formatting, tables (real Hohhot pack)."""

from __future__ import annotations

import math

import pytest

from layers.counties import load_counties
from layers.region import load_region
from layers.targets import load_city_targets, load_forage_targets
from ui.targets.view import (
    available_crops,
    available_years,
    city_target_table,
    county_targets,
    fmt_ha,
    fmt_target_value,
    fmt_wan_mu,
    targets_table,
    totals,
)


@pytest.fixture(scope="module")
def pack():
    region = load_region("hohhot")
    return region, load_counties(region), load_forage_targets(region)


def test_every_county_appears_with_or_without_a_target(pack) -> None:
    _, counties, targets = pack
    frame = county_targets(counties, targets, crop="oat_hay", year=2021, lang="zh")
    assert len(frame) == 9
    # oat hay 2021: 武川县 7, 清水河县 3, 和林格尔县 2.4, 托克托县 0.6 万亩; the rest none
    with_target = frame.dropna(subset=["target_wan_mu"])
    found = dict(zip(with_target["name"], with_target["target_wan_mu"], strict=True))
    assert found == pytest.approx(
        {"武川县": 7.0, "清水河县": 3.0, "和林格尔县": 2.4, "托克托县": 0.6}
    )
    assert (frame.loc[frame["target_wan_mu"].isna(), "target_wan_mu_txt"] == "—").all()


def test_totals_in_wan_mu_and_hectares(pack) -> None:
    _, counties, targets = pack
    frame = county_targets(counties, targets, crop="oat_hay", year=2021, lang="en")
    total_wan_mu, total_ha = totals(frame)
    assert total_wan_mu == pytest.approx(7 + 3 + 2.4 + 0.6)
    # 13 万亩 = 130,000 亩; 1 ha = 15 亩
    assert total_ha == pytest.approx(130_000 / 15)
    assert frame.loc[frame["adcode"] == "150125", "name"].item() == "Wuchuan County"


def test_crops_and_years_come_from_the_data(pack) -> None:
    _, _, targets = pack
    assert available_crops(targets) == ["silage_corn", "oat_hay", "alfalfa"]
    assert available_years(targets, "alfalfa") == [2021]


def test_formatting() -> None:
    assert fmt_wan_mu(0.07) == "0.07"
    assert fmt_ha(400_000 / 15) == "26,667"
    assert fmt_wan_mu(math.nan) == "—"
    assert fmt_target_value(0.9, "frac") == "90%"
    assert fmt_target_value(460_000.0, "head") == "460,000"


def test_tables_have_unit_labels(pack) -> None:
    region, counties, targets = pack
    frame = county_targets(counties, targets, crop="silage_corn", year=2021, lang="zh")
    table = targets_table(frame, "zh")
    assert list(table.columns) == ["旗县区", "目标（万亩）", "目标（公顷）", "来源", "数据状态"]
    assert table.iloc[0]["旗县区"] == "土默特左旗"
    plan = city_target_table(load_city_targets(region), "en")
    assert "Forage base" in set(plan["Item"])
