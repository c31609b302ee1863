"""Warning grades of a manure load index (actual ÷ capacity) with their bands and source."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from errors import ParameterError
from problems import Problems
from siting.parameters.coefficient import Coefficient, check_status


@dataclass(frozen=True, slots=True)
class WarningGrade:
    """One band: an index in (``lower``, ``upper``] gets this grade (the first band has 0).

    Parameters
    ----------
    grade
        Grade code, e.g. ``"II"``.
    lower, upper
        Band limits of the load index (dimensionless); ``upper`` may be ``inf``.
    label_zh, label_en
        Display labels (e.g. 稍有威胁 / slight threat).
    status, source, note
        Provenance of the band.
    """

    grade: str
    lower: float
    upper: float
    label_zh: str
    label_en: str
    status: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        problems = Problems(f"warning grade {self.grade!r}", f"预警等级 {self.grade!r}")
        problems.require_positive("lower", self.lower, allow_zero=True)
        if not self.upper > self.lower:
            problems.add(
                f"upper {self.upper!r} must be above lower {self.lower!r}",
                f"上限 {self.upper!r} 须大于下限 {self.lower!r}",
            )
        check_status(problems, self.grade, self.status)
        problems.raise_if_any()

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the band's upper limit as a record."""
        return (
            Coefficient(
                f"warning_grade.{self.grade}.upper",
                self.upper,
                "load index",
                self.status,
                self.source,
                self.note,
            ),
        )


@dataclass(frozen=True, slots=True)
class WarningGrades:
    """Contiguous bands from 0 to infinity, lowest first.

    Raises
    ------
    ParameterError
        If the bands do not start at 0, leave gaps or overlaps, or do not end at infinity.
    """

    grades: tuple[WarningGrade, ...]

    def __post_init__(self) -> None:
        problems = Problems("warning grades", "预警等级表")
        if not self.grades:
            problems.add("no grade given", "没有等级")
            problems.raise_if_any()
        if self.grades[0].lower != 0:
            problems.add(
                f"first band starts at {self.grades[0].lower!r}, not 0",
                f"第一档起点为 {self.grades[0].lower!r}，不是 0",
            )
        if not math.isinf(self.grades[-1].upper):
            problems.add(
                f"last band ends at {self.grades[-1].upper!r}, not inf",
                f"最后一档终点为 {self.grades[-1].upper!r}，不是 inf",
            )
        for below, above in zip(self.grades, self.grades[1:], strict=False):
            if below.upper != above.lower:
                problems.add(
                    f"grade {below.grade} ends at {below.upper!r} but {above.grade} starts at "
                    f"{above.lower!r}; bands must be contiguous",
                    f"等级 {below.grade} 止于 {below.upper!r}，{above.grade} 起于 {above.lower!r}；"
                    "各档须首尾相接",
                )
        problems.raise_if_any()

    def grade_indices(self, load_index: npt.ArrayLike) -> npt.NDArray[np.intp]:
        """Return, for each load index, the position of its band in `grades`.

        Raises
        ------
        ParameterError
            If an index is negative or NaN.
        """
        values = np.asarray(load_index, dtype=float)
        bad = values[np.isnan(values) | (values < 0)]
        if bad.size:
            first = float(bad[0])
            msg = f"Load index {first!r} cannot be graded; it must be a number >= 0."
            raise ParameterError(msg, zh=f"负荷指数 {first!r} 无法分级；须为不小于 0 的数。")
        uppers = np.array([grade.upper for grade in self.grades])
        return np.searchsorted(uppers, values, side="left")

    def classify(self, load_index: float) -> WarningGrade:
        """Return the grade of one load index (upper limits inclusive: 0.4 is grade I)."""
        return self.grades[int(self.grade_indices([load_index])[0])]

    def coefficients(self) -> tuple[Coefficient, ...]:
        """Return the band limits as records."""
        return tuple(c for grade in self.grades for c in grade.coefficients())
