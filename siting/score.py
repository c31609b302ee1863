"""Score, rank and stress-test candidate sites: gates, weighted criteria, weight sensitivity.

Notes
-----
For a site that passes every checked gate, with normalised criteria ``n_k`` (0-1), weights
``w_k`` and ``A`` the criteria available for that site::

    score = 100 * sum_{k in A} w_k n_k / sum_{k in A} w_k

so the weights of available criteria are renormalised to sum to 1 (a criterion that is not
available, like water headroom before county water caps exist, is left out, never faked).
Sites that fail a gate get no score and no rank. Ranks go 1 = best among passing sites;
equal scores share the better rank.

Weight sensitivity (`weight_sensitivity`): each weight in turn is multiplied by
``1 - delta`` and ``1 + delta`` (others unchanged, then renormalised), the sites are re-ranked,
and each site's best and worst rank over the base case and all perturbations is reported,
together with whether the top site stays on top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from errors import InvalidGeometryError, ParameterError, SchemaError
from geo.validate import require_columns, require_same_crs
from problems import Problems
from siting.ahp import AhpResult, ahp_weights
from siting.criteria import ConstraintLayers, FloatArray, SitingParams
from siting.gates import GateResult, NearestCache, evaluate_gates
from siting.soft_criteria import (
    CRITERION_MEASURES,
    CriterionResult,
    criterion_columns,
    criterion_results,
    weigh,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    import geopandas as gpd

__all__ = [
    "AhpResult",
    "CriteriaWeights",
    "SensitivityResult",
    "SiteResult",
    "SiteScores",
    "ahp_weights",
    "default_weights",
    "score_sites",
    "weight_sensitivity",
    "weights_from_ahp",
]

SITE_COLUMNS: Final[dict[str, str]] = {"site_id": "string", "dairy_cow_head": "float"}
_SCORE_TOL: Final[float] = 1e-9  # scores closer than this (0-100 scale) tie


@dataclass(frozen=True)
class CriteriaWeights:
    """Criteria weights (any non-negative scale; renormalised per site when scoring).

    ``method`` says where they come from: ``direct`` (set or defaults) or ``ahp`` (then
    ``ahp`` holds the matrix result with its consistency ratio).
    """

    items: tuple[tuple[str, float], ...]
    method: Literal["direct", "ahp"] = "direct"
    ahp: AhpResult | None = None

    def __post_init__(self) -> None:
        problems = Problems("criteria weights", "指标权重")
        for key, value in self.items:
            problems.require_positive(key, value, allow_zero=True)
        unknown = sorted({k for k, _ in self.items} - set(CRITERION_MEASURES))
        if unknown:
            problems.add(
                f"unknown criteria {unknown} (known: {sorted(CRITERION_MEASURES)})",
                f"未知指标 {unknown}",
            )
        if not problems and not sum(v for _, v in self.items) > 0:
            problems.add(
                "all weights are zero; give at least one positive weight",
                "权重全为零，请至少设置一个正权重",
            )
        problems.raise_if_any(ParameterError)

    @classmethod
    def from_mapping(cls, weights: Mapping[str, float]) -> CriteriaWeights:
        """Build direct weights from ``{criterion key: weight}``."""
        return cls(items=tuple((str(k), float(v)) for k, v in weights.items()))

    def as_dict(self) -> dict[str, float]:
        """Return ``{criterion key: weight}``."""
        return dict(self.items)


def default_weights(params: SitingParams) -> CriteriaWeights:
    """Return the default weights of the enabled criteria (``default_weight`` column)."""
    return CriteriaWeights.from_mapping(
        {c.key: c.default_weight for c in params.criteria if c.enabled}
    )


def weights_from_ahp(matrix: pd.DataFrame) -> CriteriaWeights:
    """Return weights derived from an AHP pairwise matrix (see `siting.ahp.ahp_weights`)."""
    result = ahp_weights(matrix)
    return CriteriaWeights(items=tuple(result.weight_map().items()), method="ahp", ahp=result)


@dataclass(frozen=True)
class SiteResult:
    """Everything decided about one site: gates, criteria, score and rank."""

    site_id: str
    passed: bool
    gates: tuple[GateResult, ...]
    criteria: tuple[CriterionResult, ...]
    score: float | None
    rank: int | None

    @property
    def failed_gates(self) -> tuple[GateResult, ...]:
        """Gates that were checked and failed."""
        return tuple(g for g in self.gates if g.evaluated and not g.passed)

    @property
    def unchecked_gates(self) -> tuple[GateResult, ...]:
        """Gates that could not be checked (missing layer or terrain)."""
        return tuple(g for g in self.gates if not g.evaluated)


@dataclass(frozen=True)
class SiteScores:
    """Results of `score_sites`, in input order, with the weights used."""

    sites: tuple[SiteResult, ...]
    weights: CriteriaWeights

    def site(self, site_id: str) -> SiteResult:
        """Return the result of ``site_id`` (KeyError if absent)."""
        return {s.site_id: s for s in self.sites}[site_id]

    def to_frame(self) -> pd.DataFrame:
        """Return one row per site: site_id, passed, score, rank, failed_rules."""
        return pd.DataFrame(
            {
                "site_id": [s.site_id for s in self.sites],
                "passed": [s.passed for s in self.sites],
                "score": [s.score for s in self.sites],
                "rank": pd.array([s.rank for s in self.sites], dtype="Int64"),
                "failed_rules": [";".join(g.rule for g in s.failed_gates) for s in self.sites],
            }
        )


def score_sites(
    sites: gpd.GeoDataFrame,
    layers: ConstraintLayers,
    params: SitingParams,
    weights: CriteriaWeights,
    *,
    terrain: pd.DataFrame | None = None,
) -> SiteScores:
    """Check the gates of every site, score the ones that pass and rank them.

    Parameters
    ----------
    sites
        Candidate polygons in ``layers.crs`` with ``site_id`` (unique text) and
        ``dairy_cow_head`` (head, > 0); optional ``absorption_need_mu`` / ``forage_need_mu``
        (亩) for the land criteria.
    layers
        Constraint and context layers (`ConstraintLayers`).
    params
        Gates, criteria and their parameters (`SitingParams`).
    weights
        Criteria weights (`default_weights`, `weights_from_ahp` or user-set).
    terrain
        Per-site slope from `geo.raster.slope_stats` (``site_id``, ``slope_mean_deg``,
        ``slope_max_deg``); None leaves slope gates unchecked and slope criteria unavailable.

    Returns
    -------
    SiteScores
        Per site: ``passed``, gate results (failed ones name feature, value, limit, source),
        criterion results (raw value, normalised, weight, contribution, explanation),
        ``score`` 0-100 (None if a gate failed) and ``rank`` among passing sites.

    Raises
    ------
    SchemaError, CrsMismatchError, InvalidGeometryError, ParameterError
        For missing columns, duplicate ids, a CRS other than ``layers.crs``, empty or
        non-polygon geometry, or herd sizes that are not positive.
    """
    _check_sites(sites, layers)
    site_ids = sites["site_id"].astype(str).tolist()
    nearest = NearestCache(np.asarray(sites.geometry.values))
    gates = evaluate_gates(sites, layers, params, terrain=terrain, nearest=nearest)
    columns = criterion_columns(sites, layers, params, terrain=terrain, nearest=nearest)
    weighted = weigh(columns, weights.as_dict())
    passed = np.array([all(g.passed for g in gates[sid]) for sid in site_ids], dtype=bool)
    scores = np.where(passed, weighted.score, np.nan)
    ranks = _column_ranks(scores)
    criteria = criterion_results(columns, site_ids, weighted)
    results = (
        SiteResult(sid, ok, gates[sid], criteria[sid], _optional(score), _rank(rank))
        for sid, ok, score, rank in zip(
            site_ids, passed.tolist(), scores.tolist(), ranks.tolist(), strict=True
        )
    )
    return SiteScores(sites=tuple(results), weights=weights)


def _column_ranks(scores: FloatArray) -> FloatArray:
    """Return `rank_scores` of the sites with a score, NaN for the others."""
    ranks = np.full(len(scores), np.nan)
    scored = ~np.isnan(scores)
    ranks[scored] = rank_scores(scores[scored])
    return ranks


def _optional(value: float) -> float | None:
    """Return ``value``, None for NaN (a site without a score)."""
    return None if math.isnan(value) else value


def _rank(value: float) -> int | None:
    """Return the rank as an int, None for NaN (a site without a score)."""
    return None if math.isnan(value) else int(value)


def reweight(scores: SiteScores, weights: CriteriaWeights) -> SiteScores:
    """Return ``scores`` scored and ranked again with ``weights`` (gates and criteria kept).

    Only the weights change, so the gate results and measured criteria of `score_sites` are
    reused: the same scores and ranks as `score_sites` with ``weights``, without measuring
    anything again (the site-check page's weight sliders).
    """
    weight_map = weights.as_dict()
    results = []
    for site in scores.sites:
        weighted = _apply_weights(site.criteria, weight_map)
        score = _site_score(weighted) if site.passed else None
        results.append(replace(site, criteria=weighted, score=score, rank=None))
    return SiteScores(sites=_with_ranks(results), weights=weights)


def _check_sites(sites: gpd.GeoDataFrame, layers: ConstraintLayers) -> None:
    require_columns(sites, SITE_COLUMNS, what="candidate sites")
    require_same_crs(sites, layers, names=("candidate sites", "constraint layers"))
    ids = sites["site_id"].astype(str)
    if ids.duplicated().any():
        dupes = sorted(set(ids[ids.duplicated()]))
        msg = f"`candidate sites` repeat site_id {dupes}; give every site its own id."
        raise SchemaError(msg, zh=f"候选场址的 site_id 重复：{dupes}，请为每个场址设唯一编号。")
    bad_geom = ids[
        sites.geometry.isna()
        | sites.geometry.is_empty
        | ~sites.geom_type.isin(["Polygon", "MultiPolygon"])
    ].tolist()
    if bad_geom:
        msg = f"`candidate sites` {bad_geom} have no polygon geometry; draw or upload polygons."
        raise InvalidGeometryError(
            msg, zh=f"候选场址 {bad_geom} 不是有效多边形，请绘制或上传多边形。"
        )
    herd = pd.to_numeric(sites["dairy_cow_head"], errors="coerce")
    bad_herd = ids[~(herd > 0)].tolist()
    if bad_herd:
        msg = f"`candidate sites` {bad_herd}: dairy_cow_head must be a positive number of head."
        raise ParameterError(msg, zh=f"候选场址 {bad_herd}：dairy_cow_head 须为正的头数。")


def _apply_weights(
    criteria: tuple[CriterionResult, ...], weight_map: Mapping[str, float]
) -> tuple[CriterionResult, ...]:
    total = sum(weight_map.get(c.key, 0.0) for c in criteria if c.available)
    out = []
    for c in criteria:
        if not c.available or total <= 0:
            out.append(c)
            continue
        share = weight_map.get(c.key, 0.0) / total
        out.append(replace(c, weight=share, contribution=100.0 * share * (c.normalised or 0.0)))
    return tuple(out)


def _site_score(criteria: tuple[CriterionResult, ...]) -> float | None:
    parts = [c.contribution for c in criteria if c.available and c.contribution is not None]
    return float(sum(parts)) if parts else None


def rank_scores(scores: FloatArray) -> npt.NDArray[np.intp]:
    """Return the rank of each score: 1 = best, equal scores (within 1e-9) share the better.

    The rank is 1 + the number of scores above ``score + 1e-9`` (`_SCORE_TOL`), counted by
    a binary search in the sorted scores (n log n; the chunked batch ranks all its sites
    with it after scoring them in partitions).
    """
    ordered = np.sort(scores)
    above = len(ordered) - np.searchsorted(ordered, scores + _SCORE_TOL, side="right")
    return np.asarray(1 + above, dtype=np.intp)


def _ranks(scores: FloatArray) -> np.ndarray:
    """1 = best; equal scores (within `_SCORE_TOL`) share the better rank."""
    return rank_scores(scores)


def _with_ranks(results: list[SiteResult]) -> tuple[SiteResult, ...]:
    scored = [k for k, r in enumerate(results) if r.score is not None]
    ranks = _ranks(np.array([results[k].score for k in scored], dtype=np.float64))
    ranked = list(results)
    for k, rank in zip(scored, ranks, strict=True):
        ranked[k] = replace(results[k], rank=int(rank))
    return tuple(ranked)


@dataclass(frozen=True)
class SensitivityResult:
    """Rank ranges of the scored sites when each weight moves by ``±delta_frac``.

    ``rank_ranges`` holds ``(site_id, best_rank, worst_rank)``; ``top_changes`` lists the
    perturbations ``(criterion, "+" or "-", new top site)`` that dethrone the top site.
    """

    delta_frac: float
    rank_ranges: tuple[tuple[str, int, int], ...]
    top_site_id: str | None
    top_stays_on_top: bool | None
    top_changes: tuple[tuple[str, str, str], ...]

    def rank_range(self, site_id: str) -> tuple[int, int] | None:
        """Return ``(best, worst)`` rank of ``site_id``, None if it was not scored."""
        return self._by_site.get(site_id)

    @cached_property
    def _by_site(self) -> dict[str, tuple[int, int]]:
        """``site_id -> (best, worst)``: one lookup per site, not a scan (issue 12)."""
        return {sid: (best, worst) for sid, best, worst in self.rank_ranges}

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {
            "delta_frac": self.delta_frac,
            "top_site_id": self.top_site_id,
            "top_stays_on_top": self.top_stays_on_top,
            "rank_ranges": {sid: [b, w] for sid, b, w in self.rank_ranges},
            "top_changes": [
                {"criterion": c, "direction": d, "new_top_site_id": s}
                for c, d, s in self.top_changes
            ],
        }


def weight_sensitivity(scores: SiteScores, *, delta_frac: float = 0.2) -> SensitivityResult:
    """Return each scored site's rank range when every weight moves by ``±delta_frac``.

    Parameters
    ----------
    scores
        Output of `score_sites` (its weights are the base case).
    delta_frac
        Relative change of one weight at a time (0.2 = ±20 %), in (0, 1).

    Raises
    ------
    ParameterError
        If ``delta_frac`` is not in (0, 1).
    """
    if not (math.isfinite(delta_frac) and 0 < delta_frac < 1):
        msg = f"delta_frac = {delta_frac!r} must be a fraction in (0, 1), e.g. 0.2 for ±20%."
        raise ParameterError(
            msg, zh=f"delta_frac = {delta_frac!r} 须在 (0, 1) 之间，如 0.2 表示 ±20%。"
        )
    scored = [s for s in scores.sites if s.score is not None]
    if not scored:
        return SensitivityResult(delta_frac, (), None, None, ())
    keys = sorted({c.key for s in scored for c in s.criteria if c.available})
    base = scores.weights.as_dict()
    w0 = np.array([base.get(k, 0.0) for k in keys])
    values = _normalised_matrix(scored, keys)
    base_ranks = _ranks(_scores_for(values, w0))
    all_ranks, changes = [base_ranks], []
    top = int(np.argmin(base_ranks))
    for j, key in enumerate(keys):
        for sign, label in ((-1.0, "-"), (1.0, "+")):
            w = w0.copy()
            w[j] *= 1.0 + sign * delta_frac
            ranks = _ranks(_scores_for(values, w / w.sum()))
            all_ranks.append(ranks)
            if ranks[top] != 1:
                changes.append((key, label, scored[int(np.argmin(ranks))].site_id))
    stacked = np.vstack(all_ranks)
    ranges = tuple(
        (s.site_id, int(stacked[:, k].min()), int(stacked[:, k].max()))
        for k, s in enumerate(scored)
    )
    return SensitivityResult(delta_frac, ranges, scored[top].site_id, not changes, tuple(changes))


def _normalised_matrix(scored: list[SiteResult], keys: list[str]) -> FloatArray:
    values = np.full((len(scored), len(keys)), np.nan)
    position = {k: j for j, k in enumerate(keys)}
    for i, site in enumerate(scored):
        for c in site.criteria:
            if c.available and c.key in position:
                values[i, position[c.key]] = c.normalised
    return values


def _scores_for(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Scores (0-100) of all sites for one weight vector, renormalised per site."""
    available = ~np.isnan(values)
    w = np.where(available, weights[None, :], 0.0)
    totals = w.sum(axis=1)
    weighted = np.where(available, values, 0.0) * w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, 100.0 * weighted.sum(axis=1) / totals, 0.0)
