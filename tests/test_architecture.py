"""Dependency direction, package cycles and purity (STYLE.md B1, B10.7; DESIGN.md "Layout").

The house has one direction: entry points (app.py, ui/, cli/, reports/) -> planning/ ->
layers/, store/ -> siting/ -> geo/ -> errors (errors.py, problems.py). `ALLOWED` states, for
every package, the project packages it may import; anything else fails, and so does any cycle
between packages. The entry points reach data only through planning/ (the one place where
loading meets computing), siting/ is pure (no files, settings or UI), and below the entry
points nothing imports streamlit or folium. The one exception is ``siting/__main__.py``, the
thin ``python -m siting`` shim that hands over to `cli`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI_LIBS = {"streamlit", "folium", "streamlit_folium", "branca"}
BASE = {"errors", "problems", "locales"}
#: package -> project packages it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "locales": set(),
    "errors": set(),
    "problems": {"errors"},
    "geo": BASE,
    "siting": {"geo"} | BASE,
    "layers": {"siting", "geo"} | BASE,
    "store": {"siting", "geo"} | BASE,
    "planning": {"layers", "store", "siting", "geo"} | BASE,
    "reports": {"planning", "siting", "geo"} | BASE,
    "cli": {"planning", "reports", "siting", "geo"} | BASE,
    "ui": {"planning", "reports", "siting", "geo"} | BASE,
    "app": {"ui", "planning"} | BASE,
    # build-time generators of bundled data: an entry point of their own, never imported
    # at run time (test_layers_build_is_never_imported_at_run_time)
    "layers.build": {"planning", "layers", "siting", "geo"} | BASE,
    "bench": {"planning", "layers", "store", "siting", "geo", "cli", "ui"} | BASE,
}
#: Packages that may import the UI libraries.
UI_PACKAGES = {"ui", "app"}
#: Modules allowed to break the order, each with its reason.
EXCEPTIONS = {
    "siting/__main__.py": "`python -m siting` hands over to the cli package",
}
#: Calls that import a module by name at run time.
DYNAMIC_IMPORTS = {"import_module", "__import__"}
#: Stands for a run-time import whose module name is not a literal (never allowed).
DYNAMIC = "<dynamic import>"
IO_NAMES = {"open", "read_file", "read_dataframe", "read_csv", "to_file", "read_vector", "getenv"}
IO_MODULES = {"os", "pathlib", "tomllib", "rasterio", "pyogrio", "sqlite3", "streamlit"}


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    if rel.parts[:2] == ("layers", "build"):
        return "layers.build"
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _modules() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts
        and p.relative_to(ROOT).parts[0] != "tests"
        and _package_of(p) in ALLOWED
    )


def _imports(path: Path) -> set[str]:
    """Return the modules ``path`` imports, statically or by name at run time.

    ``importlib.import_module("layers.x")`` and ``__import__("layers.x")`` count like an
    import statement; so does an f-string name (``f"bench.{name}"`` imports from ``bench``).
    A name that is not a literal at all is returned as `DYNAMIC` (its package is unknown).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and _call_name(node) in DYNAMIC_IMPORTS and node.args:
            names.add(_imported_name(node.args[0]))
    return names


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _imported_name(arg: ast.expr) -> str:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values:
        head = arg.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str) and "." in head.value:
            return head.value.rsplit(".", 1)[0]
    return DYNAMIC


def _project_imports(path: Path) -> set[str]:
    return {
        "layers.build" if name.startswith("layers.build") else name.split(".")[0]
        for name in _imports(path)
    } & set(ALLOWED)


def test_every_package_imports_only_what_stands_below_it() -> None:
    offenders = []
    for path in _modules():
        rel, package = path.relative_to(ROOT).as_posix(), _package_of(path)
        if rel in EXCEPTIONS:
            continue
        wrong = _project_imports(path) - ALLOWED[package] - {package}
        offenders += [f"{rel} imports {name}" for name in sorted(wrong)]
    assert not offenders, "\n".join(offenders)


def test_run_time_imports_are_seen(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import importlib\n"
        'parcels = importlib.import_module("layers.parcels")\n'
        'herd = __import__("layers.herd")\n'
        'plan = importlib.import_module(f"planning.{name}")\n'
        "other = importlib.import_module(name)\n",
        encoding="utf-8",
    )
    assert _imports(module) == {"importlib", "layers.parcels", "layers.herd", "planning", DYNAMIC}


def test_no_import_by_an_unknown_name() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _modules() if DYNAMIC in _imports(p)]
    assert not offenders, offenders


def test_no_package_cycles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        if path.relative_to(ROOT).as_posix() not in EXCEPTIONS:
            graph[_package_of(path)] |= _project_imports(path) - {_package_of(path)}
    cycles = [f"{a} <-> {b}" for a in graph for b in graph[a] if a in graph.get(b, set())]
    assert not cycles, cycles
    assert not _has_cycle(graph)


def _has_cycle(graph: dict[str, set[str]]) -> bool:
    seen: set[str] = set()
    stack: set[str] = set()

    def visit(node: str) -> bool:
        if node in stack:
            return True
        if node in seen:
            return False
        seen.add(node)
        stack.add(node)
        found = any(visit(nxt) for nxt in graph.get(node, set()))
        stack.discard(node)
        return found

    return any(visit(node) for node in list(graph))


def test_ui_libraries_only_in_the_ui() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules()
        if _package_of(path) not in UI_PACKAGES
        for name in _imports(path)
        if name.split(".")[0] in UI_LIBS
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("package", ["siting", "geo"])
def test_core_reads_no_settings_or_environment(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} reads the environment"
        for path in _modules()
        if _package_of(path) == package and "os.environ" in path.read_text(encoding="utf-8")
    ]
    assert not offenders, "\n".join(offenders)


def test_siting_computation_is_pure() -> None:
    offenders = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if _package_of(path) != "siting" or rel in EXCEPTIONS:
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


def test_layers_build_is_never_imported_at_run_time() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules()
        if not path.relative_to(ROOT).as_posix().startswith("layers/build/")
        for name in _imports(path)
        if name.startswith("layers.build")
    ]
    assert not offenders, "\n".join(offenders)


def test_every_project_package_is_placed() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    packages |= {p.stem for p in ROOT.glob("*.py")}
    unplaced = packages - set(ALLOWED) - {"tests", "build"}
    assert not unplaced, f"add {sorted(unplaced)} to ALLOWED"


def test_no_catch_all_modules() -> None:
    banned = {"utils.py", "common.py", "helpers.py"}
    found = [
        p.relative_to(ROOT)
        for p in ROOT.rglob("*.py")
        if p.name in banned and ".venv" not in p.parts
    ]
    assert not found
