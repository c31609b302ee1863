"""Checked, array-shaped inputs of the absorption-land ledger (`siting.allocate`).

`check_farms` and `check_parcels` validate the two layers at the boundary (collect-then-raise)
and return plain arrays; `representative_xy_m` gives the point from which haul distances are
measured (the representative point: a point farm is itself, a polygon gets a point inside it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import shapely

from errors import SchemaError
from geo.crs import require_projected
from geo.validate import (
    check_present,
    geometry_problems_error,
    require_columns,
    require_same_crs,
)
from problems import Problems

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.allocate import AllocationParams

BASES: Final[tuple[str, ...]] = ("N", "P")
DEFAULT_BASIS: Final[str] = "N"
FARM_COLUMNS: Final[dict[str, str]] = {
    "farm_id": "string",
    "n_need_kg_per_yr": "float",
    "p_need_kg_per_yr": "float",
}
FARM_OPTIONAL_COLUMNS: Final[dict[str, str]] = {
    "priority": "int",
    "status": "string",
    "haul_radius_km": "float",
    "basis": "string",
}
PARCEL_COLUMNS: Final[dict[str, str]] = {
    "parcel_id": "string",
    "area_mu": "float",
    "n_capacity_kg_per_yr": "float",
    "p_capacity_kg_per_yr": "float",
}
_MAX_LISTED: Final[int] = 10


@dataclass(frozen=True, slots=True, eq=False)
class FarmTable:
    """Farms as arrays (row order of the input); ``need_kg_per_yr`` is on ``basis``."""

    farm_id: np.ndarray
    basis: np.ndarray
    need_kg_per_yr: np.ndarray
    haul_radius_km: np.ndarray
    priority: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class ParcelTable:
    """Parcels as arrays (row order of the input); capacities are per year."""

    parcel_id: np.ndarray
    area_mu: np.ndarray
    n_capacity_kg_per_yr: np.ndarray
    p_capacity_kg_per_yr: np.ndarray


def require_layers(farms: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> None:
    """Check that both layers share one projected CRS (distances are measured in it)."""
    require_projected(farms.crs, what="farms")
    require_same_crs(farms, parcels, names=("farms", "parcels"))


def check_farms(farms: gpd.GeoDataFrame, params: AllocationParams) -> FarmTable:
    """Validate ``farms`` and return them as arrays with defaults filled in.

    Empty ``haul_radius_km`` takes ``params.default_haul_radius_km``; empty ``basis`` is "N";
    an empty ``priority`` (or no such column) is looked up from ``status`` in
    ``params.priority_by_status``.

    Raises
    ------
    SchemaError
        Missing or ill-typed columns, duplicate ``farm_id``, unknown basis or status.
    ParameterError
        Negative or non-finite needs, radius <= 0, a farm without priority or status.
    """
    schema = {**FARM_COLUMNS, **_present(farms, FARM_OPTIONAL_COLUMNS)}
    if "priority" not in farms.columns and "status" not in farms.columns:
        schema["priority"] = "int"
    _require_schema(farms, schema, what="farms")
    ids = farms["farm_id"].to_numpy(dtype=object)
    categories = Problems("farms", "牧场")
    _check_unique(ids, "farm_id", categories)
    basis = _column(farms, "basis", DEFAULT_BASIS).astype(str).str.upper().to_numpy(dtype=object)
    _check_in(ids, basis, BASES, "basis", categories)
    status = _column(farms, "status", "").astype(str).to_numpy(dtype=object)
    needs_status = _column(farms, "priority", np.nan).isna().to_numpy()
    _check_in(
        ids[needs_status],
        status[needs_status],
        tuple(params.priority_by_status),
        "status",
        categories,
    )
    categories.raise_if_any(SchemaError)
    n_need = farms["n_need_kg_per_yr"].to_numpy(dtype=float)
    p_need = farms["p_need_kg_per_yr"].to_numpy(dtype=float)
    radius = _column(farms, "haul_radius_km", np.nan).to_numpy(dtype=float)
    radius = np.where(np.isnan(radius), params.default_haul_radius_km, radius)
    values = Problems("farms", "牧场")
    _check_non_negative(ids, {"n_need_kg_per_yr": n_need, "p_need_kg_per_yr": p_need}, values)
    _check_where(
        ids,
        ~(np.isfinite(radius) & (radius > 0)),
        "haul_radius_km must be > 0",
        "haul_radius_km 须大于 0",
        values,
    )
    values.raise_if_any()
    priority = _priorities(farms, status, needs_status, params)
    need = np.where(basis == "N", n_need, p_need)
    return FarmTable(ids, basis, need, radius, priority)


def check_parcels(parcels: gpd.GeoDataFrame) -> ParcelTable:
    """Validate ``parcels`` and return them as arrays.

    Raises
    ------
    SchemaError
        Missing or ill-typed columns, duplicate ``parcel_id``.
    ParameterError
        Negative or non-finite area or capacities.
    """
    _require_schema(parcels, PARCEL_COLUMNS, what="parcels")
    ids = parcels["parcel_id"].to_numpy(dtype=object)
    categories = Problems("parcels", "地块")
    _check_unique(ids, "parcel_id", categories)
    categories.raise_if_any(SchemaError)
    columns = {name: parcels[name].to_numpy(dtype=float) for name in list(PARCEL_COLUMNS)[1:]}
    values = Problems("parcels", "地块")
    _check_non_negative(ids, columns, values)
    values.raise_if_any()
    return ParcelTable(
        ids, columns["area_mu"], columns["n_capacity_kg_per_yr"], columns["p_capacity_kg_per_yr"]
    )


def representative_xy_m(features: gpd.GeoDataFrame, *, what: str) -> np.ndarray:
    """Return the representative point of every feature as an (n, 2) array of metres.

    Raises
    ------
    InvalidGeometryError
        If a feature has no geometry or an empty one.
    """
    check = check_present(features)
    if check.problems:
        raise geometry_problems_error(check.problems, source_name=what, n_features=len(features))
    points = shapely.point_on_surface(np.asarray(features.geometry.array, dtype=object))
    return shapely.get_coordinates(points).reshape(len(features), 2)


def _present(frame: pd.DataFrame, schema: dict[str, str]) -> dict[str, str]:
    return {name: kind for name, kind in schema.items() if name in frame.columns}


def _require_schema(frame: pd.DataFrame, schema: dict[str, str], *, what: str) -> None:
    """`require_columns`, but an empty table only needs the column names."""
    if len(frame) == 0:
        schema = dict.fromkeys(schema, "string")
    require_columns(frame, schema, what=what)


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(default, index=frame.index)
    return frame[name].where(frame[name].notna(), default)


def _listed(ids: np.ndarray) -> str:
    shown = ", ".join(str(i) for i in ids[:_MAX_LISTED])
    more = len(ids) - _MAX_LISTED
    return shown + (f" (+{more} more)" if more > 0 else "")


def _check_where(ids: np.ndarray, bad: np.ndarray, en: str, zh: str, problems: Problems) -> None:
    if bad.any():
        listed = _listed(ids[bad])
        problems.add(f"{en} ({listed})", f"{zh}（{listed}）")


def _check_unique(ids: np.ndarray, name: str, problems: Problems) -> None:
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy()
    _check_where(
        ids,
        duplicated,
        f"{name} values must be unique; duplicated",
        f"{name} 不得重复；重复值",
        problems,
    )


def _check_in(
    ids: np.ndarray, values: np.ndarray, allowed: tuple[str, ...], name: str, problems: Problems
) -> None:
    bad = ~np.isin(values, np.asarray(allowed, dtype=object))
    _check_where(
        ids,
        bad,
        f"{name} must be one of {', '.join(allowed)}; not so for",
        f"{name} 须为 {'、'.join(allowed)} 之一，以下不符",
        problems,
    )


def _check_non_negative(
    ids: np.ndarray, columns: dict[str, np.ndarray], problems: Problems
) -> None:
    for name, values in columns.items():
        bad = ~(np.isfinite(values) & (values >= 0))
        if bad.any():
            example = float(values[bad][0])
            _check_where(
                ids,
                bad,
                f"{name} must be a finite number >= 0, not {example:g}, for",
                f"{name} 须为非负有限数（{example:g} 不符），涉及",
                problems,
            )


def _priorities(
    farms: pd.DataFrame, status: np.ndarray, needs_status: np.ndarray, params: AllocationParams
) -> np.ndarray:
    """Return the service rank of every farm: ``priority`` if given, else by ``status``."""
    from_status = np.array([params.priority_by_status.get(s, 0) for s in status], dtype=np.int64)
    given = _column(farms, "priority", 0).to_numpy(dtype=float)
    return np.where(needs_status, from_status, given).astype(np.int64)
