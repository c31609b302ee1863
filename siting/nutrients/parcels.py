"""Manure absorption capacity of cropland parcels and the per-county balance (vectorised).

The parcel layer (one row per parcel, any CRS; areas already measured in the analysis CRS)
must have the columns of `PARCEL_COLUMNS`; the herd table ``adcode`` plus head-count columns,
mapped to species keys explicitly (``species_columns``) or by name (``<species>_head``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeVar

import numpy as np
import pandas as pd

from errors import SchemaError
from problems import Problems
from siting.nutrients.capacity import capacity_columns
from siting.nutrients.demand import manure_demand_kg_per_mu
from siting.parameters import SOIL_CLASSES, CropTable, NutrientParams, WarningGrades

Frame = TypeVar("Frame", bound=pd.DataFrame)

#: Required parcel columns and their dtypes (the parcel layer's contract).
PARCEL_COLUMNS: Final[dict[str, str]] = {
    "adcode": "string",  # 6-digit county code, text
    "area_mu": "float64",  # parcel area in 亩, measured in the analysis CRS
    "crop": "string",  # crop key of crops.csv (maize, silage_corn, alfalfa ...)
    "yield_kg_per_mu": "float64",  # target yield on the crop's yield basis, >= 0
    "soil_n_class": "string",  # I, II or III (guide 附表2, total N)
    "soil_p_class": "string",  # I, II or III (guide 附表2, Olsen-P)
    "manure_allowed": "bool",  # False where manure may not be spread
}
#: Columns `parcel_absorption_capacity` adds (kg/亩 and kg/yr).
PARCEL_CAPACITY_COLUMNS: Final[tuple[str, ...]] = (
    "n_demand_kg_per_mu",
    "p_demand_kg_per_mu",
    "n_capacity_kg_per_yr",
    "p_capacity_kg_per_yr",
)
HERD_KEY_COLUMN: Final[str] = "adcode"
HEAD_SUFFIX: Final[str] = "_head"
#: Columns of `county_balance`'s result, in order.
COUNTY_BALANCE_COLUMNS: Final[tuple[str, ...]] = (
    "adcode",
    "area_mu",
    "manure_area_mu",
    "manure_n_demand_kg_per_yr",
    "manure_p_demand_kg_per_yr",
    "present_pe",
    "capacity_pe_n",
    "capacity_pe_p",
    "capacity_dairy_cows_n",
    "capacity_dairy_cows_p",
    "load_index_n",
    "load_index_p",
    "grade_n",
    "grade_p",
    "grade_label_en_n",
    "grade_label_en_p",
    "grade_label_zh_n",
    "grade_label_zh_p",
)
_MAX_LISTED = 5


def _bad_rows(
    problems: Problems, frame: pd.DataFrame, mask: pd.Series, column: str, rule: str, rule_zh: str
) -> None:
    if bool(mask.any()):
        labels = ", ".join(map(str, frame.index[mask][:_MAX_LISTED]))
        values = ", ".join(repr(v) for v in frame.loc[mask, column].tolist()[:_MAX_LISTED])
        problems.add(
            f"{column} {rule} in {int(mask.sum())} row(s) (rows {labels}: {values})",
            f"{column} {rule_zh}，共 {int(mask.sum())} 行（行 {labels}：{values}）",
        )


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _lookup(keys: pd.Series, values: dict[str, float]) -> np.ndarray:
    """Return ``values[key]`` for every key (keys already validated), fast for text columns."""
    codes, uniques = pd.factorize(keys)
    return np.array([values[key] for key in uniques], dtype=float)[codes]


def _require_columns(
    frame: pd.DataFrame, columns: tuple[str, ...] | dict[str, str], what: str, what_zh: str
) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"{what} lacks the column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, frame.columns))}. Add them."
        )
        raise SchemaError(msg, zh=f"{what_zh}缺少列 {'、'.join(missing)}。请补充。")


def _check_parcels(parcels: pd.DataFrame, crops: CropTable) -> None:
    _require_columns(parcels, PARCEL_COLUMNS, "parcels", "地块图层")
    problems = Problems("parcels", "地块图层")
    area, yields = _numeric(parcels, "area_mu"), _numeric(parcels, "yield_kg_per_mu")
    _bad_rows(
        problems,
        parcels,
        ~((area >= 0) & np.isfinite(area)),
        "area_mu",
        "must be a number >= 0",
        "须为不小于 0 的数",
    )
    _bad_rows(
        problems,
        parcels,
        ~((yields >= 0) & np.isfinite(yields)),
        "yield_kg_per_mu",
        "must be a number >= 0 (0 = no harvest, no manure demand)",
        "须为不小于 0 的数",
    )
    _bad_rows(
        problems,
        parcels,
        ~parcels["crop"].isin(list(crops)),
        "crop",
        f"is not a known crop ({', '.join(crops)})",
        f"不是已知作物（{', '.join(crops)}）",
    )
    for column in ("soil_n_class", "soil_p_class"):
        _bad_rows(
            problems,
            parcels,
            ~parcels[column].isin(SOIL_CLASSES),
            column,
            f"is not one of {', '.join(SOIL_CLASSES)}",
            f"不在 {', '.join(SOIL_CLASSES)} 之中",
        )
    _bad_rows(
        problems,
        parcels,
        ~parcels["manure_allowed"].isin([True, False]),
        "manure_allowed",
        "must be True or False",
        "须为 True 或 False",
    )
    problems.raise_if_any(SchemaError)


def parcel_absorption_capacity(parcels: Frame, crops: CropTable, params: NutrientParams) -> Frame:
    """Return a copy of ``parcels`` with each parcel's manure N and P demand and capacity.

    Parameters
    ----------
    parcels
        DataFrame or GeoDataFrame with `PARCEL_COLUMNS` (areas in 亩 measured in the
        analysis CRS; the geometry, if any, is not used).
    crops
        Crop uptake table.
    params
        Nutrient coefficients (fertilisation share, manure share, utilisation).

    Returns
    -------
    parcels_with_capacity
        The input (not modified) plus ``n_demand_kg_per_mu``, ``p_demand_kg_per_mu`` (manure
        nutrient per 亩, as `crop_manure_demand`) and ``n_capacity_kg_per_yr``,
        ``p_capacity_kg_per_yr`` = ``area_mu × demand`` (0 where manure is not allowed).

    Raises
    ------
    SchemaError
        Listing every missing column, bad area or yield, unknown crop or soil class.
    """
    _check_parcels(parcels, crops)
    allowed = parcels["manure_allowed"].astype(bool).to_numpy()
    area = _numeric(parcels, "area_mu").to_numpy()
    added: dict[str, np.ndarray] = {}
    for x in ("n", "p"):
        uptake = _lookup(
            parcels["crop"], {k: getattr(crops.get(k), f"{x}_kg_per_100kg") for k in crops}
        )
        fert = _lookup(parcels[f"soil_{x}_class"], dict(params.fert_share_frac_by_class))
        demand = manure_demand_kg_per_mu(
            _numeric(parcels, "yield_kg_per_mu").to_numpy(),
            uptake,
            fert,
            params.manure_share_frac,
            getattr(params, f"{x}_utilisation_frac"),
        )
        added[f"{x}_demand_kg_per_mu"] = demand
        added[f"{x}_capacity_kg_per_yr"] = np.where(allowed, area * demand, 0.0)
    return parcels.assign(**{name: added[name] for name in PARCEL_CAPACITY_COLUMNS})


def _inferred_species_columns(herd: pd.DataFrame, params: NutrientParams) -> dict[str, str]:
    """Map head-count column -> species from the names (``<species>_head`` or ``<species>``)."""
    problems = Problems("herd table", "存栏表")
    found: dict[str, str] = {}
    for column in map(str, herd.columns):
        species = column.removesuffix(HEAD_SUFFIX)
        if species in params.pe_per_head:
            if species in found.values():
                problems.add(
                    f"species {species!r} has two columns; pass species_columns",
                    f"畜种 {species!r} 有两列；请给出 species_columns",
                )
            found[column] = species
        elif column.endswith(HEAD_SUFFIX):
            problems.add(
                f"column {column!r} is not a known species "
                f"({', '.join(params.pe_per_head)}); pass species_columns to map it",
                f"列 {column!r} 不是已知畜种（{', '.join(params.pe_per_head)}）；"
                "请用 species_columns 指定",
            )
    problems.raise_if_any(SchemaError)
    return found


def _explicit_species_columns(
    herd: pd.DataFrame, params: NutrientParams, species_columns: Mapping[str, str]
) -> dict[str, str]:
    """Check a given head-count column -> species mapping against the table and factors."""
    problems = Problems("herd table", "存栏表")
    for column, species in species_columns.items():
        if column not in herd.columns:
            problems.add(f"column {column!r} is missing", f"缺少列 {column!r}")
        if species not in params.pe_per_head:
            problems.add(
                f"column {column!r} maps to unknown species {species!r} "
                f"({', '.join(params.pe_per_head)})",
                f"列 {column!r} 对应未知畜种 {species!r}",
            )
    problems.raise_if_any(SchemaError)
    return dict(species_columns)


def herd_pig_equivalents(
    herd: pd.DataFrame,
    params: NutrientParams,
    *,
    species_columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return ``adcode`` and ``present_pe`` (Σ head × PE per head) for each row of ``herd``.

    Parameters
    ----------
    herd
        ``adcode`` plus head on stock per species.
    params
        Nutrient coefficients (``pe_per_head``).
    species_columns
        Head-count column -> species key (several columns may share a species, e.g. dairy
        and meat goats -> ``goat``; they are added). None infers it from the column names
        ``<species>_head`` or ``<species>``.

    Raises
    ------
    SchemaError
        If ``adcode`` is missing or repeated, a species column is unknown or missing, or a
        head count is negative or not a number.
    """
    _require_columns(herd, (HERD_KEY_COLUMN,), "herd table", "存栏表")
    columns = (
        _inferred_species_columns(herd, params)
        if species_columns is None
        else _explicit_species_columns(herd, params, species_columns)
    )
    problems = Problems("herd table", "存栏表")
    _bad_rows(
        problems,
        herd,
        herd[HERD_KEY_COLUMN].duplicated(keep=False),
        HERD_KEY_COLUMN,
        "is repeated",
        "重复",
    )
    present = np.zeros(len(herd))
    for column, species in columns.items():
        head = _numeric(herd, column)
        _bad_rows(
            problems,
            herd,
            ~(head >= 0),
            column,
            "must be a head count >= 0",
            "须为不小于 0 的存栏数",
        )
        present = present + head.to_numpy() * params.pe_per_head[species]
    problems.raise_if_any(SchemaError)
    return pd.DataFrame(
        {HERD_KEY_COLUMN: herd[HERD_KEY_COLUMN].astype("string").to_numpy(), "present_pe": present}
    )


def county_balance(
    parcels_with_capacity: pd.DataFrame,
    herd_by_county: pd.DataFrame,
    params: NutrientParams,
    grades: WarningGrades,
    *,
    species_columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return one row per county: capacity (PE, dairy cows), present load, index and grade.

    Parameters
    ----------
    parcels_with_capacity
        Output of `parcel_absorption_capacity` (needs ``adcode``, ``area_mu``,
        ``manure_allowed``, ``n_capacity_kg_per_yr``, ``p_capacity_kg_per_yr``).
    herd_by_county
        ``adcode`` plus head on stock per species (``dairy_cow_head`` ... or ``dairy_cow``).
    params, grades
        Nutrient coefficients and warning bands.
    species_columns
        Head-count column -> species key, as in `herd_pig_equivalents`.

    Returns
    -------
    balance
        Columns `COUNTY_BALANCE_COLUMNS`, sorted by adcode: land totals (亩), manure N/P
        demand R_man (kg/yr), ``present_pe``, capacity in PE and dairy cows, load index and
        grade on N and on P. A county with herd but no parcels has capacity 0 and an infinite
        load index (grade VI); one with parcels but no herd has load 0.

    Raises
    ------
    SchemaError
        As `herd_pig_equivalents`, or if the parcel columns are missing.
    """
    needed = ("adcode", "area_mu", "manure_allowed", "n_capacity_kg_per_yr", "p_capacity_kg_per_yr")
    _require_columns(parcels_with_capacity, needed, "parcels", "地块图层")
    land = (
        pd.DataFrame(parcels_with_capacity[list(needed)])
        .assign(
            adcode=lambda f: f["adcode"].astype("string"),
            manure_area_mu=lambda f: f["area_mu"].where(f["manure_allowed"].astype(bool), 0.0),
        )
        .groupby("adcode", as_index=False)
        .agg(
            area_mu=("area_mu", "sum"),
            manure_area_mu=("manure_area_mu", "sum"),
            manure_n_demand_kg_per_yr=("n_capacity_kg_per_yr", "sum"),
            manure_p_demand_kg_per_yr=("p_capacity_kg_per_yr", "sum"),
        )
    )
    present = herd_pig_equivalents(herd_by_county, params, species_columns=species_columns)
    balance = (
        land.merge(present, on="adcode", how="outer")
        .fillna(0.0)
        .sort_values("adcode", ignore_index=True)
    )
    columns = capacity_columns(
        balance["manure_n_demand_kg_per_yr"],
        balance["manure_p_demand_kg_per_yr"],
        balance["present_pe"],
        params,
        grades,
    )
    return balance.assign(**columns)[list(COUNTY_BALANCE_COLUMNS)]
