"""Tests of the allocation defaults loader (layers.allocation_params)."""

from __future__ import annotations

from pathlib import Path

import pytest

from errors import SchemaError
from layers.allocation_params import ALLOCATION_FILE, load_allocation_params

HEADER = "key,value,unit,status,source,note\n"
ROWS = {
    "default_haul_radius_km": "default_haul_radius_km,10,km,illustrative,assumption,\n",
    "road_factor": "road_factor,1.0,ratio,illustrative,assumption,\n",
    "priority_existing": "priority_existing,0,rank,illustrative,assumption,\n",
    "priority_under_construction": "priority_under_construction,1,rank,illustrative,assumption,\n",
    "priority_proposed": "priority_proposed,2,rank,illustrative,assumption,\n",
}


def write_pack(tmp_path: Path, rows: dict[str, str], header: str = HEADER) -> Path:
    folder = tmp_path / "coefficients"
    folder.mkdir()
    (folder / ALLOCATION_FILE).write_text(header + "".join(rows.values()), encoding="utf-8")
    return tmp_path


def test_bundled_defaults() -> None:
    params = load_allocation_params()
    assert params.default_haul_radius_km == 10.0
    assert params.road_factor == 1.0
    assert dict(params.priority_by_status) == {
        "existing": 0,
        "under_construction": 1,
        "proposed": 2,
    }
    records = {c.key: c for c in params.coefficients}
    assert records["default_haul_radius_km"].status == "illustrative"
    assert all(c.source for c in params.coefficients)


def test_region_pack_overrides_and_adds_a_status(tmp_path: Path) -> None:
    rows = {
        **ROWS,
        "road_factor": "road_factor,1.3,ratio,illustrative,county survey,\n",
        "priority_relocated": "priority_relocated,1,rank,illustrative,assumption,\n",
    }
    params = load_allocation_params(write_pack(tmp_path, rows))
    assert params.road_factor == 1.3
    assert params.priority_by_status["relocated"] == 1


def test_every_problem_listed_once(tmp_path: Path) -> None:
    rows = {**ROWS, "road_factor": "road_factor,abc,ratio,guessed,,\n"}
    del rows["priority_proposed"]
    with pytest.raises(
        SchemaError,
        match=(
            r"line 3 \(road_factor\): value = 'abc' is not a number.*status 'guessed'.*"
            r"source is empty.*missing key\(s\) road_factor, priority_proposed"
        ),
    ) as err:
        load_allocation_params(write_pack(tmp_path, rows))
    assert "缺少键" in err.value.message("zh")


def test_out_of_range_value(tmp_path: Path) -> None:
    rows = {**ROWS, "road_factor": "road_factor,0.8,ratio,illustrative,assumption,\n"}
    with pytest.raises(SchemaError, match=r"allocation.csv.*road_factor = 0.8 must be >= 1"):
        load_allocation_params(write_pack(tmp_path, rows))


def test_missing_column(tmp_path: Path) -> None:
    header = "key,value,unit,status,source\n"
    rows = {k: v.rsplit(",", 1)[0] + "\n" for k, v in ROWS.items()}
    with pytest.raises(SchemaError, match=r"lacks the column.*note"):
        load_allocation_params(write_pack(tmp_path, rows, header))


def test_duplicate_key(tmp_path: Path) -> None:
    rows = {**ROWS, "again": ROWS["road_factor"]}
    with pytest.raises(SchemaError, match=r"line 7 \(road_factor\): duplicate key"):
        load_allocation_params(write_pack(tmp_path, rows))
