"""Checks of an allocation table before the store saves it.

An allocation row says that site ``site_id`` spreads manure on parcel ``parcel_id``: the
share of the parcel's capacity it takes (``share_frac``, 0-1), the parcel area it uses
(``area_mu``), the N and P it applies (``n_kg_per_yr``, ``p_kg_per_yr``) and the haul distance
(``haul_km``). ``county_code`` (the parcel's county) is optional.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

import numpy as np
import pandas as pd

from errors import SchemaError
from problems import Problems
from store.frame_schema import ALLOCATION_INPUT_COLUMNS, ALLOCATION_NUMBER_COLUMNS

_TEXT_COLUMNS: Final[tuple[str, ...]] = ("site_id", "parcel_id", "county_code")
_OPTIONAL: Final[tuple[str, ...]] = ("county_code",)
_SHOWN_ROWS: Final[int] = 5


def check_allocations(
    allocations: pd.DataFrame, site_ids: Collection[str], scenario_name: str
) -> pd.DataFrame:
    """Return ``allocations`` as typed columns `ALLOCATION_INPUT_COLUMNS`, or raise.

    Raises
    ------
    SchemaError
        For missing or unknown columns, or identifiers that are not text.
    ParameterError
        For missing, negative or non-finite numbers, shares above 1, or sites that are not
        live sites of the scenario (all problems listed at once).
    """
    what = f"allocations for scenario {scenario_name!r}"
    problems = Problems(what, f"方案 {scenario_name!r} 的消纳分配")
    _check_columns(problems, allocations)
    problems.raise_if_any(SchemaError)
    frame = allocations.reset_index(drop=True).copy()
    if "county_code" not in frame.columns:
        frame["county_code"] = None
    for col in ALLOCATION_NUMBER_COLUMNS:
        _check_numbers(problems, col, frame[col])
    unknown = sorted(set(frame["site_id"].dropna()) - set(site_ids))
    if unknown:
        problems.add(
            f"site_id {', '.join(map(repr, unknown[:_SHOWN_ROWS]))} are not sites of "
            "the scenario (deleted or from another scenario); recompute the allocation",
            f"site_id {', '.join(map(repr, unknown[:_SHOWN_ROWS]))} "
            "不是本方案的站点；请重新计算分配",
        )
    problems.raise_if_any()
    return frame.loc[:, list(ALLOCATION_INPUT_COLUMNS)]


def _check_columns(problems: Problems, frame: pd.DataFrame) -> None:
    required = [c for c in ALLOCATION_INPUT_COLUMNS if c not in _OPTIONAL]
    missing = [c for c in required if c not in frame.columns]
    unknown = [str(c) for c in frame.columns if c not in ALLOCATION_INPUT_COLUMNS]
    if missing:
        problems.add(f"missing column(s) {', '.join(missing)}", f"缺少列：{'、'.join(missing)}")
    if unknown:
        problems.add(
            f"unknown column(s) {', '.join(unknown)} (the store keeps "
            f"{', '.join(ALLOCATION_INPUT_COLUMNS)}); drop or rename them",
            f"未知列：{'、'.join(unknown)}；请删除或改名",
        )
    for col in _TEXT_COLUMNS:
        if col in frame.columns and not _is_text(frame[col], optional=col in _OPTIONAL):
            problems.add(
                f"{col} must be text identifiers without gaps (zero-padded codes are "
                f"text), got dtype {frame[col].dtype}",
                f"{col} 须为文本标识且不能为空（代码应为补零的文本），实际类型 {frame[col].dtype}",
            )


def _is_text(values: pd.Series, *, optional: bool) -> bool:
    present = values.dropna() if optional else values
    return bool(present.map(lambda v: isinstance(v, str) and v != "").all())


def _check_numbers(problems: Problems, col: str, values: pd.Series) -> None:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    finite = pd.Series(np.isfinite(numbers.to_numpy()), index=numbers.index)
    bad = ~finite | (numbers < 0)
    if col == "share_frac":
        bad |= numbers > 1
    if bad.any():
        rows = list(bad[bad].index[:_SHOWN_ROWS])
        limit, limit_zh = (
            ("a fraction in [0, 1]", "0–1 之间的比例")
            if col == "share_frac"
            else ("a finite number >= 0", "不小于 0 的有限数")
        )
        problems.add(
            f"{col} must be {limit}; rows {rows} have {values[bad].head(_SHOWN_ROWS).tolist()}",
            f"{col} 须为{limit_zh}；第 {rows} 行不符",
        )
