"""Build-out check: a scenario's farms by phase year, checked per county and for the city.

For every county and year: forage self-sufficiency (silage corn; alfalfa and oat hay
together) against the plan's minimum, forage area the herd needs against the planned county
acreage (and parcels under each crop against it), manure load index and grade on N and P,
manure utilisation (≥ 90%), the absorption-land ledger's unmet need (if an allocation is
given) and water use against the county cap. The city rows use the column sums of the
county totals plus the plan's city targets (forage base, dairy cattle and goat herd); targets
of county groups and farm counts by herd-size class are checked when the region has them
(`siting.group_targets`).

Herd = baseline herd (``existing`` scenario farms are in it, and so is any farm's ramp share
of the baseline year in force) + each other farm's herd × its ramp share beyond that, so a
scenario ranch already stocked in the baseline year is not counted twice. Pure: inputs are
frames and frozen parameter objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from errors import ParameterError, SchemaError
from problems import Problems
from siting.buildout_checks import (
    CHECK_COLUMNS,
    city_rows,
    finish,
    forage_area_rows,
    manure_rows,
    self_sufficiency_rows,
    unmet_rows,
    water_rows,
)
from siting.buildout_county import SupplySource, county_totals_for_year
from siting.buildout_farms import check_farms, farms_by_year
from siting.buildout_inputs import BuildoutRegion
from siting.group_targets import group_target_rows, size_class_rows
from siting.parameters import Coefficient, RegionParams

__all__ = [
    "CHECK_COLUMNS",
    "BuildoutRegion",
    "BuildoutResult",
    "city_totals",
    "run_buildout",
]

ALLOCATION_COLUMNS: Final[tuple[str, ...]] = ("farm_id", "need_kg_per_yr", "allocated_kg_per_yr")
#: County-total columns that are not summed into the city totals.
_NOT_SUMMED: Final[tuple[str, ...]] = ("adcode", "year", "scope")
_MIN_YEAR, _MAX_YEAR = 1900, 2200


@dataclass(frozen=True, eq=False)
class BuildoutResult:
    """Checks of a build-out, and the totals they were computed from.

    Attributes
    ----------
    checks
        Tidy rows (`siting.buildout_checks.CHECK_COLUMNS`), counties then the city, by year.
    county_totals, city_totals
        One row per (county or city, year) with every additive total: head by class,
        feed demand and supply (t/yr), areas (亩), pig equivalents, capacity (PE),
        water (m³/yr), ledger need (kg/yr). City totals are the county column sums.
    farm_years
        One row per scenario farm and year (`siting.buildout_farms.farms_by_year`).
    supply_from
        Where the forage area came from: ``parcels`` or ``targets``.
    coefficients
        Every coefficient record used.
    """

    checks: pd.DataFrame
    county_totals: pd.DataFrame
    city_totals: pd.DataFrame
    farm_years: pd.DataFrame
    years: tuple[int, ...]
    supply_from: str
    coefficients: tuple[Coefficient, ...]

    def status_counts(self) -> pd.DataFrame:
        """Return the number of checks per scope, adcode, year and status."""
        return (
            self.checks.groupby(["scope", "adcode", "year", "status"])
            .size()
            .unstack("status", fill_value=0)
            .reset_index()
        )


def city_totals(county_totals: pd.DataFrame, city_adcode: str) -> pd.DataFrame:
    """Return the city totals per year: column sums of the county totals (NaN kept if all NaN)."""
    summed = [c for c in county_totals.columns if c not in _NOT_SUMMED]
    city = county_totals.groupby("year")[summed].sum(min_count=1).reset_index()
    return city.assign(adcode=city_adcode, scope="city")[["adcode", "year", *summed, "scope"]]


def _check_years(years: Sequence[int]) -> tuple[int, ...]:
    problems = Problems("build-out years", "校核年份")
    if not years:
        problems.add("no year given; give e.g. 2021, 2023", "没有年份；请给出如 2021、2023")
    bad = [y for y in years if not (isinstance(y, int) and _MIN_YEAR <= y <= _MAX_YEAR)]
    if bad:
        problems.add(
            f"years {bad} are not whole years between {_MIN_YEAR} and {_MAX_YEAR}",
            f"年份 {bad} 无效",
        )
    problems.raise_if_any()
    return tuple(sorted(set(years)))


def _check_allocation(allocation: pd.DataFrame, farm_ids: set[str]) -> pd.DataFrame:
    missing = [c for c in ALLOCATION_COLUMNS if c not in allocation.columns]
    if missing:
        msg = (
            f"The allocation (ledger farm table) lacks {', '.join(missing)}; pass "
            "AllocationResult.farms."
        )
        raise SchemaError(msg, zh=f"消纳分配表缺少列：{'、'.join(missing)}。")
    table = pd.DataFrame(
        {
            "farm_id": allocation["farm_id"].astype(str),
            **{c: pd.to_numeric(allocation[c], errors="coerce") for c in ALLOCATION_COLUMNS[1:]},
        }
    )
    unknown = sorted(set(table["farm_id"]) - farm_ids)
    absent = sorted(farm_ids - set(table["farm_id"]))
    if unknown or absent:
        msg = (
            f"The allocation does not match the scenario's farms (not in the scenario: "
            f"{unknown or '-'}; without allocation: {absent or '-'}). Run the ledger again."
        )
        raise ParameterError(msg, zh="消纳分配与方案牧场不一致，请重新运行消纳台账。")
    return table


def run_buildout(
    farms: pd.DataFrame,
    years: Sequence[int],
    region: BuildoutRegion,
    parameters: RegionParams,
    *,
    allocation: pd.DataFrame | None = None,
    supply_from: SupplySource = "parcels",
) -> BuildoutResult:
    """Check a scenario's farms per county and year against the region's limits.

    Parameters
    ----------
    farms
        Farm table (`siting.buildout_farms`: ``farm_id``, ``adcode``, ``status``,
        ``start_year``, herd columns); `siting.buildout_farms.farms_from_sites` makes one
        from plan-store sites.
    years
        Years to check (e.g. 2021, 2022, 2023, 2025).
    region
        Counties, zones, baseline herd, parcels with capacity, targets and water caps.
    parameters
        The region's coefficients (forage, water, nutrients, warning grades, build-out ramp).
    allocation
        The absorption-land ledger's farm table (``AllocationResult.farms``: ``farm_id``,
        ``need_kg_per_yr``, ``allocated_kg_per_yr``), computed at full herd; adds the unmet
        need check and the ledger-based utilisation.
    supply_from
        Forage area grown: ``parcels`` (parcels under each crop) or ``targets`` (the planned
        county acreage).

    Returns
    -------
    BuildoutResult

    Raises
    ------
    SchemaError
        Missing columns in the farms, region frames or allocation.
    ParameterError
        Bad farms (all listed), years, an allocation of other farms, a county without a
        zone or yields, or an unknown ``supply_from``.
    """
    if supply_from not in ("parcels", "targets"):
        msg = f"supply_from {supply_from!r} must be 'parcels' or 'targets'"
        raise ParameterError(msg, zh=f"supply_from {supply_from!r} 须为 parcels 或 targets")
    checked_years = _check_years(list(years))
    table = check_farms(farms, region.adcodes)
    ledger = None if allocation is None else _check_allocation(allocation, set(table["farm_id"]))
    farm_years = farms_by_year(
        table,
        checked_years,
        parameters.buildout,
        parameters.nutrients,
        routes=parameters.routes,
        baseline_years=_baseline_years(region),
    )
    county = pd.concat(
        [
            county_totals_for_year(
                farm_years, region, parameters, year, allocation=ledger, supply_from=supply_from
            )
            for year in checked_years
        ],
        ignore_index=True,
    ).assign(scope="county")
    city = city_totals(county, region.city_adcode)
    band = parameters.buildout.warning_band_frac
    checks = finish(
        [
            *_rows(county, region, parameters, supply_from),
            *group_target_rows(county, region.county_groups, region.group_targets, band_frac=band),
            *_rows(city, region, parameters, supply_from),
            *city_rows(city, region, parameters),
            *size_class_rows(
                table,
                region.size_classes,
                checked_years,
                city_adcode=region.city_adcode,
            ),
        ]
    )
    return BuildoutResult(
        checks, county, city, farm_years, checked_years, supply_from, parameters.coefficients()
    )


def _baseline_years(region: BuildoutRegion) -> list[int]:
    herd = region.baseline_herd
    return [] if "year" not in herd.columns else [int(y) for y in herd["year"].unique()]


def _rows(
    totals: pd.DataFrame, region: BuildoutRegion, parameters: RegionParams, supply_from: str
) -> list[pd.DataFrame]:
    rows = [
        *self_sufficiency_rows(totals, region, parameters),
        *forage_area_rows(totals, region, parameters, grown=False),
    ]
    if supply_from == "parcels":
        rows += forage_area_rows(totals, region, parameters, grown=True)
    return [
        *rows,
        *manure_rows(totals, parameters, region),
        *unmet_rows(totals),
        *water_rows(totals, parameters, region),
    ]
