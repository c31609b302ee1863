"""Targets of county groups and of farm-size classes, checked like the other build-out rows.

A group target (Ningxia's "two cores": 兴庆区, 西夏区 ... 630,000 cows at most in 2027) is
checked against the sum of its member counties' totals; a size-class target (Ordos: 20 farms
of 50-100 head by 2022) against the number of the scenario's farms whose dairy herd falls in
the class and that are operating in the year (existing, or started in or before it). The
target in force in a year is the one of the latest target year <= it
(`siting.targets.target_year_in_force`). Inputs are the frames of `layers.group_targets`;
the rows have the columns of `siting.buildout_checks.CHECK_COLUMNS` without ``status``
(`siting.buildout_checks.finish` sets it). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from locales import Message, Term
from siting.buildout_farms import BASELINE_STATUS
from siting.targets import target_year_in_force

GROUP_SCOPE: Final[str] = "group"
#: Group-target key -> the county-total column it is checked against (keys not listed, e.g.
#: raw milk, are shown with the targets but not checked: the build-out has no milk yield).
CHECKED_GROUP_KEYS: Final[dict[str, str]] = {"dairy_cow_head": "dairy_cow_head"}
#: Group-target keys named in the catalogue (``buildout.group_key.<key>``); others show the key.
NAMED_GROUP_KEYS: Final[frozenset[str]] = frozenset({"dairy_cow_head", "raw_milk_t_per_yr"})
SIZE_CLASS_CHECK: Final[str] = "farm_count_size_class"
#: Herd column that sorts a farm into a size class (the plans count dairy cattle on stock).
SIZE_CLASS_HERD_COLUMN: Final[str] = "dairy_cow_head"


def group_totals(
    county_totals: pd.DataFrame, county_groups: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """Return ``group_id``, ``year`` and the sums of ``columns`` over each group's counties.

    Parameters
    ----------
    county_totals
        One row per county and year (``adcode``, ``year`` and ``columns``).
    county_groups
        ``group_id``, ``adcode`` (one row per member county; `layers.group_targets`).
    """
    members = county_groups[["group_id", "adcode"]].astype(str)
    joined = county_totals.assign(adcode=county_totals["adcode"].astype(str)).merge(
        members, on="adcode"
    )
    return joined.groupby(["group_id", "year"], as_index=False)[list(columns)].sum()


def group_target_rows(
    county_totals: pd.DataFrame,
    county_groups: pd.DataFrame,
    group_targets: pd.DataFrame,
    *,
    band_frac: float,
) -> list[pd.DataFrame]:
    """Return one check row per group, checked key and year of ``county_totals``.

    Parameters
    ----------
    county_totals
        Build-out county totals (``adcode``, ``year``, the columns of `CHECKED_GROUP_KEYS`).
    county_groups, group_targets
        Frames of `layers.group_targets.load_county_groups` and ``load_group_targets``.
    band_frac
        Warning band as a fraction of the limit (below a maximum, above a minimum).
    """
    targets = group_targets[group_targets["key"].isin(list(CHECKED_GROUP_KEYS))]
    if targets.empty:
        return []
    columns = sorted({CHECKED_GROUP_KEYS[k] for k in targets["key"]})
    sums = group_totals(county_totals, county_groups, columns)
    first = county_groups.drop_duplicates("group_id")
    names = {
        str(g): Term(str(zh), str(en))
        for g, zh, en in zip(first["group_id"], first["name_zh"], first["name_en"], strict=True)
    }
    frames = []
    for (group_id, key), rows in targets.groupby(["group_id", "key"], sort=True):
        totals = sums[sums["group_id"] == group_id]
        chosen = [_target_row(rows, int(y)) for y in totals["year"]]
        limit_type = str(rows["limit_type"].iloc[0])
        limit = np.array([row["value"] for row in chosen], dtype=float)
        factor = 1 - band_frac if limit_type == "max" else 1 + band_frac
        name = Message.of(
            "buildout.check.group",
            group=names[str(group_id)],
            quantity=_key_name(str(key)),
        )
        frames.append(
            pd.DataFrame(
                {
                    "scope": GROUP_SCOPE,
                    "adcode": str(group_id),
                    "year": totals["year"].to_numpy(),
                    "check": f"group_{key}",
                    "value": totals[CHECKED_GROUP_KEYS[str(key)]].to_numpy(dtype=float),
                    "limit": limit,
                    "warning_limit": limit * factor,
                    "limit_type": limit_type,
                    "unit": str(rows["unit"].iloc[0]),
                    "grade": "",
                    "source": [row["source"] for row in chosen],
                    "name": [name] * len(totals),
                    "note": [
                        Message.of(
                            "buildout.note.group",
                            target_year=row["year"],
                            target_note=row["note"],
                        )
                        for row in chosen
                    ],
                }
            )
        )
    return frames


def _key_name(key: str) -> Message | str:
    """Return the name of a group-target key (the key itself if the catalogue has none)."""
    return Message.of(f"buildout.group_key.{key}") if key in NAMED_GROUP_KEYS else key


def _target_row(rows: pd.DataFrame, year: int) -> dict[str, object]:
    target_year = target_year_in_force(rows["year"], year)
    row = rows[rows["year"] == target_year].iloc[0]
    return {
        "value": float(row["value"]),
        "year": int(row["year"]),
        "source": str(row["source"]),
        "note": str(row["note"]),
    }


def target_sums(group_targets: pd.DataFrame, city_targets: pd.DataFrame) -> pd.DataFrame:
    """Return, per key and year, the sum of the group targets next to the region's target.

    Columns: ``key``, ``year``, ``groups_total`` (sum over the groups, in the key's unit),
    ``region_target`` (the city-target of that key and year; NaN if the plan gives none),
    ``difference`` (groups_total - region_target). Shows whether the groups' figures add
    up to the region's (Ningxia 2027: 63 + 27 = 90万 cows, 327 + 123 = 450万 t).
    """
    sums = pd.DataFrame(group_targets.groupby(["key", "year"], as_index=False)["value"].sum())
    sums.columns = pd.Index(["key", "year", "groups_total"])
    region = pd.DataFrame(city_targets[["key", "year", "value"]])
    region.columns = pd.Index(["key", "year", "region_target"])
    out = sums.merge(region, on=["key", "year"], how="left")
    out["difference"] = out["groups_total"] - out["region_target"]
    return out


def farms_in_class(herd_head: pd.Series, min_head: float, max_head: float) -> pd.Series:
    """Return True where ``min_head <= herd < max_head`` (``max_head`` inf: no upper end)."""
    values = herd_head.astype(float)
    return (values >= min_head) & (values < max_head)


def size_class_counts(farms: pd.DataFrame, size_classes: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return the number of farms per size class operating in ``year``.

    Parameters
    ----------
    farms
        Farm table (`siting.buildout_farms.check_farms`: ``status``, ``start_year``,
        ``dairy_cow_head`` = the farm's full dairy herd, head).
    size_classes
        Frame of `layers.group_targets.load_size_class_targets` (``class_id``,
        ``min_head``, ``max_head``).
    year
        The year counted: existing farms and farms started in or before it.

    Returns
    -------
    counts
        ``class_id`` and ``farm_count`` (one row per class, in the table's order).
    """
    classes = size_classes.drop_duplicates("class_id")
    start = pd.to_numeric(farms["start_year"], errors="coerce")
    operating = (farms["status"] == BASELINE_STATUS).to_numpy() | (start <= year).to_numpy()
    herd = farms[SIZE_CLASS_HERD_COLUMN][operating]
    return pd.DataFrame(
        {
            "class_id": classes["class_id"].to_numpy(),
            "farm_count": [
                int(farms_in_class(herd, float(lo), float(hi)).sum())
                for lo, hi in zip(classes["min_head"], classes["max_head"], strict=True)
            ],
        }
    )


def size_class_rows(
    farms: pd.DataFrame,
    size_classes: pd.DataFrame,
    years: Sequence[int],
    *,
    city_adcode: str,
) -> list[pd.DataFrame]:
    """Return one city row per size class and year: farms counted vs the target count (min).

    A count has no warning band: it reaches the target or not.
    """
    if size_classes.empty:
        return []
    frames = []
    for class_id, rows in size_classes.groupby("class_id", sort=False):
        counts = [
            int(size_class_counts(farms, rows.iloc[:1], y)["farm_count"].iloc[0]) for y in years
        ]
        chosen = [
            rows[rows["year"] == target_year_in_force(rows["year"], y)].iloc[0] for y in years
        ]
        limit = np.array([float(r["target_count"]) for r in chosen])
        first = rows.iloc[0]
        name = Message.of(
            "buildout.check.size_class",
            size_class=Term(str(first["name_zh"]), str(first["name_en"])),
        )
        frames.append(
            pd.DataFrame(
                {
                    "scope": "city",
                    "adcode": city_adcode,
                    "year": list(years),
                    "check": f"{SIZE_CLASS_CHECK}_{class_id}",
                    "value": np.array(counts, dtype=float),
                    "limit": limit,
                    "warning_limit": limit,  # a count reached is reached: no warning band
                    "limit_type": "min",
                    "unit": "count",
                    "grade": "",
                    "source": [str(r["source"]) for r in chosen],
                    "name": [name] * len(years),
                    "note": [
                        _size_class_note(first, year=y, target_year=int(r["year"]))
                        for y, r in zip(years, chosen, strict=True)
                    ],
                }
            )
        )
    return frames


def _size_class_note(size_class: pd.Series, *, year: int, target_year: int) -> Message:
    """Return the note of a size-class row: the class's head range, the year, the target's."""
    min_head, max_head = float(size_class["min_head"]), float(size_class["max_head"])
    if np.isinf(max_head):
        return Message.of(
            "buildout.note.size_class_open", min_head=min_head, year=year, target_year=target_year
        )
    return Message.of(
        "buildout.note.size_class",
        min_head=min_head,
        max_head=max_head,
        year=year,
        target_year=target_year,
    )
