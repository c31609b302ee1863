"""``--help`` in the chosen language: every help text of every command comes from the catalogues.

The language is ``--lang`` (the last one), else ``$FORAGE_SITING_LANG``, else English.
"""

from __future__ import annotations

import argparse
import re

import pytest

import locales
from cli import build_parser, main
from cli.help import LANG_ENV, help_key
from planning.site_scoring import ID_COLUMNS, NAME_COLUMNS

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Chinese an English screen may show: the guide cited by its number, and the Chinese column
#: names a site file may use (read, not translated).
CITED = ("农办牧〔2018〕1号", *ID_COLUMNS, *NAME_COLUMNS)


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if all(sub is not other for _, other in found):  # an alias: listed once
                    found += _parsers(sub, (*path, name))
    return found


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_every_option_of_every_command_has_a_catalogue_text() -> None:
    parsers = _parsers(build_parser("en"))
    # the program, its 13 commands, scenario's 6, users' 5, store's 3 and batch's 3 sub-commands
    assert len(parsers) == 1 + 13 + 6 + 5 + 3 + 3
    for path, parser in parsers:
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert locales.has(help_key(path, action.dest)), (path, action.dest)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_screen_speaks_its_language(lang: str) -> None:
    for path, parser in _parsers(build_parser(lang)):
        screen = parser.format_help()
        if lang == "en":
            rest = screen
            for cited in sorted(CITED, key=len, reverse=True):
                rest = rest.replace(cited, "")
            assert not CJK.search(rest), (path, rest)
        else:
            assert screen.startswith("用法：python -m siting"), path
            assert "show this help" not in screen and "options:" not in screen, path


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        ([], "饲草与牧场选址规划：命令行。", "Forage & farm siting planner: command line."),
        (["score"], "设定某项门槛的限值（可重复）", "set one gate's limit (repeatable)"),
        (["plan", "import"], "坐标为 GCJ-02（高德）", "coordinates are GCJ-02 (Amap)"),
        (
            ["capacity"],
            "施肥中粪肥所占比例（默认：区域的 nutrient_factors.csv）",
            "share of fertilisation given as manure (default: the region's nutrient_factors.csv)",
        ),
    ],
)
def test_help_follows_lang_and_the_environment(
    argv: list[str],
    zh: str,
    en: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    english = _help(argv, capsys)
    assert en in " ".join(english.split())
    chinese = _help([*argv, "--lang", "zh"], capsys)
    assert "".join(zh.split()) in "".join(chinese.split())
    monkeypatch.setenv(LANG_ENV, "zh")
    assert _help(argv, capsys) == chinese
    assert _help([*argv, "--lang", "en"], capsys) == english  # --lang wins over the variable


def test_the_environment_sets_the_message_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANG_ENV, "zh")
    with pytest.raises(SystemExit) as stop:
        main(["capacity", "--region", "atlantis"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "atlantis" in err and CJK.search(err)
    monkeypatch.setenv(LANG_ENV, "fr")  # not a language of the catalogues: English
    with pytest.raises(SystemExit):
        main(["capacity", "--region", "atlantis"])
    assert not CJK.search(capsys.readouterr().err)


def test_defaults_and_store_path_are_filled_in(capsys: pytest.CaptureFixture[str]) -> None:
    score = " ".join(_help(["score", "--lang", "en"], capsys).split())
    assert "weight change of the sensitivity check (default 0.2)" in score
    plan = " ".join(_help(["plan", "list", "--lang", "en"], capsys).split())
    assert "PostGIS store (default: $FORAGE_SITING_STORE, else " in plan
    unfilled = re.compile(r"\{[a-z_]+\}")  # a placeholder ({en,zh} is argparse's choices)
    assert not unfilled.search(score) and not unfilled.search(plan)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_program_help_lists_every_command_with_its_line(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = " ".join(_help(["--lang", lang], capsys).split())
    commands = [name for path, _ in _parsers(build_parser(lang)) if len(path) == 1 for name in path]
    assert len(commands) == 13
    for name in commands:
        line = " ".join(locales.text(f"cli.cmd.{name}", lang).split())
        shown = "scenario (plan)" if name == "scenario" else name  # the old name is an alias
        assert f"{shown} {line}" in screen, (name, screen)
