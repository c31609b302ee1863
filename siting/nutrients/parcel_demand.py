"""Manure N and P demand per 亩 of a mix of absorption parcels (area-weighted, guide §5).

A site's manure goes to the parcels within its haul radius; their crops, soils and yields
differ, so the land the site needs is its supply over the **area-weighted** demand per 亩 of
those parcels, ``Σ capacity ÷ Σ area`` over the parcels that take that nutrient (capacity
> 0, from `siting.nutrients.parcel_absorption_capacity`). It plays the part of a
`siting.nutrients.CropDemand` in `siting.nutrients.farm_land_requirement`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from locales import Message
from siting.nutrients.explain import ExplainRow, fmt

#: Columns of the parcel frame `parcel_mix_demand` reads.
PARCEL_DEMAND_COLUMNS: tuple[str, ...] = ("area_mu", "n_capacity_kg_per_yr", "p_capacity_kg_per_yr")


@dataclass(frozen=True, slots=True)
class ParcelMixDemand:
    """Area-weighted manure N and P demand per 亩 of the parcels that would take a manure.

    Attributes
    ----------
    n_area_mu, p_area_mu
        Area of the parcels that take manure N (P) (亩).
    n_capacity_kg_per_yr, p_capacity_kg_per_yr
        Their summed manure N (P) capacity (kg/yr).
    n_demand_kg_per_mu, p_demand_kg_per_mu
        ``capacity ÷ area`` (kg/亩; 0 where no parcel takes the nutrient).
    parcel_count
        Parcels in the mix.
    """

    n_area_mu: float
    p_area_mu: float
    n_capacity_kg_per_yr: float
    p_capacity_kg_per_yr: float
    n_demand_kg_per_mu: float
    p_demand_kg_per_mu: float
    parcel_count: int
    notes: tuple[Message, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers as a JSON-ready dict."""
        return {
            "source": "parcels",
            "parcel_count": self.parcel_count,
            **{
                f"{x}_{q}": getattr(self, f"{x}_{q}")
                for x in ("n", "p")
                for q in ("area_mu", "capacity_kg_per_yr", "demand_kg_per_mu")
            },
        }

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return the area-weighted demand rows, N then P."""
        return tuple(
            ExplainRow(
                f"{x}_demand_kg_per_mu",
                getattr(self, f"{x}_demand_kg_per_mu"),
                f"kg {x.upper()}/mu",
                f"{fmt(getattr(self, f'{x}_capacity_kg_per_yr'))} kg/yr ÷ "
                f"{fmt(getattr(self, f'{x}_area_mu'))} mu of {self.parcel_count} "
                "parcels in reach",
            )
            for x in ("n", "p")
        )


def parcel_mix_demand(parcels: pd.DataFrame) -> ParcelMixDemand | None:
    """Return the area-weighted manure demand per 亩 of ``parcels``, or None if none takes any.

    Parameters
    ----------
    parcels
        Parcels with `PARCEL_DEMAND_COLUMNS` (亩, kg/yr); e.g. those within a site's haul
        radius.

    Notes
    -----
    ``demand_X = Σ cap_X ÷ Σ area`` over the parcels with ``cap_X > 0`` (intensive rates are
    area-weighted, never summed).
    """
    area = parcels["area_mu"].to_numpy(dtype=float)
    values: dict[str, float] = {}
    for x in ("n", "p"):
        cap = parcels[f"{x}_capacity_kg_per_yr"].to_numpy(dtype=float)
        takes = cap > 0
        values[f"{x}_area_mu"] = float(area[takes].sum())
        values[f"{x}_capacity_kg_per_yr"] = float(cap[takes].sum())
        values[f"{x}_demand_kg_per_mu"] = (
            values[f"{x}_capacity_kg_per_yr"] / values[f"{x}_area_mu"] if takes.any() else 0.0
        )
    if values["n_capacity_kg_per_yr"] <= 0 and values["p_capacity_kg_per_yr"] <= 0:
        return None
    count = int(
        np.count_nonzero(
            (parcels["n_capacity_kg_per_yr"].to_numpy(dtype=float) > 0)
            | (parcels["p_capacity_kg_per_yr"].to_numpy(dtype=float) > 0)
        )
    )
    return ParcelMixDemand(
        n_area_mu=values["n_area_mu"],
        p_area_mu=values["p_area_mu"],
        n_capacity_kg_per_yr=values["n_capacity_kg_per_yr"],
        p_capacity_kg_per_yr=values["p_capacity_kg_per_yr"],
        n_demand_kg_per_mu=values["n_demand_kg_per_mu"],
        p_demand_kg_per_mu=values["p_demand_kg_per_mu"],
        parcel_count=count,
    )


def parcel_mix_demands(
    pairs: pd.DataFrame, parcels: pd.DataFrame
) -> dict[str, ParcelMixDemand | None]:
    """Return `parcel_mix_demand` of every farm's parcels at once (array sums, issue 12).

    Parameters
    ----------
    pairs
        ``farm_id`` and ``parcel_pos`` (row of ``parcels``), e.g. the parcels within each
        site's haul radius (`siting.needs.parcels_in_reach`).
    parcels
        Parcels with `PARCEL_DEMAND_COLUMNS`.

    Returns
    -------
    dict
        ``farm_id`` (str) -> the area-weighted demand of its parcels, None where none takes
        any manure; farms without pairs are absent.
    """
    codes, farm_ids = pd.factorize(_as_text(pairs["farm_id"]))  # hashing: no string sort
    group = np.asarray(codes, dtype=np.intp)
    pos = pairs["parcel_pos"].to_numpy(dtype=np.intp)
    area = parcels["area_mu"].to_numpy(dtype=float)[pos]
    sums: dict[str, np.ndarray] = {}
    takes_any = np.zeros(len(pos), dtype=bool)
    for x in ("n", "p"):
        cap = parcels[f"{x}_capacity_kg_per_yr"].to_numpy(dtype=float)[pos]
        takes = cap > 0
        takes_any |= takes
        sums[f"{x}_area_mu"] = _group_sum(group, np.where(takes, area, 0.0), len(farm_ids))
        sums[f"{x}_capacity_kg_per_yr"] = _group_sum(
            group, np.where(takes, cap, 0.0), len(farm_ids)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = sums[f"{x}_capacity_kg_per_yr"] / sums[f"{x}_area_mu"]
        sums[f"{x}_demand_kg_per_mu"] = np.where(
            _group_sum(group, takes.astype(float), len(farm_ids)) > 0, ratio, 0.0
        )
    count = _group_sum(group, takes_any.astype(float), len(farm_ids))
    return {
        str(fid): _mix_or_none({k: float(v[g]) for k, v in sums.items()}, int(count[g]))
        for g, fid in enumerate(farm_ids)
    }


def _as_text(ids: pd.Series) -> npt.NDArray[np.object_] | pd.Series:
    """Return ``ids`` as text: as they are when they already are (no copy to arrow strings)."""
    values = ids.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return ids.astype(str)


def _group_sum(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    return np.asarray(np.bincount(group, weights=values, minlength=n_groups), dtype=np.float64)


def _mix_or_none(values: dict[str, float], count: int) -> ParcelMixDemand | None:
    if values["n_capacity_kg_per_yr"] <= 0 and values["p_capacity_kg_per_yr"] <= 0:
        return None
    return ParcelMixDemand(
        n_area_mu=values["n_area_mu"],
        p_area_mu=values["p_area_mu"],
        n_capacity_kg_per_yr=values["n_capacity_kg_per_yr"],
        p_capacity_kg_per_yr=values["p_capacity_kg_per_yr"],
        n_demand_kg_per_mu=values["n_demand_kg_per_mu"],
        p_demand_kg_per_mu=values["p_demand_kg_per_mu"],
        parcel_count=count,
    )
