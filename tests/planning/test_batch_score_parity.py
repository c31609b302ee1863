"""Batch scoring (issue 12): every site's result in a batch equals the site scored alone.

200 candidates (the 15 demo candidates shifted on a grid, as `bench.bench_batch_score`
makes them) are assessed at once (`siting.assess.assess_sites`: gates and criteria as
columns, one spatial query per layer, result objects built once) and one at a time, each
with its own slope (`planning.siting_inputs.site_terrain` of that site alone). Gates,
criteria, needs, scores and texts must agree to 1e-9 relative, the batch ranks must be the
ranks of the per-site scores, and weighting the batch's criteria again one site at a time
(`siting.score.reweight`) must give the same weights, points and scores.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import affinity

from layers.region import load_region
from locales import Message
from planning.site_scoring import ScoreOptions, ScoringSetup, load_scoring_setup
from planning.siting_inputs import site_terrain
from siting.assess import NEED_COLUMNS, SiteAssessment, assess_sites
from siting.gates import GateResult
from siting.score import SiteResult, rank_scores, reweight
from siting.soft_criteria import CriterionResult

REGION = load_region("hohhot")
N_SITES = 200
SHIFT_DEG = 0.004
REL = 1e-9


@pytest.fixture(scope="module")
def setup() -> ScoringSetup:
    return load_scoring_setup(REGION, ScoreOptions())


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    demo = gpd.read_file(REGION.dir / "demo_candidates.geojson")
    side = math.ceil(math.sqrt(math.ceil(N_SITES / len(demo))))
    rows = []
    for k in range(N_SITES):
        base, step = demo.iloc[k % len(demo)], k // len(demo)
        dx, dy = (step % side - side // 2) * SHIFT_DEG, (step // side - side // 2) * SHIFT_DEG
        rows.append(
            {
                "site_id": f"B-{k + 1:05d}",
                "dairy_cow_head": float(base["dairy_cow_head"]),
                "geometry": affinity.translate(base.geometry, dx, dy),
            }
        )
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=demo.crs)


def _assess(sites: gpd.GeoDataFrame, setup: ScoringSetup) -> SiteAssessment:
    inputs = setup.inputs
    return assess_sites(
        sites,
        inputs.layers,
        setup.params,
        setup.weights,
        needs=inputs.needs,
        terrain=site_terrain(sites, inputs),
    )


@pytest.fixture(scope="module")
def batch(sites: gpd.GeoDataFrame, setup: ScoringSetup) -> SiteAssessment:
    return _assess(sites, setup)


@pytest.fixture(scope="module")
def alone(sites: gpd.GeoDataFrame, setup: ScoringSetup) -> list[SiteAssessment]:
    return [_assess(sites.iloc[[k]], setup) for k in range(len(sites))]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == pytest.approx(b, rel=REL, abs=0.0)


def _texts(message: Message | None) -> tuple[str, str] | None:
    return None if message is None else (message.render("en"), message.render("zh"))


def _same_gate(a: GateResult, b: GateResult) -> bool:
    return (
        (a.rule, a.evaluated, a.passed, a.feature_id, a.feature_name)
        == (b.rule, b.evaluated, b.passed, b.feature_id, b.feature_name)
        and _close(a.measured_value, b.measured_value)
        and _texts(a.message) == _texts(b.message)
    )


def _same_criterion(a: CriterionResult, b: CriterionResult) -> bool:
    numbers = ("raw_value", "normalised", "weight", "contribution")
    return (
        (a.key, a.available) == (b.key, b.available)
        and all(_close(getattr(a, n), getattr(b, n)) for n in numbers)
        and _texts(a.explanation) == _texts(b.explanation)
        and _texts(a.reason_unavailable) == _texts(b.reason_unavailable)
        and _texts(a.value_function) == _texts(b.value_function)
    )


def _same_site(a: SiteResult, b: SiteResult) -> bool:
    return (
        (a.site_id, a.passed) == (b.site_id, b.passed)
        and _close(a.score, b.score)
        and len(a.gates) == len(b.gates)
        and all(_same_gate(x, y) for x, y in zip(a.gates, b.gates, strict=True))
        and len(a.criteria) == len(b.criteria)
        and all(_same_criterion(x, y) for x, y in zip(a.criteria, b.criteria, strict=True))
    )


def test_the_sample_mixes_passing_and_failing_sites(batch: SiteAssessment) -> None:
    passed = [s.passed for s in batch.scores.sites]
    assert 0 < sum(passed) < len(passed)
    assert any(c.available and c.contribution for s in batch.scores.sites for c in s.criteria)


def test_batch_equals_each_site_alone(batch: SiteAssessment, alone: list[SiteAssessment]) -> None:
    for k, site in enumerate(batch.scores.sites):
        (one,) = alone[k].scores.sites
        assert _same_site(site, one), site.site_id


def test_batch_needs_equal_each_site_alone(
    batch: SiteAssessment, alone: list[SiteAssessment]
) -> None:
    for k, one in enumerate(alone):
        for column in NEED_COLUMNS:
            got, expected = batch.sites[column].iloc[k], one.sites[column].iloc[0]
            assert _close(float(got), float(expected)), (k, column)
        for column in ("adcode", "absorption_basis", "receiving_land", "forage_need_basis"):
            assert batch.sites[column].iloc[k] == one.sites[column].iloc[0], (k, column)


def test_batch_ranks_are_the_ranks_of_the_scores_alone(
    batch: SiteAssessment, alone: list[SiteAssessment]
) -> None:
    scores = [a.scores.sites[0].score for a in alone]
    scored = [k for k, s in enumerate(scores) if s is not None]
    expected = rank_scores(np.array([scores[k] for k in scored], dtype=np.float64))
    got = [batch.scores.sites[k].rank for k in scored]
    assert got == expected.tolist()
    assert all(s.rank is None for s in batch.scores.sites if s.score is None)


def test_weights_as_columns_equal_the_per_site_weighting(batch: SiteAssessment) -> None:
    again = reweight(batch.scores, batch.scores.weights)
    for a, b in zip(batch.scores.sites, again.sites, strict=True):
        assert a.rank == b.rank
        assert _same_site(a, b), a.site_id
