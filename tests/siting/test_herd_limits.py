"""Plausible herds: an absolute maximum per site and head per 亩 of footprint."""

from __future__ import annotations

import pytest

from errors import ParameterError
from layers.planner_params import load_herd_limits
from siting.herd_limits import HerdLimits, check_herds

LIMITS = HerdLimits(max_head_per_mu_footprint=40.0, max_herd_head=60_000.0)
KM2_MU = 1_000_000 / (10_000 / 15)  # 1 km² in 亩 = 1,500


def test_plausible_herds_pass() -> None:
    check_herds([5_000, 25_000, 0], [500.0, 2_500.0, 10.0], ["甲", "乙", "丙"], LIMITS)


def test_a_trillion_cows_on_one_km2_is_refused_by_name() -> None:
    with pytest.raises(ParameterError, match=r"'巨场' has 1,000,000,000,000 head.*60,000 head"):
        check_herds([1e12], [KM2_MU], ["巨场"], LIMITS)


def test_a_herd_too_dense_for_its_footprint_is_refused() -> None:
    heads = 40.0 * 100.0 + 1  # one head over 40 per 亩 on 100 亩
    with pytest.raises(ParameterError, match=r"'密场' has 4,001 head on 100 亩.*at most 4,000"):
        check_herds([heads, 100.0], [100.0, 100.0], ["密场", "好场"], LIMITS)


def test_every_offender_is_listed_once_in_zh_too() -> None:
    with pytest.raises(ParameterError) as err:
        check_herds([1e6, 41.0, 1.0], [1e6, 1.0, 1.0], ["A", "B", "C"], LIMITS)
    zh = err.value.message("zh")
    assert "“A”存栏 1,000,000 头" in zh and "“B”在 1 亩占地上" in zh and "“C”" not in zh


def test_limits_must_be_positive() -> None:
    with pytest.raises(ParameterError, match="max_herd_head"):
        HerdLimits(max_head_per_mu_footprint=40.0, max_herd_head=0.0)


def test_bundled_limits_have_sources() -> None:
    limits = load_herd_limits()
    assert limits.max_herd_head >= 25_000  # the largest ranch in parameters.md fits
    assert all(c.source and c.status for c in limits.coefficients)
