"""County totals of one build-out year: herd, forage, manure load and water (all additive).

Every quantity in the totals is a sum over the county's sources (baseline herd and scenario
farms), so the city totals are column sums (see `siting.buildout.city_totals`). Ratios
(self-sufficiency, load index, utilisation, water use ÷ cap) are formed only in the checks.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

from siting.buildout_farms import SPECIES_OF_COLUMN, herd_columns
from siting.buildout_inputs import BuildoutRegion
from siting.forage import county_yields, feed_demand, parcel_forage_area
from siting.nutrients import county_balance
from siting.parameters import FEEDS, RegionParams
from siting.targets import city_target, county_forage_targets, target_year_in_force
from siting.utilisation import county_manure_use
from siting.water import irrigation_water_m3_per_yr, livestock_heads, livestock_water_m3_per_yr

SupplySource = Literal["parcels", "targets"]
#: Plan-target key of each feed's local share (the plan's 本土自给率 minimum).
SHARE_TARGET_KEY: Final[dict[str, str]] = {
    "silage_corn": "silage_corn_self_sufficiency_min_frac",
    "alfalfa": "alfalfa_oat_self_sufficiency_min_frac",
    "oat_hay": "alfalfa_oat_self_sufficiency_min_frac",
}
#: Local share used when the plan sets none: grow all of it (self-sufficiency).
FULL_SHARE_FRAC: Final[float] = 1.0
#: Relative LP tolerance: an allocation within this share of the need meets it.
LEDGER_TOLERANCE_FRAC: Final[float] = 1e-6


def baseline_for_year(baseline_herd: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return the baseline rows of ``year`` (latest baseline year <= it; all if no ``year``)."""
    if "year" not in baseline_herd.columns:
        return baseline_herd
    chosen = target_year_in_force(baseline_herd["year"], year)
    return baseline_herd[baseline_herd["year"] == chosen]


def _sources(region: BuildoutRegion, farm_years: pd.DataFrame, year: int) -> pd.DataFrame:
    """Stack baseline and scenario herd rows of ``year`` (``adcode``, ``origin``, herd)."""
    baseline = baseline_for_year(region.baseline_herd, year)
    scenario = farm_years[farm_years["year"] == year]
    frames = []
    for origin, frame in (("baseline", baseline), ("scenario", scenario)):
        frames.append(
            pd.DataFrame(
                {
                    "adcode": frame["adcode"].astype(str).to_numpy(),
                    "origin": origin,
                    **herd_columns(frame),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def herd_totals(
    sources: pd.DataFrame, parameters: RegionParams, adcodes: tuple[str, ...]
) -> pd.DataFrame:
    """Return head by class, dairy head and PE per county (split per source, then summed)."""
    heads = livestock_heads(sources, parameters.forage)
    pe_per_head = parameters.nutrients.pe_per_head
    pe = sum(sources[c].to_numpy() * pe_per_head[s] for c, s in SPECIES_OF_COLUMN.items())
    dairy = sources["dairy_cow_head"].to_numpy()
    is_base = (sources["origin"] == "baseline").to_numpy()
    frame = heads.assign(
        adcode=sources["adcode"].to_numpy(),
        dairy_cow_head=dairy,
        baseline_dairy_cow_head=np.where(is_base, dairy, 0.0),
        scenario_dairy_cow_head=np.where(is_base, 0.0, dairy),
        baseline_pe=np.where(is_base, pe, 0.0),
        scenario_pe=np.where(is_base, 0.0, pe),
    )
    return frame.groupby("adcode").sum(numeric_only=True).reindex(list(adcodes), fill_value=0.0)


def forage_totals(
    herd: pd.DataFrame,
    region: BuildoutRegion,
    parameters: RegionParams,
    year: int,
    supply_from: SupplySource,
) -> pd.DataFrame:
    """Return per county and feed: demand, supply area and tonnes, area needed, target area."""
    adcodes = pd.Series(herd.index, index=herd.index)
    yields = county_yields(adcodes, region.zones, parameters.forage)
    demand = feed_demand(herd, parameters.forage)
    targets = (
        county_forage_targets(region.forage_targets, year).set_index("adcode").reindex(herd.index)
    )
    if supply_from == "parcels":
        area = parcel_forage_area(region.parcels).set_index("adcode").reindex(herd.index)
    else:
        area = targets[[f"{f}_target_mu" for f in FEEDS]].set_axis(
            [f"{f}_area_mu" for f in FEEDS], axis=1
        )
    out = pd.DataFrame(index=herd.index)
    for feed in FEEDS:
        share = _local_share(region, feed, year)
        out[f"{feed}_demand_t_per_yr"] = demand[f"{feed}_demand_t_per_yr"]
        out[f"{feed}_area_mu"] = area[f"{feed}_area_mu"].fillna(0.0)
        out[f"{feed}_supply_t_per_yr"] = out[f"{feed}_area_mu"] * yields[f"{feed}_yield_t_per_mu"]
        out[f"{feed}_area_needed_mu"] = (
            out[f"{feed}_demand_t_per_yr"] * share / yields[f"{feed}_yield_t_per_mu"]
        )
        out[f"{feed}_target_mu"] = targets[f"{feed}_target_mu"].fillna(0.0)
        out[f"{feed}_irrigated_mu"] = np.maximum(
            out[f"{feed}_area_mu"], out[f"{feed}_area_needed_mu"]
        )
    return out


def _local_share(region: BuildoutRegion, feed: str, year: int) -> float:
    target = city_target(region.city_targets, SHARE_TARGET_KEY[feed], year)
    return FULL_SHARE_FRAC if target is None else target.value


def water_totals(
    herd: pd.DataFrame, forage: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams
) -> pd.DataFrame:
    """Return livestock, irrigation, other and total water use and the cap (m³/yr)."""
    livestock = livestock_water_m3_per_yr(herd, parameters.water)
    irrigated = forage[[f"{f}_irrigated_mu" for f in FEEDS]].set_axis(
        [f"{f}_area_mu" for f in FEEDS], axis=1
    )
    zones = pd.Series([region.zones[a] for a in herd.index], index=herd.index)
    irrigation = irrigation_water_m3_per_yr(irrigated, zones, parameters.water)
    caps = (
        region.water_caps.assign(adcode=region.water_caps["adcode"].astype(str))
        .set_index("adcode")
        .reindex(herd.index)
    )
    other = caps["other_use_m3_per_yr"].fillna(0.0)
    return pd.DataFrame(
        {
            "livestock_water_m3_per_yr": livestock,
            "irrigation_water_m3_per_yr": irrigation,
            "other_water_m3_per_yr": other,
            "water_use_m3_per_yr": livestock + irrigation + other,
            "water_cap_m3_per_yr": caps["cap_m3_per_yr"],
        },
        index=herd.index,
    )


def manure_totals(
    herd: pd.DataFrame,
    region: BuildoutRegion,
    parameters: RegionParams,
    scenario_supply: pd.DataFrame,
) -> pd.DataFrame:
    """Return present PE, manure N/P supply and the county's land capacity (PE, kg/yr).

    The baseline herd supplies the guide's default per PE and each scenario farm what its
    route gives (``scenario_supply``: ``n_supply_kg_per_yr``, ``p_supply_kg_per_yr`` by
    adcode; `siting.buildout_farms.farm_retention`), the same assumptions as the farm's own
    needs. The capacity in PE is the land's manure demand ÷ the county's present supply per
    PE (the guide's default when the county holds no herd), so that the load index
    ``present PE ÷ capacity PE`` equals ``supply ÷ demand`` for any mix of routes.
    """
    species = {
        "dairy_cow_head": herd["dairy_cow_head"],
        "goat_head": herd["dairy_goat_head"],
        "beef_cattle_head": herd["beef_cattle_head"],
        "sheep_head": herd["sheep_head"],
    }
    herd_by_county = pd.DataFrame(
        {"adcode": herd.index, **{k: v.to_numpy() for k, v in species.items()}}
    )
    balance = (
        county_balance(region.parcels, herd_by_county, parameters.nutrients, parameters.grades)
        .set_index("adcode")
        .reindex(herd.index)
    )
    nutrients = parameters.nutrients
    present = herd["baseline_pe"] + herd["scenario_pe"]
    scenario = scenario_supply.reindex(herd.index, fill_value=0.0)
    out = pd.DataFrame({"present_pe": present}, index=herd.index)
    for x in ("n", "p"):
        default_per_pe = getattr(nutrients, f"{x}_supply_kg_per_pe")
        supply = herd["baseline_pe"] * default_per_pe + scenario[f"{x}_supply_kg_per_yr"]
        demand = balance[f"manure_{x}_demand_kg_per_yr"].fillna(0.0)
        per_pe = np.where(
            (present > 0) & (supply > 0), supply / present.where(present > 0, 1.0), default_per_pe
        )
        out[f"{x}_supply_kg_per_yr"] = supply
        out[f"manure_{x}_demand_kg_per_yr"] = demand
        out[f"capacity_pe_{x}"] = demand / per_pe
    return out[
        [
            "present_pe",
            "n_supply_kg_per_yr",
            "p_supply_kg_per_yr",
            "manure_n_demand_kg_per_yr",
            "manure_p_demand_kg_per_yr",
            "capacity_pe_n",
            "capacity_pe_p",
        ]
    ]


def ledger_totals(
    farm_years: pd.DataFrame, allocation: pd.DataFrame | None, adcodes: pd.Index
) -> pd.DataFrame:
    """Return the scenario farms' supply and ledger need, allocated, unmet and matched per county.

    ``allocation`` has ``farm_id``, ``need_kg_per_yr`` and ``allocated_kg_per_yr`` (the
    absorption-land ledger's farm table at full herd). A year's need is ``need × ramp``; the
    land allocated stays, so ``unmet = max(0, need × ramp − allocated)``. A farm's manure N
    and P on matched land is its supply × ``allocated ÷ need`` (``ledger_n_matched``,
    ``ledger_p_matched``). ``scenario_n_kg_per_yr`` / ``scenario_p_kg_per_yr`` are the
    scenario farms' supply; without an allocation the ledger columns are NaN.
    """
    supply = (
        farm_years.assign(adcode=farm_years["adcode"].astype(str))
        .groupby("adcode")[["n_supply_kg_per_yr", "p_supply_kg_per_yr"]]
        .sum()
        .reindex(adcodes, fill_value=0.0)
        .set_axis(["scenario_n_kg_per_yr", "scenario_p_kg_per_yr"], axis=1)
    )
    columns = (
        "ledger_need_kg_per_yr",
        "ledger_allocated_kg_per_yr",
        "ledger_unmet_kg_per_yr",
        "ledger_n_matched_kg_per_yr",
        "ledger_p_matched_kg_per_yr",
    )
    if allocation is None:
        return supply.assign(**dict.fromkeys(columns, np.nan))
    merged = farm_years.merge(allocation, on="farm_id", how="inner")
    need = merged["need_kg_per_yr"].to_numpy(dtype=float) * merged["ramp_frac"].to_numpy()
    allocated = np.minimum(merged["allocated_kg_per_yr"].to_numpy(dtype=float), need)
    allocated = np.where(allocated >= need * (1 - LEDGER_TOLERANCE_FRAC), need, allocated)
    with np.errstate(divide="ignore", invalid="ignore"):
        matched = np.where(need > 0, allocated / np.where(need > 0, need, 1.0), 1.0)
    frame = pd.DataFrame(
        {
            "adcode": merged["adcode"].astype(str).to_numpy(),
            columns[0]: need,
            columns[1]: allocated,
            columns[2]: need - allocated,
            columns[3]: matched * merged["n_supply_kg_per_yr"].to_numpy(dtype=float),
            columns[4]: matched * merged["p_supply_kg_per_yr"].to_numpy(dtype=float),
        }
    )
    ledger = frame.groupby("adcode").sum().reindex(adcodes, fill_value=0.0)
    return pd.concat([supply, ledger], axis=1)


def county_totals_for_year(
    farm_years: pd.DataFrame,
    region: BuildoutRegion,
    parameters: RegionParams,
    year: int,
    *,
    allocation: pd.DataFrame | None = None,
    supply_from: SupplySource = "parcels",
) -> pd.DataFrame:
    """Return one row per county of ``region`` with every additive total of ``year``."""
    herd = herd_totals(_sources(region, farm_years, year), parameters, region.adcodes)
    forage = forage_totals(herd, region, parameters, year, supply_from)
    water = water_totals(herd, forage, region, parameters)
    this_year = farm_years[farm_years["year"] == year]
    scenario_supply = this_year.groupby(this_year["adcode"].astype(str))[
        ["n_supply_kg_per_yr", "p_supply_kg_per_yr"]
    ].sum()
    manure = manure_totals(herd, region, parameters, scenario_supply)
    ledger = ledger_totals(farm_years[farm_years["year"] == year], allocation, herd.index)
    use = county_manure_use(
        pd.concat([manure, ledger], axis=1), region.manure_plants, ledger=allocation is not None
    )
    totals = pd.concat([herd, forage, manure, ledger, use, water], axis=1)
    return totals.rename_axis("adcode").reset_index().assign(year=int(year))
