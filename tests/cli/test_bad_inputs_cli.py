"""``python -m siting score FILE`` on the bad-input corpus: exit 2 and one line on stderr.

The manifest's error entries (tests/data/bad/expected.toml) run through `cli.main` in
process (English for all, Chinese for a sample), and two through a real subprocess for the
exit status of the interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cli import main
from tests.hostile_files import BUILDERS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "expected.toml").read_text(encoding="utf-8")
)
ERRORS = sorted(n for n, s in EXPECTED.items() if "error" in s)
ZH_SAMPLE = (
    "kml_external_entity.kml",
    "zip_dotdot_path.zip",
    "swapped_lat_lon.geojson",
    "herd_absurd.geojson",
    "zip_bomb.zip",
)
PREFIX = {"en": "python -m siting score: error: ", "zh": "python -m siting score: 错误: "}


def _argv(name: str, tmp_path: Path, lang: str) -> list[str]:
    spec = EXPECTED[name]
    path = BUILDERS[name](tmp_path) if spec.get("generated") else CORPUS / name
    herd = [] if spec.get("herd") == "file" else ["--dairy-cow-head", "3000"]
    return ["score", str(path), "--region", "hohhot", *herd, "--lang", lang]


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("name", "lang"),
    [(n, "en") for n in ERRORS] + [(n, "zh") for n in ZH_SAMPLE],
)
def test_score_exits_2_with_the_message_on_one_line(
    name: str, lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(_argv(name, tmp_path, lang))
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err == PREFIX[lang] + _one_line(EXPECTED[name][lang]) + "\n"


@pytest.mark.parametrize("name", ["kml_billion_laughs.kml", "zip_absolute_path.zip"])
def test_the_interpreter_exits_2(name: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "siting", *_argv(name, tmp_path, "en")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == PREFIX["en"] + _one_line(EXPECTED[name]["en"]) + "\n"


IMPORT_SAMPLE = (
    "kml_billion_laughs.kml",
    "zip_nested.zip",
    "zero_area_one_point.geojson",
    "self_intersecting.geojson",
    "csv_text_in_lon_lat.csv",
)


@pytest.mark.parametrize("name", IMPORT_SAMPLE)
def test_plan_import_exits_2_and_saves_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = {**EXPECTED[name], **EXPECTED[name].get("import", {})}
    store = ["--store", str(tmp_path / "plans.gpkg")]
    assert main(["plan", "create", "--scenario", "S", *store]) == 0
    capsys.readouterr()
    status = main(["plan", "import", str(CORPUS / name), "--scenario", "S", *store])
    out, err = capsys.readouterr()
    assert status == 2
    assert (out, err) == (
        "",
        "python -m siting plan import: error: " + _one_line(spec["en"]) + "\n",
    )
    assert main(["plan", "list", "--json", *store]) == 0
    assert '"sites": 0' in capsys.readouterr().out
