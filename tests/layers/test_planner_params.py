"""Footprint limits and defaults (data/coefficients/planner.csv) and their region override."""

from __future__ import annotations

from pathlib import Path

import pytest

from errors import SchemaError
from layers.planner_params import load_footprint_params

HEADER = "key,value,unit,status,source,note\n"


def _write(region_dir: Path, rows: str) -> Path:
    folder = region_dir / "coefficients"
    folder.mkdir(parents=True)
    (folder / "planner.csv").write_text(HEADER + rows, encoding="utf-8")
    return region_dir


def test_bundled_defaults_have_provenance() -> None:
    params = load_footprint_params()
    assert params.min_footprint_mu == 10.0
    assert params.default_footprint_mu == 500.0
    assert {c.status for c in params.coefficients} == {"illustrative"}
    assert all(c.source for c in params.coefficients)


def test_region_override(tmp_path: Path) -> None:
    region = _write(
        tmp_path,
        "min_footprint_mu,20,mu,verified,local rule,\n"
        "min_compactness_frac,0.2,fraction,verified,local rule,\n"
        "default_footprint_mu,300,mu,verified,local rule,\n",
    )
    params = load_footprint_params(region)
    assert (params.min_footprint_mu, params.min_compactness_frac, params.default_footprint_mu) == (
        20.0,
        0.2,
        300.0,
    )


def test_every_problem_is_listed(tmp_path: Path) -> None:
    region = _write(
        tmp_path,
        "min_footprint_mu,ten,mu,verified,local rule,\n"
        "min_compactness_frac,0.2,fraction,guessed,local rule,\n",
    )
    with pytest.raises(
        SchemaError,
        match=r"value = 'ten' is not a number.*status 'guessed'.*"
        r"missing key\(s\) min_footprint_mu, "
        r"min_compactness_frac, default_footprint_mu",
    ):
        load_footprint_params(region)


def test_out_of_range_values_name_the_file(tmp_path: Path) -> None:
    region = _write(
        tmp_path,
        "min_footprint_mu,600,mu,verified,local rule,\n"
        "min_compactness_frac,0.2,fraction,verified,local rule,\n"
        "default_footprint_mu,300,mu,verified,local rule,\n",
    )
    with pytest.raises(SchemaError, match=r"planner\.csv.*default_footprint_mu = 300.0 is below"):
        load_footprint_params(region)
