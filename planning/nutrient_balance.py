"""The manure–land balance of a region: per county, and per parcel of one county.

The service behind the balance page, with the same inputs as ``python -m siting capacity``
(the region's crop table, 2021 herd baseline and warning grades) so the page and the CLI
give the same numbers. The nutrient parameters and the parcel layer are the caller's: the
region's defaults or the user's overrides and upload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from layers.coefficients import load_crop_table, load_warning_grades
from layers.counties import load_counties
from layers.herd import HERD_COLUMNS, load_herd_baseline
from layers.parcels import load_parcels
from siting.nutrients import county_balance, parcel_absorption_capacity
from siting.nutrients.remaining import remaining_capacity

if TYPE_CHECKING:
    import geopandas as gpd

    from layers.region import Region
    from siting.parameters import Coefficient, NutrientParams

#: County name columns joined to the balance (adcode first).
NAME_COLUMNS: tuple[str, ...] = ("adcode", "name_zh", "name_en", "name_short_zh")


def county_balance_table(
    region: Region, params: NutrientParams, parcels: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Return the county balance of ``region`` as ``python -m siting capacity`` computes it.

    Parameters
    ----------
    region
        The region pack (crop table, herd baseline, warning grades and counties are read).
    params
        Nutrient coefficients (the region's defaults, possibly overridden by the user).
    parcels
        Absorption parcels (``layers.parcels`` schema): the pack's or an uploaded layer.

    Returns
    -------
    pandas.DataFrame
        One row per county (adcode order) with the `NAME_COLUMNS` and the columns of
        `siting.nutrients.COUNTY_BALANCE_COLUMNS`.
    """
    with_capacity = parcel_absorption_capacity(parcels, load_crop_table(region.dir), params)
    balance = county_balance(
        with_capacity,
        load_herd_baseline(region),
        params,
        load_warning_grades(region.dir),
        species_columns=HERD_COLUMNS,
    )
    names = pd.DataFrame(load_counties(region)[list(NAME_COLUMNS)])
    return names.merge(balance, on="adcode", how="right")


def region_county_balance(
    region: Region, params: NutrientParams
) -> tuple[pd.DataFrame, list[Coefficient]]:
    """Return the county balance of the pack's own parcels and every coefficient it used.

    What ``python -m siting capacity`` prints: `county_balance_table` on the parcels of the
    region pack (`layers.parcels.load_parcels`), with the nutrient, crop and warning-grade
    coefficients in that order.

    Raises
    ------
    LayerNotAvailableError
        If the pack has no parcel or herd-baseline layer.
    """
    balance = county_balance_table(region, params, load_parcels(region))
    crops, grades = load_crop_table(region.dir), load_warning_grades(region.dir)
    return balance, [*params.coefficients(), *crops.coefficients(), *grades.coefficients()]


def county_parcels(
    region: Region, params: NutrientParams, parcels: gpd.GeoDataFrame, adcode: str
) -> gpd.GeoDataFrame:
    """Return the parcels of county ``adcode`` with capacity and remaining capacity.

    Capacity is in kg/yr and kg/亩. Remaining = capacity − the scenario's allocation
    ledger; no ledger is passed yet, so it is the full capacity.
    """
    chosen = parcels.loc[parcels["adcode"] == adcode]
    with_capacity = parcel_absorption_capacity(chosen, load_crop_table(region.dir), params)
    return remaining_capacity(with_capacity, allocations=None)
