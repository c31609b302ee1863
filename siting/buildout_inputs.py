"""Region data of the build-out check (its coefficients are `siting.parameters.RegionParams`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from errors import SchemaError
from siting.utilisation import PLANT_COLUMNS, no_plants

#: Columns of the optional group and size-class frames (`layers.group_targets`).
GROUP_COLUMNS: Final[tuple[str, ...]] = ("group_id", "name_zh", "name_en", "adcode")
GROUP_TARGET_COLUMNS: Final[tuple[str, ...]] = (
    "group_id",
    "key",
    "year",
    "value",
    "unit",
    "limit_type",
    "source",
    "note",
)
SIZE_CLASS_COLUMNS: Final[tuple[str, ...]] = (
    "class_id",
    "name_zh",
    "name_en",
    "min_head",
    "max_head",
    "year",
    "target_count",
    "source",
)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


#: Columns each region frame must have (the parcel columns are those of
#: `siting.nutrients.parcel_absorption_capacity`'s output that the check uses).
REGION_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "counties": ("adcode", "name_zh", "name_en"),
    "baseline_herd": ("adcode",),
    "parcels": (
        "adcode",
        "crop",
        "area_mu",
        "manure_allowed",
        "n_capacity_kg_per_yr",
        "p_capacity_kg_per_yr",
    ),
    "forage_targets": ("adcode", "crop", "year", "target_mu", "source"),
    "city_targets": ("key", "year", "value", "unit", "source", "status", "note"),
    "water_caps": ("adcode", "cap_m3_per_yr", "other_use_m3_per_yr", "source", "status"),
    "manure_plants": PLANT_COLUMNS,
    "county_groups": GROUP_COLUMNS,
    "group_targets": GROUP_TARGET_COLUMNS,
    "size_classes": SIZE_CLASS_COLUMNS,
}


@dataclass(frozen=True, eq=False)
class BuildoutRegion:
    """Region data a build-out is checked against (frames are not modified).

    Parameters
    ----------
    counties
        ``adcode``, ``name_zh``, ``name_en``: every county reported (geometry not used).
    zones
        ``adcode -> zone`` (selects default yields and irrigation quotas).
    baseline_herd
        ``adcode`` plus herd columns (``dairy_cow_head`` = all dairy cattle, ``goat_head`` or
        ``goat_head``, ``beef_cattle_head`` ...); an optional ``year`` column
        holds several baselines (the latest one <= the checked year is used).
    parcels
        Absorption parcels with their manure capacity (output of
        `siting.nutrients.parcel_absorption_capacity`); areas in 亩, capacities in kg/yr.
    forage_targets, city_targets
        Frames of `layers.targets.load_forage_targets` and ``load_city_targets``.
    water_caps
        Frame of `layers.water_caps.load_water_caps` (m³/yr).
    city_adcode
        Code of the whole region (the ``adcode`` of the city rows).
    manure_plants
        Organic-fertiliser plants (declared off-farm routes): ``plant_id``, ``adcode``,
        ``capacity_n_kg_per_yr``, ``capacity_p_kg_per_yr`` (`layers.manure_plants`); empty:
        none.
    county_groups, group_targets, size_classes
        Targets of county groups and farm-size classes (`layers.group_targets`); empty:
        none (`siting.group_targets` checks them).
    """

    counties: pd.DataFrame
    zones: Mapping[str, str] = field(hash=False)
    baseline_herd: pd.DataFrame
    parcels: pd.DataFrame
    forage_targets: pd.DataFrame
    city_targets: pd.DataFrame
    water_caps: pd.DataFrame
    city_adcode: str
    manure_plants: pd.DataFrame = field(default_factory=no_plants)
    county_groups: pd.DataFrame = field(default_factory=lambda: _empty(GROUP_COLUMNS))
    group_targets: pd.DataFrame = field(default_factory=lambda: _empty(GROUP_TARGET_COLUMNS))
    size_classes: pd.DataFrame = field(default_factory=lambda: _empty(SIZE_CLASS_COLUMNS))

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", dict(self.zones))
        problems = [
            f"{name} lacks {', '.join(c for c in columns if c not in getattr(self, name))}"
            for name, columns in REGION_COLUMNS.items()
            if any(c not in getattr(self, name).columns for c in columns)
        ]
        if problems:
            msg = (
                f"Build-out region data: {'; '.join(problems)}. Load them with the layers/ loaders."
            )
            raise SchemaError(msg, zh=f"建设进度校核的地区数据缺少列：{'；'.join(problems)}。")

    @property
    def adcodes(self) -> tuple[str, ...]:
        """Return the county codes, sorted."""
        return tuple(sorted(self.counties["adcode"].astype(str)))
