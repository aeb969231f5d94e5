"""The layers point down (ingest < metrics < presentation < followup < dashboard) and no package has an import
circle (issue 13), read from the code's own imports with `ast`: every import statement, at module
level or inside a function, counts."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import ROOT

PACKAGES = ("ingest", "metrics", "presentation", "followup", "dashboard")  # from the bottom
# `python -m metrics` runs followup.cli (export and pack write files, notify sends): the entry point only
ENTRY_POINTS = {("metrics.__main__", "followup.cli")}
# what the role policy may stand on: errors and the words they use, department names, the
# connection and the settings it reads, the audit log's writer
ACCESS_MAY_IMPORT = {"ingest", "ingest.errors", "ingest.words", "ingest.problems", "ingest.names",
                     "ingest.db", "ingest.settings", "ingest.audit"}


def module_name(path: Path, root: Path) -> str:
    """`ingest/load.py` -> `ingest.load`; `ingest/__init__.py` -> `ingest`."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every dotted name an import statement anywhere in `source` (of `module`) may refer to:
    `from a import b` gives both `a` and `a.b` (b may be a module or a name in a)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package that holds `module`
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".")
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """module -> the project modules it imports (the innermost module each name falls in),
    leaving out the packages that contain it (Python runs those first whatever it imports)."""
    files = {module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = set()
        for name in imported_names(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"):
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                targets.add(name)
        graph[module] = targets
    return graph


def cycle(graph: dict[str, set[str]], within: str) -> list[str]:
    """One import circle among the modules of package `within`, or [] when there is none."""
    inside = {m: {t for t in ts if t == within or t.startswith(within + ".")}
              for m, ts in graph.items() if m == within or m.startswith(within + ".")}
    try:
        graphlib.TopologicalSorter(inside).prepare()
    except graphlib.CycleError as e:
        return list(e.args[1])
    return []


def reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for t in graph.get(todo.pop(), set()) - seen:
            seen.add(t)
            todo.append(t)
    return seen


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_sees_imports_inside_functions_and_relative_ones() -> None:
    source = "from ingest import db\n\ndef f():\n    from ingest.load import make_current\n" \
             "    import metrics.kpis\nfrom . import words\nfrom .errors import LekgotlaError\n"
    names = imported_names(source, "ingest.access")
    assert {"ingest.db", "ingest.load", "ingest.load.make_current", "metrics.kpis", "ingest.words",
            "ingest.errors"} <= names


def test_the_graph_finds_a_circle(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg import b\n")
    (tmp_path / "pkg" / "b.py").write_text("def f():\n    from pkg.c import x\n")
    (tmp_path / "pkg" / "c.py").write_text("import pkg.a\nx = 1\n")
    found = cycle(import_graph(tmp_path, ("pkg",)), "pkg")
    assert set(found) == {"pkg.a", "pkg.b", "pkg.c"}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circle_in_a_package(graph: dict[str, set[str]], package: str) -> None:
    assert cycle(graph, package) == []


def upward(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Every import of a module by one of a lower layer, but the entry points'."""
    rank = {p: i for i, p in enumerate(PACKAGES)}
    return {(m, t) for m, ts in graph.items() for t in ts
            if rank[t.split(".")[0]] > rank[m.split(".")[0]] and (m, t) not in ENTRY_POINTS}


def test_no_layer_imports_one_above_it(graph: dict[str, set[str]]) -> None:
    assert upward(graph) == set()


def test_the_layer_check_finds_an_upward_import() -> None:
    graph = {"metrics.pack": {"presentation.theme"}, "presentation.theme": {"ingest.words"},
             "metrics.__main__": {"followup.cli"}, "ingest.words": set(),
             "followup.cli": set()}
    assert upward(graph) == {("metrics.pack", "presentation.theme")}


def test_access_is_a_leaf(graph: dict[str, set[str]]) -> None:
    """The role policy imports only the lowest modules, directly or through them."""
    assert graph["ingest.access"] <= ACCESS_MAY_IMPORT
    assert reaches(graph, "ingest.access") <= ACCESS_MAY_IMPORT


def test_import_linter_contracts_are_kept() -> None:
    """`lint-imports` (import-linter) with the contracts of pyproject.toml's [tool.importlinter]."""
    command = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(command), "--no-cache"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout
