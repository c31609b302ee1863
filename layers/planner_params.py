"""Load the planner's footprint limits and defaults (`siting.site_footprint.FootprintParams`).

The table ``data/coefficients/planner.csv`` (a region pack may override it with
``<region_dir>/coefficients/planner.csv``) has the columns ``key, value, unit, status,
source, note`` and the keys of `siting.site_footprint.FOOTPRINT_KEYS`:

* ``min_footprint_mu`` - smallest footprint accepted (亩; smaller ones are slivers);
* ``min_compactness_frac`` - smallest ``4 pi area / perimeter^2`` accepted (thin strips);
* ``default_footprint_mu`` - square built around a point when no size is given (亩);
* ``max_head_per_mu_footprint``, ``max_herd_head`` - plausible herd limits
  (`siting.herd_limits.HerdLimits`, `load_herd_limits`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from errors import ParameterError
from layers.coefficients import load_key_value_table, schema_error_for
from siting.herd_limits import HERD_LIMIT_KEYS, HerdLimits
from siting.site_footprint import FOOTPRINT_KEYS, FootprintParams

if TYPE_CHECKING:
    from pathlib import Path

PLANNER_FILE: Final[str] = "planner.csv"


def load_footprint_params(region_dir: Path | None = None) -> FootprintParams:
    """Load the footprint limits and defaults.

    Parameters
    ----------
    region_dir
        Region pack folder; its ``coefficients/planner.csv`` replaces the default.

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every missing column or key, non-number, duplicate key, unknown status,
        empty source or out-of-range value.
    """
    path, records = load_key_value_table(PLANNER_FILE, region_dir, required_keys=FOOTPRINT_KEYS)
    try:
        return FootprintParams.from_coefficients(records)
    except ParameterError as err:
        raise schema_error_for(path, err) from err


def load_herd_limits(region_dir: Path | None = None) -> HerdLimits:
    """Load the plausible herd limits (``max_head_per_mu_footprint``, ``max_herd_head``).

    Parameters
    ----------
    region_dir
        Region pack folder; its ``coefficients/planner.csv`` replaces the default.

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every missing key, non-number or out-of-range value.
    """
    path, records = load_key_value_table(PLANNER_FILE, region_dir, required_keys=HERD_LIMIT_KEYS)
    try:
        return HerdLimits.from_coefficients(records)
    except ParameterError as err:
        raise schema_error_for(path, err) from err
