"""``python -m siting store backup|backups|restore``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main
from store import ScenarioStore


def test_backup_list_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plans.gpkg"
    ScenarioStore(path, backups=None).create_scenario("2021 plan", user="alice")
    assert main(["store", "backup", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Backed up the scenario store to {tmp_path / 'plans.backups'}/plans-")
    assert out.endswith("-manual.gpkg\n")
    assert main(["store", "backups", "--store", str(path), "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["reason"] == "manual"
    assert main(["store", "backups", "--store", str(path), "--lang", "zh"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split() == [
        "备份时间（UTC）",
        "原因",
        "大小（KB）",
        "文件",
    ]

    ScenarioStore(path, backups=None).create_scenario("2023 plan", user="bob")
    assert main(["store", "restore", listed["path"], "--store", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Restored {path} from {listed['path']}"
    assert lines[1].startswith("The content it replaced is kept in ")
    assert [s.name for s in ScenarioStore(path, backups=None).list_scenarios()] == ["2021 plan"]


def test_no_backups_yet_and_a_missing_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plans.gpkg"
    ScenarioStore(path, backups=None)
    assert main(["store", "backups", "--store", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"No backups of {path} yet (make one with: python -m siting store backup)\n"
    )
    assert main(["store", "restore", str(tmp_path / "x.gpkg"), "--store", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"python -m siting store: error: {tmp_path / 'x.gpkg'} does not exist; "
        "list the backups with `siting store backups`.\n"
    )
