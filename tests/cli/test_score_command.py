"""``python -m siting score`` on the demo candidates and on bad or mixed files.

The constraint layers and DEM are generated (``make data``); if they are missing, a copy of
the Hohhot pack with them built is made in a temporary folder (about 30 s).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import geopandas as gpd
from shapely.geometry import Point, box

from cli import main
from layers.build import build_region
from layers.region import REGIONS_DIR, load_region

ROOT = Path(__file__).resolve().parents[2]
DEMO = REGIONS_DIR / "hohhot" / "demo_candidates.geojson"
GENERATED = ("constraints.gpkg", "dem_30m.tif")


@pytest.fixture(scope="module")
def region_arg(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``hohhot`` if its generated layers exist, else a built copy of the pack."""
    if all((REGIONS_DIR / "hohhot" / name).is_file() for name in GENERATED):
        return "hohhot"
    pack = tmp_path_factory.mktemp("pack") / "hohhot"
    shutil.copytree(
        REGIONS_DIR / "hohhot",
        pack,
        ignore=shutil.ignore_patterns(*GENERATED, "absorption_parcels.gpkg"),
    )
    build_region(load_region(pack), generated_only=True, only=["constraints", "parcels"])
    return str(pack)


@pytest.fixture(scope="module")
def demo_result(region_arg: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "siting", "score", str(DEMO), "--region", region_arg, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_candidates_score_with_reasons(demo_result: dict) -> None:
    sites = {s["site_id"]: s for s in demo_result["sites"]}
    expected = {
        f["properties"]["site_id"]: f["properties"]["expected"]
        for f in json.loads(DEMO.read_text(encoding="utf-8"))["features"]
    }
    assert set(sites) == set(expected) and len(sites) == 15
    for site_id, outcome in expected.items():
        site = sites[site_id]
        if outcome == "passes":
            assert site["passed"] and site["failed_gates"] == []
            assert 0 <= site["score"] <= 100 and site["rank"] >= 1
            best, worst = site["rank_range"]
            assert best <= site["rank"] <= worst
        else:
            rules = {g["rule"] for g in site["failed_gates"]}
            assert outcome.removeprefix("fails: ") in rules, (site_id, rules)
            assert not site["passed"] and site["score"] is None and site["rank"] is None
            assert site["rank_range"] is None
            for gate in site["failed_gates"]:
                assert {
                    "rule",
                    "measured_value",
                    "limit",
                    "unit",
                    "source",
                    "status",
                    "message",
                } <= set(gate)
                assert gate["measured_value"] is not None and gate["source"]


def test_demo_shows_every_kind_of_outcome(demo_result: dict) -> None:
    failed = {g["rule"] for s in demo_result["sites"] for g in s["failed_gates"]}
    assert {
        "no_farming_zone_inside",
        "no_farming_zone_setback",
        "basic_farmland_overlap",
        "eco_redline_inside",
        "surface_water_setback",
        "slope_limit",
        "settlement_setback",
        "main_road_setback",
    } <= failed
    passing = [s for s in demo_result["sites"] if s["passed"]]
    assert len(passing) == 7
    assert len({round(s["score"], 6) for s in passing}) >= 5  # different scores


def test_setback_site_reports_480_m(demo_result: dict) -> None:
    site = next(s for s in demo_result["sites"] if s["site_id"] == "DEMO-02")
    (gate,) = site["failed_gates"]
    assert gate["rule"] == "no_farming_zone_setback"
    assert gate["measured_value"] == pytest.approx(480, abs=1)
    assert gate["limit"] == 500 and gate["source"].startswith("HJ/T 81-2001")
    assert gate["feature_id"] == "NFZ-SEAT-150123"


def test_criteria_carry_value_normalised_weight(demo_result: dict) -> None:
    site = next(s for s in demo_result["sites"] if s["passed"])
    criteria = {c["key"]: c for c in site["criteria"]}
    available = [c for c in criteria.values() if c["available"]]
    assert sum(c["weight"] for c in available) == pytest.approx(1.0)
    assert sum(c["contribution"] for c in available) == pytest.approx(site["score"])
    for c in available:
        assert 0 <= c["normalised"] <= 1 and c["value"] is not None and c["explanation"]
    water = criteria["water_headroom"]  # county cap - 2021 use - this herd, over the cap
    assert water["available"] and water["unit"] == "frac of county cap"
    assert "use in 2021" in water["explanation"]
    needs = site["needs"]
    assert needs["adcode"] in water["explanation"]
    assert needs["absorption_need_mu"] > 0 and needs["water_need_m3_per_yr"] > 0
    assert needs["forage_need_basis"] == "siting.forage"
    sensitivity = demo_result["sensitivity"]
    assert sensitivity["delta_frac"] == 0.2 and sensitivity["top_site_id"] is not None
    assert isinstance(sensitivity["top_stays_on_top"], bool)
    assert "no_farming_zone" in demo_result["illustrative_layers"]


def _write_geojson(path: Path, rows: list[dict], crs: str = "EPSG:4326") -> Path:
    gpd.GeoDataFrame(rows, geometry="geometry", crs=crs).to_file(path, driver="GeoJSON")
    return path


def _demo_geometry(k: int) -> object:
    return gpd.read_file(DEMO).geometry.iloc[k]


def test_mixed_file_scores_good_and_lists_bad(
    region_arg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"site_id": "good-1", "dairy_cow_head": 5000, "geometry": _demo_geometry(9)},
        {"site_id": "bad-herd", "dairy_cow_head": "many", "geometry": _demo_geometry(10)},
        {"site_id": "bad-geom", "dairy_cow_head": 5000, "geometry": Point(111.3, 40.4)},
        {"site_id": "good-2", "dairy_cow_head": 3000, "geometry": _demo_geometry(12)},
    ]
    path = _write_geojson(tmp_path / "mixed.geojson", rows)
    code, out, err = _run(
        ["score", str(path), "--region", region_arg, "--json", "--no-parcels"], capsys
    )
    assert code == 0, err
    data = json.loads(out)
    assert [s["site_id"] for s in data["sites"]] == ["good-1", "good-2"]
    bad = {b["feature_no"]: b for b in data["bad_features"]}
    assert set(bad) == {2, 3}
    assert "dairy_cow_head must be a positive number of head, got 'many'" in bad[2]["reason"]
    assert bad[2]["site_id"] == "bad-herd" and bad[3]["site_id"] == "bad-geom"
    assert "polygon" in bad[3]["reason"].lower()


def test_herd_option_and_projected_input(
    region_arg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = gpd.GeoSeries([_demo_geometry(8)], crs="EPSG:4326").to_crs("EPSG:4546").iloc[0]
    path = _write_geojson(tmp_path / "projected.geojson", [{"geometry": site}], crs="EPSG:4546")
    code, out, err = _run(
        [
            "score",
            str(path),
            "--region",
            region_arg,
            "--json",
            "--dairy-cow-head",
            "7000",
            "--no-parcels",
        ],
        capsys,
    )
    assert code == 0, err
    (result,) = json.loads(out)["sites"]
    assert result["site_id"] == "site-1" and result["dairy_cow_head"] == 7000
    assert result["name"] is None


def test_old_herd_option_name_is_accepted(
    region_arg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_geojson(tmp_path / "one.geojson", [{"geometry": _demo_geometry(8)}])
    code, out, err = _run(
        [
            "score",
            str(path),
            "--region",
            region_arg,
            "--json",
            "--herd-dairy-cows",
            "6500",
            "--no-parcels",
        ],
        capsys,
    )  # vocab: old name
    assert code == 0, err
    assert json.loads(out)["sites"][0]["dairy_cow_head"] == 6500


@pytest.mark.parametrize(
    ("content", "name", "match"),
    [
        ("this is not json", "broken.geojson", "broken.geojson"),
        (None, "no_herd.geojson", "dairy_cow_head"),
        ("", "table.txt", "table.txt"),
    ],
)
def test_bad_files_exit_2_with_one_line(
    region_arg: str,
    tmp_path: Path,
    content: str | None,
    name: str,
    match: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    if content is None:
        _write_geojson(path, [{"site_id": "x", "geometry": box(111.3, 40.4, 111.31, 40.41)}])
    else:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(["score", str(path), "--region", region_arg], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and match in err and err.startswith("python -m siting score")


def test_no_usable_feature_exits_2(
    region_arg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_geojson(
        tmp_path / "zero.geojson", [{"dairy_cow_head": 0, "geometry": _demo_geometry(9)}]
    )
    code, _, err = _run(["score", str(path), "--region", region_arg], capsys)
    assert code == 2 and "no usable site" in err and "got 0" in err


def test_bad_option_values_exit_2(region_arg: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        ["score", str(DEMO), "--region", region_arg, "--limit", "nope=3", "--no-parcels"], capsys
    )
    assert code == 2 and "unknown rule keys ['nope']" in err
    with pytest.raises(SystemExit) as exc:
        main(["score", str(DEMO), "--weight", "slope_mean_deg"])
    assert exc.value.code == 2


def test_water_criterion_can_be_left_out(
    region_arg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        ["score", str(DEMO), "--region", region_arg, "--json", "--no-parcels", "--no-water"], capsys
    )
    assert code == 0, err
    site = next(s for s in json.loads(out)["sites"] if s["passed"])
    criteria = {c["key"]: c for c in site["criteria"]}
    for key in ("water_headroom", "absorption_land_ratio", "forage_land_ratio"):
        assert not criteria[key]["available"] and criteria[key]["weight"] == 0, key
        assert criteria[key]["reason_unavailable"], key
    assert "water caps" in criteria["water_headroom"]["reason_unavailable"]


def test_text_output_and_user_limit(region_arg: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        [
            "score",
            str(DEMO),
            "--region",
            region_arg,
            "--no-parcels",
            "--limit",
            "no_farming_zone_setback=450",
            "--weights",
            "ahp",
        ],
        capsys,
    )
    assert code == 0, err
    demo_02 = next(line for line in out.splitlines() if line.startswith("DEMO-02"))
    assert " yes " in demo_02  # 480 m passes a 450 m setback
    assert "Top site" in out and "Illustrative layers" in out


NAMED_SITES = ROOT / "tests" / "data" / "named_sites.geojson"
NAMES = {"P1": "P1-tumochuan-plain", "P2": "P2-togtoh-north", "site-3": "P3-tumed-west"}


def test_file_ids_and_names_survive_in_json_and_table(
    region_arg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        ["score", str(NAMED_SITES), "--region", region_arg, "--json", "--no-parcels"], capsys
    )
    assert code == 0, err
    sites = json.loads(out)["sites"]
    assert {s["site_id"]: s["name"] for s in sites} == NAMES
    assert [s["dairy_cow_head"] for s in sites] == [5000, 3000, 4000]
    code, out, err = _run(
        ["score", str(NAMED_SITES), "--region", region_arg, "--no-parcels"], capsys
    )
    assert code == 0, err
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[2:5]}
    assert rows == NAMES


def test_help_lists_the_recognised_id_and_name_columns(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "site_id/id/编号/场址编号/site_no" in text
    assert "name/name_zh/名称/场名/牧场/site_name/title" in text
    assert "[plan] water_baseline_year" in text and "[plan] receiving_crop" in text


def test_demo_candidates_carry_their_chinese_names(demo_result: dict) -> None:
    site = next(s for s in demo_result["sites"] if s["site_id"] == "DEMO-02")
    assert site["name"] == "和林格尔县城关附近候选场址"


def test_an_absurd_herd_exits_2_with_one_line(
    region_arg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_geojson(
        tmp_path / "absurd.geojson",
        [{"name": "巨场", "dairy_cow_head": 10**12, "geometry": _demo_geometry(9)}],
    )
    code, out, err = _run(["score", str(path), "--region", region_arg, "--no-parcels"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "largest plausible ranch" in err
