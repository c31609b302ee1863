"""Pick the best footprints on a suitability surface, at least a given distance apart.

Greedy with suppression: cells that pass every gate are taken in order of falling score
(ties: the cell read first, top-left to bottom-right); a cell is accepted when it lies at
least ``min_distance_m`` from every cell accepted before it, until ``count`` are accepted.
Greedy is not guaranteed to give the set with the largest total score, but the first pick is
always the best cell and each later pick the best that keeps the distance, which is what a
planner reads the list as; the optimiser (`siting.optimise`) then chooses among them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy.spatial import cKDTree

from problems import Problems
from siting.criteria import FloatArray

__all__ = ["LocatedCells", "locate_cells"]

#: Cells examined per step: rejections within a chunk are vectorised.
_CHUNK_CELLS: Final[int] = 65_536


@dataclass(frozen=True, eq=False)
class LocatedCells:
    """Accepted cells, best first: ``rows``, ``cols`` (grid indices) and ``score`` (0-100)."""

    rows: np.ndarray
    cols: np.ndarray
    score: FloatArray


def _check(count: int, min_distance_m: float, cell_m: float) -> None:
    problems = Problems("locate", "候选场址定位")
    problems.require_positive("count", count)
    problems.require_positive("min_distance_m", min_distance_m, allow_zero=True)
    problems.require_positive("cell_m", cell_m)
    problems.raise_if_any()


def _accept_in_chunk(
    xy_m: FloatArray, accepted: list[FloatArray], min_distance_m: float, room: int
) -> list[int]:
    """Accept chunk positions greedily (best first) against ``accepted`` and each other."""
    alive = np.arange(len(xy_m))
    if accepted:
        distance_m, _ = cKDTree(np.array(accepted)).query(xy_m, distance_upper_bound=min_distance_m)
        alive = alive[distance_m >= min_distance_m]
    chosen: list[int] = []
    while alive.size and len(chosen) < room:
        k = int(alive[0])
        chosen.append(k)
        accepted.append(xy_m[k])
        rest = alive[1:]
        alive = rest[np.hypot(*(xy_m[rest] - xy_m[k]).T) >= min_distance_m]
    return chosen


def locate_cells(
    score: FloatArray, *, cell_m: float, count: int, min_distance_m: float
) -> LocatedCells:
    """Return up to ``count`` cells of highest score, pairwise at least ``min_distance_m`` apart.

    Parameters
    ----------
    score
        Score per cell (0-100), NaN where a gate fails or outside the region (2-D grid).
    cell_m
        Cell size (m); distances are between cell centres.
    count
        How many cells to return (fewer when the surface has no more room).
    min_distance_m
        Least centre-to-centre distance between two accepted cells (m).

    Raises
    ------
    ParameterError
        If ``count`` or ``cell_m`` is not positive, or ``min_distance_m`` is negative.
    """
    _check(count, min_distance_m, cell_m)
    flat = np.asarray(score, dtype=np.float64).ravel()
    valid = np.flatnonzero(np.isfinite(flat))
    order = valid[np.argsort(-flat[valid], kind="stable")]
    width = score.shape[1]
    accepted: list[FloatArray] = []
    picks: list[int] = []
    for start in range(0, len(order), _CHUNK_CELLS):
        cells = order[start : start + _CHUNK_CELLS]
        xy_m = np.column_stack([cells % width, cells // width]).astype(np.float64) * cell_m
        picks += [
            int(cells[k])
            for k in _accept_in_chunk(xy_m, accepted, min_distance_m, count - len(picks))
        ]
        if len(picks) >= count:
            break
    chosen = np.array(picks, dtype=np.int64)
    return LocatedCells(rows=chosen // width, cols=chosen % width, score=flat[chosen])
