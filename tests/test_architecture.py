"""Dependency direction and purity of the packages (STYLE.md B1, B10.7).

ui/app -> siting -> layers -> geo -> errors. geo/, layers/ and siting/ never import streamlit or
folium; siting/ computation modules do no file or settings access (the CLI package siting/cli/
and siting/__main__.py are the entry points and may).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI_LIBS = {"streamlit", "folium", "streamlit_folium", "branca"}
# package -> packages it must not import
FORBIDDEN = {
    "geo": UI_LIBS | {"layers", "siting", "ui", "store", "reports"},
    "layers": UI_LIBS | {"siting.cli", "ui", "store", "reports"},
    "siting": UI_LIBS | {"ui"},
    "store": UI_LIBS | {"ui"},
}
# I/O entry points that may read files; everything else in siting/ is pure
SITING_IO_ALLOWED = ("siting/cli/", "siting/__main__.py")
IO_NAMES = {"open", "read_file", "read_dataframe", "read_csv", "to_file", "read_vector"}
IO_MODULES = {"os", "pathlib", "tomllib", "rasterio", "pyogrio", "sqlite3", "layers", "store"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _is_forbidden(name: str, forbidden: set[str]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_higher_layers(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(package)
        for name in _imports(path)
        if _is_forbidden(name, FORBIDDEN[package])
    ]
    assert not offenders, "\n".join(offenders)


def test_siting_computation_is_pure() -> None:
    offenders = []
    for path in _modules("siting"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(SITING_IO_ALLOWED):
            continue
        bad_imports = {n for n in _imports(path) if n.split(".")[0] in IO_MODULES}
        calls = {
            node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
        }
        bad_calls = calls & IO_NAMES
        if bad_imports or bad_calls:
            offenders.append(f"{rel}: imports {sorted(bad_imports)}, calls {sorted(bad_calls)}")
    assert not offenders, "\n".join(offenders)


def test_no_catch_all_modules() -> None:
    banned = {"utils.py", "common.py", "helpers.py"}
    found = [p.relative_to(ROOT) for p in ROOT.rglob("*.py")
             if p.name in banned and ".venv" not in p.parts]
    assert not found
