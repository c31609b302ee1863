"""Load the siting optimiser's parameters (`siting.optimise.OptimiseParams`).

The table ``data/coefficients/optimiser.csv`` (a region pack may override it with
``<region_dir>/coefficients/optimiser.csv``) has the columns ``key, value, unit, status,
source, note`` and the keys `OPTIMISER_KEYS`: ``haul_penalty_points_per_t_km`` (score points
one tonne of nutrient hauled one km costs), ``time_limit_s`` (solver time limit) and
``pair_cover_factor`` (ledger pairs kept per candidate, as a multiple of its need). The same
table holds what a proposal starts from (`ProposalParams`, `PROPOSAL_KEYS`): the herd of each
proposed ranch, and how many candidates ``locate`` takes, how far apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from errors import ParameterError
from layers.coefficients import load_key_value_table, schema_error_for
from problems import Problems
from siting.optimise import OptimiseParams
from siting.parameters.coefficient import Coefficient

if TYPE_CHECKING:
    from pathlib import Path

OPTIMISER_FILE: Final[str] = "optimiser.csv"
OPTIMISER_KEYS: Final[tuple[str, ...]] = (
    "haul_penalty_points_per_t_km",
    "time_limit_s",
    "pair_cover_factor",
)
PROPOSAL_KEYS: Final[tuple[str, ...]] = (
    "ranch_dairy_cow_head",
    "candidate_count",
    "candidate_min_distance_km",
)


@dataclass(frozen=True, slots=True)
class ProposalParams:
    """What a proposal of new ranches starts from.

    Parameters
    ----------
    ranch_dairy_cow_head
        Dairy cattle of each proposed ranch (head, > 0).
    candidate_count
        Located candidates the optimiser chooses among (> 0, whole).
    candidate_min_distance_km
        Least distance between two candidates' centres (km, >= 0).
    coefficients
        The records the values came from.
    """

    ranch_dairy_cow_head: float
    candidate_count: int
    candidate_min_distance_km: float
    coefficients: tuple[Coefficient, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        problems = Problems("ProposalParams", "选址建议参数")
        problems.require_positive("ranch_dairy_cow_head", self.ranch_dairy_cow_head)
        problems.require_positive("candidate_count", self.candidate_count)
        problems.require_positive(
            "candidate_min_distance_km", self.candidate_min_distance_km, allow_zero=True
        )
        problems.raise_if_any()


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


def load_proposal_params(region_dir: Path | None = None) -> ProposalParams:
    """Load the proposal's starting values (`PROPOSAL_KEYS` of optimiser.csv).

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every bad column, key or value (a fractional candidate count included).
    """
    path, records = load_key_value_table(OPTIMISER_FILE, region_dir, required_keys=PROPOSAL_KEYS)
    count = records["candidate_count"].value
    try:
        if count != int(count):
            msg = f"candidate_count = {count!r} must be a whole number"
            raise ParameterError(msg, zh=f"candidate_count = {count!r} 须为整数")
        return ProposalParams(
            ranch_dairy_cow_head=records["ranch_dairy_cow_head"].value,
            candidate_count=int(count),
            candidate_min_distance_km=records["candidate_min_distance_km"].value,
            coefficients=tuple(records[k] for k in PROPOSAL_KEYS),
        )
    except ParameterError as err:
        raise schema_error_for(path, err) from err
