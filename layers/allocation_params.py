"""Load the default parameters of the absorption-land ledger (`siting.allocate`).

The table ``data/coefficients/allocation.csv`` (a region pack may override it with
``<region_dir>/coefficients/allocation.csv``) has the columns
``key, value, unit, status, source, note`` and the keys

* ``default_haul_radius_km`` - haul radius (km) of farms without their own radius;
* ``road_factor`` - road km per straight-line km (>= 1);
* ``priority_<status>`` - service rank of farms with that status (lower is served first);
  at least ``priority_existing``, ``priority_under_construction``, ``priority_proposed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from errors import ParameterError
from layers.coefficients import load_key_value_table, schema_error_for
from siting.allocate import PRIORITY_KEY_PREFIX, AllocationParams

if TYPE_CHECKING:
    from pathlib import Path

ALLOCATION_FILE: Final[str] = "allocation.csv"
REQUIRED_KEYS: Final[tuple[str, ...]] = (
    "default_haul_radius_km",
    "road_factor",
    f"{PRIORITY_KEY_PREFIX}existing",
    f"{PRIORITY_KEY_PREFIX}under_construction",
    f"{PRIORITY_KEY_PREFIX}proposed",
)


def load_allocation_params(region_dir: Path | None = None) -> AllocationParams:
    """Load the allocation defaults (haul radius, road factor, priority by farm status).

    Parameters
    ----------
    region_dir
        Region pack folder; its ``coefficients/allocation.csv`` replaces the default.

    Returns
    -------
    AllocationParams
        With every record (value, unit, status, source) in ``coefficients``.

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every missing column or key, non-number, duplicate key, unknown status,
        empty source or out-of-range value.
    """
    path, records = load_key_value_table(ALLOCATION_FILE, region_dir, required_keys=REQUIRED_KEYS)
    try:
        return AllocationParams.from_coefficients(records)
    except ParameterError as err:
        raise schema_error_for(path, err) from err
