"""Remaining manure N and P capacity of parcels after a scenario's allocation ledger.

``remaining = capacity − Σ allocated`` per parcel. The ledger (one row per farm × parcel,
columns `ALLOCATION_COLUMNS`, as the scenario store keeps it) is optional: without one the
remaining capacity is the full capacity.
"""

from __future__ import annotations

from typing import Final, TypeVar

import numpy as np
import pandas as pd

from errors import SchemaError
from problems import Problems

Frame = TypeVar("Frame", bound=pd.DataFrame)

#: Parcel columns needed (output of `parcel_absorption_capacity` plus ``parcel_id``).
CAPACITY_INPUT_COLUMNS: Final[tuple[str, ...]] = (
    "parcel_id",
    "area_mu",
    "n_capacity_kg_per_yr",
    "p_capacity_kg_per_yr",
)
#: Ledger columns used: the parcel and the manure N and P allocated to it (kg/yr).
ALLOCATION_COLUMNS: Final[tuple[str, ...]] = ("parcel_id", "n_kg_per_yr", "p_kg_per_yr")
#: Columns `remaining_capacity` adds.
REMAINING_COLUMNS: Final[tuple[str, ...]] = (
    "allocated_n_kg_per_yr",
    "allocated_p_kg_per_yr",
    "remaining_n_kg_per_yr",
    "remaining_p_kg_per_yr",
    "remaining_n_kg_per_mu",
    "remaining_p_kg_per_mu",
)
_MAX_LISTED = 5


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str, what_zh: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"{what} lacks the column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, frame.columns))}. Add them."
        )
        raise SchemaError(msg, zh=f"{what_zh}缺少列 {'、'.join(missing)}。请补充。")


def _check_allocations(allocations: pd.DataFrame, parcel_ids: pd.Series) -> None:
    _require(allocations, ALLOCATION_COLUMNS, "allocations", "分配台账")
    problems = Problems("allocations", "分配台账")
    unknown = sorted(set(allocations["parcel_id"].astype(str)) - set(parcel_ids.astype(str)))
    if unknown:
        listed = ", ".join(unknown[:_MAX_LISTED])
        problems.add(
            f"{len(unknown)} parcel id(s) are not in the parcel layer ({listed}); "
            "the ledger belongs to another parcel layer",
            f"{len(unknown)} 个地块编号不在地块图层中（{listed}）；台账对应的是另一个地块图层",
        )
    for column in ("n_kg_per_yr", "p_kg_per_yr"):
        values = pd.to_numeric(allocations[column], errors="coerce").astype(float)
        bad = ~(np.isfinite(values) & (values >= 0))
        if bool(bad.any()):
            shown = ", ".join(repr(v) for v in allocations.loc[bad, column].tolist()[:_MAX_LISTED])
            problems.add(
                f"{column} must be a number >= 0 in {int(bad.sum())} row(s) ({shown})",
                f"{column} 须为不小于 0 的数，共 {int(bad.sum())} 行（{shown}）",
            )
    problems.raise_if_any(SchemaError)


def _allocated(allocations: pd.DataFrame | None, parcel_ids: pd.Series, column: str) -> np.ndarray:
    if allocations is None or allocations.empty:
        return np.zeros(len(parcel_ids))
    amounts = pd.to_numeric(allocations[column]).astype(float)
    totals = amounts.groupby(allocations["parcel_id"].astype(str).to_numpy()).sum()
    return parcel_ids.astype(str).map(totals).fillna(0.0).to_numpy(dtype=float)


def remaining_capacity(
    parcels_with_capacity: Frame, allocations: pd.DataFrame | None = None
) -> Frame:
    """Return a copy of the parcels with their allocated and remaining manure capacity.

    Parameters
    ----------
    parcels_with_capacity
        Output of `parcel_absorption_capacity` with ``parcel_id`` (columns
        `CAPACITY_INPUT_COLUMNS`; ``area_mu`` in 亩, capacities in kg/yr).
    allocations
        The scenario's allocation ledger (columns `ALLOCATION_COLUMNS`, other columns are
        ignored; several rows may share a parcel). None or empty: nothing allocated yet.

    Returns
    -------
    parcels_with_remaining
        The input (not modified) plus `REMAINING_COLUMNS`: ``allocated_n/p_kg_per_yr``
        (Σ ledger, kg/yr), ``remaining_n/p_kg_per_yr`` = capacity − allocated (negative
        where the ledger exceeds the capacity) and ``remaining_n/p_kg_per_mu`` =
        remaining ÷ ``area_mu`` (0 for parcels without area).

    Raises
    ------
    SchemaError
        If a column is missing, the ledger names parcels that are not in the layer, or an
        allocated amount is negative or not a number (all listed at once).
    """
    _require(parcels_with_capacity, CAPACITY_INPUT_COLUMNS, "parcels", "地块图层")
    ids = parcels_with_capacity["parcel_id"]
    if allocations is not None:
        _check_allocations(allocations, ids)
    area = pd.to_numeric(parcels_with_capacity["area_mu"]).to_numpy(dtype=float)
    safe_area = np.where(area > 0, area, 1.0)
    added: dict[str, np.ndarray] = {}
    for x in ("n", "p"):
        capacity = pd.to_numeric(parcels_with_capacity[f"{x}_capacity_kg_per_yr"]).to_numpy(
            dtype=float
        )
        allocated = _allocated(allocations, ids, f"{x}_kg_per_yr")
        remaining = capacity - allocated
        added |= {
            f"allocated_{x}_kg_per_yr": allocated,
            f"remaining_{x}_kg_per_yr": remaining,
            f"remaining_{x}_kg_per_mu": np.where(area > 0, remaining / safe_area, 0.0),
        }
    return parcels_with_capacity.assign(**{name: added[name] for name in REMAINING_COLUMNS})
