"""``python -m siting capacity``: county figures from stand-in parcel and herd layers.

The command calls the planning service (`planning.nutrient_balance.region_county_balance`),
whose loaders (`layers.parcels.load_parcels`, `layers.herd.load_herd_baseline`) read
generated data; here the service's loaders return tiny tables so that the figures can be
worked by hand. The herd stand-in has every column the real loader returns.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cli import main
from errors import LayerNotAvailableError
from layers.herd import HERD_COLUMNS

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
        **{column: [0, 0] for column in HERD_COLUMNS},
        "dairy_cow_head": [3000, 100],
    }
)
SERVICE = "planning.nutrient_balance"


def use_layers(monkeypatch: pytest.MonkeyPatch, parcels: pd.DataFrame, herd: pd.DataFrame) -> None:
    """Make the planning service read ``parcels`` and ``herd`` instead of the region pack."""
    monkeypatch.setattr(f"{SERVICE}.load_parcels", lambda region: parcels.copy())
    monkeypatch.setattr(f"{SERVICE}.load_herd_baseline", lambda region: herd.copy())


@pytest.fixture
def stand_in_loaders(monkeypatch: pytest.MonkeyPatch) -> None:
    use_layers(monkeypatch, PARCELS, HERD)


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


def test_capacity_without_a_parcel_layer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_parcels(region: object) -> pd.DataFrame:
        msg = "parcels: layer not in this region pack"
        raise LayerNotAvailableError(msg, zh="地块：无此图层")

    monkeypatch.setattr(f"{SERVICE}.load_parcels", no_parcels)
    assert main(["capacity", "--region", "hohhot"]) == 1
    err = capsys.readouterr().err
    assert "parcels: layer not in this region pack" in err
    assert err.count("\n") == 1


def test_capacity_counts_every_species_of_the_herd_layer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_layers(monkeypatch, PARCELS, HERD.assign(goat_head=[1000, 0]))
    assert main(["capacity", "--region", "hohhot", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["counties"][0]
    assert first["present_pe"] == pytest.approx(3000 * 100 / 15 + 1000 * 100 / 250)
    assert "name_short_zh" not in first  # the JSON records keep their columns


def test_capacity_is_the_balance_page_service(capsys: pytest.CaptureFixture[str]) -> None:
    """On the real pack, the command prints the service's numbers (one computation)."""
    from planning.nutrient_balance import region_county_balance
    from planning.regions import load_nutrient_params, load_region

    region = load_region("hohhot")
    balance, _ = region_county_balance(region, load_nutrient_params(region.dir))
    assert main(["capacity", "--region", "hohhot", "--json"]) == 0
    counties = json.loads(capsys.readouterr().out)["counties"]
    assert [c["adcode"] for c in counties] == list(balance["adcode"])
    for county, (_, row) in zip(counties, balance.iterrows(), strict=True):
        assert county["present_pe"] == pytest.approx(row["present_pe"], rel=1e-12)
        assert county["capacity_pe_n"] == pytest.approx(row["capacity_pe_n"], rel=1e-12)
