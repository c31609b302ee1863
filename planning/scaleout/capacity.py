"""County manure demand (carrying-capacity land side) over parcel chunks on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from dask.delayed import Delayed, delayed
from distributed import Client

from planning.scaleout.parcel_chunks import parcel_windows
from siting.nutrients import parcel_absorption_capacity
from siting.parameters import CropTable, NutrientParams

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
