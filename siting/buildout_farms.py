"""Farms of a build-out scenario by year: herd ramp after the start year, manure N and P.

A farm table has ``farm_id`` (text, unique), ``adcode`` (county), ``status`` (one of
`FARM_STATUSES`), ``start_year`` (integer; may be empty for existing farms) and herd columns
of the scenario store (``dairy_cow_head`` = all dairy cattle, ``goat_head``, ``beef_cattle_head``,
``sheep_head``; also ``pig_head``, ``poultry_head``; missing ones are 0) and optionally
``manure_route`` (a route of ``manure_routes.csv``; empty or ``guide_default``: the guide's
supply per PE, the county default). ``existing`` farms
are taken to be in the baseline herd already and add nothing; the others add ``ramp × herd``
from their start year (`BuildoutParams.ramp_for`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd

from errors import SchemaError
from geo.validate import require_same_crs
from problems import Problems
from siting.forage import herd_input
from siting.parameters import GUIDE_DEFAULT, BuildoutParams, ManureRouteTable, NutrientParams

FARM_STATUSES: Final[tuple[str, ...]] = ("existing", "under_construction", "proposed")
#: Status of farms already counted in the baseline herd.
BASELINE_STATUS: Final[str] = "existing"
#: Herd columns (plan-store names) carried through the build-out.
HERD_COLUMNS: Final[tuple[str, ...]] = (
    "dairy_cow_head",
    "goat_head",
    "beef_cattle_head",
    "sheep_head",
    "pig_head",
    "poultry_head",
)
#: Other names of a herd column (herd tables written before the vocabulary pass call dairy
#: goats dairy_goat_head; `layers.herd` reads those as goat_head already).
HERD_ALIASES: Final[dict[str, str]] = {"dairy_goat_head": "goat_head"}
#: Herd column -> species key of the 2018 guide's PE table. ``dairy_cow_head`` counts all dairy
#: cattle, young stock included (the guide counts 奶牛 on stock; it has no young-stock factor).
SPECIES_OF_COLUMN: Final[dict[str, str]] = {
    "dairy_cow_head": "dairy_cow",
    "goat_head": "goat",
    "beef_cattle_head": "beef_cattle",
    "sheep_head": "sheep",
    "pig_head": "pig",
    "poultry_head": "poultry",
}
REQUIRED_FARM_COLUMNS: Final[tuple[str, ...]] = ("farm_id", "adcode", "status", "start_year")
#: What a site can lack that the build-out needs (`farm_gaps`): a whole start year (farms that
#: are not existing), a herd (some head > 0), a county of the region.
FARM_GAPS: Final[tuple[str, ...]] = ("start_year", "herd", "county")
_ADCODE = re.compile(r"^\d{6}$")
_MAX_LISTED: Final[int] = 10


def _listed(values: Sequence[object]) -> str:
    shown = ", ".join(map(str, list(values)[:_MAX_LISTED]))
    return shown + (" ..." if len(values) > _MAX_LISTED else "")


def herd_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return every column of `HERD_COLUMNS` as floats (aliases added in, missing ones 0)."""
    herd = {c: herd_input(frame, c) for c in HERD_COLUMNS}
    for alias, column in HERD_ALIASES.items():
        herd[column] = herd[column] + herd_input(frame, alias)
    return herd


def check_farms(farms: pd.DataFrame, adcodes: Sequence[str]) -> pd.DataFrame:
    """Validate a farm table; return it typed (herd columns as floats, missing ones 0).

    Parameters
    ----------
    farms
        Farm table (see the module docstring).
    adcodes
        Counties of the region; every farm must be in one.

    Raises
    ------
    SchemaError
        If a required column is missing.
    ParameterError
        Listing every duplicate or empty id, unknown county or status, missing start year
        of a farm that is not existing, and negative head count.
    """
    missing = [c for c in REQUIRED_FARM_COLUMNS if c not in farms.columns]
    if missing:
        msg = (
            f"The scenario's farm table lacks the column(s) {', '.join(missing)} (has: "
            f"{', '.join(map(str, farms.columns))})."
        )
        raise SchemaError(msg, zh=f"方案牧场表缺少列：{'、'.join(missing)}。")
    ids = farms["farm_id"].astype("string").fillna("").to_numpy(dtype=object)
    problems = Problems("scenario farms", "方案牧场")
    _flag(problems, ids, ids == "", "have an empty farm_id", "的编号为空")
    _flag(
        problems,
        ids,
        pd.Series(ids).duplicated(keep=False).to_numpy(),
        "repeat a farm_id",
        "编号重复",
    )
    adcode = farms["adcode"].astype("string").fillna("").to_numpy(dtype=object)
    bad_county = np.array([not (_ADCODE.match(a) and a in set(adcodes)) for a in adcode])
    _flag(
        problems,
        ids,
        bad_county,
        f"have an adcode outside the region ({_listed(adcodes)})",
        "的县代码不在本地区内",
    )
    status = farms["status"].astype("string").fillna("").to_numpy(dtype=object)
    _flag(
        problems,
        ids,
        ~np.isin(status, FARM_STATUSES),
        f"have a status not in {', '.join(FARM_STATUSES)}",
        "的状态无效",
    )
    start = pd.to_numeric(farms["start_year"], errors="coerce").to_numpy(dtype=float)
    no_start = (status != BASELINE_STATUS) & ~((start % 1) == 0)
    _flag(
        problems,
        ids,
        no_start,
        "need a whole start_year (they are not existing farms)",
        "须填写开工/投产年份（整数）",
    )
    herd = herd_columns(farms)
    for column, values in herd.items():
        _flag(
            problems,
            ids,
            ~(values >= 0),
            f"have {column} that is not a number >= 0",
            f"的 {column} 不是不小于 0 的数",
        )
    problems.raise_if_any()
    return pd.DataFrame(
        {
            "farm_id": ids.astype(str),
            "adcode": adcode.astype(str),
            "status": status.astype(str),
            "start_year": start,
            "manure_route": _route_keys(farms),
            **herd,
        }
    )


def _route_keys(farms: pd.DataFrame) -> np.ndarray:
    """Return each farm's manure route key ("" for the guide's per-PE default)."""
    if "manure_route" not in farms.columns:
        return np.full(len(farms), "", dtype=object)
    keys = farms["manure_route"].astype("string").fillna("").str.strip()
    return np.asarray(keys.where(keys != GUIDE_DEFAULT, ""), dtype=object)


def farm_gaps(farms: pd.DataFrame, adcodes: Sequence[str]) -> pd.DataFrame:
    """Return, per farm, which build-out inputs it lacks (one boolean column per `FARM_GAPS`).

    Parameters
    ----------
    farms
        Farm table (see the module docstring; e.g. from `farms_from_sites`).
    adcodes
        Counties of the region.

    Returns
    -------
    gaps
        Indexed like ``farms``: ``start_year`` (not an existing farm and no whole start year),
        ``herd`` (no head in any herd column), ``county`` (no county code of the region).
    """
    status = farms["status"].astype("string").fillna("").to_numpy(dtype=object)
    start = pd.to_numeric(farms["start_year"], errors="coerce").to_numpy(dtype=float)
    head = np.nansum(np.vstack(list(herd_columns(farms).values())), axis=0)
    adcode = farms["adcode"].astype("string").fillna("")
    return pd.DataFrame(
        {
            "start_year": (status != BASELINE_STATUS) & ~((start % 1) == 0),
            "herd": ~(head > 0),
            "county": ~adcode.isin([str(a) for a in adcodes]).to_numpy(dtype=bool),
        },
        index=farms.index,
    )


def farm_retention(
    farms: pd.DataFrame, nutrients: NutrientParams, routes: ManureRouteTable
) -> tuple[np.ndarray, np.ndarray]:
    """Return each farm's N and P supply per PE (kg/yr): its route's, else the guide's.

    The guide's per-PE supply (``n_supply_kg_per_pe``, ``p_supply_kg_per_pe``) is the same
    parameter the county capacity uses; a route gives ``excretion per PE × retention``.

    Raises
    ------
    ParameterError
        If a farm's route is unknown or was not measured for one of its species.
    """
    n_per_pe = np.full(len(farms), nutrients.n_supply_kg_per_pe)
    p_per_pe = np.full(len(farms), nutrients.p_supply_kg_per_pe)
    for i, key in enumerate(farms["manure_route"]):
        if key:
            species = [s for c, s in SPECIES_OF_COLUMN.items() if farms[c].iloc[i] > 0]
            route = routes.route(str(key), species)
            n_per_pe[i] = nutrients.n_excreted_kg_per_pe * route.n_retention_frac
            p_per_pe[i] = nutrients.p_excreted_kg_per_pe * route.p_retention_frac
    return n_per_pe, p_per_pe


def _flag(problems: Problems, ids: np.ndarray, mask: np.ndarray, en: str, zh: str) -> None:
    if mask.any():
        listed = _listed([str(i) or "(empty)" for i in ids[mask]])
        problems.add(f"farm(s) {listed} {en}", f"牧场 {listed} {zh}")


def farm_pe(farms: pd.DataFrame, nutrients: NutrientParams) -> np.ndarray:
    """Return each farm's pig equivalents: Σ head × PE per head over `SPECIES_OF_COLUMN`."""
    pe = np.zeros(len(farms))
    for column, species in SPECIES_OF_COLUMN.items():
        pe = pe + herd_input(farms, column) * nutrients.pe_per_head[species]
    return pe


def farms_by_year(
    farms: pd.DataFrame,
    years: Sequence[int],
    params: BuildoutParams,
    nutrients: NutrientParams,
    *,
    routes: ManureRouteTable,
    baseline_years: Sequence[int] = (),
) -> pd.DataFrame:
    """Return one row per farm and year with the herd it adds and its manure N and P.

    Parameters
    ----------
    farms
        Output of `check_farms`.
    years
        Years checked.
    params, nutrients
        Herd ramp; PE per head and manure supply per PE (农办牧〔2018〕1号).
    routes
        Manure routes by species (a farm's ``manure_route``; `farm_retention`).
    baseline_years
        Years of the county herd baseline. The baseline counts every farm on stock in its
        year, so a scenario farm already stocked then is in it: the farm adds only its herd
        beyond its ramp share of the baseline year in force (no double counting).

    Returns
    -------
    farm_years
        ``farm_id``, ``adcode``, ``status``, ``start_year``, ``year``, ``ramp_frac`` (share of
        the farm's herd on stock that year; 1 for existing farms), ``added_frac`` (share added
        to the baseline herd: 0 for existing farms; ``ramp_frac`` minus the farm's ramp share
        in the baseline year in force), the herd columns scaled by ``added_frac``,
        ``pe`` (pig equivalents added), ``n_supply_kg_per_yr`` and ``p_supply_kg_per_yr``
        (``pe ×`` the farm's supply per PE, `farm_retention`: by default the guide's 7.0 kg
        N and 1.2 kg P).
    """
    n_per_pe, p_per_pe = farm_retention(farms, nutrients, routes)
    grid = farms.assign(_n_per_pe=n_per_pe, _p_per_pe=p_per_pe).merge(
        pd.DataFrame({"year": [int(y) for y in years]}), how="cross"
    )
    existing = (grid["status"] == BASELINE_STATUS).to_numpy()
    ramp = params.ramp_for(grid["year"].to_numpy(dtype=float) - grid["start_year"].to_numpy())
    ramp = np.where(existing, 1.0, ramp)
    in_baseline = params.ramp_for(
        _baseline_year(grid["year"], baseline_years) - grid["start_year"].to_numpy()
    )
    added = np.where(existing, 0.0, np.maximum(ramp - in_baseline, 0.0))
    scaled = {c: grid[c].to_numpy(dtype=float) * added for c in HERD_COLUMNS}
    pe = farm_pe(pd.DataFrame(scaled), nutrients)
    return grid[["farm_id", "adcode", "status", "start_year", "manure_route", "year"]].assign(
        ramp_frac=ramp,
        added_frac=added,
        **scaled,
        pe=pe,
        n_supply_kg_per_yr=pe * grid["_n_per_pe"].to_numpy(),
        p_supply_kg_per_yr=pe * grid["_p_per_pe"].to_numpy(),
    )


def _baseline_year(years: pd.Series, baseline_years: Sequence[int]) -> np.ndarray:
    """Return the baseline year in force for each year (NaN where there is none)."""
    known = sorted({int(y) for y in baseline_years})
    in_force = [max((b for b in known if b <= int(y)), default=np.nan) for y in years]
    return np.asarray(in_force, dtype=float)


def farms_from_sites(sites: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the farm table of plan-store sites (``site_id`` -> ``farm_id``).

    Parameters
    ----------
    sites
        Plan-store sites (``site_id``, ``status``, ``start_year``, herd columns, optional
        ``county_code``) with polygon geometry.
    counties
        County polygons (``adcode``) in the same CRS; a site without ``county_code`` gets the
        county holding its representative point.

    Raises
    ------
    CrsMismatchError
        If the two layers' CRSs differ.
    """
    require_same_crs(sites, counties, names=("sites", "counties"))
    points = gpd.GeoDataFrame(geometry=sites.geometry.representative_point(), crs=sites.crs)
    joined = gpd.sjoin(points, counties[["adcode", "geometry"]], how="left", predicate="within")
    located = joined.groupby(level=0)["adcode"].first().reindex(sites.index)
    given = (
        sites["county_code"].astype("string")
        if "county_code" in sites.columns
        else pd.Series(pd.NA, index=sites.index, dtype="string")
    )
    adcode = given.where(given.notna() & (given != ""), located.astype("string"))
    return pd.DataFrame(
        {
            "farm_id": sites["site_id"].astype(str).to_numpy(),
            "adcode": adcode.fillna("").astype(str).to_numpy(),
            "status": sites["status"].astype(str).to_numpy(),
            "start_year": pd.to_numeric(sites["start_year"]).to_numpy(dtype=float),
            "manure_route": _route_keys(sites),
            **herd_columns(sites),
        }
    )
