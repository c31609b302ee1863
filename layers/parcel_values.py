"""Value checks and normalisation of parcel layers (schema: `layers.parcels.PARCEL_COLUMNS`).

`normalise_user_parcels` maps a user's columns onto ours, fills what is missing from defaults
or documented fallbacks, converts values written in common ways (Chinese crop names, 1/2/3
soil classes, 是/否) and reports every problem of the file in one `SchemaError`.
`check_parcel_values` checks an already-normalised layer (the generated one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

import geopandas as gpd

from errors import SchemaError
from layers.parcel_model import SOIL_CLASSES

if TYPE_CHECKING:
    from pandas._typing import Scalar

    from siting.parameters.crops import CropTable

# Columns the user must supply (file or defaults); the others have fallbacks.
USER_REQUIRED: tuple[str, ...] = ("crop", "soil_n_class", "soil_p_class", "manure_allowed")
USER_ID_PREFIX: str = "U-"
_ID_DIGITS = 6
_MAX_LISTED = 10
_CLASS_ALIASES: dict[str, str] = {
    "1": "I",
    "2": "II",
    "3": "III",
    "一": "I",
    "二": "II",
    "三": "III",
}
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "可", "允许"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "不可", "不允许"})

# One problem = (English text, Chinese text).
_Problem = tuple[str, str]


def check_parcel_values(parcels: pd.DataFrame, crop_keys: set[str], *, what: str) -> None:
    """Check crop keys, soil classes, yields, Olsen-P and ids of a normalised parcel layer.

    Raises
    ------
    SchemaError
        Listing every problem (with the offending parcel ids) at once.
    """
    labels = parcels["parcel_id"].astype(str)
    problems = _crop_problems(parcels["crop"], labels, crop_keys)
    for column in ("soil_n_class", "soil_p_class"):
        problems += _listed(
            ~parcels[column].isin(SOIL_CLASSES),
            labels,
            parcels[column],
            f"{column} is not one of I, II, III",
            f"{column} 不是 I、II、III 之一",
        )
    for column in ("yield_kg_per_mu", "olsen_p_mg_per_kg", "area_mu"):
        problems += _listed(
            parcels[column] < 0,
            labels,
            parcels[column],
            f"{column} is negative",
            f"{column} 为负数",
        )
    problems += _duplicate_problems(labels)
    _raise(problems, what)


def normalise_user_parcels(
    features: gpd.GeoDataFrame,
    *,
    column_map: Mapping[str, str],
    defaults: Mapping[str, object],
    columns: Mapping[str, str],
    crops: CropTable,
    counties: gpd.GeoDataFrame,
    what: str,
) -> gpd.GeoDataFrame:
    """Return ``features`` renamed, filled and converted to the parcel schema.

    ``features`` come from `geo.io.read_vector` (EPSG:4326, with ``feature_no``);
    ``columns`` is the parcel schema; ``counties`` (EPSG:4326, ``adcode``) give the county of
    parcels without one. ``area_mu`` is left to the caller (measured from the geometry).

    Raises
    ------
    SchemaError
        Listing every mapping, missing-column and value problem at once.
    """
    problems = _mapping_problems(features, column_map, defaults, columns)
    labels = features["feature_no"].map(lambda no: f"feature {no}")
    frame = pd.DataFrame(
        {
            ours: features[user]
            for user, ours in column_map.items()
            if user in features.columns and ours in columns
        },
        index=features.index,
    )
    for column in USER_REQUIRED:
        if column not in frame.columns and column not in defaults:
            problems.append(
                (
                    f"no '{column}' column: map a file column to it or give a default",
                    f"缺少“{column}”列：请将文件中的某列对应到它，或给出默认值",
                )
            )
    frame = _fill(frame, defaults)
    if problems:
        _raise(problems, what)
    out, problems = _convert(frame, labels, crops)
    out["parcel_id"] = _ids(frame, features["feature_no"])
    out["adcode"] = _adcodes(frame, features, counties)
    problems += _duplicate_problems(out["parcel_id"])
    problems += _listed(
        out["adcode"].isna(),
        labels,
        out["adcode"],
        "lies in no county of the region",
        "不在本地区任何旗县区内",
    )
    _raise(problems, what)
    out["area_mu"] = np.nan
    return gpd.GeoDataFrame(out, geometry=features.geometry, crs=features.crs)


def _mapping_problems(
    features: pd.DataFrame,
    column_map: Mapping[str, str],
    defaults: Mapping[str, object],
    columns: Mapping[str, str],
) -> list[_Problem]:
    present = [str(c) for c in features.columns if c not in ("feature_no", "geometry")]
    known = ", ".join(columns)
    problems = [
        (
            f"column mapping names '{user}', which is not in the file (its columns: "
            f"{', '.join(present)})",
            f"列对应关系中的“{user}”不在文件中（文件列：{'、'.join(present)}）",
        )
        for user in column_map
        if user not in features.columns
    ]
    problems += [
        (
            f"column mapping target '{ours}' is not a parcel column ({known})",
            f"列对应关系的目标“{ours}”不是地块字段（{known}）",
        )
        for ours in column_map.values()
        if ours not in columns
    ]
    targets = pd.Series(list(column_map.values()), dtype=object)
    problems += [
        (f"several file columns are mapped to '{ours}'", f"多个文件列对应到“{ours}”")
        for ours in sorted(set(targets[targets.duplicated()]))
    ]
    problems += [
        (
            f"default given for unknown column '{name}' ({known})",
            f"为未知字段“{name}”给出了默认值（{known}）",
        )
        for name in defaults
        if name not in columns
    ]
    return problems


def _fill(frame: pd.DataFrame, defaults: Mapping[str, object]) -> pd.DataFrame:
    out = frame.copy()
    for name, value in defaults.items():
        if name in out.columns:
            blank = out[name].isna() | (out[name].astype(str).str.strip() == "")
            out[name] = out[name].astype(object).where(~blank, value)
        else:
            # pandas broadcasts any object as a column value; its stubs accept only the
            # scalar types they know, so the default is passed through as declared.
            out[name] = cast("Scalar", value)
    return out


def _convert(
    frame: pd.DataFrame, labels: pd.Series, crops: CropTable
) -> tuple[pd.DataFrame, list[_Problem]]:
    crop, problems = _crop_keys(frame["crop"], labels, crops)
    out = pd.DataFrame({"crop": crop}, index=frame.index)
    for column in ("soil_n_class", "soil_p_class"):
        out[column], found = _soil_classes(frame[column], labels, column)
        problems += found
    default_yield = crop.map(
        lambda key: crops.get(key).default_yield_kg_per_mu if key in crops else np.nan
    )
    given = (
        frame["yield_kg_per_mu"]
        if "yield_kg_per_mu" in frame
        else pd.Series(np.nan, index=frame.index)
    )
    out["yield_kg_per_mu"], found = _numbers(given, labels, "yield_kg_per_mu")
    out["yield_kg_per_mu"] = out["yield_kg_per_mu"].fillna(default_yield).astype("float64")
    problems += found
    olsen = frame.get("olsen_p_mg_per_kg", pd.Series(np.nan, index=frame.index))
    out["olsen_p_mg_per_kg"], found = _numbers(olsen, labels, "olsen_p_mg_per_kg")
    problems += found
    out["manure_allowed"], found = _booleans(frame["manure_allowed"], labels, "manure_allowed")
    problems += found
    illustrative = frame.get("illustrative", pd.Series(False, index=frame.index))
    out["illustrative"], found = _booleans(illustrative, labels, "illustrative")
    return out, problems + found


def _crop_keys(
    values: pd.Series, labels: pd.Series, crops: CropTable
) -> tuple[pd.Series, list[_Problem]]:
    by_name = {crops.get(key).name_zh: key for key in crops}
    text = values.astype(str).str.strip()
    keys = text.map(lambda v: by_name.get(v, v.lower()))
    return keys, _crop_problems(keys, labels, set(crops), shown=text, crops=crops)


def _crop_problems(
    keys: pd.Series,
    labels: pd.Series,
    known: set[str],
    *,
    shown: pd.Series | None = None,
    crops: CropTable | None = None,
) -> list[_Problem]:
    bad = ~keys.isin(known)
    if not bool(bad.any()):
        return []
    names = ", ".join(f"{k} ({crops.get(k).name_zh})" if crops else k for k in sorted(known))
    values = shown if shown is not None else keys
    unknown = ", ".join(sorted({repr(v) for v in values[bad]})[:_MAX_LISTED])
    return [
        (
            f"unknown crop(s) {unknown} in {_where(bad, labels)}; known crops: {names}",
            f"未知作物 {unknown}（{_where(bad, labels)}）；已知作物：{names}",
        )
    ]


def _soil_classes(
    values: pd.Series, labels: pd.Series, column: str
) -> tuple[pd.Series, list[_Problem]]:
    text = values.astype(str).str.strip().str.upper()
    classes = text.map(lambda v: _CLASS_ALIASES.get(v, v))
    return classes, _listed(
        ~classes.isin(SOIL_CLASSES),
        labels,
        values,
        f"{column} is not one of I, II, III (or 1, 2, 3)",
        f"{column} 不是 I、II、III（或 1、2、3）之一",
    )


def _numbers(values: pd.Series, labels: pd.Series, column: str) -> tuple[pd.Series, list[_Problem]]:
    blank = values.isna() | (values.astype(str).str.strip() == "")
    numbers = pd.to_numeric(values.where(~blank), errors="coerce")
    problems = _listed(
        numbers.isna() & ~blank, labels, values, f"{column} is not a number", f"{column} 不是数字"
    )
    problems += _listed(numbers < 0, labels, values, f"{column} is negative", f"{column} 为负数")
    return numbers.astype("float64"), problems


def _parse_bool(value: object) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _booleans(
    values: pd.Series, labels: pd.Series, column: str
) -> tuple[pd.Series, list[_Problem]]:
    parsed = values.map(_parse_bool)
    problems = _listed(
        parsed.isna(),
        labels,
        values,
        f"{column} is not true/false (1/0, 是/否)",
        f"{column} 不是 是/否（true/false、1/0）",
    )
    return parsed.fillna(False).astype(bool), problems


def _ids(frame: pd.DataFrame, feature_no: pd.Series) -> pd.Series:
    generated = feature_no.map(lambda no: f"{USER_ID_PREFIX}{int(no):0{_ID_DIGITS}d}")
    if "parcel_id" not in frame.columns:
        return generated
    given = frame["parcel_id"].astype(str).str.strip()
    return given.where(frame["parcel_id"].notna() & (given != ""), generated)


def _adcodes(
    frame: pd.DataFrame, features: gpd.GeoDataFrame, counties: gpd.GeoDataFrame
) -> pd.Series:
    if "adcode" in frame.columns:
        given = frame["adcode"].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
        return given.where(given.isin(set(counties["adcode"])))
    points = gpd.GeoDataFrame(geometry=features.representative_point(), crs=features.crs)
    joined = points.sjoin(counties[["adcode", "geometry"]], how="left", predicate="within")
    adcodes: pd.Series = joined.loc[~joined.index.duplicated(), "adcode"]
    return adcodes.reindex(features.index)


def _duplicate_problems(ids: pd.Series) -> list[_Problem]:
    repeated = sorted(set(ids[ids.duplicated()].astype(str)))
    if not repeated:
        return []
    shown = ", ".join(repeated[:_MAX_LISTED])
    return [(f"parcel_id repeated: {shown}", f"parcel_id 重复：{shown}")]


def _where(mask: pd.Series, labels: pd.Series) -> str:
    shown = list(labels[mask].astype(str))
    return ", ".join(shown[:_MAX_LISTED]) + (" ..." if len(shown) > _MAX_LISTED else "")


def _listed(
    mask: pd.Series, labels: pd.Series, values: pd.Series, rule: str, rule_zh: str
) -> list[_Problem]:
    mask = mask.fillna(False).astype(bool)
    if not bool(mask.any()):
        return []
    shown = ", ".join(repr(v) for v in values[mask].tolist()[:_MAX_LISTED])
    where = _where(mask, labels)
    return [(f"{rule} in {where}: {shown}", f"{rule_zh}（{where}）：{shown}")]


def _raise(problems: list[_Problem], what: str) -> None:
    if not problems:
        return
    lines_en = "\n".join(f"- {en}" for en, _ in problems)
    lines_zh = "\n".join(f"- {zh}" for _, zh in problems)
    msg = (
        f"Parcel layer {what!r} has {len(problems)} problem(s):\n{lines_en}\nFix the file, "
        "the column mapping or the defaults (parcel columns: layers/parcels.py)."
    )
    zh = (
        f"地块图层 {what!r} 有 {len(problems)} 处问题：\n{lines_zh}\n"
        "请修改文件、列对应关系或默认值。"
    )
    raise SchemaError(msg, zh=zh)
