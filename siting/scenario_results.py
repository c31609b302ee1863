"""Result tables of a planned scenario: per site, per allocation (store rows), per parcel.

Every numeric column name ends in its unit (``_mu``, ``_kg_per_yr``, ``_km``, ``_frac``,
``_pe``, ``_score``, ``_rank``, ``_count``) so the tables export as they are
(`store.export.export_scenario` checks this).

Notes
-----
Absorption land a farm **needs** (``absorption_land_n_mu``, ``absorption_land_p_mu``,
``absorption_land_need_mu`` on the binding basis) comes from `siting.farm_needs` (one
computation, `siting.needs.herd_needs`, on the parcels within the haul radius or the
region's default receiving crop: ``absorption_demand_source`` "local" or "crop"). The land
the ledger **allocates** is ``land_allocated_mu``; it differs from the need when land is
short (``unmet_kg_per_yr``) or the farm's nearest parcels take more per 亩 than the mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from siting.allocation_tables import FARM_ID_SEPARATOR

if TYPE_CHECKING:
    from siting.scenario_ledger import LedgerState

#: Columns `store.ScenarioStore.save_allocations` accepts, in its order.
STORE_ALLOCATION_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "parcel_id",
    "county_code",
    "share_frac",
    "area_mu",
    "n_kg_per_yr",
    "p_kg_per_yr",
    "haul_km",
)
#: The herd's needs (`siting.farm_needs`) a site result carries, in this order.
NEED_RESULT_COLUMNS: Final[tuple[str, ...]] = (
    "pig_equivalents_pe",
    "n_need_kg_per_yr",
    "p_need_kg_per_yr",
    "absorption_land_n_mu",
    "absorption_land_p_mu",
    "absorption_need_basis",
    "absorption_land_need_mu",
    "absorption_land_n_low_mu",
    "absorption_land_n_high_mu",
    "absorption_demand_source",
    "forage_land_mu",
    "water_need_m3_per_yr",
)
SITE_RESULT_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "name",
    "status",
    *NEED_RESULT_COLUMNS,
    "basis",
    "land_allocated_mu",
    "allocated_n_kg_per_yr",
    "allocated_p_kg_per_yr",
    "unmet_kg_per_yr",
    "unmet_frac",
    "mean_haul_km",
    "parcel_count",
    "candidate_parcel_count",
)
PARCEL_USE_COLUMNS: Final[tuple[str, ...]] = (
    "parcel_id",
    "county_code",
    "crop",
    "area_mu",
    "used_frac",
    "used_area_mu",
    "site_count",
    "site_ids",
    "site_names",
)


def site_results(sites: pd.DataFrame, needs: pd.DataFrame, ledger: LedgerState) -> pd.DataFrame:
    """Return one row per site: needs, land needed, land allocated, haul and unmet need.

    Parameters
    ----------
    sites
        Plan-store sites: ``site_id``, ``name``, ``status``.
    needs
        `siting.farm_needs.farm_needs` of the sites.
    ledger
        The scenario's solved ledger (farm ids are site ids).

    Returns
    -------
    results
        Columns `SITE_RESULT_COLUMNS` in site order; ``basis`` is "N" or "P", the allocated
        and unmet figures are in kg/yr of that nutrient; ``mean_haul_km`` is NaN for a
        site without land.
    """
    farms = ledger.result.farms.set_index("farm_id")
    ids = sites["site_id"].astype(str)
    need = needs.set_index("site_id").reindex(ids)
    farm = farms.reindex(ids)
    table = pd.DataFrame(
        {
            "site_id": ids.to_numpy(),
            "name": sites["name"].astype(str).to_numpy(),
            "status": sites["status"].astype(str).to_numpy(),
            **{c: need[c].to_numpy() for c in NEED_RESULT_COLUMNS},
            "basis": farm["basis"].to_numpy(),
            **{
                c: farm[c].to_numpy(dtype=float)
                for c in (
                    "land_allocated_mu",
                    "allocated_n_kg_per_yr",
                    "allocated_p_kg_per_yr",
                    "unmet_kg_per_yr",
                    "unmet_frac",
                    "mean_haul_km",
                )
            },
            "parcel_count": farm["n_parcels"].to_numpy(dtype=np.int64),
            "candidate_parcel_count": farm["n_candidate_parcels"].to_numpy(dtype=np.int64),
        }
    )
    return table.loc[:, list(SITE_RESULT_COLUMNS)]


def store_allocations(ledger: LedgerState, parcels: pd.DataFrame) -> pd.DataFrame:
    """Return the allocation rows for `store.ScenarioStore.save_allocations`.

    ``farm_id`` becomes ``site_id``; ``county_code`` is the parcel's ``adcode`` (None if
    the parcels have no such column). Columns `STORE_ALLOCATION_COLUMNS`.
    """
    rows = ledger.result.allocations.rename(columns={"farm_id": "site_id"})
    if "adcode" in parcels.columns:
        county = parcels.set_index("parcel_id")["adcode"]
        rows["county_code"] = rows["parcel_id"].map(county).astype(object)
    else:
        rows["county_code"] = None
    return rows.loc[:, list(STORE_ALLOCATION_COLUMNS)].reset_index(drop=True)


def parcel_use(
    ledger: LedgerState, parcels: gpd.GeoDataFrame, site_names: pd.Series
) -> gpd.GeoDataFrame:
    """Return the parcels used by at least one farm, with the farms that use them.

    Parameters
    ----------
    parcels
        The ledger's parcels with ``parcel_id``, ``area_mu`` and optionally ``adcode`` and
        ``crop``.
    site_names
        Site name by site id (to list the farms by name).

    Returns
    -------
    use
        Columns `PARCEL_USE_COLUMNS` and the parcel geometry (the parcels' CRS):
        ``used_frac`` (0-1), ``used_area_mu``, ``site_count``, ``site_ids`` and
        ``site_names`` (``;``-joined, in site id order).
    """
    table = ledger.result.parcels
    used = table[table["n_farms"] > 0]
    geo = parcels.set_index("parcel_id").loc[used["parcel_id"]]
    names = used["farm_ids"].map(
        lambda ids: FARM_ID_SEPARATOR.join(
            str(site_names.get(i, i)) for i in ids.split(FARM_ID_SEPARATOR)
        )
    )
    out = pd.DataFrame(
        {
            "parcel_id": used["parcel_id"].to_numpy(),
            "county_code": _column(geo, "adcode"),
            "crop": _column(geo, "crop"),
            "area_mu": geo["area_mu"].to_numpy(dtype=float),
            "used_frac": used["used_frac"].to_numpy(dtype=float),
            "used_area_mu": used["used_frac"].to_numpy(dtype=float)
            * geo["area_mu"].to_numpy(dtype=float),
            "site_count": used["n_farms"].to_numpy(dtype=np.int64),
            "site_ids": used["farm_ids"].to_numpy(),
            "site_names": names.to_numpy(),
        }
    )
    return gpd.GeoDataFrame(out, geometry=geo.geometry.to_numpy(), crs=parcels.crs)


def farm_allocations(
    ledger: LedgerState, parcels: gpd.GeoDataFrame, farm_id: str
) -> gpd.GeoDataFrame:
    """Return the parcels allocated to one farm with share, area, N, P and haul distance.

    Columns: ``parcel_id``, ``share_frac``, ``area_mu``, ``n_kg_per_yr``, ``p_kg_per_yr``,
    ``haul_km`` and the parcel geometry (the parcels' CRS), nearest first.
    """
    rows = ledger.result.allocations
    rows = rows[rows["farm_id"] == farm_id].sort_values("haul_km", kind="stable")
    geo = parcels.set_index("parcel_id").loc[rows["parcel_id"]]
    columns = ["parcel_id", "share_frac", "area_mu", "n_kg_per_yr", "p_kg_per_yr", "haul_km"]
    return gpd.GeoDataFrame(
        rows[columns].reset_index(drop=True), geometry=geo.geometry.to_numpy(), crs=parcels.crs
    )


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return frame[name].astype(object).to_numpy()
    return np.full(len(frame), None, dtype=object)
