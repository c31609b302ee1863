"""Load the siting rules, criteria, their parameters and the AHP matrix from CSV.

Tables (defaults in ``data/coefficients/``; a region pack overrides a whole table with a
file of the same name in ``<region_dir>/coefficients/``):

* ``siting_rules.csv`` - hard gates: ``key, kind, layer_kind, measure, limit, unit, status,
  source, name_zh, name_en, enabled, note``;
* ``siting_criteria.csv`` - soft criteria: ``key, name_zh, name_en, value_function, x0, x1,
  unit, default_weight, status, source, enabled, crops, note`` (``crops`` is a
  ``;``-separated list of crop keys, may be empty);
* ``siting_params.csv`` - ``haul_radius_km`` and ``forage_land_mu_per_cow`` with ``value,
  unit, status, source, note``;
* ``siting_ahp_matrix.csv`` - the default AHP pairwise matrix: a ``criterion`` column and one
  column per criterion; cells are numbers or fractions such as ``1/3``.

Every problem of a table is listed in one `SchemaError` with the file and line.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar, cast

import pandas as pd

from errors import ParameterError, SchemaError
from layers.coefficients import build_rows, coefficient_path, read_table
from problems import Problems
from siting.criteria import RULE_STATUSES, CriterionSpec, GateRule, SitingParams
from siting.parameters.coefficient import Coefficient
from siting.soft_criteria import CRITERION_MEASURES

if TYPE_CHECKING:
    from collections.abc import Callable

    from siting.criteria import GateKind, ValueFunction

RULES_FILE: Final[str] = "siting_rules.csv"
CRITERIA_FILE: Final[str] = "siting_criteria.csv"
PARAMS_FILE: Final[str] = "siting_params.csv"
AHP_MATRIX_FILE: Final[str] = "siting_ahp_matrix.csv"

RULES_COLUMNS: Final[tuple[str, ...]] = (
    "key",
    "kind",
    "layer_kind",
    "measure",
    "limit",
    "unit",
    "status",
    "source",
    "name_zh",
    "name_en",
    "enabled",
    "note",
)
CRITERIA_COLUMNS: Final[tuple[str, ...]] = (
    "key",
    "name_zh",
    "name_en",
    "value_function",
    "x0",
    "x1",
    "unit",
    "default_weight",
    "status",
    "source",
    "enabled",
    "crops",
    "note",
)
PARAMS_COLUMNS: Final[tuple[str, ...]] = ("key", "value", "unit", "status", "source", "note")
PARAM_KEYS: Final[tuple[str, ...]] = ("haul_radius_km", "forage_land_mu_per_cow")
_BOOLEANS: Final[dict[str, bool]] = {"true": True, "false": False}

Row = dict[str, str]
T = TypeVar("T")


def load_siting_params(region_dir: Path | None = None) -> SitingParams:
    """Load the rules, criteria and parameters of site suitability.

    Parameters
    ----------
    region_dir
        A region pack folder whose ``coefficients/`` may override the default tables.

    Raises
    ------
    FileFormatError
        If a table is missing or unreadable.
    SchemaError
        Listing every bad value (unknown kind, status, criterion key, non-numbers ...).
    """
    rules = _load_rows(coefficient_path(RULES_FILE, region_dir), RULES_COLUMNS, _parse_rule)
    criteria = _load_rows(
        coefficient_path(CRITERIA_FILE, region_dir), CRITERIA_COLUMNS, _parse_criterion
    )
    path = coefficient_path(PARAMS_FILE, region_dir)
    scalars = {c.key: c for c in _load_rows(path, PARAMS_COLUMNS, _parse_param)}
    missing = [k for k in PARAM_KEYS if k not in scalars]
    if missing:
        msg = f"Table {path.name!r} ({path}) lacks the row(s) {missing}. Add them."
        raise SchemaError(msg, zh=f"参数表 {path.name!r} 缺少行 {missing}，请补充。")
    try:
        return SitingParams(
            rules=tuple(rules),
            criteria=tuple(criteria),
            haul_radius_km=scalars["haul_radius_km"],
            forage_land_mu_per_cow=scalars["forage_land_mu_per_cow"],
        )
    except ParameterError as err:
        msg = f"Siting tables in {path.parent}: {err.message('en')}"
        raise SchemaError(msg, zh=f"选址参数表（{path.parent}）：{err.message('zh')}") from err


def load_ahp_matrix(region_dir: Path | None = None) -> pd.DataFrame:
    """Load the default AHP pairwise matrix (index and columns = criterion keys).

    Raises
    ------
    SchemaError
        If a cell is not a positive number or fraction, or labels do not match.
    """
    path = coefficient_path(AHP_MATRIX_FILE, region_dir)
    rows = read_table(path, ("criterion",))
    problems = Problems(f"AHP matrix {path.name!r}", f"AHP 判断矩阵 {path.name!r}")
    labels = [row["criterion"] for row in rows]
    columns = [c for c in rows[0] if c != "criterion"] if rows else []
    if labels != columns:
        problems.add(
            f"row labels {labels} must equal the column labels {columns}", "行标签须与列标签一致"
        )
    values = [
        [_fraction(row[c], f"{path.name} line {i + 2} ({c})", problems) for c in columns]
        for i, row in enumerate(rows)
    ]
    problems.raise_if_any(SchemaError)
    return pd.DataFrame(values, index=labels, columns=columns, dtype="float64")


def _fraction(text: str, where: str, problems: Problems) -> float:
    try:
        value = float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        problems.add(
            f"{where}: {text!r} is not a number or fraction like 1/3",
            f"{where}：{text!r} 不是数字或分数（如 1/3）",
        )
        return float("nan")
    return value


def _load_rows(
    path: Path, columns: tuple[str, ...], parse: Callable[[Row, str, Problems], Callable[[], T]]
) -> list[T]:
    return build_rows(path, read_table(path, columns), "key", parse, statuses=RULE_STATUSES)


def _number(row: Row, column: str, where: str, problems: Problems) -> float:
    try:
        return float(row[column])
    except ValueError:
        problems.add(
            f"{where}: {column} = {row[column]!r} is not a number",
            f"{where}：{column} = {row[column]!r} 不是数字",
        )
        return float("nan")


def _boolean(row: Row, column: str, where: str, problems: Problems) -> bool:
    value = _BOOLEANS.get(row[column].lower())
    if value is None:
        problems.add(
            f"{where}: {column} = {row[column]!r} must be true or false",
            f"{where}：{column} = {row[column]!r} 须为 true 或 false",
        )
        return False
    return value


def _parse_rule(row: Row, where: str, problems: Problems) -> Callable[[], GateRule]:
    limit = _number(row, "limit", where, problems)
    enabled = _boolean(row, "enabled", where, problems)
    return lambda: GateRule(
        key=row["key"],
        kind=cast("GateKind", row["kind"]),  # checked by GateRule.__post_init__
        layer_kind=row["layer_kind"],
        measure=row["measure"],
        limit=limit,
        unit=row["unit"],
        status=row["status"],
        source=row["source"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        enabled=enabled,
        note=row["note"],
    )


def _parse_criterion(row: Row, where: str, problems: Problems) -> Callable[[], CriterionSpec]:
    x0, x1 = _number(row, "x0", where, problems), _number(row, "x1", where, problems)
    weight = _number(row, "default_weight", where, problems)
    enabled = _boolean(row, "enabled", where, problems)
    if row["key"] not in CRITERION_MEASURES:
        problems.add(
            f"{where}: unknown criterion; known: {', '.join(CRITERION_MEASURES)}",
            f"{where}：未知指标",
        )
    crops = tuple(c.strip() for c in row["crops"].split(";") if c.strip())
    return lambda: CriterionSpec(
        key=row["key"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        value_function=cast("ValueFunction", row["value_function"]),  # checked on creation
        x0=x0,
        x1=x1,
        unit=row["unit"],
        default_weight=weight,
        status=row["status"],
        source=row["source"],
        enabled=enabled,
        crops=crops,
        note=row["note"],
    )


def _parse_param(row: Row, where: str, problems: Problems) -> Callable[[], Coefficient]:
    value = _number(row, "value", where, problems)
    if row["key"] not in PARAM_KEYS:
        problems.add(f"{where}: unknown key; known: {', '.join(PARAM_KEYS)}", f"{where}：未知键")
    return lambda: Coefficient(
        row["key"], value, row["unit"], row["status"], row["source"], row["note"]
    )
