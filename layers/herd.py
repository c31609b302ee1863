"""Existing livestock per county (存栏, head on stock): the baseline of the county balance.

The Hohhot table (``herd_baseline.csv``, manifest layer of kind ``herd_baseline``) splits the
city totals of the 2021-2023 plan over the counties by a documented, ILLUSTRATIVE rule
(data/README.md, "Herd baseline"); replace it with published or surveyed counts when known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from errors import ParameterError
from layers.csv_tables import (
    STATUSES,
    ColumnType,
    Problem,
    raise_problems,
    read_csv_table,
    rows_problem,
)

if TYPE_CHECKING:
    from layers.region import Region

HERD_KIND: str = "herd_baseline"
# Head-count column -> species key of the pig-equivalent factors (nutrient_factors.csv,
# ``pe_per_head.<species>``).
HERD_COLUMNS: dict[str, str] = {
    "dairy_cow_head": "dairy_cow",
    "goat_head": "goat",
    "beef_cattle_head": "beef_cattle",
    "sheep_head": "sheep",
    "pig_head": "pig",
    "poultry_head": "poultry",
}
#: Old column name -> current (herd baselines written before the vocabulary pass).
HERD_COLUMN_ALIASES: dict[str, str] = {"dairy_goat_head": "goat_head"}  # vocab: old name
_COLUMNS: dict[str, ColumnType] = {
    "adcode": "adcode",
    "name_zh": "str",
    "year": "int",
    **dict.fromkeys(HERD_COLUMNS, "int"),
    "status": "str",
    "source": "str",
    "note": "str_optional",
}


def load_herd_baseline(region: Region, *, year: int | None = None) -> pd.DataFrame:
    """Load the head on stock per county for ``year`` (layer of kind ``herd_baseline``).

    Parameters
    ----------
    region
        The region pack.
    year
        Year of the counts; None: the region's ``[plan] base_year`` (manifest).

    Returns
    -------
    herd
        One row per county, sorted by ``adcode`` (6-digit text): ``name_zh``, ``year`` and
        the head counts of `HERD_COLUMNS` (int64, head on stock), then ``status``, ``source``
        and ``note``.

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        On missing columns, non-integer or negative counts, unknown statuses or repeated
        (adcode, year) rows (all listed at once).
    ParameterError
        If the table has no row for ``year`` (the message lists the years it has).
    """
    path = region.layer_path(region.layer_of_kind(HERD_KIND).name)
    table, problems = read_csv_table(
        path, _COLUMNS, what="herd baseline", aliases=HERD_COLUMN_ALIASES
    )
    problems += _herd_problems(table)
    raise_problems(path, problems, what="herd baseline")
    if year is None:
        year = region.plan.base_year
    rows = table.loc[table["year"] == year]
    if rows.empty:
        years = ", ".join(str(y) for y in sorted(table["year"].unique())) or "none"
        msg = (
            f"The herd baseline {path.name!r} has no rows for year {year} (years: {years}). "
            "Choose one of those years or add rows for it."
        )
        zh = (
            f"存栏基数表 {path.name!r} 中没有 {year} 年的数据（已有年份：{years}）。"
            "请选择已有年份或补充数据。"
        )
        raise ParameterError(msg, zh=zh)
    return rows.sort_values("adcode").reset_index(drop=True)


def _herd_problems(table: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for column in HERD_COLUMNS:
        problems += rows_problem(table[column] < 0, table, column, "is negative", "为负数")
    problems += rows_problem(
        ~table["status"].isin(STATUSES),
        table,
        "status",
        f"is not one of {', '.join(STATUSES)}",
        f"不是 {', '.join(STATUSES)} 之一",
    )
    repeated = table.duplicated(["adcode", "year"], keep=False)
    problems += rows_problem(
        repeated, table, "adcode", "repeats an (adcode, year) pair", "的（adcode, year）组合重复"
    )
    return problems
