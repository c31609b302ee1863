"""Regional carrying capacity in pig equivalents and dairy cows, load index and grade (§4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from problems import Problems
from siting.nutrients.explain import ExplainRow, fmt, json_number
from siting.parameters import DAIRY_COW, Coefficient, NutrientParams, WarningGrade, WarningGrades

FloatArray = npt.NDArray[np.float64]


def load_index(present_pe: npt.ArrayLike, capacity_pe: npt.ArrayLike) -> FloatArray:
    """Return ``present ÷ capacity``: 0 where both are 0, infinite where only capacity is 0."""
    present = np.asarray(present_pe, dtype=float)
    capacity = np.asarray(capacity_pe, dtype=float)
    safe = np.where(capacity > 0, capacity, 1.0)
    return np.where(capacity > 0, present / safe, np.where(present > 0, np.inf, 0.0))


def capacity_columns(
    manure_n_demand_kg_per_yr: npt.ArrayLike,
    manure_p_demand_kg_per_yr: npt.ArrayLike,
    present_pe: npt.ArrayLike,
    params: NutrientParams,
    grades: WarningGrades,
) -> dict[str, np.ndarray]:
    """Return capacity, load index and grade arrays for N and P (vectorised over regions).

    Keys: ``capacity_pe_n/p``, ``capacity_dairy_cows_n/p``, ``load_index_n/p`` (floats) and
    ``grade_n/p``, ``grade_label_en_n/p``, ``grade_label_zh_n/p`` (text).
    """
    columns: dict[str, np.ndarray] = {}
    demands = {"n": manure_n_demand_kg_per_yr, "p": manure_p_demand_kg_per_yr}
    for x, demand in demands.items():
        capacity_pe = np.asarray(demand, dtype=float) / getattr(params, f"{x}_supply_kg_per_pe")
        index = load_index(present_pe, capacity_pe)
        band = grades.grade_indices(index)
        columns |= {
            f"capacity_pe_{x}": capacity_pe,
            f"capacity_dairy_cows_{x}": capacity_pe / params.pe_per_head[DAIRY_COW],
            f"load_index_{x}": index,
            f"grade_{x}": np.array([grades.grades[i].grade for i in band], dtype=object),
            f"grade_label_en_{x}": np.array(
                [grades.grades[i].label_en for i in band], dtype=object
            ),
            f"grade_label_zh_{x}": np.array(
                [grades.grades[i].label_zh for i in band], dtype=object
            ),
        }
    return columns


@dataclass(frozen=True, slots=True)
class CountyCapacity:
    """Carrying capacity of a region's land, its present load and warning grade.

    Attributes
    ----------
    manure_n_demand_kg_per_yr, manure_p_demand_kg_per_yr
        Regional crop manure-nutrient demand R_man (kg/yr).
    present_pe
        Pig equivalents on stock now.
    capacity_pe_n, capacity_pe_p
        ``R_man ÷ supply per PE`` (7.0 kg N, 1.2 kg P).
    capacity_dairy_cows_n, capacity_dairy_cows_p
        ``capacity_pe ÷ PE per dairy cow`` (100/15).
    load_index_n, load_index_p
        ``present_pe ÷ capacity_pe`` (> 1 = overloaded; inf when there is load but no land).
    grade_n, grade_p
        Warning grade of each load index.
    """

    manure_n_demand_kg_per_yr: float
    manure_p_demand_kg_per_yr: float
    present_pe: float
    capacity_pe_n: float
    capacity_pe_p: float
    capacity_dairy_cows_n: float
    capacity_dairy_cows_p: float
    load_index_n: float
    load_index_p: float
    grade_n: WarningGrade
    grade_p: WarningGrade
    sources: tuple[Coefficient, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the numbers and grades as a JSON-ready dict (inf becomes None)."""
        data: dict[str, object] = {
            name: json_number(getattr(self, name))
            for name in (
                "manure_n_demand_kg_per_yr",
                "manure_p_demand_kg_per_yr",
                "present_pe",
                "capacity_pe_n",
                "capacity_pe_p",
                "capacity_dairy_cows_n",
                "capacity_dairy_cows_p",
                "load_index_n",
                "load_index_p",
            )
        }
        for x in ("n", "p"):
            grade: WarningGrade = getattr(self, f"grade_{x}")
            data |= {
                f"grade_{x}": grade.grade,
                f"grade_label_en_{x}": grade.label_en,
                f"grade_label_zh_{x}": grade.label_zh,
            }
        return data

    def explain(self) -> tuple[ExplainRow, ...]:
        """Return the capacity, load-index and grade rows, N then P."""
        by_key = {c.key: c for c in self.sources}
        rows: list[ExplainRow] = []
        for x, name in (("n", "N"), ("p", "P")):
            demand = getattr(self, f"manure_{x}_demand_kg_per_yr")
            capacity = getattr(self, f"capacity_pe_{x}")
            grade: WarningGrade = getattr(self, f"grade_{x}")
            supply = by_key[f"{x}_supply_kg_per_pe"]
            rows += [
                ExplainRow(
                    f"capacity_pe_{x}",
                    capacity,
                    "PE",
                    f"{fmt(demand)} kg {name}/yr ÷ {fmt(supply.value)} kg {name}/PE",
                    (supply,),
                ),
                ExplainRow(
                    f"capacity_dairy_cows_{x}",
                    getattr(self, f"capacity_dairy_cows_{x}"),
                    "head",
                    f"{fmt(capacity)} PE ÷ {fmt(by_key[f'pe_per_head.{DAIRY_COW}'].value)} PE/cow",
                    (by_key[f"pe_per_head.{DAIRY_COW}"],),
                ),
                ExplainRow(
                    f"load_index_{x}",
                    getattr(self, f"load_index_{x}"),
                    "ratio",
                    f"{fmt(self.present_pe)} PE ÷ {fmt(capacity)} PE → grade "
                    f"{grade.grade} ({grade.label_en})",
                    grade.coefficients(),
                ),
            ]
        return tuple(rows)


def county_capacity(
    demand_n_kg_per_yr: float,
    demand_p_kg_per_yr: float,
    present_pe: float,
    params: NutrientParams,
    grades: WarningGrades,
) -> CountyCapacity:
    """Return a region's carrying capacity, load index and warning grade on N and P.

    Parameters
    ----------
    demand_n_kg_per_yr, demand_p_kg_per_yr
        Regional crop MANURE-nutrient demand R_man (kg/yr): Σ area × manure demand per 亩.
    present_pe
        Pig equivalents on stock in the region.
    params
        Nutrient coefficients (supply per PE, PE per dairy cow).
    grades
        Warning bands of the load index.

    Returns
    -------
    CountyCapacity

    Raises
    ------
    ParameterError
        If an input is negative or not finite.

    Notes
    -----
    ``capacity_PE = R_man ÷ (7.0 kg N | 1.2 kg P)``; ``load index = present PE ÷ capacity``
    (applied literature), graded by ``grades``.
    """
    problems = Problems("county capacity", "区域承载力")
    for name, value in (
        ("demand_n_kg_per_yr", demand_n_kg_per_yr),
        ("demand_p_kg_per_yr", demand_p_kg_per_yr),
        ("present_pe", present_pe),
    ):
        problems.require_positive(name, value, allow_zero=True)
    problems.raise_if_any()
    columns = capacity_columns(
        [demand_n_kg_per_yr], [demand_p_kg_per_yr], [present_pe], params, grades
    )
    band_n, band_p = (grades.grade_indices(columns[f"load_index_{x}"])[0] for x in ("n", "p"))
    sources = tuple(
        params.coefficient(k)
        for k in ("n_supply_kg_per_pe", "p_supply_kg_per_pe", f"pe_per_head.{DAIRY_COW}")
    )

    def first(name: str) -> float:
        return float(columns[name][0])

    return CountyCapacity(
        float(demand_n_kg_per_yr),
        float(demand_p_kg_per_yr),
        float(present_pe),
        capacity_pe_n=first("capacity_pe_n"),
        capacity_pe_p=first("capacity_pe_p"),
        capacity_dairy_cows_n=first("capacity_dairy_cows_n"),
        capacity_dairy_cows_p=first("capacity_dairy_cows_p"),
        load_index_n=first("load_index_n"),
        load_index_p=first("load_index_p"),
        grade_n=grades.grades[band_n],
        grade_p=grades.grades[band_p],
        sources=(*sources, *grades.coefficients()),
    )
