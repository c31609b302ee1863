"""``python -m siting capacity``: carrying capacity and load of every county of a region.

The figures come from `planning.nutrient_balance.region_county_balance` (the balance page's
service): the pack's parcels and herd baseline, the region's crop table and warning grades,
and the nutrient coefficients with the command's overrides.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cli.options import add_nutrient_options, apply_nutrient_overrides, region_argument
from cli.render import (
    coefficient_dicts,
    coefficient_table,
    frame_records,
    headers,
    table,
    words,
    write_json,
)
from planning.nutrient_balance import region_county_balance
from planning.regions import Region, load_nutrient_params, load_region

if TYPE_CHECKING:
    from typing import TextIO

    import pandas as pd

    from siting.parameters import Coefficient

#: Columns of the JSON records (the balance page's short names are not printed).
_JSON_DROPPED = ("name_short_zh",)
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
    )
    parser.add_argument(
        "--region",
        required=True,
        type=region_argument,
    )
    add_nutrient_options(parser)
    parser.add_argument(
        "--json",
        action="store_true",
    )
    parser.set_defaults(run=run)


def county_table(
    region: Region, args: argparse.Namespace
) -> tuple[pd.DataFrame, list[Coefficient]]:
    """Return the county balance of ``region`` and the coefficients it used."""
    params = apply_nutrient_overrides(load_nutrient_params(region.dir), args)
    balance, used = region_county_balance(region, params)
    return balance.drop(columns=[c for c in _JSON_DROPPED if c in balance.columns]), used


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
