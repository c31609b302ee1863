"""Load the coefficient tables (CSV) into the frozen objects of `siting.parameters`.

Defaults are in ``data/coefficients/``. A region pack overrides a whole table by holding a
file of the same name in ``<region_dir>/coefficients/``. Every problem of a table (missing
columns, non-numbers, unknown status, values out of range) is listed in one `SchemaError`
naming the file and its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

import pandas as pd

from errors import FileFormatError, ParameterError, SchemaError
from problems import Problems
from siting.parameters import (
    STATUSES,
    Coefficient,
    CropCoefficient,
    CropTable,
    ManureRouteStage,
    ManureRouteTable,
    NutrientParams,
    WarningGrade,
    WarningGrades,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

COEFFICIENTS_DIR: Final[Path] = Path(__file__).resolve().parents[1] / "data" / "coefficients"
REGION_OVERRIDE_SUBDIR: Final[str] = "coefficients"

NUTRIENT_FACTORS_FILE: Final[str] = "nutrient_factors.csv"
CROPS_FILE: Final[str] = "crops.csv"
MANURE_ROUTES_FILE: Final[str] = "manure_routes.csv"
WARNING_GRADES_FILE: Final[str] = "warning_grades.csv"

_PROVENANCE: Final[tuple[str, ...]] = ("status", "source", "note")
NUTRIENT_FACTORS_COLUMNS: Final[tuple[str, ...]] = (
    "key",
    "value",
    "unit",
    "range_low",
    "range_high",
    *_PROVENANCE,
)
CROPS_COLUMNS: Final[tuple[str, ...]] = (
    "key",
    "name_zh",
    "name_en",
    "n_kg_per_100kg",
    "p_kg_per_100kg",
    "yield_basis",
    "status",
    "source",
    "default_yield_kg_per_mu",
    "yield_status",
    "yield_source",
    "note",
)
MANURE_ROUTES_COLUMNS: Final[tuple[str, ...]] = (
    "key",
    "species",
    "stage",
    "name_zh",
    "name_en",
    "n_retention_frac",
    "p_retention_frac",
    *_PROVENANCE,
)
WARNING_GRADES_COLUMNS: Final[tuple[str, ...]] = (
    "grade",
    "lower",
    "upper",
    "label_zh",
    "label_en",
    *_PROVENANCE,
)

_NUTRIENT_SCALARS: Final[tuple[str, ...]] = (
    "n_excreted_kg_per_pe",
    "p_excreted_kg_per_pe",
    "n_supply_kg_per_pe",
    "p_supply_kg_per_pe",
    "manure_share_frac",
    "n_utilisation_frac",
    "p_utilisation_frac",
    "olsen_p_threshold_mg_per_kg",
    "low_n_demand_np_ratio",
)
_NUTRIENT_PREFIXES: Final[tuple[str, ...]] = ("pe_per_head", "fert_share_frac")
_RANGED: Final[tuple[str, ...]] = ("n_utilisation_frac", "p_utilisation_frac")

Row = dict[str, str]
T = TypeVar("T")


def coefficient_path(filename: str, region_dir: Path | None = None) -> Path:
    """Return the region pack's copy of ``filename`` if it has one, else the default."""
    if region_dir is not None:
        candidate = Path(region_dir) / REGION_OVERRIDE_SUBDIR / filename
        if candidate.is_file():
            return candidate
    return COEFFICIENTS_DIR / filename


def read_table(path: Path, columns: Iterable[str]) -> list[Row]:
    """Read a coefficient CSV as text rows after checking its required columns.

    Raises
    ------
    FileFormatError
        If the file is missing or not a readable UTF-8 CSV.
    SchemaError
        Listing every missing column.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = f"Cannot read coefficient table {path.name!r} ({path}): {err}. Fix or restore it."
        zh = f"无法读取系数表 {path.name!r}（{path}）：{err}。请修正或恢复该文件。"
        raise FileFormatError(msg, zh=zh) from err
    missing = [column for column in columns if column not in table.columns]
    if missing:
        msg = (
            f"Coefficient table {path.name!r} lacks the column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, table.columns))}. Add the missing column(s)."
        )
        zh = f"系数表 {path.name!r} 缺少列 {'、'.join(missing)}。请补充。"
        raise SchemaError(msg, zh=zh)
    return [{str(k): str(v).strip() for k, v in row.items()} for row in table.to_dict("records")]


def _number(row: Row, column: str, where: str, problems: Problems) -> float:
    """Parse ``row[column]`` as a float, recording a problem (and returning NaN) if not."""
    text = row[column]
    try:
        return float(text)
    except ValueError:
        problems.add(
            f"{where}: {column} = {text!r} is not a number",
            f"{where}：{column} = {text!r} 不是数字",
        )
        return float("nan")


def _check_provenance(
    row: Row,
    where: str,
    problems: Problems,
    column: str = "status",
    statuses: tuple[str, ...] = STATUSES,
) -> None:
    if row[column] not in statuses:
        problems.add(
            f"{where}: {column} {row[column]!r} is not one of {', '.join(statuses)}",
            f"{where}：{column} {row[column]!r} 不在 {', '.join(statuses)} 之中",
        )
    if not row.get("source"):
        problems.add(
            f"{where}: source is empty; cite where the value comes from",
            f"{where}：来源为空；请注明数值出处",
        )


def _where(path: Path, index: int, key: str) -> str:
    # Line 1 is the header, so data row `index` (0-based) is on line index + 2.
    return f"{path.name} line {index + 2} ({key})"


def build_rows(
    path: Path,
    rows: list[Row],
    key_column: str,
    parse: Callable[[Row, str, Problems], Callable[[], T]],
    *,
    statuses: tuple[str, ...] = STATUSES,
) -> list[T]:
    """Build one object per row, collecting the parse and range problems of every row.

    Parameters
    ----------
    path
        The table read (named in messages).
    rows
        Its rows as text (`read_table`).
    key_column
        Column that identifies a row (duplicates are reported).
    parse
        ``parse(row, where, problems)`` records the row's cell problems and returns a
        constructor of its object (run only when the row has no problem).
    statuses
        Allowed values of the ``status`` column.

    Raises
    ------
    SchemaError
        Listing every problem of every row (and an empty table).
    """
    problems = Problems(f"coefficient table {path.name!r}", f"系数表 {path.name!r}")
    built: list[T] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = _where(path, index, row[key_column])
        count = len(problems)
        if row[key_column] in seen:
            problems.add(f"{where}: duplicate key", f"{where}：键重复")
        seen.add(row[key_column])
        _check_provenance(row, where, problems, statuses=statuses)
        make = parse(row, where, problems)
        if len(problems) > count:
            continue
        try:
            built.append(make())
        except ParameterError as err:
            problems.add(f"{where}: {err.message('en')}", f"{where}：{err.message('zh')}")
    if not rows:
        problems.add("the table has no rows", "表中没有数据行")
    problems.raise_if_any(SchemaError)
    return built


def _reraise_as_schema(path: Path, err: ParameterError) -> SchemaError:
    msg = f"Coefficient table {path.name!r}: {err.message('en')}. Fix the values in {path}."
    zh = f"系数表 {path.name!r}：{err.message('zh')}。请修改 {path} 中的数值。"
    return SchemaError(msg, zh=zh)


KEY_VALUE_COLUMNS: Final[tuple[str, ...]] = ("key", "value", "unit", "status", "source", "note")


def load_key_value_table(
    filename: str, region_dir: Path | None, *, required_keys: Iterable[str]
) -> tuple[Path, dict[str, Coefficient]]:
    """Read a ``key, value, unit, status, source, note`` table into coefficient records.

    Parameters
    ----------
    filename
        Table name under ``data/coefficients/`` (or the region pack's ``coefficients/``).
    region_dir
        Region pack folder whose copy of the table replaces the default, if it has one.
    required_keys
        Keys the table must hold.

    Returns
    -------
    path, records
        The file read and its records by key.

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every missing column or key, non-number, duplicate key, unknown status and
        empty source.
    """
    path = coefficient_path(filename, region_dir)
    rows = read_table(path, KEY_VALUE_COLUMNS)
    problems = Problems(f"coefficient table {path.name!r}", f"系数表 {path.name!r}")
    records: dict[str, Coefficient] = {}
    for index, row in enumerate(rows):
        where = _where(path, index, row["key"])
        count = len(problems)
        value = _number(row, "value", where, problems)
        _check_provenance(row, where, problems)
        if row["key"] in records:
            problems.add(f"{where}: duplicate key", f"{where}：键重复")
        if len(problems) == count:
            records[row["key"]] = Coefficient(
                row["key"], value, row["unit"], row["status"], row["source"], row["note"]
            )
    missing = [key for key in required_keys if key not in records]
    if missing:
        problems.add(
            f"missing key(s) {', '.join(missing)}; add them", f"缺少键 {'、'.join(missing)}，请补充"
        )
    problems.raise_if_any(SchemaError)
    return path, records


def schema_error_for(path: Path, err: ParameterError) -> SchemaError:
    """Return the `SchemaError` naming ``path`` for a value out of range in that table."""
    return _reraise_as_schema(path, err)


def _parse_factor(row: Row, where: str, problems: Problems) -> Callable[[], Coefficient]:
    value = _number(row, "value", where, problems)
    key = row["key"]
    prefix = key.split(".")[0]
    known = key in _NUTRIENT_SCALARS or (prefix in _NUTRIENT_PREFIXES and "." in key)
    if not known:
        problems.add(
            f"{where}: unknown key {key!r}; known keys are "
            f"{', '.join(_NUTRIENT_SCALARS)} and pe_per_head.<species>, "
            "fert_share_frac.<class>",
            f"{where}：未知键 {key!r}",
        )
    if key in _RANGED:
        for column in ("range_low", "range_high"):
            _number(row, column, where, problems)
    return lambda: Coefficient(key, value, row["unit"], row["status"], row["source"], row["note"])


def load_nutrient_params(region_dir: Path | None = None) -> NutrientParams:
    """Load the 2018 MoA guide's coefficients from ``nutrient_factors.csv``.

    Parameters
    ----------
    region_dir
        Region pack folder; its ``coefficients/nutrient_factors.csv`` replaces the default.

    Raises
    ------
    FileFormatError
        If the file is missing or unreadable.
    SchemaError
        Listing every missing column or key, non-number, unknown status or out-of-range value.
    """
    path = coefficient_path(NUTRIENT_FACTORS_FILE, region_dir)
    rows = read_table(path, NUTRIENT_FACTORS_COLUMNS)
    records = {c.key: c for c in build_rows(path, rows, "key", _parse_factor)}
    missing = [key for key in _NUTRIENT_SCALARS if key not in records]
    if missing:
        msg = f"Coefficient table {path.name!r} lacks the key(s) {', '.join(missing)}; add them."
        raise SchemaError(msg, zh=f"系数表 {path.name!r} 缺少键 {'、'.join(missing)}；请补充。")
    ranges = {
        row["key"]: (float(row["range_low"]), float(row["range_high"]))
        for row in rows
        if row["key"] in _RANGED
    }
    by_prefix = {
        prefix: {
            key.split(".", 1)[1]: c.value
            for key, c in records.items()
            if key.startswith(f"{prefix}.")
        }
        for prefix in _NUTRIENT_PREFIXES
    }
    try:
        return NutrientParams(
            pe_per_head=by_prefix["pe_per_head"],
            fert_share_frac_by_class=by_prefix["fert_share_frac"],
            n_utilisation_range_frac=ranges["n_utilisation_frac"],
            p_utilisation_range_frac=ranges["p_utilisation_frac"],
            sources=records,
            **{key: records[key].value for key in _NUTRIENT_SCALARS},
        )
    except ParameterError as err:
        raise _reraise_as_schema(path, err) from err


def _parse_crop(row: Row, where: str, problems: Problems) -> Callable[[], CropCoefficient]:
    _check_provenance(row, where, problems, column="yield_status")
    n_uptake = _number(row, "n_kg_per_100kg", where, problems)
    p_uptake = _number(row, "p_kg_per_100kg", where, problems)
    default_yield = _number(row, "default_yield_kg_per_mu", where, problems)
    return lambda: CropCoefficient(
        key=row["key"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        n_kg_per_100kg=n_uptake,
        p_kg_per_100kg=p_uptake,
        yield_basis=row["yield_basis"],
        status=row["status"],
        source=row["source"],
        default_yield_kg_per_mu=default_yield,
        yield_status=row["yield_status"],
        yield_source=row["yield_source"],
        note=row["note"],
    )


def load_crop_table(region_dir: Path | None = None) -> CropTable:
    """Load crop uptake per 100 kg and default yields from ``crops.csv``.

    Raises
    ------
    FileFormatError, SchemaError
        As `load_nutrient_params`.
    """
    path = coefficient_path(CROPS_FILE, region_dir)
    crops = build_rows(path, read_table(path, CROPS_COLUMNS), "key", _parse_crop)
    return CropTable({crop.key: crop for crop in crops})


def _parse_stage(row: Row, where: str, problems: Problems) -> Callable[[], ManureRouteStage]:
    n_retention = _number(row, "n_retention_frac", where, problems)
    p_retention = _number(row, "p_retention_frac", where, problems)
    return lambda: ManureRouteStage(
        key=row["key"],
        species=row["species"],
        stage=row["stage"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        n_retention_frac=n_retention,
        p_retention_frac=p_retention,
        status=row["status"],
        source=row["source"],
        note=row["note"],
    )


def load_manure_routes(region_dir: Path | None = None) -> ManureRouteTable:
    """Load manure-handling route stages (N and P retention by species) from ``manure_routes.csv``.

    The guide's per-PE default (`siting.parameters.GUIDE_DEFAULT`) is not a row: it is
    ``n_supply_kg_per_pe`` / ``p_supply_kg_per_pe`` of ``nutrient_factors.csv``.

    Raises
    ------
    FileFormatError, SchemaError
        As `load_nutrient_params`.
    """
    path = coefficient_path(MANURE_ROUTES_FILE, region_dir)
    stages = build_rows(path, read_table(path, MANURE_ROUTES_COLUMNS), "key", _parse_stage)
    return ManureRouteTable({stage.key: stage for stage in stages})


def _parse_grade(row: Row, where: str, problems: Problems) -> Callable[[], WarningGrade]:
    lower = _number(row, "lower", where, problems)
    upper = _number(row, "upper", where, problems)
    return lambda: WarningGrade(
        grade=row["grade"],
        lower=lower,
        upper=upper,
        label_zh=row["label_zh"],
        label_en=row["label_en"],
        status=row["status"],
        source=row["source"],
        note=row["note"],
    )


def load_warning_grades(region_dir: Path | None = None) -> WarningGrades:
    """Load the load-index warning bands from ``warning_grades.csv`` (lowest band first).

    Raises
    ------
    FileFormatError, SchemaError
        As `load_nutrient_params`; also if the bands leave gaps or do not reach infinity.
    """
    path = coefficient_path(WARNING_GRADES_FILE, region_dir)
    grades = build_rows(path, read_table(path, WARNING_GRADES_COLUMNS), "grade", _parse_grade)
    try:
        return WarningGrades(tuple(grades))
    except ParameterError as err:
        raise _reraise_as_schema(path, err) from err
