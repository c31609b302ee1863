"""County water caps for agriculture and livestock: layer kind ``water_caps``.

Columns of the CSV: ``adcode`` (text), ``name_zh``, ``cap_m3_per_yr`` (the county's annual
cap on agricultural plus livestock water use, m³), ``other_use_m3_per_yr`` (agricultural use
other than forage crops and livestock, held at its baseline, m³), ``status``, ``source``,
``note``. The bundled Hohhot values are ILLUSTRATIVE (county 用水总量控制 caps were not
found); replace them with the published county indicators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

from layers.csv_tables import ColumnType, Problem, RecordRules, read_record_table, rows_problem

if TYPE_CHECKING:
    from layers.region import Region

WATER_CAPS_KIND: Final[str] = "water_caps"
_COLUMNS: Final[dict[str, ColumnType]] = {
    "adcode": "adcode",
    "name_zh": "str",
    "cap_m3_per_yr": "float",
    "other_use_m3_per_yr": "float",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}
_RULES: Final[RecordRules] = RecordRules(
    key="adcode", non_negative=("cap_m3_per_yr", "other_use_m3_per_yr")
)


def load_water_caps(region: Region) -> pd.DataFrame:
    """Load the per-county water caps of ``region``.

    Returns
    -------
    water_caps
        ``adcode`` (text), ``name_zh``, ``cap_m3_per_yr``, ``other_use_m3_per_yr`` (m³/yr),
        ``status``, ``source``, ``note``; sorted by adcode.

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        Listing every missing column, non-number, negative value, other use above the cap,
        unknown status and repeated adcode.
    """
    path = region.layer_path(region.layer_of_kind(WATER_CAPS_KIND).name)
    return read_record_table(
        path, _COLUMNS, _RULES, what="water caps", more_problems=_other_use_above_cap
    )


def _other_use_above_cap(table: pd.DataFrame) -> list[Problem]:
    return rows_problem(
        table["other_use_m3_per_yr"] > table["cap_m3_per_yr"],
        table,
        "other_use_m3_per_yr",
        "is above cap_m3_per_yr",
        "大于 cap_m3_per_yr",
    )
