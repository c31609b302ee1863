"""Per-county totals of a scenario: sites and herd by the site's county, allocated land and
nutrients by the parcel's county (allocation rows without a county use their site's)."""

from __future__ import annotations

import pandas as pd

from store.records import HERD_COLUMNS

COUNTY_TOTAL_COLUMNS: tuple[str, ...] = (
    "county_code",
    "site_count",
    *HERD_COLUMNS,
    "allocated_area_mu",
    "allocated_n_kg_per_yr",
    "allocated_p_kg_per_yr",
)


def county_totals(sites: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """Return one row per county code (NA for sites without one), sorted by code.

    Parameters
    ----------
    sites
        Typed sites frame (`store.frame_schema.SITE_COLUMNS`).
    allocations
        Typed allocations frame (`store.frame_schema.ALLOCATION_COLUMNS`).
    """
    herd = sites.groupby("county_code", dropna=False)[list(HERD_COLUMNS)].sum().astype("Int64")
    herd.insert(0, "site_count", sites.groupby("county_code", dropna=False).size().astype("Int64"))
    site_county = sites.set_index("site_id")["county_code"]
    county = allocations["county_code"].fillna(allocations["site_id"].map(site_county))
    land = (
        allocations.assign(county_code=county)
        .groupby("county_code", dropna=False)[["area_mu", "n_kg_per_yr", "p_kg_per_yr"]]
        .sum()
        .add_prefix("allocated_")
    )
    totals = herd.join(land, how="outer")
    totals[list(HERD_COLUMNS)] = totals[list(HERD_COLUMNS)].fillna(0)
    totals["site_count"] = totals["site_count"].fillna(0)
    allocated = [c for c in COUNTY_TOTAL_COLUMNS if c.startswith("allocated_")]
    totals[allocated] = totals[allocated].fillna(0.0).astype("float64")
    totals = totals.reset_index().rename(columns={"index": "county_code"})
    return totals.sort_values("county_code", na_position="last", ignore_index=True).loc[
        :, list(COUNTY_TOTAL_COLUMNS)
    ]
