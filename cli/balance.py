"""``python -m siting balance``: manure-land balance of one farm (2018 MoA guide, §5).

Example::

    python -m siting balance --animals dairy_cow=5000 --crop maize --yield-kg-per-mu 600 \\
        --soil-class II --manure-share 0.5 --json
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cli.options import (
    add_nutrient_options,
    apply_nutrient_overrides,
    fraction,
    non_negative,
    positive,
    region_argument,
)
from cli.render import (
    argument_message,
    both,
    coefficient_dicts,
    coefficient_table,
    explain_table,
    message_dict,
    notes_text,
    words,
    write_json,
)
from errors import ParameterError
from locales import text
from planning.region_inputs import load_region_params
from planning.regions import load_nutrient_params, load_region
from siting.needs import Herd, HerdNeeds, crop_receiving_land, herd_needs
from siting.parameters import SOIL_CLASSES

if TYPE_CHECKING:
    from typing import TextIO


def animals(text: str) -> tuple[str, float]:
    """Parse ``SPECIES=HEAD`` (argparse type), e.g. ``dairy_cow=5000``."""
    species, sep, head = text.partition("=")
    if not sep or not species.strip():
        msg = argument_message("arg.not_species_head", text=repr(text), example="dairy_cow=5000")
        raise argparse.ArgumentTypeError(msg)
    try:
        return species.strip(), float(head)
    except ValueError:
        msg = argument_message("arg.head_not_number", head=repr(head), text=repr(text))
        raise argparse.ArgumentTypeError(msg) from None


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add the ``balance`` command."""
    parser = subparsers.add_parser(
        "balance",
        parents=[common],
    )
    parser.add_argument(
        "--animals",
        type=animals,
        action="append",
        required=True,
        metavar="SPECIES=HEAD",
    )
    parser.add_argument(
        "--crop",
        required=True,
    )
    parser.add_argument(
        "--yield-kg-per-mu",
        type=positive,
        metavar="KG",
    )
    parser.add_argument(
        "--soil-class",
        choices=SOIL_CLASSES,
        default="II",
    )
    parser.add_argument(
        "--soil-p-class",
        choices=SOIL_CLASSES,
    )
    add_nutrient_options(parser)
    parser.add_argument(
        "--manure-sold-frac",
        type=fraction,
        default=0.0,
        metavar="FRAC",
    )
    parser.add_argument(
        "--route",
    )
    parser.add_argument(
        "--n-retention-frac",
        type=fraction,
        metavar="FRAC",
    )
    parser.add_argument(
        "--p-retention-frac",
        type=fraction,
        metavar="FRAC",
    )
    parser.add_argument(
        "--olsen-p-mg-per-kg",
        type=non_negative,
        metavar="MG",
    )
    parser.add_argument(
        "--p-sensitive",
        action="store_true",
    )
    parser.add_argument(
        "--region",
        type=region_argument,
    )
    parser.add_argument(
        "--json",
        action="store_true",
    )
    parser.set_defaults(run=run)


def _herd(pairs: list[tuple[str, float]]) -> dict[str, float]:
    herd: dict[str, float] = {}
    for species, head in pairs:
        if species in herd:
            msg, zh = both("balance.species_twice", species=repr(species))
            raise ParameterError(msg, zh=zh)
        herd[species] = head
    return herd


def _measured(args: argparse.Namespace) -> tuple[float, float] | None:
    n_frac, p_frac = args.n_retention_frac, args.p_retention_frac
    if n_frac is None and p_frac is None:
        return None
    if n_frac is None or p_frac is None:
        msg, zh = both("balance.retention_pair")
        raise ParameterError(msg, zh=zh)
    return (n_frac, p_frac)


def compute(args: argparse.Namespace) -> HerdNeeds:
    """Load the coefficients (region overrides) and compute the farm's needs on ``--crop``.

    The land is the crop the user chose (`siting.needs.crop_receiving_land`), not the
    parcels within a haul radius that ``score`` and ``plan`` use: ``land_required_mu`` here
    is the land needed at that crop.
    """
    region = load_region(args.region) if args.region else None
    nutrients = apply_nutrient_overrides(
        load_nutrient_params(None if region is None else region.dir), args
    )
    params = load_region_params(region, nutrients)
    land = crop_receiving_land(
        params,
        args.crop,
        yield_kg_per_mu=args.yield_kg_per_mu,
        soil_class=args.soil_class,
        soil_p_class=args.soil_p_class,
        olsen_p_mg_per_kg=args.olsen_p_mg_per_kg,
        p_sensitive=args.p_sensitive,
    )
    herd = Herd.from_species(
        _herd(args.animals),
        route_key=args.route,
        sold_frac=args.manure_sold_frac,
        measured_retention_frac=_measured(args),
    )
    return herd_needs(herd, land, params)


def land_range_text(needs: HerdNeeds, lang: str) -> str:
    """Return "range A–B mu at in-season utilisation …" of the binding basis' land."""
    basis = needs.binding_basis
    ends = needs.utilisation
    used, (low, high) = (
        (ends.n_frac, ends.n_range_frac) if basis == "N" else (ends.p_frac, ends.p_range_frac)
    )
    land_low, land_high = needs.absorption_land_need_range_mu
    return text(
        "needs.land_range",
        lang,
        low=_mu(land_low),
        high=_mu(land_high),
        basis=basis,
        util_low=f"{low:.2f}",
        util_high=f"{high:.2f}",
        util_used=f"{used:.2f}",
    )


def _mu(value: float) -> str:
    return "inf" if value == float("inf") else f"{value:,.0f}"


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``balance`` and print JSON or readable tables to ``out``."""
    needs = compute(args)
    result = needs.requirement
    rows = result.explain()
    coefficients = [c for row in rows for c in row.coefficients]
    if args.json:
        ranges = {k: v for k, v in needs.to_dict().items() if k.endswith("_range_mu")}
        data = {
            **result.to_dict(),
            **ranges,
            "coefficients": coefficient_dicts(coefficients),
            "explain": [row.to_dict() for row in rows],
            "notes": [message_dict(note, args.lang) for note in result.notes],
        }
        write_json(data, out)
        return 0
    lang = args.lang
    out.write(words("balance.title", lang) + "\n\n")
    out.write(explain_table(rows, lang) + "\n\n")
    out.write(
        text(
            "cli.balance.land_line",
            args.lang,
            land=_mu(result.land_required_mu),
            basis=result.binding_basis,
            larger=result.larger_basis,
            range=land_range_text(needs, args.lang),
        )
        + "\n\n"
    )
    out.write(words("notes", lang) + "\n" + notes_text(result.notes, lang) + "\n\n")
    out.write(words("coefficients", lang) + "\n" + coefficient_table(coefficients, lang) + "\n")
    return 0
