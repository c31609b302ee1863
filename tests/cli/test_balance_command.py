"""``python -m siting balance``: JSON figures worked by hand, text output, bad arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main

ROOT = Path(__file__).resolve().parents[2]
BALANCE = [
    "balance",
    "--animals",
    "dairy_cow=5000",
    "--crop",
    "maize",
    "--yield-kg-per-mu",
    "600",
    "--soil-class",
    "II",
    "--manure-share",
    "0.5",
]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_balance_json_matches_hand_figures() -> None:
    done = run_cli(*BALANCE, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    pe = 5000 * 100 / 15
    assert data["pig_equivalents"] == pytest.approx(pe)
    assert data["n_supply_kg_per_yr"] == pytest.approx(pe * 7.0)  # 233,333.3
    assert data["p_supply_kg_per_yr"] == pytest.approx(pe * 1.2)  # 40,000
    n_demand = 600 / 100 * 2.3 * 0.45 * 0.5 / 0.30  # 10.35 kg N/mu (default N 0.30)
    p_demand = 600 / 100 * 0.3 * 0.45 * 0.5 / 0.35  # 1.157 kg P/mu (default P 0.35)
    assert data["n_demand_kg_per_mu"] == pytest.approx(n_demand)
    assert data["p_demand_kg_per_mu"] == pytest.approx(p_demand)
    assert data["land_required_mu_n"] == pytest.approx(pe * 7.0 / n_demand)  # 22,544
    assert data["land_required_mu_p"] == pytest.approx(pe * 1.2 / p_demand)  # 34,568
    assert data["binding_basis"] == "N"
    assert {c["status"] for c in data["coefficients"]} <= {
        "corroborated",
        "recalled",
        "illustrative",
        "derived",
    }


def test_balance_several_species_sold_manure_and_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "balance",
            "--animals",
            "beef_cattle=1000",
            "--animals",
            "sheep=2000",
            "--crop",
            "wheat",
            "--yield-kg-per-mu",
            "400",
            "--soil-class",
            "III",
            "--manure-sold-frac",
            "0.2",
            "--n-utilisation",
            "0.3",
            "--p-utilisation",
            "0.35",
            "--olsen-p-mg-per-kg",
            "41",
            "--json",
        ]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    pe = 1000 * 100 / 30 + 2000 * 100 / 250  # 4,133.3 PE
    n_demand = 400 / 100 * 3.0 * 0.55 * 0.5 / 0.30  # 11.0 kg N/mu
    p_demand = 400 / 100 * 1.0 * 0.55 * 0.5 / 0.35  # 3.143 kg P/mu
    assert data["pig_equivalents"] == pytest.approx(pe)
    assert data["n_supply_kg_per_yr"] == pytest.approx(pe * 7.0 * 0.8)
    assert data["n_demand_kg_per_mu"] == pytest.approx(n_demand)
    assert data["land_required_mu_p"] == pytest.approx(pe * 1.2 * 0.8 / p_demand)
    assert data["binding_basis"] == "P"  # Olsen-P 41 > 40


def test_balance_routes_of_the_farm(capsys: pytest.CaptureFixture[str]) -> None:
    # dairy: 贾伟 et al. 2017 keep 126/204 of excreted N; beef: a measured retention (user)
    assert main([*BALANCE, "--route", "separation_compost_lagoon", "--json"]) == 0
    dairy = json.loads(capsys.readouterr().out)
    assert dairy["n_supply_kg_per_yr"] == pytest.approx(5000 * 100 / 15 * 11 * 126 / 204)
    assert (
        main(
            [
                "balance",
                "--animals",
                "beef_cattle=300",
                "--crop",
                "maize",
                "--n-retention-frac",
                "0.5",
                "--p-retention-frac",
                "0.8",
                "--json",
            ]
        )
        == 0
    )
    beef = json.loads(capsys.readouterr().out)
    assert beef["n_supply_kg_per_yr"] == pytest.approx(300 * 100 / 30 * 11 * 0.5)
    statuses = {c["key"]: c["status"] for c in beef["coefficients"]}
    assert statuses["route.measured.n_retention_frac"] == "user"


def test_balance_alfalfa_shows_the_low_n_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["balance", "--animals", "dairy_cow=100", "--crop", "alfalfa", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["demand"]["low_n_demand"] is True
    note = next(n for n in data["notes"] if n["key"] == "nutrients.note.low_n_demand")
    assert note["params"]["crop"] == {"zh": "苜蓿", "en": "alfalfa"}
    assert note["text"].startswith("Under the guide's coefficients, alfalfa takes little")


def test_balance_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BALANCE) == 0
    out = capsys.readouterr().out
    assert "land_required_mu_n" in out
    assert "22,544.3" in out  # 5000 × 100/15 × 7.0 ÷ (13.8 × 0.45 × 0.5 ÷ 0.30)
    assert "Coefficients:" in out
    assert "recalled" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--animals", "dairy_cow"], "not SPECIES=HEAD"),
        (["--animals", "dairy_cow=-5"], "head count of 'dairy_cow' is -5"),
        (["--animals", "horse=5"], "unknown species 'horse'"),
        (["--animals", "dairy_cow=5", "--manure-share", "1.5"], "not a fraction"),
        (["--animals", "dairy_cow=5", "--crop", "rye"], "Unknown crop 'rye'"),
        (["--animals", "dairy_cow=5", "--soil-class", "IV"], "invalid choice: 'IV'"),
        (["--animals", "dairy_cow=5", "--animals", "dairy_cow=6"], "'dairy_cow' twice"),
        (
            ["--animals", "beef_cattle=5", "--route", "separation_compost_lagoon"],
            "not measured for beef_cattle",
        ),
        (
            ["--animals", "beef_cattle=5", "--n-retention-frac", "0.5"],
            "give both --n-retention-frac and --p-retention-frac",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["balance", "--crop", "maize", *args]
    try:
        status = main(argv)
    except SystemExit as stop:
        status = int(stop.code or 0)
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert err.count("\n") == 1


def test_bad_arguments_in_a_subprocess() -> None:
    done = run_cli(
        "balance", "--animals", "dairy_cow=5000", "--crop", "maize", "--manure-sold-frac", "2"
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "--manure-sold-frac" in done.stderr


def test_chinese_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["balance", "--animals", "horse=5", "--crop", "maize", "--lang", "zh"]) == 2
    assert "未知畜种" in capsys.readouterr().err
