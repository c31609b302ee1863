"""County manure demand (carrying-capacity land side) over parcel chunks on a Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from dask.delayed import Delayed, delayed
from distributed import Client

import dask_geopandas

from layers.coefficients import load_crop_table, load_warning_grades
from layers.counties import load_counties
from layers.herd import HERD_COLUMNS, load_herd_baseline
from layers.parcels import PARCELS_KIND, PARCELS_LAYER
from planning.nutrient_balance import NAME_COLUMNS
from planning.scaleout.parcel_chunks import layer_rows, parcel_windows
from siting.nutrients import PARCEL_COLUMNS, county_balance, parcel_absorption_capacity
from siting.parameters import CropTable, NutrientParams

if TYPE_CHECKING:
    from layers.region import Region

#: Columns of `county_demand_by_chunks` (the land half of `siting.nutrients.county_balance`).
COUNTY_DEMAND_COLUMNS: tuple[str, ...] = (
    "adcode",
    "area_mu",
    "manure_area_mu",
    "manure_n_demand_kg_per_yr",
    "manure_p_demand_kg_per_yr",
)
#: How many partial sums one reduction task adds (tree fan-in).
REDUCE_FAN_IN: int = 8


def chunk_demand(window: pd.DataFrame, crops: CropTable, params: NutrientParams) -> pd.DataFrame:
    """Return per-adcode sums of area, manure area and manure N/P demand for one window."""
    parcels = parcel_absorption_capacity(window, crops, params)
    allowed = parcels["manure_allowed"].astype(bool)
    land = pd.DataFrame(
        {
            "adcode": parcels["adcode"].astype("string"),
            "area_mu": parcels["area_mu"].astype(float),
            "manure_area_mu": parcels["area_mu"].astype(float).where(allowed, 0.0),
            "manure_n_demand_kg_per_yr": parcels["n_capacity_kg_per_yr"],
            "manure_p_demand_kg_per_yr": parcels["p_capacity_kg_per_yr"],
        }
    )
    return land.groupby("adcode").sum()


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Add per-adcode partial sums (indexed by adcode)."""
    return pd.concat(parts).groupby(level=0).sum()


def tree_sum(parts: list[Delayed], fan_in: int = REDUCE_FAN_IN) -> Delayed:
    """Reduce delayed partial sums with `combine`, ``fan_in`` at a time, to one."""
    add = delayed(combine, pure=True)
    while len(parts) > 1:
        parts = [add(parts[i : i + fan_in]) for i in range(0, len(parts), fan_in)]
    return parts[0]


def county_demand_by_chunks(
    path: Path,
    layer: str,
    *,
    crops: CropTable,
    params: NutrientParams,
    chunk_rows: int,
    client: Client,
    analysis_crs: str | None = None,
) -> pd.DataFrame:
    """Return per-county area and manure N/P demand, reading the parcels in row chunks.

    Each chunk of ``chunk_rows`` parcels is read (only the needed columns), run through
    `siting.nutrients.parcel_absorption_capacity` and summed by ``adcode`` on ``client``'s
    workers; partial sums are added in a tree. Memory is bounded by a few chunks per worker.

    Parameters
    ----------
    path, layer
        Parcel GeoPackage and layer (columns of `siting.nutrients.PARCEL_COLUMNS`).
    crops, params
        Crop uptake table and nutrient coefficients.
    chunk_rows
        Parcels per chunk (>= 1).
    client
        dask.distributed Client (e.g. from `planning.scaleout.cluster.local_cluster`).
    analysis_crs
        Projected CRS to measure ``area_mu`` in when the layer has no such column.

    Returns
    -------
    demand
        Columns `COUNTY_DEMAND_COLUMNS`, one row per adcode, sorted: ``area_mu``,
        ``manure_area_mu`` (亩) and ``manure_n_demand_kg_per_yr``,
        ``manure_p_demand_kg_per_yr`` (kg/yr), equal to those of
        `siting.nutrients.county_balance` on the whole layer.

    Raises
    ------
    ParameterError, FileFormatError
        As `planning.scaleout.parcel_chunks.parcel_windows`.
    SchemaError
        As `parcel_absorption_capacity`, for the first bad chunk.
    """
    windows = parcel_windows(path, layer, chunk_rows, analysis_crs=analysis_crs)
    if not windows:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="string" if c == "adcode" else float)
                for c in COUNTY_DEMAND_COLUMNS
            }
        )
    per_chunk = [delayed(chunk_demand, pure=True)(w, crops, params) for w in windows]
    total: pd.DataFrame = client.compute(tree_sum(per_chunk)).result()
    return (
        total.rename_axis("adcode")
        .reset_index()
        .sort_values("adcode", ignore_index=True)[list(COUNTY_DEMAND_COLUMNS)]
    )


#: Parcels per dask-geopandas partition of `county_balance_on_cluster`.
DEFAULT_PARTITION_PARCELS: int = 100_000


def county_demand_on_cluster(
    path: Path,
    layer: str,
    *,
    crops: CropTable,
    params: NutrientParams,
    client: Client,
    partition_rows: int = DEFAULT_PARTITION_PARCELS,
) -> pd.DataFrame:
    """Return per-county area and manure N/P demand over dask-geopandas partitions.

    The layer is read as `dask_geopandas.read_file` partitions of ``partition_rows`` parcels
    (their ``area_mu`` column, 亩); each runs `chunk_demand` on a worker and the per-county
    sums are added. Same result as `county_demand_by_chunks` (columns
    `COUNTY_DEMAND_COLUMNS`, sorted by adcode).
    """
    parts = dask_geopandas.read_file(
        path, layer=layer, chunksize=max(partition_rows, 1), columns=list(PARCEL_COLUMNS)
    )
    demand = delayed(chunk_demand, pure=True)
    per_part = [demand(part, crops, params) for part in parts.to_delayed()]
    total: pd.DataFrame = client.compute(tree_sum(per_part)).result()
    return (
        total.rename_axis("adcode")
        .reset_index()
        .sort_values("adcode", ignore_index=True)[list(COUNTY_DEMAND_COLUMNS)]
    )


def land_rows(demand: pd.DataFrame) -> pd.DataFrame:
    """Return parcel-like rows whose county sums are ``demand`` (input of `county_balance`).

    Two rows per county: the manure-allowed land with its N/P demand, and the rest of the
    land (manure not allowed, no demand), so that `siting.nutrients.county_balance` sums
    them back to the same land totals and demand.
    """
    allowed = pd.DataFrame(
        {
            "adcode": demand["adcode"],
            "area_mu": demand["manure_area_mu"],
            "manure_allowed": True,
            "n_capacity_kg_per_yr": demand["manure_n_demand_kg_per_yr"],
            "p_capacity_kg_per_yr": demand["manure_p_demand_kg_per_yr"],
        }
    )
    other = allowed.assign(
        area_mu=demand["area_mu"] - demand["manure_area_mu"],
        manure_allowed=False,
        n_capacity_kg_per_yr=0.0,
        p_capacity_kg_per_yr=0.0,
    )
    return pd.concat([allowed, other], ignore_index=True)


def county_balance_on_cluster(
    region: Region,
    params: NutrientParams,
    client: Client,
    *,
    partition_rows: int = DEFAULT_PARTITION_PARCELS,
) -> pd.DataFrame:
    """Return the county balance of ``region`` with the parcels read in partitions.

    The land side comes from `county_demand_on_cluster` over the pack's parcel layer (which
    every worker must see at the same path); herd baseline, warning grades and county names
    are small and read here. Same table as `planning.nutrient_balance.county_balance_table`
    on the whole layer (sums added in another order: equal to ~1e-12 relative).

    Raises
    ------
    FileFormatError
        If the parcel layer is missing (run ``make data``) or unreadable.
    """
    spec = region.layer_of_kind(PARCELS_KIND)
    path = region.layer_path(spec.name)
    crops = load_crop_table(region.dir)
    layer = spec.layer or PARCELS_LAYER
    layer_rows(path, layer)  # a missing file or layer is a FileFormatError, not a worker error
    demand = county_demand_on_cluster(
        path, layer, crops=crops, params=params, client=client, partition_rows=partition_rows
    )
    balance = county_balance(
        land_rows(demand),
        load_herd_baseline(region),
        params,
        load_warning_grades(region.dir),
        species_columns=HERD_COLUMNS,
    )
    names = pd.DataFrame(load_counties(region)[list(NAME_COLUMNS)])
    return names.merge(balance, on="adcode", how="right")
