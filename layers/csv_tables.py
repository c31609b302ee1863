"""Hand-written CSV tables of a region pack: read, type-check and report every problem at once.

Every cell is read as text and converted here, so that a bad value is reported with its file,
CSV line and column instead of silently becoming NaN or a float adcode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from errors import FileFormatError, SchemaError

ColumnType = Literal["adcode", "str", "str_optional", "int", "float"]
# Vocabulary of the `status` column of every parameter and target table.
STATUSES: tuple[str, ...] = ("verified", "corroborated", "recalled", "illustrative", "derived")

_ADCODE_PATTERN = re.compile(r"^\d{6}$")
_MAX_LISTED = 10
# First CSV data line is line 2 (line 1 is the header).
_FIRST_DATA_LINE = 2

# One problem = (English text, Chinese text).
Problem = tuple[str, str]


@dataclass(frozen=True)
class RecordRules:
    """Row rules of a record table: one row per ``key`` (a county, a plant ...).

    Parameters
    ----------
    key
        Column whose values must be unique; the table is returned sorted by it.
    non_negative
        Numeric columns that may not be negative.
    """

    key: str
    non_negative: tuple[str, ...] = ()


def _no_more_problems(table: pd.DataFrame) -> list[Problem]:
    return []


def read_record_table(
    path: Path,
    columns: Mapping[str, ColumnType],
    rules: RecordRules,
    *,
    what: str,
    more_problems: Callable[[pd.DataFrame], list[Problem]] = _no_more_problems,
) -> pd.DataFrame:
    """Read, check and return a record table of a region pack (every problem at once).

    The checks, in the order they are listed: the cells (`read_csv_table`), negative values
    in ``rules.non_negative``, the table's own ``more_problems``, a ``status`` outside
    `STATUSES` (when the table has that column) and a repeated ``rules.key``.

    Raises
    ------
    FileFormatError
        If the file is missing or not a UTF-8 CSV.
    SchemaError
        Listing every problem found.
    """
    table, problems = read_csv_table(path, columns, what=what)
    for column in rules.non_negative:
        problems += rows_problem(table[column] < 0, table, column, "is negative", "为负数")
    problems += more_problems(table)
    if "status" in columns:
        problems += rows_problem(
            ~table["status"].isin(STATUSES),
            table,
            "status",
            f"is not one of {', '.join(STATUSES)}",
            "状态取值无效",
        )
    problems += rows_problem(
        table[rules.key].duplicated(keep=False), table, rules.key, "is repeated", "重复"
    )
    raise_problems(path, problems, what=what)
    return table.sort_values(rules.key).reset_index(drop=True)


def read_csv_table(
    path: Path,
    columns: Mapping[str, ColumnType],
    *,
    what: str,
    aliases: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a UTF-8 CSV and convert its declared columns.

    Parameters
    ----------
    path
        The CSV file.
    columns
        Required column -> type: ``adcode`` (6-digit text), ``str`` (non-empty text),
        ``str_optional`` (text, may be empty), ``int``, ``float``.
    what
        Name of the table in messages (e.g. ``"forage targets"``).
    aliases
        Old column name -> declared name: a file with the old name (and without the new
        one) is read as if it had the new one (tables written before a rename).

    Returns
    -------
    table, problems
        ``table`` holds only the declared columns, converted (a bad number becomes NaN, a bad
        integer 0); ``problems`` lists every (English, Chinese) problem found in the cells.
        The caller adds its own checks and then calls `raise_problems`.

    Raises
    ------
    FileFormatError
        If the file does not exist or is not a UTF-8 CSV.
    SchemaError
        If required columns are missing (all of them listed).
    """
    raw = _read_text_frame(path, what=what)
    old_names = {
        old: new
        for old, new in (aliases or {}).items()
        if old in raw.columns and new not in raw.columns
    }
    raw = raw.rename(columns=old_names)
    missing = [name for name in columns if name not in raw.columns]
    if missing:
        problem = (
            f"missing column(s) {', '.join(missing)} (has: {', '.join(raw.columns)})",
            f"缺少列 {', '.join(missing)}（现有：{', '.join(raw.columns)}）",
        )
        raise_problems(path, [problem], what=what)
    problems: list[Problem] = []
    table = pd.DataFrame(index=raw.index)
    for name, kind in columns.items():
        table[name], column_problems = _convert(raw[name], name, kind)
        problems += column_problems
    return table, problems


def rows_problem(
    mask: pd.Series, table: pd.DataFrame, column: str, rule: str, rule_zh: str
) -> list[Problem]:
    """Return one problem naming the CSV lines (and values) where ``mask`` is True."""
    if not bool(mask.any()):
        return []
    lines = _lines(mask)
    values = ", ".join(repr(v) for v in table.loc[mask, column].tolist()[:_MAX_LISTED])
    return [
        (
            f"column {column!r} {rule} on line(s) {lines}: {values}",
            f"列 {column!r} 第 {lines} 行{rule_zh}：{values}",
        )
    ]


def raise_problems(path: Path, problems: list[Problem], *, what: str) -> None:
    """Raise one bilingual `SchemaError` listing every problem of table ``path``, if any."""
    if not problems:
        return
    lines_en = "\n".join(f"- {en}" for en, _ in problems)
    lines_zh = "\n".join(f"- {zh}" for _, zh in problems)
    msg = (
        f"The {what} table {path.name!r} ({path}) has {len(problems)} problem(s):\n"
        f"{lines_en}\nCorrect the file (columns and units: data/README.md)."
    )
    zh = (
        f"{what} 表 {path.name!r} 有 {len(problems)} 处问题：\n{lines_zh}\n"
        "请修改该文件（列与单位见 data/README.md）。"
    )
    raise SchemaError(msg, zh=zh)


def _read_text_frame(path: Path, *, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as err:
        msg = f"The {what} table {path} does not exist. Check the region manifest's `file`."
        zh = f"{what} 表 {path} 不存在，请检查地区清单中的 file。"
        raise FileFormatError(msg, zh=zh) from err
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = f"The {what} table {path} is not a readable UTF-8 CSV: {err}. Save it as UTF-8 CSV."
        zh = f"{what} 表 {path} 不是可读取的 UTF-8 CSV 文件：{err}。请另存为 UTF-8 CSV。"
        raise FileFormatError(msg, zh=zh) from err


def _convert(text: pd.Series, name: str, kind: ColumnType) -> tuple[pd.Series, list[Problem]]:
    stripped = text.str.strip()
    frame = stripped.to_frame(name)
    if kind == "str_optional":
        return stripped, []
    if kind == "str":
        return stripped, rows_problem(stripped == "", frame, name, "is empty", "为空")
    if kind == "adcode":
        bad = ~stripped.str.fullmatch(_ADCODE_PATTERN.pattern)
        return stripped, rows_problem(
            bad, frame, name, "is not a 6-digit code", "不是 6 位行政区划代码"
        )
    numbers = pd.to_numeric(stripped, errors="coerce")
    if kind == "float":
        return numbers.astype("float64"), rows_problem(
            numbers.isna(), frame, name, "is not a number", "不是数字"
        )
    bad = numbers.isna() | (numbers % 1 != 0)
    problems = rows_problem(bad, frame, name, "is not an integer", "不是整数")
    return numbers.where(~bad, 0).astype("int64"), problems


def _lines(mask: pd.Series) -> str:
    positions = [i for i, flag in enumerate(mask.tolist()) if flag]
    shown = ", ".join(str(i + _FIRST_DATA_LINE) for i in positions[:_MAX_LISTED])
    return shown + (" ..." if len(positions) > _MAX_LISTED else "")
