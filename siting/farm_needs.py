"""Needs of every planned farm: manure N/P to place on land, absorption land, forage, water.

Input is the scenario store's sites frame (one row per farm): herd columns ``dairy_cow_head``,
``beef_cattle_head``, ``sheep_head``, ``goat_head`` (head on stock), ``manure_route`` (a
route key of ``manure_routes.csv``, or empty for the 2018 MoA guide's per-PE default) and
``county_code`` (selects the forage yields and irrigation quotas of the county's zone).
Each row is `siting.needs.herd_needs` of that herd on its receiving land (the parcels within
its haul radius, else the region's default receiving crop: `siting.needs.receiving_lands`).

Notes
-----
``n_need_kg_per_yr`` = manure N supply after losses (`siting.nutrients.manure_supply`):
``PE x 7.0 kg N`` by default, or ``PE x 11 kg N x route retention``; likewise P. Forage land
(`siting.forage.herd_forage_need`) counts dairy cattle and dairy goats (``goat_head``): the
forage tables have rations for dairy classes only, so beef cattle and sheep add manure but
no forage land. The absorption land here is the land **needed**
(``absorption_land_need_mu``); the land the ledger **allocates** is ``land_allocated_mu`` of
`siting.scenario_results.site_results`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import pandas as pd

from errors import ParameterError
from problems import Problems
from siting.needs import (
    SPECIES_BY_HERD_COLUMN,
    Herd,
    ReceivingLand,
    crop_receiving_land,
    herd_needs,
)
from siting.parameters.forage import FEEDS

if TYPE_CHECKING:
    from siting.parameters import RegionParams

__all__ = ["FARM_NEED_COLUMNS", "SPECIES_BY_HERD_COLUMN", "farm_needs", "need_key"]

#: ``absorption_demand_source`` of a farm whose manure goes to the parcels in reach.
LOCAL_SOURCE: Final[str] = "local"
#: ... and of a farm with no such parcel (the region's default receiving crop).
CROP_SOURCE: Final[str] = "crop"
FARM_NEED_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "pig_equivalents_pe",
    "route_key",
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
    *(f"{feed}_land_mu" for feed in FEEDS),
    "livestock_water_m3_per_yr",
    "irrigation_water_m3_per_yr",
    "water_need_m3_per_yr",
    "need_key",
)
#: Site fields the needs depend on (`need_key` is built from them and the receiving land).
NEED_INPUT_COLUMNS: Final[tuple[str, ...]] = (
    *SPECIES_BY_HERD_COLUMN,
    "manure_route",
    "county_code",
)


def farm_needs(
    sites: pd.DataFrame,
    params: RegionParams,
    lands: Mapping[str, ReceivingLand] | None = None,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the needs of every site (`siting.needs.herd_needs`, one row per site).

    Parameters
    ----------
    sites
        ``site_id``, ``name``, the herd columns of `SPECIES_BY_HERD_COLUMN` (head),
        ``manure_route`` (text or missing) and ``county_code`` (text or missing).
    params
        The region's coefficients.
    lands
        Receiving land by site id (`siting.needs.receiving_lands`); sites not in it (or
        all, with None) get the region's default receiving crop.
    previous
        An earlier result with the same ``params``: rows whose `need_key` (herd, route,
        county, receiving land) is unchanged are reused instead of recomputed.

    Returns
    -------
    needs
        Columns `FARM_NEED_COLUMNS` in input order: ``pig_equivalents_pe`` (PE),
        ``route_key``, ``n_need_kg_per_yr`` and ``p_need_kg_per_yr`` (kg/yr after losses),
        absorption land needed on N, on P and on the binding basis (亩),
        ``absorption_demand_source`` (`LOCAL_SOURCE` or `CROP_SOURCE`), forage land in
        total and per feed (亩) and water (m³/yr; NaN for a site without a zoned county),
        ``need_key``.

    Raises
    ------
    ParameterError
        Naming every site with an unknown manure route or a bad head count.
    """
    problems = Problems("planned sites", "规划场址")
    known: dict[str, dict[str, object]] = (
        {}
        if previous is None
        else {
            str(row["need_key"]): {str(k): v for k, v in row.items()}
            for row in previous.to_dict("records")
        }
    )
    fallback = crop_receiving_land(params)
    rows: list[dict[str, object]] = []
    records: list[dict[str, object]] = [
        {str(k): v for k, v in r.items()} for r in sites.to_dict("records")
    ]
    for row in records:
        land = (lands or {}).get(str(row["site_id"]), fallback)
        key = need_key(row, land)
        need = known.get(key) or {**_site_need(row, land, params, problems), "need_key": key}
        rows.append({**need, "site_id": row["site_id"]})
    problems.raise_if_any()
    return pd.DataFrame(rows, columns=list(FARM_NEED_COLUMNS))


def need_key(row: Mapping[str, object], land: ReceivingLand | None = None) -> str:
    """Return the values a site's needs depend on, as text (herd, route, county, land)."""
    return "|".join([*(repr(_text(row.get(column))) for column in NEED_INPUT_COLUMNS), repr(land)])


def _site_need(
    row: Mapping[str, object], land: ReceivingLand, params: RegionParams, problems: Problems
) -> dict[str, object]:
    name = str(row.get("name") or row["site_id"])
    herd = Herd(
        {column: _head(row.get(column)) for column in SPECIES_BY_HERD_COLUMN},
        route_key=_text(row.get("manure_route")),
    )
    try:
        need = herd_needs(herd, land, params, adcode=_text(row.get("county_code")))
    except ParameterError as err:
        problems.add(f"{name!r}: {err.message('en')}", f"{name!r}：{err.message('zh')}")
        return {"site_id": row["site_id"]}
    water = need.water_parts_m3_per_yr
    return {
        "site_id": row["site_id"],
        "pig_equivalents_pe": need.supply.pig_equivalents.total_pe,
        "route_key": need.supply.route_key,
        "n_need_kg_per_yr": need.supply.n_supply_kg_per_yr,
        "p_need_kg_per_yr": need.supply.p_supply_kg_per_yr,
        "absorption_land_n_mu": need.absorption_land_n_mu,
        "absorption_land_p_mu": need.absorption_land_p_mu,
        "absorption_need_basis": need.binding_basis,
        "absorption_land_need_mu": need.absorption_land_need_mu,
        "absorption_land_n_low_mu": need.absorption_land_n_range_mu[0],
        "absorption_land_n_high_mu": need.absorption_land_n_range_mu[1],
        "absorption_demand_source": (
            LOCAL_SOURCE if need.land.source == "parcels" else CROP_SOURCE
        ),
        "forage_land_mu": need.forage_land_mu,
        **{f"{feed}_land_mu": area for feed, area in need.forage_land_mu_by_feed.items()},
        "livestock_water_m3_per_yr": water["livestock"],
        "irrigation_water_m3_per_yr": water["irrigation"],
        "water_need_m3_per_yr": need.water_need_m3_per_yr,
    }


def _head(value: object) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    # a head count read from a table: a number or numeric text (float raises on anything else)
    return float(value)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None
