"""The 2018 MoA manure-land method (农办牧〔2018〕1号): pig equivalents, manure N/P supply,
crop manure demand, farm land requirement, parcel capacity and county carrying capacity.

Pure functions over frozen parameter objects (`siting.parameters`); every result has
``to_dict()`` and ``explain()`` (rows: quantity, value, unit, formula, coefficients).
"""

from __future__ import annotations

from siting.nutrients.capacity import CountyCapacity, capacity_columns, county_capacity, load_index
from siting.nutrients.demand import CropDemand, crop_manure_demand, manure_demand_kg_per_mu
from siting.nutrients.explain import ExplainRow
from siting.nutrients.herd import (
    PER_PE_SUPPLY,
    ManureSupply,
    PigEquivalents,
    manure_supply,
    pig_equivalents,
)
from siting.nutrients.land import FarmLandRequirement, farm_land_requirement, land_required_mu
from siting.nutrients.parcel_demand import ParcelMixDemand, parcel_mix_demand, parcel_mix_demands
from siting.nutrients.parcels import (
    COUNTY_BALANCE_COLUMNS,
    HEAD_SUFFIX,
    HERD_KEY_COLUMN,
    PARCEL_CAPACITY_COLUMNS,
    PARCEL_COLUMNS,
    county_balance,
    herd_pig_equivalents,
    parcel_absorption_capacity,
)

__all__ = [
    "COUNTY_BALANCE_COLUMNS",
    "HEAD_SUFFIX",
    "HERD_KEY_COLUMN",
    "PARCEL_CAPACITY_COLUMNS",
    "PARCEL_COLUMNS",
    "PER_PE_SUPPLY",
    "CountyCapacity",
    "CropDemand",
    "ExplainRow",
    "FarmLandRequirement",
    "ManureSupply",
    "ParcelMixDemand",
    "PigEquivalents",
    "capacity_columns",
    "county_balance",
    "county_capacity",
    "crop_manure_demand",
    "farm_land_requirement",
    "herd_pig_equivalents",
    "land_required_mu",
    "load_index",
    "manure_demand_kg_per_mu",
    "manure_supply",
    "parcel_absorption_capacity",
    "parcel_mix_demand",
    "parcel_mix_demands",
    "pig_equivalents",
]
