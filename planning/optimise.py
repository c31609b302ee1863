"""Choose the remaining ranches of a plan among candidate sites (`python -m siting optimise`).

`siting_problem` builds the optimiser's input from a candidates file (e.g. the output of
``python -m siting locate``): each candidate is scored by the site scorer
(`planning.site_scoring.assess_site_file`; only those passing every hard gate stay), its
needs come from `siting.farm_needs.farm_needs` (the scenario check's call: N need on the
ledger's basis, forage land, water), its ledger pairs from `siting.allocate.build_candidates`
on the plan's absorption parcels (`planning.scenario_inputs`), and each county's headroom from
the build-out check with no new farms (`county_headroom`: water cap minus use, forage land
grown minus land the baseline herd needs). `propose_remaining` runs the MILP
(`siting.optimise`) and is the one call a "propose the remaining ranches" button makes.

Sites already planned (``held_sites``, e.g. a scenario's) hold what they use: their share of
each parcel in the scenario check's ledger, and their water and forage land in the years they
operate. Without them every parcel is free and the counties hold only their baseline herd.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.crs import STORAGE_CRS
from geo.io import write_vector
from layers.coefficients import load_nutrient_params
from layers.optimiser_params import load_optimise_params
from planning.buildout_inputs import load_buildout_inputs, usable_farms
from planning.regions import load_counties, region_outline
from planning.scenario_inputs import load_scenario_inputs
from planning.scenario_ops import check_scenario_sites
from planning.site_scoring import ScoreOptions, assess_site_file, read_sites
from siting.allocate import build_candidates
from siting.buildout import run_buildout
from siting.buildout_farms import HERD_COLUMNS
from siting.farm_needs import farm_needs
from siting.optimise import (
    OptimiseParams,
    SiteCounts,
    SitingChoice,
    SitingProblem,
    choose_sites,
)
from siting.optimise_answer import explain_choice

if TYPE_CHECKING:
    from pathlib import Path

    from layers.region import Region
    from siting.scenario_run import ScenarioInputs

#: Forage crops whose planted area counts as forage land (build-out county totals).
FORAGE_CROPS: Final[tuple[str, ...]] = ("silage_corn", "alfalfa", "oat_hay")
_PROPOSED: Final[str] = "proposed"
#: Head of the probe ranch whose forage need per head `forage_need_mu_per_head` measures
#: (any positive herd gives the same per-head figure: the need is linear in head).
PROBE_DAIRY_COW_HEAD: Final[float] = 1_000.0
_PROBE_ID: Final[str] = "forage-probe-"


def headroom_years(region: Region, year: int) -> list[int]:
    """Return the plan years from ``year`` to the horizon (``[year]`` when none is listed).

    New ranches operate from ``year`` on: every later year checked must have room for them.
    """
    return [y for y in region.plan.years if y >= year] or [year]


def county_headroom(
    region: Region, year: int, *, held_sites: gpd.GeoDataFrame | None = None
) -> pd.DataFrame:
    """Return each county's least water and forage headroom from ``year`` to the horizon.

    Parameters
    ----------
    year
        First year the new ranches operate; the headroom is the smallest over
        `headroom_years`.
    held_sites
        Sites already planned (plan-store or demo frame, EPSG:4326) whose herds use water and
        forage land in the years they operate (`planning.buildout_inputs.usable_farms`; sites
        the build-out cannot use are left out); None: the baseline herd only.

    Returns
    -------
    pandas.DataFrame
        ``adcode``; ``water_headroom_m3_per_yr`` = cap - use (m³/yr; NaN without a cap);
        ``forage_headroom_mu`` = forage land grown - land the herds need (亩), over
        `FORAGE_CROPS`. Negative where the held sites already break the limit.
    """
    totals = _county_totals(region, _held_farms(region, held_sites), headroom_years(region, year))
    by_year = pd.DataFrame(
        {
            "adcode": totals["adcode"].astype(str),
            "water_headroom_m3_per_yr": (
                totals["water_cap_m3_per_yr"] - totals["water_use_m3_per_yr"]
            ).astype(float),
            "forage_headroom_mu": (_grown_mu(totals) - _needed_mu(totals)).astype(float),
        }
    )
    return by_year.groupby("adcode", sort=False).min().reset_index()


def _held_farms(region: Region, held_sites: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Return the build-out farm table of the held sites (none: an empty table)."""
    if held_sites is None or held_sites.empty:
        return pd.DataFrame(
            {
                "farm_id": pd.Series(dtype=str),
                "adcode": pd.Series(dtype=str),
                "status": pd.Series(dtype=str),
                "start_year": pd.Series(dtype="float64"),
                "manure_route": pd.Series(dtype=object),
                **{c: pd.Series(dtype="float64") for c in HERD_COLUMNS},
            }
        )
    return usable_farms(held_sites, load_counties(region)).farms


def _county_totals(region: Region, farms: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    inputs, parameters = load_buildout_inputs(region, load_nutrient_params(region.dir))
    return run_buildout(farms, years, inputs, parameters).county_totals


def _grown_mu(totals: pd.DataFrame) -> pd.Series:
    return totals[[f"{crop}_area_mu" for crop in FORAGE_CROPS]].sum(axis=1)


def _needed_mu(totals: pd.DataFrame) -> pd.Series:
    return totals[[f"{crop}_area_needed_mu" for crop in FORAGE_CROPS]].sum(axis=1)


def forage_need_mu_per_head(region: Region) -> dict[str, float]:
    """Return the forage land the build-out check adds per dairy head, per county (亩/head).

    One probe ranch of `PROBE_DAIRY_COW_HEAD` per county is added to the baseline and the
    build-out is run again over every plan year: the difference in forage land needed (over
    `FORAGE_CROPS`: demand × the plan's local share / the county's yield) divided by the
    probe's head, the most over the years (full herd once the build-out's ramp is done,
    highest local share). The probe starts the year after the base year, whatever ``year``:
    the build-out stocks a new ranch in steps, and a probe starting late would be measured
    half-stocked. Forage need is linear in head, so a ranch of ``h`` head needs ``h`` times
    it: the check's own number, not the whole feed of the site check's `farm_needs`. Other
    farms do not change it (counties add up farm by farm).
    """
    baseline = _held_farms(region, None)
    adcodes = load_counties(region)["adcode"].astype(str).tolist()
    probes = pd.DataFrame(
        {
            "farm_id": [f"{_PROBE_ID}{code}" for code in adcodes],
            "adcode": adcodes,
            "status": _PROPOSED,
            "start_year": float(region.plan.base_year + 1),
            "manure_route": "",
            **dict.fromkeys(HERD_COLUMNS, 0.0),
        }
    ).assign(dairy_cow_head=PROBE_DAIRY_COW_HEAD)
    years = list(region.plan.years)
    without = _county_totals(region, baseline, years)
    with_probes = _county_totals(region, pd.concat([baseline, probes], ignore_index=True), years)
    added = pd.DataFrame(
        {
            "adcode": with_probes["adcode"].astype(str),
            "year": with_probes["year"],
            "needed_mu": _needed_mu(with_probes),
        }
    ).merge(
        pd.DataFrame(
            {
                "adcode": without["adcode"].astype(str),
                "year": without["year"],
                "base_mu": _needed_mu(without),
            }
        ),
        on=["adcode", "year"],
    )
    per_head = (added["needed_mu"] - added["base_mu"]) / PROBE_DAIRY_COW_HEAD
    return {str(k): float(v) for k, v in per_head.groupby(added["adcode"]).max().items()}


def parcels_free_frac(plan: ScenarioInputs, held_sites: gpd.GeoDataFrame | None) -> np.ndarray:
    """Return each plan parcel's share not taken by ``held_sites`` (1 = whole parcel free).

    The held sites' ledger is the scenario check's (`planning.scenario_ops.check_scenario_sites`);
    aligned with ``plan.parcels``.
    """
    free = np.ones(len(plan.parcels))
    if held_sites is None or held_sites.empty:
        return free
    used = check_scenario_sites(held_sites, plan).ledger.result.parcels.set_index("parcel_id")[
        "used_frac"
    ]
    taken = used.reindex(plan.parcels["parcel_id"]).fillna(0.0).to_numpy(dtype=float)
    return np.asarray(np.clip(free - taken, 0.0, 1.0), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class OptimiseInputs:
    """The optimiser's problem, the passing candidates (analysis CRS) and what was left out."""

    problem: SitingProblem
    candidates: gpd.GeoDataFrame
    failed: tuple[str, ...]
    params: OptimiseParams


def _passing(region: Region, path: Path, lang: str) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    site_input = read_sites(path, herd=None, region_outline=region_outline(region), lang=lang)
    assessment, _ = assess_site_file(site_input, region, ScoreOptions())
    scored = assessment.scores.to_frame().set_index("site_id")
    sites = assessment.sites.assign(
        score=scored["score"].reindex(assessment.sites["site_id"].astype(str)).to_numpy(dtype=float)
    )
    passed = scored["passed"].reindex(sites["site_id"].astype(str)).to_numpy(dtype=bool)
    failed = tuple(sites.loc[~passed, "site_id"].astype(str))
    return sites[passed & np.isfinite(sites["score"])].reset_index(drop=True), failed


def _farms(sites: gpd.GeoDataFrame, needs: pd.DataFrame, radius_km: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "farm_id": sites["site_id"].astype(str).to_numpy(dtype=object),
            "status": _PROPOSED,
            "haul_radius_km": radius_km,
            "n_need_kg_per_yr": needs["n_need_kg_per_yr"].to_numpy(dtype=float),
            "p_need_kg_per_yr": needs["p_need_kg_per_yr"].to_numpy(dtype=float),
        },
        geometry=sites.geometry.to_numpy(),
        crs=sites.crs,
    )


def _by_adcode(values: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in values.items()}


def siting_problem(
    region: Region,
    candidates_path: Path,
    *,
    year: int | None = None,
    lang: str = "zh",
    held_sites: gpd.GeoDataFrame | None = None,
    plan: ScenarioInputs | None = None,
) -> OptimiseInputs:
    """Build the optimiser's problem from a candidates file.

    Parameters
    ----------
    candidates_path
        Polygons with ``site_id`` and ``dairy_cow_head`` (as written by ``locate``).
    year
        First year the new ranches operate: county water and forage headroom is the least
        over the plan years from it to the horizon (`county_headroom`; None: the region's
        water baseline year, i.e. every plan year).
    held_sites
        Sites already planned (a scenario's, EPSG:4326): they keep their absorption land
        (`parcels_free_frac`), water and forage land (`county_headroom`). None: none.
    plan
        The region's scenario-check inputs (`planning.scenario_inputs.load_scenario_inputs`); None
        loads them.

    Raises
    ------
    InputDataError
        If the file cannot be read or no candidate is usable.
    """
    sites, failed = _passing(region, candidates_path, lang)
    plan = plan or load_scenario_inputs(region)
    table = pd.DataFrame(
        {
            "site_id": sites["site_id"].astype(str),
            "name": sites["name"],
            "dairy_cow_head": sites["dairy_cow_head"].astype(float),
            "county_code": sites["adcode"],
        }
    )
    needs = farm_needs(table, plan.params)
    farms = _farms(sites, needs, plan.allocation.default_haul_radius_km)
    pairs = build_candidates(farms, plan.parcels, plan.allocation).pairs
    site_pos = pd.Index(farms["farm_id"]).get_indexer(pairs["farm_id"])
    parcel_pos = pairs["parcel_pos"].to_numpy(dtype=np.int64)
    first_year = year or region.plan.water_baseline_year
    headroom = county_headroom(region, first_year, held_sites=held_sites)
    per_head = forage_need_mu_per_head(region)
    forage_mu = sites["dairy_cow_head"].to_numpy(dtype=float) * np.array(
        [per_head.get(str(a), np.nan) for a in sites["adcode"]]
    )
    by_county = headroom.set_index("adcode")
    problem = SitingProblem(
        site_ids=tuple(farms["farm_id"]),
        score=sites["score"].to_numpy(dtype=float),
        county=tuple(str(a) for a in sites["adcode"]),
        need_kg_per_yr=needs["n_need_kg_per_yr"].to_numpy(dtype=float),
        water_need_m3_per_yr=needs["water_need_m3_per_yr"].to_numpy(dtype=float),
        forage_need_mu=forage_mu,
        pair_site=site_pos.astype(np.int64),
        pair_parcel=parcel_pos,
        pair_cap_kg_per_yr=plan.parcels["n_capacity_kg_per_yr"].to_numpy(dtype=float)[parcel_pos],
        pair_haul_km=pairs["haul_km"].to_numpy(dtype=float),
        parcel_avail_frac=parcels_free_frac(plan, held_sites),
        water_headroom_m3_per_yr=_by_adcode(by_county["water_headroom_m3_per_yr"]),
        forage_headroom_mu=_by_adcode(by_county["forage_headroom_mu"]),
    )
    enriched = sites.assign(
        n_need_kg_per_yr=needs["n_need_kg_per_yr"].to_numpy(),
        water_need_m3_per_yr=needs["water_need_m3_per_yr"].to_numpy(),
        forage_land_mu=forage_mu,
    )
    return OptimiseInputs(problem, enriched, failed, load_optimise_params(region.dir))


def propose_remaining(
    inputs: OptimiseInputs, counts: SiteCounts, *, one_more: bool = True
) -> tuple[SitingChoice, gpd.GeoDataFrame]:
    """Choose the sites and return the choice with the chosen candidates (EPSG:4326).

    The chosen frame keeps the candidates' columns plus ``score`` (the scorer's),
    ``adcode``, ``n_need_kg_per_yr``, ``water_need_m3_per_yr`` and ``forage_land_mu``.
    """
    choice = explain_choice(
        inputs.problem,
        counts,
        inputs.params,
        choose_sites(inputs.problem, counts, inputs.params),
        one_more=one_more,
    )
    chosen = inputs.candidates[inputs.candidates["site_id"].astype(str).isin(choice.chosen)]
    return choice, chosen.to_crs(STORAGE_CRS).reset_index(drop=True)


#: Columns of the chosen-sites file, besides geometry (EPSG:4326).
CHOSEN_COLUMNS: Final[tuple[str, ...]] = (
    "site_id",
    "name",
    "adcode",
    "score",
    "dairy_cow_head",
    "n_need_kg_per_yr",
    "water_need_m3_per_yr",
    "forage_land_mu",
)


def write_chosen(chosen: gpd.GeoDataFrame, path: Path) -> Path:
    """Write the chosen sites (GeoPackage layer ``chosen``, ...; `CHOSEN_COLUMNS`).

    ``status`` is ``proposed``; EPSG:4326, so the file opens in QGIS as it is.
    """
    table = chosen[[*CHOSEN_COLUMNS, "geometry"]].assign(status=_PROPOSED).to_crs(STORAGE_CRS)
    return write_vector(table, path, layer="chosen")
