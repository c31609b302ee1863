"""``python -m siting buildout``: the bundled demo, a plan-store scenario and bad arguments.

The generated parcel layer is replaced by a stand-in (one maize parcel per county) so that the
figures do not depend on ``make data``; the herd baseline, targets and water caps are the
bundled Hohhot tables (2021 baseline 360,000 dairy cattle; demo: 15 ranches under construction
stocked from 2022 and 10 proposed, 5 stocked from 2022 and 5 from 2024, 5,000 head each, half
herd in the start year).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cli import main
from layers.parcels import load_parcels
from layers.region import REGIONS_DIR, load_region
from layers.scenario_files import demo_scenario_sites
from store import ScenarioStore, SiteRecord

COUNTIES = (
    "150102",
    "150103",
    "150104",
    "150105",
    "150121",
    "150122",
    "150123",
    "150124",
    "150125",
)
STAND_IN_PARCELS = pd.DataFrame(
    {
        "parcel_id": [f"p{a}" for a in COUNTIES],
        "adcode": list(COUNTIES),
        "area_mu": 100_000.0,
        "crop": "maize",
        "yield_kg_per_mu": 600.0,
        "soil_n_class": "II",
        "soil_p_class": "II",
        "manure_allowed": True,
    }
)
# Demo herd added by 2023: 15 ranches under construction + 5 of the 10 to site, 5,000 head each.
DEMO_2023_HEAD = 15 * 5_000 + 5 * 5_000  # 100,000: the plan's 20 new large ranches
# land grown per dairy head (herd structure x rations, 40% of the 羊草 as oat hay, 10% loss)
SILAGE_T = 1.1 * (0.50 * 8 + 0.10 * 6 + 0.13 * 2.75 + 0.27 * 1.9)


@pytest.fixture
def stand_in_parcels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "planning.buildout_inputs.load_parcels", lambda region: STAND_IN_PARCELS.copy()
    )


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["buildout", "--region", "hohhot", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _check(data: dict, adcode: str, year: int, check: str) -> dict:
    entry = next(e for e in data["counties"] if e["adcode"] == adcode)
    checks = next(y["checks"] for y in entry["years"] if y["year"] == year)
    return next(c for c in checks if c["check"] == check)


@pytest.mark.usefixtures("stand_in_parcels")
def test_demo_json_per_county_and_year(capsys: pytest.CaptureFixture[str]) -> None:
    data = _run_json(
        capsys, "--scenario", "demo", "--years", "2021,2023", "--forage-supply", "targets"
    )
    assert data["years"] == [2021, 2023] and data["forage_supply"] == "targets"
    assert [e["adcode"] for e in data["counties"]] == [*COUNTIES, "150100"]
    first = data["counties"][0]["years"][0]["checks"][0]
    assert {"check", "value", "limit", "status", "unit", "source", "note"} <= set(first)
    herd = _check(data, "150100", 2023, "dairy_cow_head")
    assert (herd["value"], herd["limit"]) == (360_000 + DEMO_2023_HEAD, 460_000)
    assert _check(data, "150100", 2021, "dairy_cow_head")["value"] == 360_000
    # 清水河县 2023: 6万亩 silage corn (hills, 2.5 t/亩) for 21,600 + 2 x 5,000 dairy cattle
    # (its ranch to site is stocked from 2024) and 6,250 dairy goats (0.5 t each + 10% loss)
    silage = _check(data, "150124", 2023, "silage_self_sufficiency")
    demand_t = (21_600 + 10_000) * SILAGE_T + 6_250 * 0.5 * 1.1
    assert silage["value"] == pytest.approx(60_000 * 2.5 / demand_t)  # 0.76
    assert silage["status"] == "exceeded"
    index = _check(data, "150124", 2023, "manure_load_index_n")
    n_per_mu = 600 / 100 * 2.3 * 0.45 * 0.5 / 0.30  # 10.35 kg N per 亩 of maize
    pe = (21_600 + 10_000) * 100 / 15 + 6_250 * 0.4 + 16_667 * 100 / 30 + 750_000 * 0.4
    assert index["value"] == pytest.approx(pe / (100_000 * n_per_mu / 7.0))
    assert {c["key"] for c in data["coefficients"]} >= {
        "ration.lactating_cow.silage_corn",
        "livestock.lactating_cow",
        "ramp_frac.0",
    }


@pytest.mark.usefixtures("stand_in_parcels")
def test_demo_text_lists_exceeded_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["buildout", "--region", "hohhot", "--scenario", "demo", "--years", "2023"]) == 0
    text = capsys.readouterr().out
    assert "Build-out check of scenario 'demo (hohhot)'" in text
    assert "EXCEEDED" in text and "Warnings and exceeded limits:" in text
    assert "Qingshuihe County" in text
    comparison = text.split("Scenario vs plan (city):\n")[1].split("\n\n")[0]
    assert re.search(r"^2023 +dairy_cow_head +460,000\.0 +460,000\.0 +head$", comparison, re.M)
    assert "forage_area_oat_hay" in comparison


@pytest.mark.usefixtures("stand_in_parcels")
def test_store_scenario_by_option_and_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plans.gpkg"
    store = ScenarioStore(path)
    store.create_scenario("two ranches", user="test")
    sites = demo_scenario_sites(load_region("hohhot")).head(2)  # 土左旗 PR 1 (2022), PR 2 (2024)
    records = [
        SiteRecord(**{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
        for row in sites.to_dict("records")
    ]
    store.add_sites("two ranches", records, user="test")
    data = _run_json(capsys, "--scenario", "two ranches", "--store", str(path), "--years", "2023")
    assert data["scenario"] == "two ranches"
    herd = _check(data, "150100", 2023, "dairy_cow_head")
    assert herd["value"] == 360_000 + 5_000  # PR 2 is stocked from 2024
    monkeypatch.setenv("FORAGE_SITING_STORE", str(path))
    data = _run_json(capsys, "--scenario", "two ranches", "--years", "2022")
    assert _check(data, "150100", 2022, "dairy_cow_head")["value"] == 360_000 + 0.5 * 5_000


def test_bad_arguments_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["buildout", "--region", "hohhot", "--scenario", "demo", "--years", "soon"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'soon' is not a comma-separated list of years" in err
    missing = tmp_path / "none.gpkg"
    assert main(["buildout", "--region", "hohhot", "--scenario", "x", "--store", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"No scenario store at {missing}" in err
    assert not missing.exists()  # the store is never created by a read


def test_unknown_store_scenario_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plans.gpkg"
    ScenarioStore(path).create_scenario("real", user="test")
    assert (
        main(["buildout", "--region", "hohhot", "--scenario", "imagined", "--store", str(path)])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No scenario 'imagined'" in err


@pytest.mark.skipif(
    not load_region("hohhot").layer_path("absorption_parcels").is_file(),
    reason="generated parcels missing: run make data",
)
def test_demo_with_the_ledger_on_the_generated_parcels(capsys: pytest.CaptureFixture[str]) -> None:
    data = _run_json(capsys, "--scenario", "demo", "--years", "2023", "--allocate")
    unmet = _check(data, "150100", 2023, "manure_unmet_need")
    assert unmet["limit"] == 0 and unmet["value"] >= 0
    for x in ("n", "p"):  # 综合利用率 on N and P vs the plan's 90 %, ledger-matched land
        rate = _check(data, "150121", 2023, f"manure_utilisation_{x}")
        assert rate["limit"] == 0.9 and 0 <= rate["value"] <= 1
        assert rate["note"]["key"] == "buildout.note.utilisation"
        note = rate["note"]["text"]
        assert "ledger" in note and "organic-fertiliser plants" in note
    parcels = load_parcels(load_region("hohhot"))
    assert len(parcels) > 1_000


def _pack_with_plan(tmp_path: Path, plan: str) -> Path:
    """Copy the Hohhot pack (without its generated layers) with ``plan`` as its [plan] table."""
    pack = tmp_path / "hohhot"
    shutil.copytree(
        REGIONS_DIR / "hohhot",
        pack,
        ignore=shutil.ignore_patterns("absorption_parcels.gpkg", "constraints.gpkg", "dem_30m.tif"),
    )
    manifest = pack / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index("[plan]")
    end = text.index("[layers.", start)
    manifest.write_text(text[:start] + plan + "\n" + text[end:], encoding="utf-8")
    return pack


@pytest.mark.usefixtures("stand_in_parcels")
def test_years_come_from_the_region_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _pack_with_plan(
        tmp_path,
        "[plan]\nyears = [2021, 2024, 2030]\nbase_year = 2021\n"
        "target_year = 2024\nhorizon_year = 2030\n"
        "water_baseline_year = 2021\n"
        'receiving_crop = "silage_corn"\n',
    )
    assert load_region(pack).plan.years == (2021, 2024, 2030)
    assert main(["buildout", "--region", str(pack), "--scenario", "demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["years"] == [2021, 2024, 2030]
    city = next(e for e in data["counties"] if e["adcode"] == "150100")
    assert [y["year"] for y in city["years"]] == [2021, 2024, 2030]
    # every demo ranch runs at full herd by 2030: 25 x 5,000 head on the 2021 baseline
    herd = _check(data, "150100", 2030, "dairy_cow_head")
    assert herd["value"] == 360_000 + 25 * 5_000


@pytest.mark.usefixtures("stand_in_parcels")
def test_base_year_of_the_manifest_picks_the_herd_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _pack_with_plan(
        tmp_path,
        "[plan]\nyears = [2020, 2023]\nbase_year = 2020\n"
        "target_year = 2023\nhorizon_year = 2023\n"
        "water_baseline_year = 2021\n"
        'receiving_crop = "silage_corn"\n',
    )
    assert main(["buildout", "--region", str(pack), "--scenario", "demo", "--json"]) == 2
    assert "no rows for year 2020 (years: 2021)" in capsys.readouterr().err
