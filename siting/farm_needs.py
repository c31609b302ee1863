"""Manure N and P each planned farm must place on land, and the forage land its herd needs.

Input is the plan store's sites frame (one row per farm): herd columns ``dairy_cow_head``,
``beef_cattle_head``, ``sheep_head``, ``goat_head`` (head on stock), ``manure_route`` (a
route key of ``manure_routes.csv``, or empty for the 2018 MoA guide's per-PE default) and
``county_code`` (selects the forage yields of the county's zone).

Notes
-----
``n_need_kg_per_yr`` = manure N supply after losses (`siting.nutrients.manure_supply`):
``PE x 7.0 kg N`` by default, or ``PE x 11 kg N x route retention``; likewise P. Forage land
(`siting.forage.herd_forage_need`) counts dairy cattle and dairy goats (``goat_head``): the
forage tables have rations for dairy classes only, so beef cattle and sheep add manure but
no forage land.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pandas as pd

from errors import ParameterError
from problems import Problems
from siting.forage import herd_forage_need
from siting.nutrients import manure_supply

if TYPE_CHECKING:
    from siting.parameters import (
        ForageParams,
        ManureRouteTable,
        NutrientParams,
        WaterParams,
    )

#: Plan-store herd column -> species key of ``pe_per_head.*`` (nutrient_factors.csv).
SPECIES_BY_HERD_COLUMN: Final[dict[str, str]] = {
    "dairy_cow_head": "dairy_cow", "beef_cattle_head": "beef_cattle", "sheep_head": "sheep",
    "goat_head": "goat",
}
#: Herd columns that count for forage land (`siting.forage.HERD_INPUT_COLUMNS`).
FORAGE_HERD_COLUMNS: Final[tuple[str, ...]] = ("dairy_cow_head", "goat_head")
FARM_NEED_COLUMNS: Final[tuple[str, ...]] = (
    "site_id", "pig_equivalents_pe", "route_key", "n_need_kg_per_yr", "p_need_kg_per_yr",
    "forage_land_mu", "silage_corn_land_mu", "alfalfa_land_mu", "oat_hay_land_mu", "need_key",
)
#: Site fields the needs depend on (`need_key` is built from them).
NEED_INPUT_COLUMNS: Final[tuple[str, ...]] = (
    *SPECIES_BY_HERD_COLUMN, "manure_route", "county_code")


@dataclass(frozen=True, eq=False)
class NeedParams:
    """Coefficients for farm needs: nutrients, manure routes, forage, county zones, water.

    ``county_zones`` maps a county code to its zone (``county_zones.csv``); copied into a
    plain dict. ``water`` (quotas, ``water_quotas.csv``) gives the water need the suitability
    score's county water headroom uses (`siting.plan_scores.score_inputs`); None leaves it
    unknown.
    """

    nutrients: NutrientParams
    routes: ManureRouteTable
    forage: ForageParams
    county_zones: Mapping[str, str]
    water: WaterParams | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "county_zones", dict(self.county_zones))


def farm_needs(sites: pd.DataFrame, params: NeedParams,
               previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the manure N/P to place on land and the forage land of every site.

    Parameters
    ----------
    sites
        ``site_id``, ``name``, the herd columns of `SPECIES_BY_HERD_COLUMN` (head),
        ``manure_route`` (text or missing) and ``county_code`` (text or missing).
    params
        Coefficients.
    previous
        An earlier result with the same ``params``: rows whose `need_key` (herd, route,
        county) is unchanged are reused instead of recomputed.

    Returns
    -------
    needs
        Columns `FARM_NEED_COLUMNS` in input order: ``pig_equivalents_pe`` (PE),
        ``route_key``, ``n_need_kg_per_yr`` and ``p_need_kg_per_yr`` (kg/yr after losses),
        ``forage_land_mu`` and one ``<feed>_land_mu`` per feed (亩; NaN for a site without
        a county or with a county that has no zone), ``need_key``.

    Raises
    ------
    ParameterError
        Naming every site with an unknown manure route or a bad head count.
    """
    problems = Problems("planned sites", "规划场址")
    known = {} if previous is None else {
        str(row["need_key"]): row for row in previous.to_dict("records")}
    rows = []
    for row in sites.to_dict("records"):
        key = need_key(row)
        need = known.get(key) or {**_site_need(row, params, problems), "need_key": key}
        rows.append({**need, "site_id": row["site_id"]})
    problems.raise_if_any()
    return pd.DataFrame(rows, columns=list(FARM_NEED_COLUMNS))


def need_key(row: Mapping[str, object]) -> str:
    """Return the values a site's needs depend on, as text (herd, manure route, county)."""
    return "|".join(repr(_text(row.get(column))) for column in NEED_INPUT_COLUMNS)


def _site_need(row: Mapping[str, object], params: NeedParams,
               problems: Problems) -> dict[str, object]:
    name = str(row.get("name") or row["site_id"])
    herd = {species: _head(row.get(column)) for column, species in
            SPECIES_BY_HERD_COLUMN.items()}
    route_key = _text(row.get("manure_route"))
    try:
        route = params.routes.route(route_key) if route_key else None
        supply = manure_supply(herd, params.nutrients, route=route)
    except ParameterError as err:
        problems.add(f"{name!r}: {err.message('en')}", f"{name!r}：{err.message('zh')}")
        return {"site_id": row["site_id"]}
    return {"site_id": row["site_id"], "pig_equivalents_pe": supply.pig_equivalents.total_pe,
            "route_key": supply.route_key, "n_need_kg_per_yr": supply.n_supply_kg_per_yr,
            "p_need_kg_per_yr": supply.p_supply_kg_per_yr,
            **_forage_land(row, params)}


def _forage_land(row: Mapping[str, object], params: NeedParams) -> dict[str, float]:
    county = _text(row.get("county_code"))
    zone = params.county_zones.get(county or "")
    if county is None or zone is None:
        return {"forage_land_mu": math.nan}
    herd = {column: _head(row.get(column)) for column in FORAGE_HERD_COLUMNS}
    need = herd_forage_need(herd, params.forage, adcode=county, zone=zone)
    return {"forage_land_mu": need.total_area_mu,
            **{f"{feed}_land_mu": area for feed, area in need.area_mu.items()}}


def _head(value: object) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None
