"""Landscape zone of each county (plain, plateau, hills, mountain): layer kind ``county_zones``.

The zone selects the default forage yields (``forage_yields.csv``) and irrigation quotas
(``water_quotas.csv``) of a county. Columns of the CSV: ``adcode`` (text), ``name_zh``,
``zone``, ``status``, ``source``, ``note``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

from layers.csv_tables import STATUSES, ColumnType, raise_problems, read_csv_table, rows_problem
from siting.parameters import ZONES

if TYPE_CHECKING:
    from layers.region import Region

COUNTY_ZONES_KIND: Final[str] = "county_zones"
_COLUMNS: Final[dict[str, ColumnType]] = {
    "adcode": "adcode",
    "name_zh": "str",
    "zone": "str",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}


def load_county_zones(region: Region) -> pd.DataFrame:
    """Load the zone of every county of ``region``.

    Returns
    -------
    county_zones
        ``adcode`` (text), ``name_zh``, ``zone`` (one of `siting.parameters.ZONES`),
        ``status``, ``source``, ``note``; one row per county, sorted by adcode.

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        Listing every missing column, unknown zone or status and repeated adcode.
    """
    path = region.layer_path(region.layer_of_kind(COUNTY_ZONES_KIND).name)
    what = "county zones"
    table, problems = read_csv_table(path, _COLUMNS, what=what)
    problems += rows_problem(
        ~table["zone"].isin(ZONES),
        table,
        "zone",
        f"is not one of {', '.join(ZONES)}",
        f"不在 {', '.join(ZONES)} 之中",
    )
    problems += rows_problem(
        ~table["status"].isin(STATUSES),
        table,
        "status",
        f"is not one of {', '.join(STATUSES)}",
        "状态取值无效",
    )
    problems += rows_problem(
        table["adcode"].duplicated(keep=False), table, "adcode", "is repeated", "重复"
    )
    raise_problems(path, problems, what=what)
    return table.sort_values("adcode").reset_index(drop=True)
