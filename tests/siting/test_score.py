"""Scores, ranks, AHP weights and the weight-sensitivity check."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point, box

from errors import ParameterError, SchemaError
from layers.siting_params import load_ahp_matrix, load_siting_params
from siting.ahp import CR_LIMIT, RANDOM_INDEX, ahp_weights
from siting.criteria import ConstraintLayers, CriterionSpec, SitingParams
from siting.parameters.coefficient import Coefficient
from siting.score import (
    CriteriaWeights,
    default_weights,
    reweight,
    score_sites,
    weight_sensitivity,
    weights_from_ahp,
)

CRS = "EPSG:4546"
X0, Y0 = 500_000.0, 4_500_000.0

# Saaty (1990) "How to make a decision: the analytic hierarchy process", European Journal of
# Operational Research 48, 9-26: the house-buying example (8 criteria: size, transportation,
# neighbourhood, age, yard, modern facilities, general condition, financing). Published:
# lambda_max = 9.669, CI = 0.238, CR = 0.169, priorities .173 .054 .188 .018 .031 .036 .167 .333.
SAATY_1990_HOUSE = """\
1 5 3 7 6 6 1/3 1/4
1/5 1 1/3 5 3 3 1/5 1/7
1/3 3 1 6 3 4 6 1/5
1/7 1/5 1/6 1 1/3 1/4 1/7 1/8
1/6 1/3 1/3 3 1 1/2 1/5 1/6
1/6 1/3 1/4 4 2 1 1/5 1/6
3 5 1/6 7 5 5 1 1/2
4 7 5 8 6 6 2 1"""
SAATY_1990_PRIORITIES = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]


def _matrix(text: str) -> pd.DataFrame:
    rows = [[float(Fraction(x)) for x in line.split()] for line in text.splitlines()]
    keys = [f"c{i}" for i in range(len(rows))]
    return pd.DataFrame(rows, index=keys, columns=keys)


def test_ahp_matches_saaty_1990_house_example() -> None:
    result = ahp_weights(_matrix(SAATY_1990_HOUSE))
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.ci == pytest.approx(0.238, abs=5e-4)
    assert result.ri == 1.41
    assert result.cr == pytest.approx(0.169, abs=5e-4)
    assert not result.consistent  # 0.169 > 0.10: Saaty asks to revise the judgements
    np.testing.assert_allclose(result.weights, SAATY_1990_PRIORITIES, atol=5e-4)
    assert sum(result.weights) == pytest.approx(1.0)


def test_ahp_of_a_perfectly_consistent_matrix() -> None:
    # a_ij = w_i / w_j for w = (4, 2, 1): lambda_max = n, CI = CR = 0.
    w = np.array([4.0, 2.0, 1.0])
    matrix = pd.DataFrame(w[:, None] / w[None, :], index=list("abc"), columns=list("abc"))
    result = ahp_weights(matrix)
    np.testing.assert_allclose(result.weights, w / w.sum())
    assert result.lambda_max == pytest.approx(3.0)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.consistent and RANDOM_INDEX[3] == 0.58


def test_default_ahp_matrix_is_consistent_and_matches_default_weights() -> None:
    weights = weights_from_ahp(load_ahp_matrix())
    assert weights.method == "ahp" and weights.ahp is not None
    assert weights.ahp.cr < CR_LIMIT
    defaults = default_weights(load_siting_params()).as_dict()
    for key, value in weights.as_dict().items():
        assert defaults[key] == pytest.approx(value, abs=0.01)  # the CSV rounds to 0.01


def test_ahp_rejects_bad_matrices() -> None:
    with pytest.raises(ParameterError, match=r"\[a, b\] = 2 and \[b, a\] = 2 are not reciprocal"):
        ahp_weights(pd.DataFrame([[1, 2], [2, 1]], index=["a", "b"], columns=["a", "b"]))
    with pytest.raises(ParameterError, match="must be a positive number"):
        ahp_weights(pd.DataFrame([[1, -2], [-0.5, 1]], index=["a", "b"], columns=["a", "b"]))
    with pytest.raises(ParameterError, match="row labels"):
        ahp_weights(pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["b", "a"]))
    with pytest.raises(ParameterError, match="diagonal"):
        ahp_weights(pd.DataFrame([[2, 2], [0.5, 1]], index=["a", "b"], columns=["a", "b"]))
    keys = [f"k{i}" for i in range(11)]
    with pytest.raises(ParameterError, match="11 criteria"):
        ahp_weights(pd.DataFrame(np.ones((11, 11)), index=keys, columns=keys))


def test_weights_are_validated() -> None:
    with pytest.raises(ParameterError, match="unknown criteria"):
        CriteriaWeights.from_mapping({"beauty": 1.0})
    with pytest.raises(ParameterError, match="all weights are zero"):
        CriteriaWeights.from_mapping({"slope_mean_deg": 0.0})
    with pytest.raises(ParameterError, match=r"slope_mean_deg = -1\.0"):
        CriteriaWeights.from_mapping({"slope_mean_deg": -1.0})


# --- scoring on a tiny world: one processing plant, one settlement, one 禁养区 ----------


def _spec(key: str, function: str, x0: float, x1: float) -> CriterionSpec:
    return CriterionSpec(
        key=key,
        name_zh=key,
        name_en=key,
        value_function=function,  # type: ignore[arg-type]
        x0=x0,
        x1=x1,
        unit="km",
        default_weight=1.0,
        status="illustrative",
        source="test",
    )


def _params() -> SitingParams:
    rules = load_siting_params().rules
    criteria = (
        _spec("processing_plant_distance_km", "linear_decreasing", 0, 10),
        _spec("settlement_distance_km", "linear_increasing", 0, 10),
        _spec("water_headroom", "linear_increasing", 0, 1),
    )
    coefficient = Coefficient("haul_radius_km", 10, "km", "illustrative", "test")
    return SitingParams(
        rules=rules,
        criteria=criteria,
        haul_radius_km=coefficient,
        forage_land_mu_per_cow=replace(coefficient, key="f", value=3.0),
    )


def _layers() -> ConstraintLayers:
    def frame(geom: object, name: str) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({"feature_id": ["F1"], "name": [name]}, geometry=[geom], crs=CRS)

    return ConstraintLayers(
        CRS,
        {
            "processing_plants": frame(Point(X0, Y0), "plant"),
            "settlements": frame(Point(X0, Y0 + 20_000), "village"),
            "no_farming_zone": frame(box(X0 - 20_000, Y0 - 20_000, X0 - 19_000, Y0 - 19_000), "z"),
        },
    )


def _site(x_km: float, y_km: float) -> object:
    """A 100 m square whose nearest corner to the plant is (x_km, y_km) from it."""
    x, y = X0 + x_km * 1000, Y0 + y_km * 1000
    return box(x, y, x + 100, y + 100)


def _sites() -> gpd.GeoDataFrame:
    # plant distance 2, 4, 6 km; settlement distance = 20 km - 0.1 km - y (all > 10 km).
    geoms = {
        "A": _site(2, 0),
        "B": _site(4, 0),
        "C": _site(6, 0),
        "Z": box(X0 - 19_500, Y0 - 19_500, X0 - 19_400, Y0 - 19_400),
    }  # in the 禁养区
    return gpd.GeoDataFrame(
        {"site_id": list(geoms), "dairy_cow_head": 1000}, geometry=list(geoms.values()), crs=CRS
    )


def test_score_arithmetic_and_ranks() -> None:
    weights = CriteriaWeights.from_mapping(
        {"processing_plant_distance_km": 3.0, "settlement_distance_km": 1.0, "water_headroom": 5.0}
    )
    scores = score_sites(_sites(), _layers(), _params(), weights)
    a = scores.site("A")
    # Water headroom is unavailable, so the weights 3:1 are renormalised to 0.75 / 0.25.
    # A: plant 2 km -> 1 - 2/10 = 0.8; settlement ~19.9 km -> 1.0. Score 100(0.75*0.8 + 0.25).
    assert a.score == pytest.approx(100 * (0.75 * 0.8 + 0.25 * 1.0))
    plant = next(c for c in a.criteria if c.key == "processing_plant_distance_km")
    assert plant.weight == pytest.approx(0.75)
    assert plant.contribution == pytest.approx(100 * 0.75 * 0.8)
    water = next(c for c in a.criteria if c.key == "water_headroom")
    assert not water.available and water.weight == 0.0 and water.contribution is None
    assert scores.site("B").score == pytest.approx(100 * (0.75 * 0.6 + 0.25))
    assert [scores.site(s).rank for s in "ABC"] == [1, 2, 3]
    z = scores.site("Z")
    assert not z.passed and z.score is None and z.rank is None
    assert {g.rule for g in z.failed_gates} == {"no_farming_zone_inside", "no_farming_zone_setback"}
    # Layers that are not loaded (surface water, roads ...) are reported, not passed silently.
    assert "surface_water_setback" in {g.rule for g in a.unchecked_gates}
    frame = scores.to_frame()
    assert frame.loc[frame["site_id"] == "Z", "failed_rules"].item().startswith("no_farming")


def test_reweight_equals_scoring_again() -> None:
    first = CriteriaWeights.from_mapping(
        {"processing_plant_distance_km": 3.0, "settlement_distance_km": 1.0}
    )
    # the settlement weight now dominates: C (farthest from the plant) is as good as A
    second = CriteriaWeights.from_mapping(
        {"processing_plant_distance_km": 1.0, "settlement_distance_km": 9.0}
    )
    base = score_sites(_sites(), _layers(), _params(), first)
    again = reweight(base, second)
    fresh = score_sites(_sites(), _layers(), _params(), second)
    assert again == fresh
    # A: plant 0.8 at 1/10, settlement 1.0 at 9/10 -> 100 (0.08 + 0.9) = 98
    assert again.site("A").score == pytest.approx(100 * (0.1 * 0.8 + 0.9 * 1.0))
    assert again.site("Z").score is None and again.site("Z").rank is None


def test_equal_scores_share_a_rank() -> None:
    sites = _sites()
    sites.loc[sites["site_id"] == "B", "geometry"] = _site(2, 0)  # same place as A
    scores = score_sites(sites, _layers(), _params(), default_weights(_params()))
    assert scores.site("A").rank == scores.site("B").rank == 1
    assert scores.site("C").rank == 3


def test_bad_sites_are_rejected() -> None:
    sites = _sites()
    sites.loc[1, "site_id"] = "A"
    with pytest.raises(SchemaError, match=r"repeat site_id \['A'\]"):
        score_sites(sites, _layers(), _params(), default_weights(_params()))
    sites = _sites()
    sites["dairy_cow_head"] = [1000, 0, 5, 5]
    with pytest.raises(ParameterError, match=r"\['B'\]: dairy_cow_head must be a positive"):
        score_sites(sites, _layers(), _params(), default_weights(_params()))
    with pytest.raises(SchemaError, match="dairy_cow_head"):
        score_sites(
            _sites().drop(columns=["dairy_cow_head"]),
            _layers(),
            _params(),
            default_weights(_params()),
        )


def test_sensitivity_stable_top() -> None:
    scores = score_sites(_sites(), _layers(), _params(), default_weights(_params()))
    result = weight_sensitivity(scores)
    # A dominates B and C on every criterion, so no weight change moves anyone.
    assert result.top_site_id == "A" and result.top_stays_on_top
    assert result.rank_range("A") == (1, 1) and result.rank_range("C") == (3, 3)
    assert result.rank_range("Z") is None


def test_sensitivity_rank_flip_by_construction() -> None:
    # Plant distance: 1 at 0 km, 0 at >= 1 km. Settlement distance: 0 at 0 km, 1 at >= 10 km.
    # The plant and a village sit 50 m apart; R covers both, S is 9.5 km from the village.
    # R = (1.0, 0.0) -> 50;  S = (0.0, 0.95) -> 47.5 with weights 1:1, so R is on top.
    # Plant weight x0.8: R = 100*0.8/1.8 = 44.4 < S = 100*0.95/1.8 = 52.8 -> S on top.
    # Settlement weight x1.2: R = 100/2.2 = 45.5 < S = 100*0.95*1.2/2.2 = 51.8 -> S on top.
    # The other two perturbations keep R on top.
    point = {"processing_plants": Point(X0, Y0), "settlements": Point(X0 + 50, Y0)}
    layers = ConstraintLayers(
        CRS,
        {
            kind: gpd.GeoDataFrame({"feature_id": [kind], "name": [kind]}, geometry=[geom], crs=CRS)
            for kind, geom in point.items()
        },
    )
    sites = gpd.GeoDataFrame(
        {"site_id": ["R", "S"], "dairy_cow_head": 1000},
        geometry=[
            box(X0 - 50, Y0 - 50, X0 + 100, Y0 + 50),
            box(X0 + 50 + 9_500, Y0 - 50, X0 + 50 + 9_600, Y0 + 50),
        ],
        crs=CRS,
    )
    params = replace(
        _params(),
        rules=(),
        criteria=(  # no gates: R sits on the village
            _spec("processing_plant_distance_km", "linear_decreasing", 0, 1),
            _spec("settlement_distance_km", "linear_increasing", 0, 10),
        ),
    )
    weights = CriteriaWeights.from_mapping(
        {"processing_plant_distance_km": 1.0, "settlement_distance_km": 1.0}
    )
    scores = score_sites(sites, layers, params, weights)
    assert scores.site("R").score == pytest.approx(50.0)
    assert scores.site("S").score == pytest.approx(47.5)
    assert (scores.site("R").rank, scores.site("S").rank) == (1, 2)
    result = weight_sensitivity(scores, delta_frac=0.2)
    assert result.top_site_id == "R" and result.top_stays_on_top is False
    assert result.rank_range("R") == (1, 2) and result.rank_range("S") == (1, 2)
    assert set(result.top_changes) == {
        ("processing_plant_distance_km", "-", "S"),
        ("settlement_distance_km", "+", "S"),
    }
    # A 5 % change is too small to bridge 50 vs 47.5: R = 100*0.95/1.95 = 48.7 > 48.7*0.95.
    assert weight_sensitivity(scores, delta_frac=0.05).top_stays_on_top is True


def test_sensitivity_delta_is_validated() -> None:
    scores = score_sites(_sites(), _layers(), _params(), default_weights(_params()))
    with pytest.raises(ParameterError, match=r"delta_frac = 1.5 must be a fraction in \(0, 1\)"):
        weight_sensitivity(scores, delta_frac=1.5)
