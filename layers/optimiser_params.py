"""Load the siting optimiser's parameters (`siting.optimise.OptimiseParams`).

The table ``data/coefficients/optimiser.csv`` (a region pack may override it with
``<region_dir>/coefficients/optimiser.csv``) has the columns ``key, value, unit, status,
source, note`` and the keys `OPTIMISER_KEYS`: ``haul_penalty_points_per_t_km`` (score points
one tonne of nutrient hauled one km costs), ``time_limit_s`` (solver time limit) and
``pair_cover_factor`` (ledger pairs kept per candidate, as a multiple of its need).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from errors import ParameterError
from layers.coefficients import load_key_value_table, schema_error_for
from siting.optimise import OptimiseParams

if TYPE_CHECKING:
    from pathlib import Path

OPTIMISER_FILE: Final[str] = "optimiser.csv"
OPTIMISER_KEYS: Final[tuple[str, ...]] = (
    "haul_penalty_points_per_t_km",
    "time_limit_s",
    "pair_cover_factor",
)


def load_optimise_params(region_dir: Path | None = None) -> OptimiseParams:
    """Load the optimiser's parameters.

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every bad column, key or value.
    """
    path, records = load_key_value_table(OPTIMISER_FILE, region_dir, required_keys=OPTIMISER_KEYS)
    try:
        return OptimiseParams(
            haul_penalty_points_per_t_km=records["haul_penalty_points_per_t_km"].value,
            time_limit_s=records["time_limit_s"].value,
            pair_cover_factor=records["pair_cover_factor"].value,
            coefficients=tuple(records[k] for k in OPTIMISER_KEYS),
        )
    except ParameterError as err:
        raise schema_error_for(path, err) from err
