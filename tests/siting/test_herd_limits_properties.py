"""Property-based tests of the herd and parameter validators (hypothesis, a few s each).

`check_herds` refuses a herd exactly when it is over the absolute maximum or over the density
limit times its footprint, names every refused site once, and never refuses a herd that
fits; `Problems.require_positive` / `require_fraction` record a problem exactly for the
values outside their range (NaN and infinities included), and `HerdLimits` refuses
non-positive or non-finite limits.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errors import ParameterError
from problems import Problems
from siting.herd_limits import HerdLimits, check_herds

FAST = settings(max_examples=80, deadline=None, database=None)
LIMITS = HerdLimits(max_head_per_mu_footprint=40.0, max_herd_head=60_000.0)
any_float = st.floats(allow_nan=True, allow_infinity=True)
heads = st.floats(0, 1e13, allow_nan=False)
areas = st.floats(0.1, 1e5, allow_nan=False)


def _refused(head: float, area_mu: float) -> bool:
    return head > LIMITS.max_herd_head or head > LIMITS.max_head_per_mu_footprint * area_mu


@FAST
@given(st.lists(st.tuples(heads, areas), min_size=1, max_size=6))
def test_check_herds_refuses_exactly_the_implausible_sites(
    sites: list[tuple[float, float]],
) -> None:
    names = [f"site {i}" for i in range(len(sites))]
    refused = [n for n, (h, a) in zip(names, sites, strict=True) if _refused(h, a)]
    herd, area = zip(*sites, strict=True)
    if not refused:
        check_herds(herd, area, names, LIMITS)
        return
    with pytest.raises(ParameterError, match=r"^herd size: ") as info:
        check_herds(herd, area, names, LIMITS)
    message = info.value.message("en")
    assert [n for n in names if f"'{n}' has" in message] == refused
    assert info.value.message("zh").startswith("存栏规模：")


@FAST
@given(areas, st.floats(0, 1, allow_nan=False))
def test_a_herd_at_or_under_both_limits_always_passes(area_mu: float, share: float) -> None:
    most = min(LIMITS.max_herd_head, LIMITS.max_head_per_mu_footprint * area_mu)
    check_herds([math.floor(most * share)], [area_mu], ["a"], LIMITS)


@FAST
@given(any_float, st.booleans())
def test_require_positive_flags_exactly_the_values_out_of_range(
    value: float, allow_zero: bool
) -> None:
    problems = Problems("herd", "畜群")
    problems.require_positive("dairy_cow_head", value, allow_zero=allow_zero)
    ok = math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    assert bool(problems) is not ok
    if not ok:
        with pytest.raises(ParameterError, match=r"^herd: dairy_cow_head = .* must be a finite"):
            problems.raise_if_any()


@FAST
@given(any_float, st.booleans())
def test_require_fraction_flags_exactly_the_values_out_of_range(
    value: float, allow_zero: bool
) -> None:
    problems = Problems("manure", "粪污")
    problems.require_fraction("share", value, allow_zero=allow_zero)
    ok = math.isfinite(value) and (value >= 0 if allow_zero else value > 0) and value <= 1
    assert bool(problems) is not ok


@FAST
@given(any_float, any_float)
def test_herd_limits_accept_only_positive_finite_values(density: float, cap: float) -> None:
    good = all(math.isfinite(v) and v > 0 for v in (density, cap))
    if good:
        HerdLimits(max_head_per_mu_footprint=density, max_herd_head=cap)
    else:
        with pytest.raises(ParameterError, match=r"^HerdLimits: "):
            HerdLimits(max_head_per_mu_footprint=density, max_herd_head=cap)
