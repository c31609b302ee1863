"""The plan targets a region pack holds beyond county forage acreage, ready for display.

`group_target_table` joins the county groups with their targets (and the member counties'
names); `group_target_sums` states whether the groups' targets add up to the region's;
`size_class_table` lists the farm counts by herd-size class. Packs without such layers give
empty tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from layers.group_targets import (
    load_county_groups,
    load_group_targets,
    load_size_class_targets,
)
from layers.targets import load_city_targets
from siting.group_targets import CHECKED_GROUP_KEYS, target_sums

if TYPE_CHECKING:
    from layers.region import Region

GROUP_TABLE_COLUMNS: tuple[str, ...] = (
    "group_id",
    "name_zh",
    "name_en",
    "counties_zh",
    "key",
    "year",
    "value",
    "unit",
    "limit_type",
    "checked",
    "status",
    "source",
    "note",
)


def group_target_table(region: Region) -> pd.DataFrame:
    """Return one row per group target (groups without a target get one row with no key).

    Columns `GROUP_TABLE_COLUMNS`: ``counties_zh`` lists the member counties (、-separated),
    ``checked`` is True where the build-out checks the key (`CHECKED_GROUP_KEYS`).
    """
    groups = load_county_groups(region)
    if groups.empty:
        return pd.DataFrame(columns=list(GROUP_TABLE_COLUMNS))
    members = groups.groupby("group_id", sort=False).agg(
        name_zh=("name_zh", "first"),
        name_en=("name_en", "first"),
        counties_zh=("county_name_zh", "、".join),
    )
    targets = load_group_targets(region)
    table = members.reset_index().merge(targets, on="group_id", how="left")
    table["checked"] = table["key"].isin(list(CHECKED_GROUP_KEYS))
    for column in ("key", "unit", "limit_type", "status", "note"):
        table[column] = table[column].fillna("")
    group_source = groups.drop_duplicates("group_id").set_index("group_id")["source"]
    table["source"] = table["source"].fillna(table["group_id"].map(group_source))
    return table[list(GROUP_TABLE_COLUMNS)]


def group_target_sums(region: Region) -> pd.DataFrame:
    """Return the groups' targets summed per key and year next to the region's target."""
    targets = load_group_targets(region)
    if targets.empty:
        return pd.DataFrame(columns=["key", "year", "groups_total", "region_target", "difference"])
    return target_sums(targets, load_city_targets(region))


def size_class_table(region: Region) -> pd.DataFrame:
    """Return the farm-size classes and their target counts (empty if the pack has none)."""
    return load_size_class_targets(region)


def group_members(region: Region) -> pd.DataFrame:
    """Return the county groups, one row per member county (empty if the pack has none)."""
    return load_county_groups(region)
