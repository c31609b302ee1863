"""The input file's own site names and ids survive every command: plan import, allocate, export,
report. The file's id column (``site_id``) is stored as ``source_id`` (P3 has none).

Uses ``tests/data/named_sites.geojson`` (P1-tumochuan-plain, P2-togtoh-north, P3-tumed-west)
and the Hohhot pack with its generated absorption parcels (``make data``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd

from cli import main
from reports.workbook import column_label, sheet_label
from store import ScenarioStore

NAMED_SITES = Path(__file__).resolve().parents[1] / "data" / "named_sites.geojson"
NAMES = ["P1-tumochuan-plain", "P2-togtoh-north", "P3-tumed-west"]
SOURCE_IDS = {"P1-tumochuan-plain": "P1", "P2-togtoh-north": "P2", "P3-tumed-west": None}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose scenario "N" holds the named sites, allocated."""
    path = tmp_path_factory.mktemp("names") / "plans.gpkg"
    for args in (
        ["create", "--scenario", "N"],
        ["import", str(NAMED_SITES), "--scenario", "N"],
        ["allocate", "--scenario", "N"],
    ):
        assert main(["plan", *args, "--store", str(path)]) == 0
    return path


def test_import_keeps_the_names(store: Path) -> None:
    assert sorted(ScenarioStore(store).sites("N")["name"]) == NAMES


def test_import_keeps_the_files_ids(store: Path) -> None:
    sites = ScenarioStore(store).sites("N")
    assert _ids(sites) == SOURCE_IDS


def _ids(sites: pd.DataFrame) -> dict[str, str | None]:
    name = "Name" if "Name" in sites.columns else "name"
    return {
        str(row[name]): None if pd.isna(row["source_id"]) else str(row["source_id"])
        for _, row in sites.iterrows()
    }


def test_allocate_reports_farms_by_name(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["plan", "allocate", "--scenario", "N", "--json", "--store", str(store)]) == 0
    farms = json.loads(capsys.readouterr().out)["farms"]
    assert sorted(f["name"] for f in farms) == NAMES
    assert main(["plan", "allocate", "--scenario", "N", "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in NAMES)


def _exported_sites(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "xlsx":
        return pd.read_excel(path, sheet_name="sites")
    return gpd.read_file(path, layer="sites") if fmt == "gpkg" else gpd.read_file(path)


def _exported_names(path: Path, fmt: str) -> list[str]:
    sites = _exported_sites(path, fmt)
    return sorted(sites["Name" if fmt == "kml" else "name"])


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [
        ("gpkg", ".gpkg"),
        ("geojson", ".geojson"),
        ("kml", ".kml"),
        ("shp_zip", ".zip"),
        ("xlsx", ".xlsx"),
    ],
)
def test_every_export_carries_the_names(store: Path, tmp_path: Path, fmt: str, suffix: str) -> None:
    out = tmp_path / f"plan{suffix}"
    assert (
        main(
            [
                "plan",
                "export",
                "--scenario",
                "N",
                "--format",
                fmt,
                "--out",
                str(out),
                "--store",
                str(store),
            ]
        )
        == 0
    )
    assert _exported_names(out, fmt) == NAMES
    assert _ids(_exported_sites(out, fmt)) == SOURCE_IDS


def test_gpkg_results_name_each_site(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.gpkg"
    assert (
        main(
            [
                "plan",
                "export",
                "--scenario",
                "N",
                "--format",
                "gpkg",
                "--out",
                str(out),
                "--store",
                str(store),
            ]
        )
        == 0
    )
    assert sorted(gpd.read_file(out, layer="site_results")["name"]) == NAMES


def test_report_shows_names_in_html_and_reviews(store: Path, tmp_path: Path) -> None:
    scenario_store = ScenarioStore(store)
    sites = scenario_store.sites("N").set_index("name")
    scenario_store.record_review(
        sites.loc["P2-togtoh-north", "site_id"],
        "reject",
        "too close to the river",
        reviewer="tester",
    )
    assert (
        main(
            [
                "report",
                "--region",
                "hohhot",
                "--scenario",
                "N",
                "--store",
                str(store),
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    html = (tmp_path / "report_150100.html").read_text(encoding="utf-8")
    assert all(name in html for name in NAMES)
    workbook = pd.read_excel(tmp_path / "report_150100.xlsx", sheet_name=None)
    name, site_id = column_label("name", "en"), column_label("site_id", "en")
    assert sorted(workbook[sheet_label("sites", "en")][name]) == NAMES
    (review,) = workbook[sheet_label("reviews", "en")].to_dict("records")
    assert review[name] == "P2-togtoh-north"
    assert review[site_id] == sites.loc["P2-togtoh-north", "site_id"]
