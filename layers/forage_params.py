"""Load the forage, water-quota and build-out coefficient tables into frozen parameter objects.

Default tables are in ``data/coefficients/`` (a region pack replaces a whole table with a
file of the same name in ``<region_dir>/coefficients/``, as `layers.coefficients`):

* ``forage_rations.csv`` - ``key`` (= ``<animal_class>.<feed>``), ``animal_class``, ``feed``,
  ``value`` (t as fed per head per yr), ``unit``, ``range_low``, ``range_high``;
* ``herd_structure.csv`` - ``key`` (a dairy class), ``value`` (share of the dairy herd);
* ``forage_feeding.csv`` - ``key`` (``grass_hay_as_oat_hay_frac``, ``storage_loss_frac``),
  ``value`` (fraction), ``range_low``, ``range_high``;
* ``forage_yields.csv`` - ``key`` (= ``<zone>.<crop>``), ``zone``, ``crop``, ``value`` (t/亩);
* ``water_quotas.csv`` - ``key`` (``livestock.<class>`` or ``irrigation.<zone>.<crop>``),
  ``use``, ``item``, ``zone``, ``value`` (L/head/day or m³/亩/yr);
* ``buildout.csv`` - ``key`` (``ramp_frac.<i>``, ``warning_band_frac``, ``load_index_limit``,
  ``load_index_warning``), ``value``.

Every table also has ``unit``, ``status``, ``source`` and ``note``. Per-county forage yields
come from the region pack's optional layer of kind ``forage_yield_overrides`` (columns
``adcode, name_zh, crop, yield_t_per_mu, status, source, note``). All problems of a table are
listed in one `SchemaError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from errors import ParameterError, SchemaError
from layers.coefficients import coefficient_path, read_table
from layers.csv_tables import STATUSES, ColumnType, raise_problems, read_csv_table, rows_problem
from problems import Problems
from siting.parameters import BuildoutParams, Coefficient, ForageParams, WaterParams
from siting.parameters.forage import FEEDING_KEYS

if TYPE_CHECKING:
    from layers.region import Region

FORAGE_RATIONS_FILE: Final[str] = "forage_rations.csv"
HERD_STRUCTURE_FILE: Final[str] = "herd_structure.csv"
FORAGE_FEEDING_FILE: Final[str] = "forage_feeding.csv"
FORAGE_YIELDS_FILE: Final[str] = "forage_yields.csv"
WATER_QUOTAS_FILE: Final[str] = "water_quotas.csv"
BUILDOUT_FILE: Final[str] = "buildout.csv"
YIELD_OVERRIDES_KIND: Final[str] = "forage_yield_overrides"

_BASE: Final[tuple[str, ...]] = ("key", "value", "unit", "status", "source", "note")
_RANGE: Final[tuple[str, ...]] = ("range_low", "range_high")
RATIONS_COLUMNS: Final[tuple[str, ...]] = (*_BASE, "animal_class", "feed", *_RANGE)
HERD_STRUCTURE_COLUMNS: Final[tuple[str, ...]] = _BASE
FEEDING_COLUMNS: Final[tuple[str, ...]] = (*_BASE, *_RANGE)
YIELDS_COLUMNS: Final[tuple[str, ...]] = (*_BASE, "zone", "crop", *_RANGE)
WATER_COLUMNS: Final[tuple[str, ...]] = (*_BASE, "use", "item", "zone", *_RANGE)
BUILDOUT_COLUMNS: Final[tuple[str, ...]] = _BASE
_OVERRIDE_COLUMNS: Final[dict[str, ColumnType]] = {
    "adcode": "adcode",
    "name_zh": "str",
    "crop": "str",
    "yield_t_per_mu": "float",
    "status": "str",
    "source": "str",
    "note": "str_optional",
}
_BUILDOUT_SCALARS: Final[tuple[str, ...]] = (
    "warning_band_frac",
    "load_index_limit",
    "load_index_warning",
)
_RAMP_PREFIX: Final[str] = "ramp_frac."
_FEEDING: Final[str] = "feeding"

Row = dict[str, str]
T = TypeVar("T")
# Returns the record key of a row, or records a problem and returns None.
KeyRule = Callable[[Row, str, Problems], "str | None"]


def _where(path: Path, index: int, key: str) -> str:
    return f"{path.name} line {index + 2} ({key})"


def _records(path: Path, rows: list[Row], key_rule: KeyRule) -> dict[str, Coefficient]:
    """Return ``record key -> Coefficient`` of every row, all problems raised at once."""
    problems = Problems(f"coefficient table {path.name!r}", f"系数表 {path.name!r}")
    records: dict[str, Coefficient] = {}
    for index, row in enumerate(rows):
        where = _where(path, index, row["key"])
        count = len(problems)
        key = key_rule(row, where, problems)
        value = _number(row["value"], where, problems)
        if row["status"] not in STATUSES:
            problems.add(
                f"{where}: status {row['status']!r} is not one of {', '.join(STATUSES)}",
                f"{where}：status {row['status']!r} 不在 {', '.join(STATUSES)} 之中",
            )
        if not row["source"]:
            problems.add(
                f"{where}: source is empty; cite where the value comes from",
                f"{where}：来源为空；请注明数值出处",
            )
        if key is not None and key in records:
            problems.add(f"{where}: duplicate key", f"{where}：键重复")
        if key is None or len(problems) > count:
            continue
        records[key] = Coefficient(
            key, value, row["unit"], row["status"], row["source"], row["note"]
        )
    if not rows:
        problems.add("the table has no rows", "表中没有数据行")
    problems.raise_if_any(SchemaError)
    return records


def _number(text: str, where: str, problems: Problems) -> float:
    try:
        return float(text)
    except ValueError:
        problems.add(
            f"{where}: value {text!r} is not a number", f"{where}：value {text!r} 不是数字"
        )
        return float("nan")


def _joined_key(prefix: str, *columns: str) -> KeyRule:
    """Key rule: the ``key`` column must equal the named columns joined by dots."""

    def rule(row: Row, where: str, problems: Problems) -> str | None:
        expected = ".".join(row[c] for c in columns)
        if row["key"] != expected:
            problems.add(
                f"{where}: key {row['key']!r} must be {expected!r} ({' . '.join(columns)})",
                f"{where}：key 应为 {expected!r}",
            )
            return None
        return f"{prefix}.{expected}" if prefix else expected

    return rule


def _plain_key(prefix: str) -> KeyRule:
    def rule(row: Row, where: str, problems: Problems) -> str | None:
        return f"{prefix}.{row['key']}"

    return rule


def _build(path: Path, make: Callable[[], T]) -> T:
    try:
        return make()
    except ParameterError as err:
        msg = f"Coefficient table {path.name!r}: {err.message('en')}. Fix the values in {path}."
        zh = f"系数表 {path.name!r}：{err.message('zh')}。请修改 {path} 中的数值。"
        raise SchemaError(msg, zh=zh) from err


def _table(records: dict[str, Coefficient], prefix: str) -> dict[str, dict[str, float]]:
    """Return ``outer -> inner -> value`` of the records ``<prefix>.<outer>.<inner>``."""
    table: dict[str, dict[str, float]] = {}
    for key, record in records.items():
        if key.startswith(f"{prefix}."):
            outer, inner = key.removeprefix(f"{prefix}.").split(".", 1)
            table.setdefault(outer, {})[inner] = record.value
    return table


def load_forage_params(region: Region | None = None) -> ForageParams:
    """Load rations, herd structure, zone yields and the region's per-county yields.

    Parameters
    ----------
    region
        Region pack: its ``coefficients/`` copies replace the default tables and its layer
        of kind ``forage_yield_overrides`` (if declared) gives per-county yields.

    Raises
    ------
    FileFormatError
        If a table is missing or unreadable.
    SchemaError
        Listing every missing column, bad key, non-number, unknown status, empty source or
        out-of-range value of a table.
    """
    region_dir = region.dir if region is not None else None
    paths = {
        name: coefficient_path(name, region_dir)
        for name in (
            FORAGE_RATIONS_FILE,
            HERD_STRUCTURE_FILE,
            FORAGE_YIELDS_FILE,
            FORAGE_FEEDING_FILE,
        )
    }
    rations = _records(
        paths[FORAGE_RATIONS_FILE],
        read_table(paths[FORAGE_RATIONS_FILE], RATIONS_COLUMNS),
        _joined_key("ration", "animal_class", "feed"),
    )
    shares = _records(
        paths[HERD_STRUCTURE_FILE],
        read_table(paths[HERD_STRUCTURE_FILE], HERD_STRUCTURE_COLUMNS),
        _plain_key("herd_share"),
    )
    yields = _records(
        paths[FORAGE_YIELDS_FILE],
        read_table(paths[FORAGE_YIELDS_FILE], YIELDS_COLUMNS),
        _joined_key("yield", "zone", "crop"),
    )
    feeding = _records(
        paths[FORAGE_FEEDING_FILE],
        read_table(paths[FORAGE_FEEDING_FILE], FEEDING_COLUMNS),
        _feeding_key,
    )
    overrides = _yield_overrides(region) if region is not None else {}
    sources = {**rations, **shares, **yields, **feeding, **overrides}
    return _build(
        paths[FORAGE_RATIONS_FILE],
        lambda: ForageParams(
            ration_t_per_head_yr=_table(rations, "ration"),
            herd_share_frac={k.removeprefix("herd_share."): c.value for k, c in shares.items()},
            yield_t_per_mu=_table(yields, "yield"),
            county_yield_t_per_mu=_table(overrides, "yield_override"),
            sources=sources,
            **{k.removeprefix(f"{_FEEDING}."): c.value for k, c in feeding.items()},
        ),
    )


def _feeding_key(row: Row, where: str, problems: Problems) -> str | None:
    if row["key"] in FEEDING_KEYS:
        return f"{_FEEDING}.{row['key']}"
    problems.add(
        f"{where}: unknown key {row['key']!r}; known: {', '.join(FEEDING_KEYS)}",
        f"{where}：未知键 {row['key']!r}",
    )
    return None


def _yield_overrides(region: Region) -> dict[str, Coefficient]:
    specs = [s for s in region.layers.values() if s.kind == YIELD_OVERRIDES_KIND]
    if not specs:
        return {}
    path = region.layer_path(region.layer_of_kind(YIELD_OVERRIDES_KIND).name)
    what = "forage yield overrides"
    table, problems = read_csv_table(path, _OVERRIDE_COLUMNS, what=what)
    problems += rows_problem(
        ~table["status"].isin(STATUSES),
        table,
        "status",
        f"is not one of {', '.join(STATUSES)}",
        "状态取值无效",
    )
    problems += rows_problem(
        ~(table["yield_t_per_mu"] > 0), table, "yield_t_per_mu", "must be > 0", "须大于 0"
    )
    problems += rows_problem(
        table.duplicated(["adcode", "crop"], keep=False),
        table,
        "adcode",
        "repeats an (adcode, crop) pair",
        "存在重复的（县, 作物）",
    )
    raise_problems(path, problems, what=what)
    rows = zip(
        table["adcode"],
        table["crop"],
        table["yield_t_per_mu"],
        table["status"],
        table["source"],
        table["note"],
        strict=True,
    )
    return {
        f"yield_override.{adcode}.{crop}": Coefficient(
            f"yield_override.{adcode}.{crop}",
            float(value),
            "t per mu",
            str(status),
            str(source),
            str(note),
        )
        for adcode, crop, value, status, source, note in rows
    }


def _water_key(row: Row, where: str, problems: Problems) -> str | None:
    if row["use"] == "livestock":
        return _joined_key("", "use", "item")(row, where, problems)
    if row["use"] == "irrigation":
        return _joined_key("", "use", "zone", "item")(row, where, problems)
    problems.add(
        f"{where}: use {row['use']!r} is not 'livestock' or 'irrigation'",
        f"{where}：use {row['use']!r} 应为 livestock 或 irrigation",
    )
    return None


def load_water_params(region_dir: Path | None = None) -> WaterParams:
    """Load the livestock and irrigation water quotas from ``water_quotas.csv``.

    Raises
    ------
    FileFormatError, SchemaError
        As `load_forage_params`.
    """
    path = coefficient_path(WATER_QUOTAS_FILE, region_dir)
    records = _records(path, read_table(path, WATER_COLUMNS), _water_key)
    livestock = {
        k.removeprefix("livestock."): c.value
        for k, c in records.items()
        if k.startswith("livestock.")
    }
    return _build(
        path,
        lambda: WaterParams(
            livestock_l_per_head_day=livestock,
            irrigation_m3_per_mu=_table(records, "irrigation"),
            sources=records,
        ),
    )


def _buildout_key(row: Row, where: str, problems: Problems) -> str | None:
    key = row["key"]
    ramp_index = key.removeprefix(_RAMP_PREFIX)
    if key in _BUILDOUT_SCALARS or (key.startswith(_RAMP_PREFIX) and ramp_index.isdigit()):
        return key
    problems.add(
        f"{where}: unknown key {key!r}; known: {', '.join(_BUILDOUT_SCALARS)}, "
        "ramp_frac.<0, 1, 2 ...>",
        f"{where}：未知键 {key!r}",
    )
    return None


def load_buildout_params(region_dir: Path | None = None) -> BuildoutParams:
    """Load the herd ramp, warning band and load-index limits from ``buildout.csv``.

    Raises
    ------
    FileFormatError, SchemaError
        As `load_forage_params`; also if a key is missing or the ramp skips a year.
    """
    path = coefficient_path(BUILDOUT_FILE, region_dir)
    records = _records(path, read_table(path, BUILDOUT_COLUMNS), _buildout_key)
    ramp = {
        int(k.removeprefix(_RAMP_PREFIX)): c.value
        for k, c in records.items()
        if k.startswith(_RAMP_PREFIX)
    }
    missing = [k for k in _BUILDOUT_SCALARS if k not in records]
    if missing or sorted(ramp) != list(range(len(ramp))):
        msg = (
            f"Coefficient table {path.name!r} lacks the key(s) {', '.join(missing) or '-'} "
            f"or its ramp_frac.<i> keys {sorted(ramp)} do not run 0, 1, 2 ...; fix {path}."
        )
        zh = f"系数表 {path.name!r} 缺少键 {'、'.join(missing) or '-'}，或 ramp_frac 序号不连续。"
        raise SchemaError(msg, zh=zh)
    return _build(
        path,
        lambda: BuildoutParams(
            ramp_frac=tuple(ramp[i] for i in range(len(ramp))),
            sources=records,
            **{k: records[k].value for k in _BUILDOUT_SCALARS},
        ),
    )
