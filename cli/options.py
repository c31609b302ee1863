"""Argument types and the coefficient-override options shared by the commands."""

from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path
from typing import TYPE_CHECKING

from cli.render import argument_message
from planning.regions import MANIFEST_NAME, list_regions

if TYPE_CHECKING:
    from siting.parameters import NutrientParams

#: option dest -> NutrientParams field it overrides.
NUTRIENT_OVERRIDES: dict[str, str] = {
    "manure_share": "manure_share_frac",
    "n_utilisation": "n_utilisation_frac",
    "p_utilisation": "p_utilisation_frac",
}


def non_negative(text: str) -> float:
    """Parse a finite number >= 0 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        msg = argument_message("arg.not_non_negative", text=repr(text))
        raise argparse.ArgumentTypeError(msg)
    return value


def positive(text: str) -> float:
    """Parse a finite number > 0 (argparse type)."""
    value = non_negative(text)
    if value == 0:
        msg = argument_message("arg.not_positive", text=repr(text))
        raise argparse.ArgumentTypeError(msg)
    return value


def fraction(text: str) -> float:
    """Parse a fraction in [0, 1] (argparse type; 0.5 means 50%)."""
    value = non_negative(text)
    if value > 1:
        msg = argument_message("arg.not_fraction", text=repr(text), percent="50%", share="0.5")
        raise argparse.ArgumentTypeError(msg)
    return value


def first_region() -> str | None:
    """Return the first installed region pack's id (the default of --region), or None."""
    regions = list_regions()
    return regions[0] if regions else None


def region_argument(text: str) -> str:
    """Accept a known region id or a folder holding a region manifest (argparse type)."""
    if text in list_regions() or (Path(text) / MANIFEST_NAME).is_file():
        return text
    known = ", ".join(list_regions()) or "-"
    msg = argument_message("arg.no_region", text=repr(text), known=known, manifest=MANIFEST_NAME)
    raise argparse.ArgumentTypeError(msg)


def add_nutrient_options(parser: argparse.ArgumentParser) -> None:
    """Add --manure-share, --n-utilisation, --p-utilisation and --region."""
    parser.add_argument(
        "--manure-share",
        type=fraction,
        metavar="FRAC",
    )
    parser.add_argument(
        "--n-utilisation",
        type=fraction,
        metavar="FRAC",
    )
    parser.add_argument(
        "--p-utilisation",
        type=fraction,
        metavar="FRAC",
    )


def apply_nutrient_overrides(params: NutrientParams, args: argparse.Namespace) -> NutrientParams:
    """Return ``params`` with the options the user gave (range checks run again)."""
    changes = {
        field: getattr(args, dest)
        for dest, field in NUTRIENT_OVERRIDES.items()
        if getattr(args, dest) is not None
    }
    return dataclasses.replace(params, **changes) if changes else params
