"""Load the planner's footprint limits and defaults (`siting.site_footprint.FootprintParams`).

The table ``data/coefficients/planner.csv`` (a region pack may override it with
``<region_dir>/coefficients/planner.csv``) has the columns ``key, value, unit, status,
source, note`` and the keys of `siting.site_footprint.FOOTPRINT_KEYS`:

* ``min_footprint_mu`` - smallest footprint accepted (亩; smaller ones are slivers);
* ``min_compactness_frac`` - smallest ``4 pi area / perimeter^2`` accepted (thin strips);
* ``default_footprint_mu`` - square built around a point when no size is given (亩).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from errors import ParameterError, SchemaError
from layers.coefficients import coefficient_path, read_table
from siting.parameters import STATUSES, Coefficient
from siting.problems import Problems
from siting.site_footprint import FOOTPRINT_KEYS, FootprintParams

if TYPE_CHECKING:
    from pathlib import Path

PLANNER_FILE: Final[str] = "planner.csv"
PLANNER_COLUMNS: Final[tuple[str, ...]] = ("key", "value", "unit", "status", "source", "note")


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
    path = coefficient_path(PLANNER_FILE, region_dir)
    rows = read_table(path, PLANNER_COLUMNS)
    problems = Problems(f"coefficient table {path.name!r}", f"系数表 {path.name!r}")
    records: dict[str, Coefficient] = {}
    for index, row in enumerate(rows):
        where = f"{path.name} line {index + 2} ({row['key']})"
        record = _parse_row(row, where, problems)
        if record is not None and record.key in records:
            problems.add(f"{where}: duplicate key", f"{where}：键重复")
        elif record is not None:
            records[record.key] = record
    missing = [key for key in FOOTPRINT_KEYS if key not in records]
    if missing:
        problems.add(f"missing key(s) {', '.join(missing)}; add them",
                     f"缺少键 {'、'.join(missing)}，请补充")
    problems.raise_if_any(SchemaError)
    try:
        return FootprintParams.from_coefficients(records)
    except ParameterError as err:
        msg = f"Coefficient table {path.name!r}: {err.message('en')}. Fix the values in {path}."
        zh = f"系数表 {path.name!r}：{err.message('zh')}。请修改 {path} 中的数值。"
        raise SchemaError(msg, zh=zh) from err


def _parse_row(row: dict[str, str], where: str, problems: Problems) -> Coefficient | None:
    """Return the row as a `Coefficient`, or None after recording its problems."""
    count = len(problems)
    try:
        value = float(row["value"])
    except ValueError:
        problems.add(f"{where}: value {row['value']!r} is not a number",
                     f"{where}：数值 {row['value']!r} 不是数字")
        value = float("nan")
    if row["status"] not in STATUSES:
        problems.add(f"{where}: status {row['status']!r} is not one of {', '.join(STATUSES)}",
                     f"{where}：状态 {row['status']!r} 不在 {', '.join(STATUSES)} 之中")
    if not row["source"]:
        problems.add(f"{where}: source is empty; cite where the value comes from",
                     f"{where}：来源为空；请注明数值出处")
    if len(problems) > count:
        return None
    return Coefficient(row["key"], value, row["unit"], row["status"], row["source"], row["note"])
