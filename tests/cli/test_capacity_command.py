"""``python -m siting capacity``: county figures from stand-in parcel and herd loaders.

The real loaders (`layers.parcels.load_parcels`, `layers.herd.load_herd_baseline`) read
generated data; here they are replaced by tiny tables so that the figures can be worked by hand.
"""

from __future__ import annotations

import json
import sys
import types

import pandas as pd
import pytest

from cli import main

PARCELS = pd.DataFrame(
    {
        "parcel_id": ["p1", "p2", "p3"],
        "adcode": ["150121", "150121", "150122"],
        "area_mu": [10_000.0, 5_000.0, 20_000.0],
        "crop": ["maize", "maize", "silage_corn"],
        "yield_kg_per_mu": [600.0, 600.0, 3000.0],
        "soil_n_class": ["II", "II", "II"],
        "soil_p_class": ["II", "II", "II"],
        "manure_allowed": [True, False, True],
    }
)
HERD = pd.DataFrame(
    {
        "adcode": ["150121", "150122"],
        "name_zh": ["土默特左旗", "托克托县"],
        "dairy_cow_head": [3000, 100],
    }
)


@pytest.fixture
def stand_in_loaders(monkeypatch: pytest.MonkeyPatch) -> None:
    parcels = types.ModuleType("layers.parcels")
    parcels.load_parcels = lambda region: PARCELS.copy()  # type: ignore[attr-defined]
    herd = types.ModuleType("layers.herd")
    herd.load_herd_baseline = lambda region: HERD.copy()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "layers.parcels", parcels)
    monkeypatch.setitem(sys.modules, "layers.herd", herd)


@pytest.mark.usefixtures("stand_in_loaders")
def test_capacity_json_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", "--region", "hohhot", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first, second = data["counties"]
    n_demand = 10_000 * 600 / 100 * 2.3 * 0.45 * 0.5 / 0.30  # 103,500 kg N (p2: no manure)
    p_demand = 10_000 * 600 / 100 * 0.3 * 0.45 * 0.5 / 0.35  # 11,571 kg P
    present = 3000 * 100 / 15  # 20,000 PE
    assert first["adcode"] == "150121"
    assert first["name_zh"] == "土默特左旗"
    assert first["name_en"] == "Tumed Left Banner"
    assert first["capacity_pe_n"] == pytest.approx(n_demand / 7.0)  # 14,785.7 PE
    assert first["capacity_pe_p"] == pytest.approx(p_demand / 1.2)  # 9,642.9 PE
    assert first["capacity_dairy_cows_n"] == pytest.approx(n_demand / 7.0 * 15 / 100)
    assert first["capacity_dairy_cows_p"] == pytest.approx(p_demand / 1.2 * 15 / 100)  # 1,446.4
    assert first["present_pe"] == pytest.approx(present)
    assert first["load_index_n"] == pytest.approx(present / (n_demand / 7.0))  # 1.353
    assert first["grade_n"] == "IV"
    assert first["load_index_p"] == pytest.approx(present / (p_demand / 1.2))  # 2.074
    assert first["grade_p"] == "V"
    silage_n = 20_000 * 3000 / 100 * 0.36 * 0.45 * 0.5 / 0.30  # 162,000 kg N
    assert second["capacity_pe_n"] == pytest.approx(silage_n / 7.0)
    assert any(
        c["key"] == "crop.silage_corn.n_kg_per_100kg" and c["status"] == "derived"
        for c in data["coefficients"]
    )


@pytest.mark.usefixtures("stand_in_loaders")
def test_capacity_text_and_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", "--region", "hohhot", "--manure-share", "1.0"]) == 0
    out = capsys.readouterr().out
    assert "capacity PE (N)" in out
    assert "29,571.4" in out  # 150121 on N: 2 × 103,500 / 7.0 with the manure share doubled


def test_capacity_unknown_region(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["capacity", "--region", "atlantis"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "no region pack 'atlantis' (known regions: hohhot" in err
    assert err.count("\n") == 1


def test_capacity_without_a_herd_loader(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    parcels = types.ModuleType("layers.parcels")
    parcels.load_parcels = lambda region: PARCELS.copy()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "layers.parcels", parcels)
    monkeypatch.setitem(sys.modules, "layers.herd", None)  # import raises ModuleNotFoundError
    assert main(["capacity", "--region", "hohhot"]) == 1
    assert "layers.herd.load_herd_baseline" in capsys.readouterr().err


@pytest.mark.usefixtures("stand_in_loaders")
def test_capacity_uses_the_herd_loaders_column_map(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    herd = sys.modules["layers.herd"]
    table = HERD.assign(goat_head=[1000, 0])
    monkeypatch.setattr(herd, "load_herd_baseline", lambda region: table, raising=False)
    monkeypatch.setattr(
        herd, "HERD_COLUMNS", {"dairy_cow_head": "dairy_cow", "goat_head": "goat"}, raising=False
    )
    assert main(["capacity", "--region", "hohhot", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["counties"][0]
    assert first["present_pe"] == pytest.approx(3000 * 100 / 15 + 1000 * 100 / 250)
