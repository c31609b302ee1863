"""Manure utilisation (粪污综合利用率) of a county: nutrient used on matched land or by plants.

``utilisation_X = (X on matched land + X to organic-fertiliser plants) ÷ X produced`` for
X = N and P (kg/yr), per county and year, checked against the region's plan target
(``manure_utilisation_min_frac`` of ``city_targets.csv``; Hohhot ≥ 0.9).

* **Produced**: manure N and P of every herd in the county after collection, storage and
  treatment (baseline herd plus scenario farms; `siting.nutrients.manure_supply`).
* **On matched land**, with the absorption-land ledger (`siting.allocate`): a scenario
  farm's manure counts on land only for the share of its need the ledger met with parcels
  within its haul radius (``allocated ÷ need`` of its N and of its P). The baseline herd,
  whose land the ledger does not hold, is credited with the county's land capacity left after
  the scenario farms' allocation (``min(baseline, capacity − scenario on land)``). A farm's
  matched manure is booked to its own county even where the ledger gave it parcels across a
  county border (an approximation: that county's land left for the baseline is then
  understated, its neighbour's overstated).
  Without the ledger, every herd shares the county's land: ``min(produced, capacity)``
  (a proxy, stated in the check's note).
* **To plants**: declared off-farm routes (organic-fertiliser plants of the region pack,
  ``manure_plants.csv``): the manure not placed on land, up to the county's plant capacity.

Every returned quantity is additive (kg/yr), so a city's utilisation is formed from the
county column sums. The official rate (农牧发〔2018〕4号 考核办法) is counted in tonnes of
manure, not nutrients; its formula text was not found (recalled). This nutrient form is
what a land-matched (种养结合) plan can be checked against; docs/method.md states the gap.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

NUTRIENTS: Final[tuple[str, ...]] = ("n", "p")
#: Additive columns of `county_manure_use`, for X in N and P.
USE_COLUMNS: Final[tuple[str, ...]] = tuple(
    f"{x}_{part}_kg_per_yr"
    for x in NUTRIENTS
    for part in ("produced", "on_land", "to_plants", "utilised")
)
PLANT_COLUMNS: Final[tuple[str, ...]] = (
    "plant_id",
    "adcode",
    "capacity_n_kg_per_yr",
    "capacity_p_kg_per_yr",
)


def no_plants() -> pd.DataFrame:
    """Return an empty plant table (`PLANT_COLUMNS`): a region without declared plants."""
    return pd.DataFrame(
        {
            c: pd.Series(dtype=object if c in ("plant_id", "adcode") else float)
            for c in PLANT_COLUMNS
        }
    )


def plant_capacity(plants: pd.DataFrame, adcodes: pd.Index) -> pd.DataFrame:
    """Return the organic-fertiliser plants' N and P intake capacity per county (kg/yr).

    Parameters
    ----------
    plants
        One row per plant: ``adcode``, ``capacity_n_kg_per_yr``, ``capacity_p_kg_per_yr``.
    adcodes
        Counties to report (0 where a county has no plant).
    """
    columns = ["capacity_n_kg_per_yr", "capacity_p_kg_per_yr"]
    if plants.empty:
        return pd.DataFrame(0.0, index=adcodes, columns=columns)
    frame = plants.assign(adcode=plants["adcode"].astype(str))
    return frame.groupby("adcode")[columns].sum().reindex(adcodes, fill_value=0.0)


def county_manure_use(totals: pd.DataFrame, plants: pd.DataFrame, *, ledger: bool) -> pd.DataFrame:
    """Return, per county row, N and P produced, on matched land, to plants and utilised.

    Parameters
    ----------
    totals
        Indexed by adcode; ``n_supply_kg_per_yr`` / ``p_supply_kg_per_yr`` (all herds),
        ``manure_n_demand_kg_per_yr`` / ``manure_p_demand_kg_per_yr`` (the county's land
        capacity), and with ``ledger``: ``scenario_n_kg_per_yr``, ``scenario_p_kg_per_yr``
        (the scenario farms' supply) and ``ledger_n_matched_kg_per_yr``,
        ``ledger_p_matched_kg_per_yr`` (their supply placed by the ledger).
    plants
        Plant table (`PLANT_COLUMNS`); may be empty.
    ledger
        Whether the scenario farms' land comes from the ledger.

    Returns
    -------
    pandas.DataFrame
        `USE_COLUMNS`, same index as ``totals``.
    """
    capacity = plant_capacity(plants, totals.index)
    out = pd.DataFrame(index=totals.index)
    for x in NUTRIENTS:
        produced = totals[f"{x}_supply_kg_per_yr"].to_numpy(dtype=float)
        land = totals[f"manure_{x}_demand_kg_per_yr"].to_numpy(dtype=float)
        if ledger:
            scenario = totals[f"ledger_{x}_matched_kg_per_yr"].to_numpy(dtype=float)
            baseline = produced - totals[f"scenario_{x}_kg_per_yr"].to_numpy(dtype=float)
            on_land = scenario + np.minimum(baseline, np.maximum(land - scenario, 0.0))
        else:
            on_land = np.minimum(produced, land)
        to_plants = np.minimum(
            produced - on_land, capacity[f"capacity_{x}_kg_per_yr"].to_numpy(dtype=float)
        )
        out[f"{x}_produced_kg_per_yr"] = produced
        out[f"{x}_on_land_kg_per_yr"] = on_land
        out[f"{x}_to_plants_kg_per_yr"] = to_plants
        out[f"{x}_utilised_kg_per_yr"] = on_land + to_plants
    return out


def utilisation_frac(utilised_kg_per_yr: pd.Series, produced_kg_per_yr: pd.Series) -> np.ndarray:
    """Return utilised ÷ produced per row (NaN where no manure is produced)."""
    used = utilised_kg_per_yr.to_numpy(dtype=float)
    made = produced_kg_per_yr.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(made > 0, used / np.where(made > 0, made, 1.0), np.nan)
