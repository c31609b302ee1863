"""Criteria weights from an AHP pairwise comparison matrix (Saaty's eigenvector method).

For a positive reciprocal matrix ``A`` (``a_ij`` = how much more important criterion *i* is
than *j* on Saaty's 1-9 scale, ``a_ji = 1 / a_ij``) the weights are the principal right
eigenvector of ``A`` scaled to sum to 1. Consistency (Saaty 1990)::

    CI = (lambda_max - n) / (n - 1)
    CR = CI / RI(n)           # judged consistent when CR < 0.10

with the random index ``RI(n)`` of `RANDOM_INDEX`. Matrices of size 1 and 2 are always
consistent (CR = 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from errors import ParameterError
from problems import Problems

#: Saaty's random consistency index RI(n): mean CI of random reciprocal matrices of size n.
RANDOM_INDEX: Final[dict[int, float]] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
RANDOM_INDEX_SOURCE: Final[str] = (
    "Saaty, T.L. (1990) How to make a decision: the analytic hierarchy process. European "
    "Journal of Operational Research 48(1), 9-26 (random index table)"
)
#: Largest consistency ratio Saaty accepts (same source).
CR_LIMIT: Final[float] = 0.10
_RECIPROCAL_TOL: Final[float] = 1e-6


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of one pairwise comparison matrix.

    ``weights`` follow ``keys`` and sum to 1; ``consistent`` is ``cr < CR_LIMIT``.
    """

    keys: tuple[str, ...]
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    ri_source: str = RANDOM_INDEX_SOURCE

    def weight_map(self) -> dict[str, float]:
        """Return ``{criterion key: weight}``."""
        return dict(zip(self.keys, self.weights, strict=True))

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {
            "weights": self.weight_map(),
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "ri": self.ri,
            "cr": self.cr,
            "consistent": self.consistent,
            "cr_limit": CR_LIMIT,
            "ri_source": self.ri_source,
        }


def ahp_weights(matrix: pd.DataFrame) -> AhpResult:
    """Derive criteria weights and the consistency ratio from a pairwise matrix.

    Parameters
    ----------
    matrix
        Square positive reciprocal matrix; index and columns are the criterion keys in the
        same order, the diagonal is 1.

    Returns
    -------
    AhpResult
        Weights (principal eigenvector, sum 1), lambda_max, CI, RI, CR and ``consistent``.

    Raises
    ------
    ParameterError
        If the matrix is not square with matching labels, has non-positive or non-finite
        entries, a diagonal other than 1, is not reciprocal, or has more than 10 rows (no
        random index); every problem is listed.
    """
    values = _check_matrix(matrix)
    n = values.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(
        keys=tuple(map(str, matrix.index)),
        weights=tuple(map(float, weights)),
        lambda_max=lambda_max,
        ci=float(ci),
        ri=ri,
        cr=float(cr),
        consistent=bool(cr < CR_LIMIT),
    )


def _check_matrix(matrix: pd.DataFrame) -> np.ndarray:
    problems = Problems("AHP pairwise matrix", "AHP 判断矩阵")
    if list(map(str, matrix.index)) != list(map(str, matrix.columns)):
        problems.add(
            f"row labels {list(matrix.index)} must equal column labels "
            f"{list(matrix.columns)} in the same order",
            "行标签须与列标签相同且顺序一致",
        )
        problems.raise_if_any()
    values = matrix.to_numpy(dtype=np.float64)
    n = values.shape[0]
    if not 1 <= n <= max(RANDOM_INDEX):
        problems.add(
            f"{n} criteria; the random index is tabulated for 1..{max(RANDOM_INDEX)}",
            f"共 {n} 项指标，随机一致性指标仅有 1..{max(RANDOM_INDEX)} 阶",
        )
        problems.raise_if_any()
    labels = list(map(str, matrix.index))
    for i, j in zip(*np.nonzero(~np.isfinite(values) | (values <= 0)), strict=True):
        problems.add(
            f"[{labels[i]}, {labels[j]}] = {values[i, j]!r} must be a positive number",
            f"[{labels[i]}, {labels[j]}] = {values[i, j]!r} 须为正数",
        )
    if not problems:
        _check_reciprocal(values, labels, problems)
    problems.raise_if_any(ParameterError)
    return values


def _check_reciprocal(values: np.ndarray, labels: list[str], problems: Problems) -> None:
    for i in range(len(labels)):
        if abs(values[i, i] - 1.0) > _RECIPROCAL_TOL:
            problems.add(
                f"diagonal [{labels[i]}, {labels[i]}] = {values[i, i]:g} must be 1",
                f"对角元 [{labels[i]}, {labels[i]}] = {values[i, i]:g} 须为 1",
            )
    bad = np.abs(values * values.T - 1.0) > _RECIPROCAL_TOL
    for i, j in zip(*np.nonzero(np.triu(bad, k=1)), strict=True):
        problems.add(
            f"[{labels[i]}, {labels[j]}] = {values[i, j]:g} and [{labels[j]}, "
            f"{labels[i]}] = {values[j, i]:g} are not reciprocal (product must be 1)",
            f"[{labels[i]}, {labels[j]}] 与 [{labels[j]}, {labels[i]}] 不互为倒数",
        )
