"""What a herd needs: manure-absorption land (N, P, binding basis), forage land and water.

`herd_needs` is the one computation of a farm's needs. The site check
(`siting.assess`), the planner (`siting.farm_needs`, `siting.scenario_run`), the farm calculator,
``python -m siting balance`` / ``score`` / ``plan`` and the reports all call it with the
region's `siting.parameters.RegionParams`, so the same herd on the same land gets the same
numbers everywhere.

The land that receives the manure (`ReceivingLand`) is, by default, **the absorption parcels
within the site's haul radius** (their area-weighted manure demand per 亩,
`siting.nutrients.parcel_mix_demand`; `receiving_lands`), falling back to **the region's
default receiving crop** (``RegionParams.receiving_crop`` at its default yield on soil class
``receiving_soil_class``) where no parcel that takes manure is in reach or no parcels are
loaded. The farm calculator and ``siting balance`` use a crop the user chooses instead
(`crop_receiving_land`); their result is the same type, its ``land`` says which land.

Notes
-----
* Supply: pig equivalents -> manure N and P after losses (`siting.nutrients.manure_supply`):
  the guide's per-PE supply (the county capacity's default too), a route measured for the
  herd's species, or a retention the user measured (`herd_route`).
* Absorption land: ``supply_X ÷ demand_X per 亩`` on N and on P; the binding basis is the
  tool's reading of the guide (P where Olsen-P is above the 附表2 class I limit or the area
  is P-sensitive, else N)
  (`siting.nutrients.farm_land_requirement`).
* Forage land by feed: rations of the dairy classes ÷ the county zone's yields
  (`siting.forage.herd_forage_need`); unknown (NaN) without a zoned county.
* Water: livestock water of every class + irrigation of that forage land
  (`siting.water.herd_water_need`); unknown without a zoned county.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from siting.forage import HERD_INPUT_COLUMNS, ForageNeed, herd_forage_need
from siting.haul_candidates import build_candidates
from siting.nutrients import (
    CropDemand,
    FarmLandRequirement,
    ManureSupply,
    ParcelMixDemand,
    crop_manure_demand,
    farm_land_requirement,
    manure_supply,
    parcel_mix_demands,
)
from siting.parameters import GUIDE_DEFAULT, measured_route
from siting.parameters.forage import FEEDS
from siting.water import WaterNeed, herd_water_need

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.allocate import AllocationParams
    from siting.nutrients.land import Basis
    from siting.parameters import ManureRoute, ManureRouteTable, NutrientParams
    from siting.parameters.region import RegionParams

#: Plan-store herd column -> species key of ``pe_per_head.*`` (nutrient_factors.csv).
SPECIES_BY_HERD_COLUMN: Final[dict[str, str]] = {
    "dairy_cow_head": "dairy_cow",
    "beef_cattle_head": "beef_cattle",
    "sheep_head": "sheep",
    "goat_head": "goat",
}
LandSource = Literal["parcels", "crop"]
_HEAD: Final[str] = "_head"


@dataclass(frozen=True, slots=True)
class Herd:
    """A farm's herd: head on stock by plan-store column, manure route, share sold.

    ``head`` keys are `SPECIES_BY_HERD_COLUMN` columns (``dairy_cow_head`` = all dairy
    cattle); ``route_key`` None (or ``guide_default``) uses the guide's per-PE supply, the
    same parameter as the county capacity; ``measured_retention_frac`` (N, P) is a retention
    the user measured on the farm and wins over ``route_key``; ``sold_frac`` is the share of
    manure sold or moved off the farm (0-1).
    """

    head: Mapping[str, float] = field(hash=False)
    route_key: str | None = None
    sold_frac: float = 0.0
    measured_retention_frac: tuple[float, float] | None = None

    @classmethod
    def dairy(cls, dairy_cow_head: float) -> Herd:
        """Return a herd of dairy cattle only (per-PE supply, nothing sold)."""
        return cls({"dairy_cow_head": float(dairy_cow_head)})

    @classmethod
    def from_species(
        cls,
        head_by_species: Mapping[str, float],
        *,
        route_key: str | None = None,
        sold_frac: float = 0.0,
        measured_retention_frac: tuple[float, float] | None = None,
    ) -> Herd:
        """Return a herd from head by species key (``{"dairy_cow": 5000, "pig": 100}``)."""
        return cls(
            {f"{species}{_HEAD}": head for species, head in head_by_species.items()},
            route_key,
            sold_frac,
            measured_retention_frac,
        )

    def by_species(self) -> dict[str, float]:
        """Return head by species key of the nutrient coefficients (``dairy_cow`` ...)."""
        return {
            SPECIES_BY_HERD_COLUMN.get(k, k.removesuffix(_HEAD)): v for k, v in self.head.items()
        }


@dataclass(frozen=True, slots=True)
class ReceivingLand:
    """The land a herd's manure would go to: its manure N/P demand per 亩 and soil P status.

    ``demand`` is one crop's (`CropDemand`) or the area-weighted mix of the parcels within
    the haul radius (`ParcelMixDemand`); ``olsen_p_mg_per_kg`` and ``p_sensitive`` select
    the binding basis.
    """

    demand: CropDemand | ParcelMixDemand
    olsen_p_mg_per_kg: float | None = None
    p_sensitive: bool = False

    @property
    def source(self) -> LandSource:
        """Return ``"parcels"`` (parcels in reach) or ``"crop"`` (one receiving crop)."""
        return "parcels" if isinstance(self.demand, ParcelMixDemand) else "crop"


def crop_receiving_land(
    params: RegionParams,
    crop: str | None = None,
    *,
    yield_kg_per_mu: float | None = None,
    soil_class: str | None = None,
    soil_p_class: str | None = None,
    olsen_p_mg_per_kg: float | None = None,
    p_sensitive: bool = False,
) -> ReceivingLand:
    """Return land under one crop (default: the region's receiving crop, its default yield).

    Raises
    ------
    ParameterError
        For an unknown crop or soil class, or a yield that is not > 0.
    """
    demand = crop_manure_demand(
        params.crops.get(crop or params.receiving_crop),
        yield_kg_per_mu=yield_kg_per_mu,
        soil_class=soil_class or params.receiving_soil_class,
        soil_p_class=soil_p_class,
        params=params.nutrients,
    )
    return ReceivingLand(demand, olsen_p_mg_per_kg, p_sensitive)


def parcels_in_reach(
    sites: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, haul: AllocationParams
) -> pd.DataFrame:
    """Return the (site, parcel) pairs within haul radius, as the ledger finds them.

    Parameters
    ----------
    sites
        Footprints in the parcels' projected CRS with ``site_id`` and optionally
        ``haul_radius_km`` (empty: ``haul.default_haul_radius_km``).
    parcels
        Absorption parcels with their capacity (`siting.nutrients.parcel_absorption_capacity`).
    haul
        Road factor and default haul radius (`siting.haul_candidates`).

    Returns
    -------
    pairs
        ``farm_id`` (= site id), ``parcel_pos`` (row of ``parcels``), ``haul_km``.
    """
    radius = (
        pd.to_numeric(sites["haul_radius_km"], errors="coerce").to_numpy(dtype=float)
        if "haul_radius_km" in sites.columns
        else np.nan
    )
    farms = (
        sites[["site_id", "geometry"]]
        .rename(columns={"site_id": "farm_id"})
        .assign(
            farm_id=lambda f: f["farm_id"].astype(str),
            n_need_kg_per_yr=0.0,
            p_need_kg_per_yr=0.0,
            priority=0,
            haul_radius_km=radius,
        )
    )
    return build_candidates(farms, parcels, haul).pairs


def receiving_lands(
    pairs: pd.DataFrame, parcels: pd.DataFrame, site_ids: list[str], params: RegionParams
) -> dict[str, ReceivingLand]:
    """Return each site's receiving land: its parcels in reach, else the default crop.

    Parameters
    ----------
    pairs
        ``farm_id`` and ``parcel_pos`` (row of ``parcels``) of the parcels within each
        site's haul radius (`parcels_in_reach`, or the ledger's candidate pairs).
    parcels
        ``area_mu``, ``n_capacity_kg_per_yr``, ``p_capacity_kg_per_yr``.
    site_ids
        The sites to return (sites without pairs get the default crop).
    """
    fallback = crop_receiving_land(params)
    mixes = parcel_mix_demands(pairs, parcels)
    out: dict[str, ReceivingLand] = {}
    for site_id in site_ids:
        mix = mixes.get(site_id)
        out[site_id] = fallback if mix is None else ReceivingLand(mix)
    return out


@dataclass(frozen=True, eq=False)
class NeedInputs:
    """What the needs of drawn or scored sites are computed from, besides their herds.

    Attributes
    ----------
    params
        The region's coefficients.
    haul
        Road factor and default haul radius (the ledger's, `siting.allocate.AllocationParams`).
    parcels
        Absorption parcels that take manure, with their capacity, in the analysis CRS
        (`siting.scenario_run.ledger_parcels`); None when no parcels are loaded (every site then
        gets the region's default receiving crop).
    """

    params: RegionParams
    haul: AllocationParams
    parcels: gpd.GeoDataFrame | None = None


def site_receiving_lands(sites: gpd.GeoDataFrame, inputs: NeedInputs) -> dict[str, ReceivingLand]:
    """Return each site's receiving land: parcels within its haul radius, else the default crop.

    ``sites`` has ``site_id``, a footprint in any CRS and optionally ``haul_radius_km``.
    """
    ids = sites["site_id"].astype(str).tolist()
    if inputs.parcels is None or inputs.parcels.empty or not ids:
        return dict.fromkeys(ids, crop_receiving_land(inputs.params))
    pairs = parcels_in_reach(sites.to_crs(inputs.parcels.crs), inputs.parcels, inputs.haul)
    return receiving_lands(pairs, inputs.parcels, ids, inputs.params)


@dataclass(frozen=True, slots=True)
class UtilisationEnds:
    """In-season utilisation (粪肥当季利用率) used for N and P and the guide's ranges.

    The land a herd needs is proportional to the utilisation (the manure nutrient a 亩 takes
    is ``uptake × fertilisation share × manure share ÷ utilisation``), so the land at either
    end of a range is ``land × end ÷ used``: the high end (less manure per 亩) needs the
    most land, the cautious end for a land-sufficiency check (docs/decisions.md).
    """

    n_frac: float
    p_frac: float
    n_range_frac: tuple[float, float]
    p_range_frac: tuple[float, float]

    @classmethod
    def of(cls, params: NutrientParams) -> UtilisationEnds:
        """Return the values and ranges of ``params``."""
        return cls(
            params.n_utilisation_frac,
            params.p_utilisation_frac,
            params.n_utilisation_range_frac,
            params.p_utilisation_range_frac,
        )

    def land_range_mu(self, land_mu: float, basis: Basis) -> tuple[float, float]:
        """Return ``land_mu`` (亩, at the used value) at the low and high end of the range."""
        used, (low, high) = (
            (self.n_frac, self.n_range_frac) if basis == "N" else (self.p_frac, self.p_range_frac)
        )
        return land_mu * low / used, land_mu * high / used


@dataclass(frozen=True, eq=False)
class HerdNeeds:
    """A herd's manure-absorption land (needed, not allocated), forage land and water.

    Attributes
    ----------
    requirement
        Supply, receiving-land demand and the land on each basis
        (`siting.nutrients.FarmLandRequirement`).
    land
        The receiving land used.
    forage, water
        Forage land by feed and water need, or None without a zoned county.
    utilisation
        In-season utilisation used and the guide's ranges (the land's range at both ends).
    """

    requirement: FarmLandRequirement
    land: ReceivingLand
    forage: ForageNeed | None
    water: WaterNeed | None
    utilisation: UtilisationEnds

    @property
    def supply(self) -> ManureSupply:
        """Return the manure N and P to place on land (kg/yr)."""
        return self.requirement.supply

    @property
    def absorption_land_n_mu(self) -> float:
        """Return the absorption land needed on the N basis (亩)."""
        return self.requirement.land_required_mu_n

    @property
    def absorption_land_p_mu(self) -> float:
        """Return the absorption land needed on the P basis (亩)."""
        return self.requirement.land_required_mu_p

    @property
    def absorption_land_n_range_mu(self) -> tuple[float, float]:
        """Return the N-basis land at the low and high end of the N utilisation range (亩)."""
        return self.utilisation.land_range_mu(self.absorption_land_n_mu, "N")

    @property
    def absorption_land_p_range_mu(self) -> tuple[float, float]:
        """Return the P-basis land at the low and high end of the P utilisation range (亩)."""
        return self.utilisation.land_range_mu(self.absorption_land_p_mu, "P")

    @property
    def absorption_land_need_range_mu(self) -> tuple[float, float]:
        """Return the binding-basis land at both ends of its utilisation range (亩)."""
        return self.utilisation.land_range_mu(self.absorption_land_need_mu, self.binding_basis)

    @property
    def binding_basis(self) -> Basis:
        """Return the guide's binding basis, ``"N"`` or ``"P"``."""
        return self.requirement.binding_basis

    @property
    def absorption_land_need_mu(self) -> float:
        """Return the absorption land needed on the binding basis (亩)."""
        return self.requirement.land_required_mu

    @property
    def forage_land_mu_by_feed(self) -> dict[str, float]:
        """Return the forage land by feed (亩; NaN each without a zoned county)."""
        if self.forage is None:
            return dict.fromkeys(FEEDS, math.nan)
        return dict(self.forage.area_mu)

    @property
    def forage_land_mu(self) -> float:
        """Return the total forage land (亩; NaN without a zoned county)."""
        return math.nan if self.forage is None else self.forage.total_area_mu

    @property
    def water_parts_m3_per_yr(self) -> dict[str, float]:
        """Return ``livestock`` and ``irrigation`` water (m³/yr; NaN without a zoned county)."""
        if self.water is None:
            return {"livestock": math.nan, "irrigation": math.nan}
        return {
            "livestock": self.water.livestock_water_m3_per_yr,
            "irrigation": self.water.irrigation_water_m3_per_yr,
        }

    @property
    def water_need_m3_per_yr(self) -> float:
        """Return the total water need (m³/yr; NaN without a zoned county)."""
        return math.nan if self.water is None else self.water.total_water_m3_per_yr

    def to_dict(self) -> dict[str, object]:
        """Return the headline needs (JSON-ready; NaN and inf become None)."""
        return {
            "receiving_land": self.land.source,
            "absorption_land_n_mu": _plain(self.absorption_land_n_mu),
            "absorption_land_p_mu": _plain(self.absorption_land_p_mu),
            "binding_basis": self.binding_basis,
            "absorption_land_need_mu": _plain(self.absorption_land_need_mu),
            "absorption_land_n_range_mu": [_plain(v) for v in self.absorption_land_n_range_mu],
            "absorption_land_p_range_mu": [_plain(v) for v in self.absorption_land_p_range_mu],
            "absorption_land_need_range_mu": [
                _plain(v) for v in self.absorption_land_need_range_mu
            ],
            "forage_land_mu": _plain(self.forage_land_mu),
            "forage_land_mu_by_feed": {
                k: _plain(v) for k, v in self.forage_land_mu_by_feed.items()
            },
            "water_need_m3_per_yr": _plain(self.water_need_m3_per_yr),
            "water_parts_m3_per_yr": {k: _plain(v) for k, v in self.water_parts_m3_per_yr.items()},
        }


def herd_needs(
    herd: Herd, land: ReceivingLand, params: RegionParams, *, adcode: str | None = None
) -> HerdNeeds:
    """Return the absorption land, forage land and water a herd needs.

    Parameters
    ----------
    herd
        Head by plan-store herd column, manure route and share sold.
    land
        The land that receives the manure (`receiving_lands` for a site: parcels within the
        haul radius, else the region's default crop; `crop_receiving_land` for a crop the
        user chooses).
    params
        The region's coefficients.
    adcode
        County of the farm (selects the zone's forage yields and irrigation quotas); None
        leaves forage land and water unknown.

    Returns
    -------
    HerdNeeds

    Raises
    ------
    ParameterError
        For an unknown species or route, a bad head count or share sold, or a bad Olsen-P.
    """
    requirement = herd_absorption_land(herd, land, params.nutrients, params.routes)
    ends = UtilisationEnds.of(params.nutrients)
    zone = params.zone_of(adcode)
    if adcode is None or zone is None:
        return HerdNeeds(requirement, land, None, None, ends)
    forage_head = {c: float(herd.head.get(c, 0.0)) for c in HERD_INPUT_COLUMNS}
    forage = herd_forage_need(forage_head, params.forage, adcode=str(adcode), zone=zone)
    water = herd_water_need(dict(herd.head), forage, params.forage, params.water, zone=zone)
    return HerdNeeds(requirement, land, forage, water, ends)


def herd_absorption_land(
    herd: Herd, land: ReceivingLand, nutrients: NutrientParams, routes: ManureRouteTable
) -> FarmLandRequirement:
    """Return the manure supply of ``herd`` and the land it needs on N and P (`herd_needs`' part).

    The farm calculator calls it directly (it has no county, so no forage or water).

    Raises
    ------
    ParameterError
        For an unknown species or route, a bad head count or share sold, or a bad Olsen-P.
    """
    route = herd_route(herd, routes)
    supply = manure_supply(herd.by_species(), nutrients, route=route, sold_frac=herd.sold_frac)
    return farm_land_requirement(
        supply,
        land.demand,
        params=nutrients,
        olsen_p_mg_per_kg=land.olsen_p_mg_per_kg,
        p_sensitive=land.p_sensitive,
    )


def herd_route(herd: Herd, routes: ManureRouteTable) -> ManureRoute | None:
    """Return the herd's manure route; None for the guide's per-PE default supply.

    Raises
    ------
    ParameterError
        For an unknown route, a route not measured for one of the herd's species, or a
        measured retention outside (0, 1].
    """
    if herd.measured_retention_frac is not None:
        return measured_route(*herd.measured_retention_frac)
    if not herd.route_key or herd.route_key == GUIDE_DEFAULT:
        return None
    species = [sp for sp, head in herd.by_species().items() if head > 0]
    return routes.route(herd.route_key, species)


def _plain(value: float) -> float | None:
    return value if math.isfinite(value) else None
