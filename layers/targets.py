"""Plan targets of a region pack: county forage acreage, city-level targets, ranch counts.

The Hohhot tables transcribe 《呼和浩特市打造以乳业为核心的绿色食品加工产业集群三年行动方案
（2021—2023年）》; each row carries its source and status (see data/README.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from geo.units import MU_PER_WAN_MU, ha_to_mu, mu_to_ha, mu_to_wan_mu
from layers.csv_tables import (
    STATUSES,
    ColumnType,
    Problem,
    raise_problems,
    read_csv_table,
    rows_problem,
)

if TYPE_CHECKING:
    from layers.region import Region

CROPS: tuple[str, ...] = ("silage_corn", "oat_hay", "alfalfa")
# Area units accepted in forage target tables -> factor to 亩.
AREA_UNIT_TO_MU: dict[str, float] = {"万亩": MU_PER_WAN_MU, "亩": 1.0, "ha": ha_to_mu(1.0)}
# Plan-target keys end with their unit; the unit column must agree.
TARGET_UNIT_BY_SUFFIX: dict[str, str] = {
    "_wan_mu": "万亩",
    "_head": "head",
    "_frac": "frac",
    "_count": "count",
    "_t_per_yr": "t/yr",
}

#: Old key -> current (city target tables written before the vocabulary pass).
TARGET_KEY_ALIASES: dict[str, str] = {
    "dairy_cows_head": "dairy_cow_head",
    "dairy_goats_head": "goat_head",  # vocab: old name
}

_FORAGE_COLUMNS: dict[str, ColumnType] = {
    "adcode": "adcode",
    "name_zh": "str",
    "crop": "str",
    "year": "int",
    "value": "float",
    "unit": "str",
    "status": "str",
    "source": "str",
}
_CITY_TARGET_COLUMNS: dict[str, ColumnType] = {
    "key": "str",
    "year": "int",
    "value": "float",
    "unit": "str",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}
_RANCH_COLUMNS: dict[str, ColumnType] = {
    "adcode": "adcode",
    "name_zh": "str",
    "ranches_under_construction_2021": "int",
    "ranches_new_to_site": "int",
    "status": "str",
    "source": "str",
}


def load_forage_targets(region: Region) -> pd.DataFrame:
    """Load the county forage acreage targets (layer of kind ``forage_targets``).

    Returns
    -------
    forage_targets
        Long format, one row per county, crop and year: ``adcode`` (text), ``name_zh``,
        ``crop`` (one of `CROPS`), ``year``, ``target_wan_mu`` (万亩), ``target_mu`` (亩),
        ``target_ha`` (ha), ``source``, ``status``. Counties without a target have no row.

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        On missing columns, bad values, unknown crops/units/statuses or duplicate rows.
    """
    path = region.layer_path(region.layer_of_kind("forage_targets").name)
    table, problems = read_csv_table(path, _FORAGE_COLUMNS, what="forage targets")
    problems += _vocabulary_problem(table, "crop", CROPS)
    problems += _vocabulary_problem(table, "unit", tuple(AREA_UNIT_TO_MU))
    problems += _common_problems(table, ["adcode", "crop", "year"])
    problems += rows_problem(table["value"] < 0, table, "value", "is negative", "为负数")
    raise_problems(path, problems, what="forage targets")
    target_mu = table["value"] * table["unit"].map(AREA_UNIT_TO_MU)
    return pd.DataFrame(
        {
            "adcode": table["adcode"],
            "name_zh": table["name_zh"],
            "crop": table["crop"],
            "year": table["year"],
            "target_wan_mu": target_mu.map(mu_to_wan_mu),
            "target_mu": target_mu,
            "target_ha": target_mu.map(mu_to_ha),
            "source": table["source"],
            "status": table["status"],
        }
    ).reset_index(drop=True)


def load_city_targets(region: Region) -> pd.DataFrame:
    """Load the city-level plan targets (layer of kind ``city_targets``).

    Returns
    -------
    city_targets
        Columns ``key`` (ends with its unit, e.g. ``dairy_cow_head``), ``year``, ``value``,
        ``unit`` (万亩, head, frac (0-1), count, t/yr), ``source``, ``status``, ``note``
        (the quoted plan text and how it was read).

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        On missing columns, a unit that disagrees with the key's suffix, a fraction outside
        0-1, a negative value, an unknown status or a duplicate (key, year).
    """
    path = region.layer_path(region.layer_of_kind("city_targets").name)
    table, problems = read_csv_table(path, _CITY_TARGET_COLUMNS, what="plan targets")
    table["key"] = table["key"].replace(TARGET_KEY_ALIASES)
    expected_unit = table["key"].map(_unit_for_key)
    problems += rows_problem(
        expected_unit != table["unit"],
        table,
        "unit",
        f"disagrees with the key's unit suffix ({TARGET_UNIT_BY_SUFFIX})",
        "与键名的单位后缀不一致",
    )
    out_of_range = (table["value"] < 0) | ((table["unit"] == "frac") & (table["value"] > 1))
    problems += rows_problem(
        out_of_range, table, "value", "is negative or a fraction above 1", "为负数或比例大于 1"
    )
    problems += _common_problems(table, ["key", "year"])
    raise_problems(path, problems, what="plan targets")
    return table[["key", "year", "value", "unit", "source", "status", "note"]].reset_index(
        drop=True
    )


def load_ranch_targets(region: Region) -> pd.DataFrame:
    """Load the per-county ranch counts of the plan (layer of kind ``ranch_targets``).

    Returns
    -------
    ranch_targets
        ``adcode`` (text), ``name_zh``, ``ranches_under_construction_2021`` (count),
        ``ranches_new_to_site`` (count), ``source``, ``status``. Counties the plan does not
        name have no row (zero ranches).

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        On missing columns, non-integer or negative counts, unknown statuses, duplicates.
    """
    path = region.layer_path(region.layer_of_kind("ranch_targets").name)
    table, problems = read_csv_table(path, _RANCH_COLUMNS, what="ranch targets")
    for column in ("ranches_under_construction_2021", "ranches_new_to_site"):
        problems += rows_problem(table[column] < 0, table, column, "is negative", "为负数")
    problems += _common_problems(table, ["adcode"])
    raise_problems(path, problems, what="ranch targets")
    return table[
        [
            "adcode",
            "name_zh",
            "ranches_under_construction_2021",
            "ranches_new_to_site",
            "source",
            "status",
        ]
    ].reset_index(drop=True)


def _unit_for_key(key: str) -> str | None:
    for suffix, unit in TARGET_UNIT_BY_SUFFIX.items():
        if key.endswith(suffix):
            return unit
    return None


def _vocabulary_problem(
    table: pd.DataFrame, column: str, allowed: tuple[str, ...]
) -> list[Problem]:
    return rows_problem(
        ~table[column].isin(allowed),
        table,
        column,
        f"is not one of {', '.join(allowed)}",
        f"不在 {', '.join(allowed)} 之中",
    )


def _common_problems(table: pd.DataFrame, unique_by: list[str]) -> list[Problem]:
    problems = _vocabulary_problem(table, "status", STATUSES)
    duplicated = table.duplicated(subset=unique_by, keep=False)
    problems += rows_problem(
        duplicated,
        table,
        unique_by[0],
        f"repeats a ({', '.join(unique_by)}) combination",
        "存在重复行",
    )
    return problems
