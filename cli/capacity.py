"""``python -m siting capacity``: carrying capacity and load of every county of a region.

Needs two layers of the region pack (provided by `layers.parcels` and `layers.herd`):

* ``layers.parcels.load_parcels(region) -> DataFrame`` with `siting.nutrients.PARCEL_COLUMNS`
  (``adcode``, ``area_mu`` measured in the analysis CRS, ``crop``, ``yield_kg_per_mu``,
  ``soil_n_class``, ``soil_p_class``, ``manure_allowed``);
* ``layers.herd.load_herd_baseline(region) -> DataFrame`` with ``adcode`` and head-count
  columns; ``layers.herd.HERD_COLUMNS`` (column -> species key), if present, says which
  species each column holds, otherwise columns are matched by name (``dairy_cow_head`` ...).
"""

from __future__ import annotations

import argparse
import importlib
import types
from typing import TYPE_CHECKING

import pandas as pd

from cli.options import add_nutrient_options, apply_nutrient_overrides, region_argument
from cli.render import (
    both,
    coefficient_dicts,
    coefficient_table,
    frame_records,
    headers,
    table,
    words,
    write_json,
)
from errors import FileFormatError
from planning.regions import (
    Region,
    load_counties,
    load_crop_table,
    load_nutrient_params,
    load_region,
    load_warning_grades,
)
from siting.nutrients import county_balance, parcel_absorption_capacity

if TYPE_CHECKING:
    from typing import TextIO

    from siting.parameters import Coefficient

_PROVIDERS = (("layers.parcels", "load_parcels"), ("layers.herd", "load_herd_baseline"))
#: Columns of the text table, each with its header key below ``cli.col.``.
_TEXT_COLUMNS = (
    ("adcode", "adcode"),
    ("name", "county"),
    ("present_pe", "present_pe"),
    ("capacity_pe_n", "capacity_pe_n"),
    ("capacity_pe_p", "capacity_pe_p"),
    ("capacity_dairy_cows_n", "cows_n"),
    ("capacity_dairy_cows_p", "cows_p"),
    ("load_index_n", "load_n"),
    ("grade_n", "grade_n"),
    ("load_index_p", "load_p"),
    ("grade_p", "grade_p"),
)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``capacity`` command."""
    parser = subparsers.add_parser(
        "capacity",
        parents=[common],
        help="county carrying capacity, load index and grade",
        description="Per county: manure N/P demand of the cropland, carrying capacity in pig "
        "equivalents and dairy cows (N and P basis), present load, load index "
        "and warning grade (农办牧〔2018〕1号).",
    )
    parser.add_argument(
        "--region",
        required=True,
        type=region_argument,
        help="region pack id or folder (python -m layers.build --adcode makes one)",
    )
    add_nutrient_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run)


def _provider(module_name: str, function_name: str) -> types.ModuleType:
    """Import a layer loader's module lazily, with a one-line error if it is not available."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        module = None
        cause: Exception | None = err
    else:
        cause = None
    if module is None or not hasattr(module, function_name):
        msg, zh = both("capacity.no_provider", loader=f"{module_name}.{function_name}")
        raise FileFormatError(msg, zh=zh) from cause
    return module


def county_table(
    region: Region, args: argparse.Namespace
) -> tuple[pd.DataFrame, list[Coefficient]]:
    """Return the county balance of ``region`` and the coefficients it used."""
    params = apply_nutrient_overrides(load_nutrient_params(region.dir), args)
    crops = load_crop_table(region.dir)
    grades = load_warning_grades(region.dir)
    parcels_module = _provider(*_PROVIDERS[0])
    herd_module = _provider(*_PROVIDERS[1])
    parcels = parcels_module.load_parcels(region)
    herd = herd_module.load_herd_baseline(region)
    # The herd loader may say which species each head-count column holds (HERD_COLUMNS).
    species_columns = getattr(herd_module, "HERD_COLUMNS", None)
    balance = county_balance(
        parcel_absorption_capacity(parcels, crops, params),
        herd,
        params,
        grades,
        species_columns=species_columns,
    )
    names = pd.DataFrame(load_counties(region)[["adcode", "name_zh", "name_en"]])
    balance = names.merge(balance, on="adcode", how="right")
    used = [*params.coefficients(), *crops.coefficients(), *grades.coefficients()]
    return balance, used


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``capacity`` and print JSON or a readable table to ``out``."""
    region = load_region(args.region)
    balance, used = county_table(region, args)
    return write_balance(region, balance, used, args, out)


def write_balance(
    region: Region,
    balance: pd.DataFrame,
    used: list[Coefficient],
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    """Print the county balance as JSON (``args.json``) or a table in ``args.lang``."""
    if args.json:
        write_json(
            {
                "region": region.id,
                "counties": frame_records(balance),
                "coefficients": coefficient_dicts(used),
            },
            out,
        )
        return 0
    lang = args.lang
    balance = balance.assign(name=balance["name_zh" if lang == "zh" else "name_en"])
    shown = [(column, key) for column, key in _TEXT_COLUMNS if column in balance.columns]
    region_name = region.name_zh if lang == "zh" else region.name_en
    out.write(words("capacity.title", lang, region=region_name) + "\n\n")
    out.write(
        table(
            headers([key for _, key in shown], lang),
            balance[[c for c, _ in shown]].itertuples(index=False),
        )
        + "\n\n"
    )
    out.write(words("coefficients", lang) + "\n" + coefficient_table(used, lang) + "\n")
    return 0
