"""County and city packets from the demo scenario (real region data: run ``make data``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cli import build_parser
from cli.buildout import compute
from layers.counties import load_counties
from layers.region import load_region
from layers.scenario_files import load_demo_scenario
from reports import PacketInputs, ReportFiles, write_county_packet
from reports.workbook import column_label, sheet_label

ROOT = Path(__file__).resolve().parents[2]
SHEETS = ["checks", "county_totals", "city_totals", "sites", "reviews", "parameters"]


@pytest.fixture(scope="module")
def inputs() -> PacketInputs:
    args = build_parser().parse_args(["buildout", "--region", "hohhot", "--scenario", "demo"])
    region, name, result = compute(args)
    return PacketInputs(
        region_id=region.id,
        region_adcode=region.adcode,
        region_name_zh=region.name_zh,
        region_name_en=region.name_en,
        analysis_crs=region.analysis_crs,
        scenario=name,
        counties=load_counties(region),
        sites=load_demo_scenario(region),
        result=result,
        report_date=date.today(),
    )


def _pdf_pages(path: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def _check_files(
    files: ReportFiles, inputs: PacketInputs, adcode: str, name: str, lang: str
) -> None:
    checks = inputs.result.checks
    rows = checks[checks["adcode"] == adcode]
    assert files.html.is_file() and files.pdf.is_file() and files.xlsx.is_file()
    assert _pdf_pages(files.pdf) == len(files.pdf_pages)
    html = files.html.read_text(encoding="utf-8")
    assert name in html
    assert inputs.scenario in html
    assert date.today().isoformat() in html
    for check_name in rows["name"].map(lambda name: name.render(lang)).unique():
        assert check_name in html
    assert not re.search(r"""(src|href)\s*=\s*['"]?\s*(https?:)?//""", html)
    assert not re.search(r"url\(|@import|<script|<link", html)
    workbook = pd.read_excel(files.xlsx, sheet_name=None)
    assert list(workbook) == [sheet_label(s, lang) for s in SHEETS]
    checks_sheet = workbook[sheet_label("checks", lang)]
    assert len(checks_sheet) == len(rows)
    assert column_label("water_use_m3_per_yr", lang) in list(
        workbook[sheet_label("county_totals", lang)].columns
    )


def test_county_packet(inputs: PacketInputs, tmp_path: Path) -> None:
    files = write_county_packet(inputs, "150123", tmp_path, lang="zh")
    _check_files(files, inputs, "150123", "和林格尔县", "zh")
    checks = inputs.result.checks
    n_rows = int((checks["adcode"] == "150123").sum())
    # cover, map, >= 2 check pages (one row per check and year), forage, water/load, sites,
    # >= 1 parameters page
    assert files.pdf_pages[:2] == ("县域规划审核材料", "位置图")
    assert files.pdf_pages.count("场址") == 1
    assert sum(p.startswith("核查表") for p in files.pdf_pages) >= max(1, n_rows // 30)
    sites = pd.read_excel(files.xlsx, sheet_name="场址")
    assert set(sites["行政区代码"].astype(str)) == {"150123"}
    assert set(sites["审核意见"]) == {"待审核"}
    assert set(sites["适宜性评分"]) == {"未计算评分"}
    assert column_label("alfalfa_area_needed_mu", "zh") == "苜蓿需种面积（亩）"
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "30",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(files.pdf),
                str(tmp_path / "page"),
            ],
            check=True,
        )
        assert list(tmp_path.glob("page*.png"))


def test_city_packet(inputs: PacketInputs, tmp_path: Path) -> None:
    files = write_county_packet(inputs, None, tmp_path, lang="en")
    _check_files(files, inputs, inputs.region_adcode, "Hohhot", "en")
    sites = pd.read_excel(files.xlsx, sheet_name="Sites")
    assert len(sites) == len(inputs.sites)
    assert list(sites.columns)[:2] == ["ID", "Name"]


def test_unknown_county_is_refused(inputs: PacketInputs, tmp_path: Path) -> None:
    from errors import ParameterError

    with pytest.raises(ParameterError, match=r"'999'.*150123 和林格尔县"):
        write_county_packet(inputs, "999", tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting", "report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_writes_three_files(tmp_path: Path) -> None:
    done = _cli(
        "--region",
        "hohhot",
        "--scenario",
        "demo",
        "--county",
        "150123",
        "--out",
        str(tmp_path / "out"),
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "report_150123.html",
        "report_150123.pdf",
        "report_150123.xlsx",
    ]
    # Site scores are those of `python -m siting score` on the same footprints (default
    # weights): a passed site shows its rounded score, a failed one "×".
    shown = pd.read_excel(
        tmp_path / "out" / "report_150123.xlsx",
        sheet_name="Sites",
        dtype={"Suitability score": str},
    ).set_index("ID")["Suitability score"]
    sites = load_demo_scenario(load_region("hohhot"))
    sites = sites[sites["adcode"] == "150123"]
    candidates = tmp_path / "candidates.geojson"
    sites.assign(dairy_cow_head=sites["dairy_cow_head"])[
        ["site_id", "dairy_cow_head", "geometry"]
    ].to_file(candidates, driver="GeoJSON")
    scored = subprocess.run(
        [sys.executable, "-m", "siting", "score", str(candidates), "--region", "hohhot", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    for site in json.loads(scored.stdout)["sites"]:
        expected = f"{site['score']:.0f}" if site["passed"] else "×"
        assert shown[site["site_id"]] == expected


def test_cli_bad_county_exits_2_with_one_line(tmp_path: Path) -> None:
    done = _cli(
        "--region", "hohhot", "--scenario", "demo", "--county", "999", "--out", str(tmp_path)
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "150123" in done.stderr
