"""The command line's words come from the catalogues: ``--lang zh`` Chinese, ``--lang en`` English.

Table headers and sentences are checked, not the cells: a cell may hold an identifier (site id,
rule key, check key, unit) or a name from the data (Chinese county or site names in English
output). A header line in Chinese may keep identifiers such as adcodes and units (kg, mu).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import locales
from cli import main
from cli.score import summary_text
from layers.herd import HERD_COLUMNS

CLI_DIR = Path(__file__).resolve().parents[2] / "cli"
#: An English word: 4 or more ASCII letters (shorter ones are units or symbols: kg, mu, PE, N).
ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
COUNTIES = ("150102", "150103", "150104", "150105", "150121", "150122", "150123", "150124")
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
BALANCE = ["balance", "--animals", "dairy_cow=5000", "--crop", "maize", "--yield-kg-per-mu", "600"]


def _header_lines(text: str) -> list[str]:
    """Return the header line of every table (the line above a ``---  ---`` rule)."""
    lines = text.splitlines()
    return [lines[i - 1] for i, line in enumerate(lines) if i and re.fullmatch(r"-+( +-+)*", line)]


def _english_words(line: str, allowed: tuple[str, ...] = ()) -> list[str]:
    return [w for w in ENGLISH_WORD.findall(line) if w not in allowed]


def _score_data() -> dict[str, Any]:
    """A small ``score --json`` document: one passing site, one failing, one bad feature."""
    gate = {"rule": "settlement_setback", "measured_value": 120.0, "unit": "m", "limit": 500}
    site = {"site_id": "S-1", "name": "东河牧场", "score": 71.26, "rank": 1, "rank_range": [1, 2]}
    return {
        "sites": [
            {**site, "passed": True, "failed_gates": []},
            {
                **site,
                "site_id": "S-2",
                "passed": False,
                "score": None,
                "rank": None,
                "rank_range": None,
                "failed_gates": [{**gate, "feature_name": "东河村"}],
            },
        ],
        "sensitivity": {"top_site_id": "S-1", "top_stays_on_top": True, "delta_frac": 0.2},
        "bad_features": [{"feature_no": 3, "site_id": None, "name": "x", "reason": "no geometry"}],
        "illustrative_layers": ["settlements"],
    }


@pytest.fixture
def stand_in_parcels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "planning.buildout_inputs.load_parcels", lambda region: STAND_IN_PARCELS.copy()
    )


@pytest.fixture
def stand_in_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    """One maize parcel and one dairy herd per county (the capacity service's two loaders)."""
    herd = pd.DataFrame(
        {"adcode": list(COUNTIES), **dict.fromkeys(HERD_COLUMNS, 0), "dairy_cow_head": 1000}
    )
    service = "planning.nutrient_balance"
    monkeypatch.setattr(f"{service}.load_parcels", lambda region: STAND_IN_PARCELS.copy())
    monkeypatch.setattr(f"{service}.load_herd_baseline", lambda region: herd.copy())


@pytest.mark.usefixtures("stand_in_layers")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_capacity_table_follows_lang(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", "--region", "hohhot", "--lang", lang]) == 0
    out = capsys.readouterr().out
    county, coefficients = _header_lines(out)
    title = out.splitlines()[0]
    if lang == "zh":
        assert county.split()[:2] == ["行政区划代码", "旗县区"] and "土默特左旗" in out
        assert _english_words(county) == [] and _english_words(coefficients) == []
        assert "呼和浩特" in title and _english_words(title) == []
    else:
        assert county.split()[:2] == ["adcode", "county"] and "Tumed Left Banner" in out
        assert not CJK.search(county) and not CJK.search(coefficients)
        assert title.startswith("Manure carrying capacity by county, Hohhot")


def test_score_table_in_chinese() -> None:
    text = summary_text(_score_data(), "zh")
    (header,) = _header_lines(text)
    assert header.split() == ["场址", "名称", "通过", "得分", "排名", "排名范围", "未通过的硬约束"]
    assert _english_words(header) == []
    top = next(line for line in text.splitlines() if "S-1" in line and "±" in line)
    assert CJK.search(top) and _english_words(top) == []
    assert "示意图层" in text and "已跳过第 3 个要素" in text
    assert "限值 500" in text and "Top site" not in text


def test_score_table_in_english() -> None:
    text = summary_text(_score_data(), "en")
    (header,) = _header_lines(text)
    assert not CJK.search(header)
    assert "Top site S-1 stays on top when each weight moves by ±20%." in text
    sentences = [line for line in text.splitlines()[len(_score_data()["sites"]) + 2 :] if line]
    assert sentences and not any(CJK.search(line) for line in sentences)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_balance_headers_and_titles_follow_lang(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*BALANCE, "--lang", lang]) == 0
    out = capsys.readouterr().out
    headers = _header_lines(out)
    assert len(headers) == 2  # the explain table and the coefficient table
    for key in ("cli.balance.title", "cli.notes", "cli.coefficients"):
        assert locales.text(key, lang) in out
    if lang == "zh":
        assert all(CJK.search(h) and _english_words(h) == [] for h in headers)
    else:
        assert not any(CJK.search(h) for h in headers)
        assert "Notes:" in out and "说明" not in out


@pytest.mark.usefixtures("stand_in_parcels")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_buildout_tables_follow_lang(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["buildout", "--region", "hohhot", "--scenario", "demo", "--years", "2023"]
    assert main([*args, "--lang", lang]) == 0
    out = capsys.readouterr().out
    headers = _header_lines(out)
    assert len(headers) == 3  # the 2023 matrix, the plan comparison, the flagged checks
    for key in ("cli.buildout.comparison", "cli.buildout.flagged"):
        assert locales.text(key, lang) in out
    sentences = [out.splitlines()[0], out.splitlines()[1].split(":")[0]]
    if lang == "zh":
        assert all(_english_words(h) == [] for h in headers)
        assert "超限" in out and "EXCEEDED" not in out
        assert _english_words(sentences[0], ("demo", "hohhot", "parcels")) == []
    else:
        assert not any(CJK.search(h) for h in headers)
        assert not any(CJK.search(s) for s in sentences)
        assert "EXCEEDED" in out and "超限" not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_error_lines_follow_lang(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [*BALANCE[1:], "--animals", "dairy_cow=6"]
    assert main(["balance", *args, "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("python -m siting balance: ")
    message = err.split(": ", 1)[1]
    if lang == "zh":
        assert "出现两次" in message and _english_words(message, ("animals", "dairy")) == []
    else:
        assert "error: --animals gives 'dairy_cow' twice" in err and not CJK.search(message)


_KEY_FUNCTIONS = {"words", "both", "argument_message"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_argument_errors_follow_lang(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*BALANCE, "--manure-share", "2", f"--lang={lang}"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    message = err.split("--manure-share: ", 1)[1]
    if lang == "zh":
        assert "之间的比例" in message and _english_words(message, ("help",)) == []
    else:
        assert "is not a fraction in [0, 1]" in message and not CJK.search(err)


def _used_keys() -> set[str]:
    """Return the ``cli.`` keys named by literal in cli/*.py (words, both, argument_message)."""
    keys: set[str] = set()
    for path in CLI_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in _KEY_FUNCTIONS:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add(f"cli.{first.value}")
    return keys


def test_every_literal_key_of_the_command_line_is_in_the_catalogues() -> None:
    used = _used_keys()
    assert len(used) > 20
    assert sorted(key for key in used if not locales.has(key)) == []
