"""``python -m siting buildout``: a scenario's farms checked per county and year.

Examples::

    python -m siting buildout --region hohhot --scenario demo --json
    python -m siting buildout --region hohhot --scenario "2023 plan" --store plans.gpkg \\
        --years 2021,2023 --allocate

``--years`` defaults to the region manifest's ``[plan] years``.
``--scenario demo`` runs the region pack's bundled demo scenario (no scenario store needed);
any other name is a scenario of the scenario store: ``--store PATH``, else the environment
variable ``FORAGE_SITING_STORE``, else the user's default store file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

import geopandas as gpd

from cli.options import add_nutrient_options, apply_nutrient_overrides, region_argument
from cli.render import (
    argument_message,
    both,
    coefficient_dicts,
    frame_records,
    headers,
    message_dict,
    table,
    words,
    write_json,
)
from errors import ParameterError
from planning.buildout_inputs import load_buildout_inputs, scenario_farms_table
from planning.regions import (
    Region,
    load_allocation_params,
    load_counties,
    load_demo_scenario,
    load_nutrient_params,
    load_region,
)
from planning.scenarios import (
    STORE_PATH_ENV,
    configured_store,
    is_database_url,
    open_store,
)
from siting.allocate import allocate
from siting.buildout import BuildoutRegion, BuildoutResult, run_buildout
from siting.buildout_checks import CHECK_COLUMNS, MESSAGE_COLUMNS
from siting.buildout_farms import farm_pe, farm_retention

if TYPE_CHECKING:
    from typing import TextIO

    from siting.parameters import RegionParams

DEMO: Final[str] = "demo"
#: City checks printed next to the plan's figures: herd and forage area needed by crop.
PLAN_COMPARISON: Final[list[str]] = [
    "dairy_cow_head",
    "forage_area_silage_corn",
    "forage_area_alfalfa",
    "forage_area_oat_hay",
    "forage_area_total",
]
#: Check status -> key below ``cli.`` of its mark in the text tables.
_STATUS_MARK: Final[dict[str, str]] = {
    "ok": "buildout.ok",
    "warning": "buildout.warning",
    "exceeded": "buildout.exceeded",
}
#: The fields of a check row written as JSON values (its place columns left out).
_ROW_FIELDS: Final[tuple[str, ...]] = tuple(
    c for c in CHECK_COLUMNS[3:] if c not in MESSAGE_COLUMNS
)


def years_argument(text: str) -> tuple[int, ...]:
    """Parse a comma-separated list of years such as ``2021,2023`` (argparse type)."""
    try:
        years = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        years = ()
    if not years:
        msg = argument_message("arg.not_years", text=repr(text), example="2021,2023")
        raise argparse.ArgumentTypeError(msg)
    return years


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--region``, ``--scenario`` and ``--store`` (shared by buildout and report)."""
    parser.add_argument(
        "--region",
        required=True,
        type=region_argument,
    )
    parser.add_argument(
        "--scenario",
        required=True,
    )
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
    )


def add_years_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--years`` (default: the region manifest's ``[plan] years``)."""
    parser.add_argument(
        "--years",
        type=years_argument,
        metavar="Y1,Y2",
    )


def checked_years(region: Region, args: argparse.Namespace) -> list[int]:
    """Return ``--years``, else the region's plan years (manifest ``[plan] years``)."""
    return list(region.plan.years if args.years is None else args.years)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``buildout`` command."""
    parser = subparsers.add_parser(
        "buildout",
        parents=[common],
    )
    add_scenario_options(parser)
    add_years_option(parser)
    parser.add_argument(
        "--forage-supply",
        choices=("parcels", "targets"),
        default="parcels",
    )
    parser.add_argument(
        "--allocate",
        action="store_true",
    )
    add_nutrient_options(parser)
    parser.add_argument(
        "--json",
        action="store_true",
    )
    parser.set_defaults(run=run)


def _store_path(args: argparse.Namespace) -> Path | str:
    path = configured_store(args.store)
    if not is_database_url(path) and not Path(path).is_file():
        msg, zh = both("buildout.no_store", path=path, env=STORE_PATH_ENV, demo=DEMO)
        raise ParameterError(msg, zh=zh)
    return path


def scenario_farms(region: Region, args: argparse.Namespace) -> tuple[gpd.GeoDataFrame, str]:
    """Return the scenario's sites (EPSG:4326, ``site_id`` ...) and the scenario's name."""
    if args.scenario == DEMO:
        return load_demo_scenario(region), f"{DEMO} ({region.id})"
    store = open_store(_store_path(args))
    scenario = store.get_scenario(args.scenario)
    return store.sites(scenario), scenario.name


def load_inputs(region: Region, args: argparse.Namespace) -> tuple[BuildoutRegion, RegionParams]:
    """Load the region data and the parameters (with the user's nutrient options)."""
    nutrients = apply_nutrient_overrides(load_nutrient_params(region.dir), args)
    return load_buildout_inputs(region, nutrients)


def ledger_farms(
    sites: gpd.GeoDataFrame,
    farms: pd.DataFrame,
    inputs: BuildoutRegion,
    parameters: RegionParams,
    region: Region,
) -> pd.DataFrame:
    """Run the absorption-land ledger for the farms at full herd; return its farm table.

    Needs (kg/yr) are the farms' manure N and P per PE of their route, the same as the
    build-out's county load (`siting.buildout_farms.farm_retention`; by default the guide's
    per-PE supply); each farm's own ``haul_radius_km``, else the ledger's default radius.
    """
    nutrients = parameters.nutrients
    pe = farm_pe(farms, nutrients)
    n_per_pe, p_per_pe = farm_retention(farms, nutrients, parameters.routes)
    radius = (
        pd.to_numeric(sites["haul_radius_km"]).to_numpy(dtype=float)
        if "haul_radius_km" in sites.columns
        else float("nan")
    )
    located = gpd.GeoDataFrame(
        {
            "farm_id": farms["farm_id"].to_numpy(),
            "status": farms["status"].to_numpy(),
            "haul_radius_km": radius,
            "n_need_kg_per_yr": pe * n_per_pe,
            "p_need_kg_per_yr": pe * p_per_pe,
        },
        geometry=sites.geometry.to_numpy(),
        crs=sites.crs,
    ).to_crs(region.analysis_crs)
    parcels = gpd.GeoDataFrame(inputs.parcels).to_crs(region.analysis_crs)
    return allocate(located, parcels, load_allocation_params(region.dir)).farms


def compute(args: argparse.Namespace) -> tuple[Region, str, BuildoutResult]:
    """Load everything and run the build-out check."""
    region = load_region(args.region)
    sites, name = scenario_farms(region, args)
    inputs, parameters = load_inputs(region, args)
    counties = load_counties(region)
    if "county_code" not in sites.columns and "adcode" in sites.columns:
        sites = sites.rename(columns={"adcode": "county_code"})
    farms = scenario_farms_table(sites, counties)
    allocation = ledger_farms(sites, farms, inputs, parameters, region) if args.allocate else None
    result = run_buildout(
        farms,
        checked_years(region, args),
        inputs,
        parameters,
        allocation=allocation,
        supply_from=args.forage_supply,
    )
    return region, name, result


def nested_checks(
    result: BuildoutResult, counties: pd.DataFrame, lang: str
) -> list[dict[str, object]]:
    """Return ``[{adcode, name_zh, name_en, scope, years: [{year, checks: [...]}]}]``.

    A check's ``name`` and ``note`` are `cli.render.message_dict` records: catalogue key,
    parameters and the text in ``lang``.
    """
    names = counties.set_index("adcode")
    names_zh, names_en = names["name_zh"].to_dict(), names["name_en"].to_dict()
    entries = []
    for (scope, adcode), rows in result.checks.groupby(["scope", "adcode"], sort=False):
        entries.append(
            {
                "scope": scope,
                "adcode": adcode,
                "name_zh": names_zh.get(adcode, ""),
                "name_en": names_en.get(adcode, ""),
                "years": [
                    {
                        "year": int(year),
                        "checks": _check_records(group, lang),
                    }
                    for year, group in rows.groupby(rows["year"], sort=True)
                ],
            }
        )
    return entries


def _check_records(rows: pd.DataFrame, lang: str) -> list[dict[str, object]]:
    records = frame_records(pd.DataFrame(rows[list(_ROW_FIELDS)]))
    for record, (_, row) in zip(records, rows.iterrows(), strict=True):
        record.update({c: message_dict(row[c], lang) for c in MESSAGE_COLUMNS})
    return records


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``buildout`` and print JSON or readable tables to ``out``."""
    region, name, result = compute(args)
    counties = load_counties(region)
    city = pd.DataFrame(
        {"adcode": [region.adcode], "name_zh": [region.name_zh], "name_en": [region.name_en]}
    )
    names = pd.concat([pd.DataFrame(counties[["adcode", "name_zh", "name_en"]]), city])
    if args.json:
        write_json(
            {
                "region": region.id,
                "scenario": name,
                "years": list(result.years),
                "forage_supply": result.supply_from,
                "counties": nested_checks(result, names, args.lang),
                "coefficients": coefficient_dicts(result.coefficients),
            },
            out,
        )
        return 0
    _write_text(result, names, name, out, args.lang)
    return 0


def _mark(status: str, lang: str) -> str:
    """Return the mark of a check status in ``lang`` (the status itself if it has none)."""
    return words(_STATUS_MARK[status], lang) if status in _STATUS_MARK else status


def _write_plan_comparison(checks: pd.DataFrame, out: TextIO, lang: str) -> None:
    """Write the city's herd and forage area needed by crop next to the plan's figures."""
    rows = checks[(checks["scope"] == "city") & checks["check"].isin(PLAN_COMPARISON)]
    rows = rows.assign(order=rows["check"].map(PLAN_COMPARISON.index)).sort_values(
        ["year", "order"]
    )
    out.write("\n" + words("buildout.comparison", lang) + "\n")
    out.write(
        table(
            headers(["year", "check", "scenario", "plan", "unit"], lang),
            rows[["year", "check", "value", "limit", "unit"]].itertuples(index=False),
        )
        + "\n"
    )


def _write_year_matrices(checks: pd.DataFrame, out: TextIO, lang: str) -> None:
    """Write, per year, the check x place matrix of status marks."""
    for year, rows in checks.groupby("year", sort=True):
        matrix = rows.pivot_table(
            index="check", columns="adcode", values="status", aggfunc="first", sort=False
        ).fillna("")
        out.write(f"\n{year}\n")
        out.write(
            table(
                [words("col.check", lang), *matrix.columns],
                [(check, *(_mark(v, lang) for v in row)) for check, row in matrix.iterrows()],
            )
            + "\n"
        )


def _write_flagged(checks: pd.DataFrame, out: TextIO, lang: str) -> None:
    """Write the warnings and exceeded limits, one row each."""
    flagged = checks[checks["status"] != "ok"]
    flagged = flagged.assign(
        mark=flagged["status"].map(lambda v: _mark(v, lang)),
        shown_note=flagged["note"].map(lambda note: note.render(lang)),
    )
    columns = ["year", "place", "check", "value", "limit", "unit", "mark", "shown_note"]
    out.write("\n" + words("buildout.flagged", lang) + "\n")
    out.write(
        table(
            headers(["year", "place", "check", "value", "limit", "unit", "status", "note"], lang),
            flagged[columns].itertuples(index=False),
        )
        + "\n"
    )


def _write_text(
    result: BuildoutResult, names: pd.DataFrame, scenario: str, out: TextIO, lang: str
) -> None:
    label = names.set_index("adcode")["name_zh" if lang == "zh" else "name_en"]
    checks = result.checks.assign(
        # county-group rows (scope "group") are named by their group id
        place=result.checks["adcode"].map(label).fillna(result.checks["adcode"]),
        year=result.checks["year"].astype(int).astype(str),
    )
    title = words("buildout.title", lang, scenario=repr(scenario), supply=result.supply_from)
    places = "; ".join(f"{a} {n}" for a, n in label.items())
    out.write(title + "\n" + words("buildout.places", lang, places=places) + "\n")
    _write_year_matrices(checks, out, lang)
    _write_plan_comparison(checks, out, lang)
    _write_flagged(checks, out, lang)
