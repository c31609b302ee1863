"""Computing packages return message keys with parameters, never zh/en sentence pairs.

`locales.Message` carries a catalogue key and named parameters; only the entry points (ui/,
cli/, reports/) render it in a language. Two rules keep it so:

- a dataclass of siting/, geo/, layers/, store/ or planning/ has no field pair named
  ``*_zh`` / ``*_en`` (or ``zh`` / ``en``) except names read from data tables
  (`DATA_NAME_FIELDS`) and the pairs still listed in `REMAINING_PAIRS`;
- a string literal of siting/ holds no Chinese outside an error message (errors are
  bilingual by design, `errors.PlannerError`) and outside `INPUT_VOCABULARY` (words a user's
  file may use, which siting/ reads, never shows).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import locales
from locales import Message, Term

ROOT = Path(__file__).resolve().parents[1]
NON_UI_PACKAGES = ("siting", "geo", "layers", "store", "planning")
PAIR_FIELD = re.compile(r"^(en|zh)$|_(en|zh)$")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Fields that hold a name recorded in a data table in both languages (crop, rule, region).
DATA_NAME_FIELDS = re.compile(r"^(crop_)?(name|label)_(zh|en)$|^description_(zh|en)$")
#: (module, class, field) -> why the zh/en pair is still there. Shrink it, never grow it.
REMAINING_PAIRS: dict[tuple[str, str, str], str] = {}
#: Modules of siting/ whose Chinese literals are input vocabulary (column and status names a
#: user's file may carry), with the reason.
INPUT_VOCABULARY = {
    "siting/site_attributes.py": "column and status aliases read from a user's site file",
}
#: Chinese literals of siting/ that are neither sentences shown as results nor caught by the
#: error scan, with the reason.
NOT_RESULT_TEXT = {
    "不在候选表中": "haul_candidates.py: part of the out-of-date ParameterError message",
    "已不在方案中": "haul_candidates.py: part of the out-of-date ParameterError message",
    "位置或半径已改变": "haul_candidates.py: part of the out-of-date ParameterError message",
    "实测留存率": "manure_routes.py: name_zh of the user-measured route stage (a route record "
    "like the rows of manure_routes.csv)",
}
#: Modules of siting/ that still write Chinese result sentences, with the reason.
REMAINING_SENTENCES: dict[str, str] = {}
ERROR_CALLS = {"add", "Problems", "require_positive", "raise_if_any"}
#: Private helpers of siting/ that collect or raise an error from a zh/en message pair.
ERROR_HELPERS = re.compile(r"^_(require|flag|check|problem|add|bad)")
ZH_NAME = re.compile(r"(^|_)zh$")


def _modules(package: str) -> list[Path]:
    return [
        p
        for p in sorted((ROOT / package).rglob("*.py"))
        if "build" not in p.relative_to(ROOT).parts
    ]


def _pair_fields(path: Path) -> list[tuple[str, str, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    name = stmt.target.id
                    if PAIR_FIELD.search(name) and not DATA_NAME_FIELDS.match(name):
                        found.append((path.relative_to(ROOT).as_posix(), node.name, name))
    return found


def _in_error(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and ZH_NAME.search(t.id) for t in targets):
                return True
        if isinstance(node, ast.Call) and _is_error_call(node):
            return True
    return False


def _is_error_call(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return (
        name in ERROR_CALLS
        or name.endswith("Error")
        or bool(ERROR_HELPERS.match(name))
        or any(k.arg is not None and ZH_NAME.search(k.arg) for k in call.keywords)
    )


def chinese_sentences(source: str) -> list[str]:
    """Return the string literals with Chinese outside docstrings and error messages."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and not isinstance(parents.get(node), ast.Expr)
        and not _in_error(node, parents)
    ]


def test_no_zh_en_field_pairs_outside_the_ui() -> None:
    found = {f for package in NON_UI_PACKAGES for p in _modules(package) for f in _pair_fields(p)}
    assert sorted(found - set(REMAINING_PAIRS)) == []
    assert sorted(set(REMAINING_PAIRS) - found) == []  # fixed ones leave the list


@pytest.mark.parametrize("path", _modules("siting"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_siting_writes_no_chinese_sentence(path: Path) -> None:
    module = path.relative_to(ROOT).as_posix()
    found = chinese_sentences(path.read_text(encoding="utf-8"))
    if module in INPUT_VOCABULARY:
        found = [s for s in found if not _is_alias(s)]
    found = [s for s in found if s not in NOT_RESULT_TEXT]
    if module in REMAINING_SENTENCES:
        assert found, f"{module} has no Chinese sentence left: remove it from the list"
        return
    assert found == []


def _is_alias(literal: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff]+(km|亩)?", literal))


def test_the_scan_finds_sentences_and_skips_errors() -> None:
    source = (
        'def f(p):\n    """文档。"""\n    p.add("bad", "坏")\n'
        '    raise ValueError("x", zh="错")\n    return "一句话"\n'
    )
    assert chinese_sentences(source) == ["一句话"]


def test_message_renders_nested_messages_terms_and_lists() -> None:
    name = Term("苜蓿", "alfalfa")
    inner = Message.of("siting.amount", value=1234.56, unit=Message.of("unit.mu"))
    assert inner.render("zh") == "1,234.6 亩"
    assert inner.render("en") == "1,234.6 mu"
    note = Message.of("footprint.note.defaults_used", source="f.kml", columns=("a", "b"))
    assert note.render("zh") == "f.kml：缺少 a、b 列，已用默认值"
    assert note.render("en") == "f.kml: no column for a, b; defaults used"
    reason = Message.of("siting.reason.no_layer", layer=Message.of("layer_kind.eco_redline"))
    assert reason.render("zh") == "未加载生态保护红线图层"
    assert name.render("en") == "alfalfa" and name.render("zh") == "苜蓿"


def test_renderer_equals_message_render_and_shares_parts() -> None:
    limit = Message.of("gates.limit.at_least_m", limit_m=500.0)
    status = Message.of("status.illustrative")
    messages = [
        Message.of(
            "gates.result",
            what=Message.of("gates.what.nearest", feature=f"v{k} [{k}]", distance_m=100.0 * k),
            name=Term("居民点", "settlement"),
            verdict=Message.of("gates.verdict.passes"),
            limit=limit,
            source="GB 18596",
            status=status,
        )
        for k in range(3)
    ]
    messages.append(Message.of("footprint.note.defaults_used", source="f", columns=("a", "b")))
    for lang in ("zh", "en"):
        renderer = locales.Renderer(lang)
        assert [renderer.render(m) for m in messages] == [m.render(lang) for m in messages]
        assert [renderer.render(m) for m in messages] == [m.render(lang) for m in messages]


def test_message_to_dict_keeps_numbers_as_numbers() -> None:
    message = Message.of(
        "nutrients.note.default_yield",
        crop=Term("燕麦", "oats"),
        yield_kg_per_mu=500.0,
        status=Message.of("status.illustrative"),
        source="s",
    )
    assert message.to_dict() == {
        "key": "nutrients.note.default_yield",
        "params": {
            "crop": {"zh": "燕麦", "en": "oats"},
            "yield_kg_per_mu": 500.0,
            "status": {"key": "status.illustrative", "params": {}},
            "source": "s",
        },
    }
    assert "500 kg/亩（示意；s）" in message.render("zh")


def test_every_message_key_used_outside_the_ui_exists() -> None:
    keys = set()
    for path in (p for package in NON_UI_PACKAGES for p in _modules(package)):
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'Message(?:\.of)?\(\s*"([a-z_][\w.]*)"', text))
    assert len(keys) > 30
    assert sorted(k for k in keys if not locales.has(k)) == []
