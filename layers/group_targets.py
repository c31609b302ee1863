"""Plan targets set for a group of counties or for a herd-size class of farms.

Some plans set a target for several counties together (Ningxia's "two cores" and "two
wings", 《全区牛奶产业高质量发展规划（2024年—2027年）》 三(一)1) or count farms by their size
(Ordos, 《鄂尔多斯市推动传统奶制品产业发展专项行动工作方案》 二(一): 20 farms of 50-100
head ...). Three optional layers of a region pack hold them (columns in data/README.md):

* kind ``county_groups``: ``group_id``, ``name_zh``, ``name_en``, ``adcode`` (a member
  county), ``county_name_zh``, ``status``, ``source`` - one row per member county;
* kind ``group_targets``: ``group_id``, ``key`` (ends with its unit like the city targets,
  e.g. ``dairy_cow_head``), ``year``, ``value``, ``unit``, ``limit_type`` (``max``: must not
  exceed, ``min``: must reach), ``status``, ``source``, ``note``;
* kind ``size_class_targets``: ``class_id``, ``name_zh``, ``name_en``, ``min_head``,
  ``max_head`` (empty: no upper end; a farm is in the class if min <= head < max), ``year``,
  ``target_count`` (farms), ``status``, ``source``, ``note``.

A pack without such a layer gets an empty frame with the same columns (no target).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from layers.csv_tables import (
    STATUSES,
    ColumnType,
    Problem,
    raise_problems,
    read_csv_table,
    rows_problem,
)
from layers.targets import TARGET_UNIT_BY_SUFFIX

if TYPE_CHECKING:
    from pathlib import Path

    from layers.region import Region

COUNTY_GROUPS_KIND: Final[str] = "county_groups"
GROUP_TARGETS_KIND: Final[str] = "group_targets"
SIZE_CLASS_KIND: Final[str] = "size_class_targets"
LIMIT_TYPES: Final[tuple[str, ...]] = ("max", "min")

_GROUP_COLUMNS: dict[str, ColumnType] = {
    "group_id": "str",
    "name_zh": "str",
    "name_en": "str",
    "adcode": "adcode",
    "county_name_zh": "str",
    "status": "str",
    "source": "str",
}
_GROUP_TARGET_COLUMNS: dict[str, ColumnType] = {
    "group_id": "str",
    "key": "str",
    "year": "int",
    "value": "float",
    "unit": "str",
    "limit_type": "str",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}
_SIZE_CLASS_COLUMNS: dict[str, ColumnType] = {
    "class_id": "str",
    "name_zh": "str",
    "name_en": "str",
    "min_head": "int",
    "max_head": "str_optional",
    "year": "int",
    "target_count": "int",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}


def load_county_groups(region: Region) -> pd.DataFrame:
    """Load the county groups (one row per member county; empty if the pack has none).

    Raises
    ------
    FileFormatError, SchemaError
        A missing or unreadable file, a bad status, a county listed twice in one group.
    """
    path = _path(region, COUNTY_GROUPS_KIND)
    if path is None:
        return _empty(_GROUP_COLUMNS)
    table, problems = read_csv_table(path, _GROUP_COLUMNS, what="county groups")
    problems += _status_problem(table)
    problems += rows_problem(
        table.duplicated(["group_id", "adcode"], keep=False),
        table,
        "adcode",
        "repeats a (group_id, adcode) pair",
        "同一组内县区重复",
    )
    raise_problems(path, problems, what="county groups")
    return table.reset_index(drop=True)


def load_group_targets(region: Region) -> pd.DataFrame:
    """Load the targets of county groups (empty if the pack has none).

    Raises
    ------
    FileFormatError, SchemaError
        A missing or unreadable file, a unit that disagrees with the key's suffix, an unknown
        limit type or status, a negative value, a (group, key, year) given twice, or a group
        that has no member in the ``county_groups`` layer.
    """
    path = _path(region, GROUP_TARGETS_KIND)
    if path is None:
        return _empty(_GROUP_TARGET_COLUMNS)
    table, problems = read_csv_table(path, _GROUP_TARGET_COLUMNS, what="group targets")
    expected_unit = table["key"].map(_unit_for_key)
    problems += rows_problem(
        expected_unit != table["unit"],
        table,
        "unit",
        f"disagrees with the key's unit suffix ({TARGET_UNIT_BY_SUFFIX})",
        "与键名的单位后缀不一致",
    )
    problems += rows_problem(
        ~table["limit_type"].isin(LIMIT_TYPES),
        table,
        "limit_type",
        f"is not one of {', '.join(LIMIT_TYPES)}",
        f"不在 {', '.join(LIMIT_TYPES)} 之中",
    )
    problems += rows_problem(table["value"] < 0, table, "value", "is negative", "为负数")
    problems += _status_problem(table)
    problems += rows_problem(
        table.duplicated(["group_id", "key", "year"], keep=False),
        table,
        "group_id",
        "repeats a (group_id, key, year) combination",
        "存在重复行",
    )
    known = set(load_county_groups(region)["group_id"])
    problems += rows_problem(
        ~table["group_id"].isin(known),
        table,
        "group_id",
        "is not a group of the county_groups layer",
        "不是县区组图层中的组",
    )
    raise_problems(path, problems, what="group targets")
    return table.reset_index(drop=True)


def load_size_class_targets(region: Region) -> pd.DataFrame:
    """Load the farm counts by herd-size class (empty if the pack has none).

    Returns
    -------
    size_classes
        ``class_id``, ``name_zh``, ``name_en``, ``min_head``, ``max_head`` (float head; inf:
        no upper end), ``year``, ``target_count``, ``status``, ``source``, ``note``.

    Raises
    ------
    FileFormatError, SchemaError
        A missing or unreadable file, a bad bound (max_head not above min_head), a negative
        count, an unknown status, or a (class_id, year) given twice.
    """
    path = _path(region, SIZE_CLASS_KIND)
    if path is None:
        frame = _empty(_SIZE_CLASS_COLUMNS)
        return frame.assign(max_head=frame["max_head"].astype(float))
    table, problems = read_csv_table(path, _SIZE_CLASS_COLUMNS, what="size-class targets")
    text = table["max_head"].astype(str).str.strip()
    max_head = pd.to_numeric(text.where(text != "", "inf"), errors="coerce")
    problems += rows_problem(
        max_head.isna() | (max_head <= table["min_head"]),
        table,
        "max_head",
        "must be empty or a whole number above min_head",
        "应为空或大于 min_head 的整数",
    )
    problems += rows_problem(table["min_head"] < 0, table, "min_head", "is negative", "为负数")
    problems += rows_problem(
        table["target_count"] < 0, table, "target_count", "is negative", "为负数"
    )
    problems += _status_problem(table)
    problems += rows_problem(
        table.duplicated(["class_id", "year"], keep=False),
        table,
        "class_id",
        "repeats a (class_id, year) combination",
        "存在重复行",
    )
    raise_problems(path, problems, what="size-class targets")
    return table.assign(max_head=max_head.astype(float)).reset_index(drop=True)


def _path(region: Region, kind: str) -> Path | None:
    if not any(spec.kind == kind for spec in region.layers.values()):
        return None
    return region.layer_path(region.layer_of_kind(kind).name)


def _empty(columns: dict[str, ColumnType]) -> pd.DataFrame:
    dtypes = {"int": np.int64, "float": float}
    return pd.DataFrame(
        {name: pd.Series(dtype=dtypes.get(kind, object)) for name, kind in columns.items()}
    )


def _status_problem(table: pd.DataFrame) -> list[Problem]:
    return rows_problem(
        ~table["status"].isin(STATUSES),
        table,
        "status",
        f"is not one of {', '.join(STATUSES)}",
        f"不在 {', '.join(STATUSES)} 之中",
    )


def _unit_for_key(key: str) -> str | None:
    for suffix, unit in TARGET_UNIT_BY_SUFFIX.items():
        if key.endswith(suffix):
            return unit
    return None
