"""The package layout holds: stage imports point one way, no cycles, torch-free stages stay torch-free.

Read from the source with ``ast``, so a new import that breaks the layering fails
here, whatever the tests of the stage itself cover.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gategenome"

#: Stage -> the stages it may import (besides itself, ``gategenome.errors`` and the top-level package).
ALLOWED = {
    "core": set(),
    "io": {"core"},
    "data": {"core", "io"},
    "model": {"core", "io", "data"},
    "train": {"core", "io", "data", "model"},
    "scan": {"core", "io", "data", "model"},
    "design": {"core", "io", "data", "model"},
    "variants": {"core", "io", "data", "model", "scan"},
    "explain": {"core", "io", "data", "model", "scan"},
    "call": {"core", "io", "data"},
    "evaluate": {"core", "io", "data"},
    "export": {"core", "io", "data"},
    "simulate": {"core", "io", "data"},
}
TORCH_FREE = ("core", "io", "data", "call", "evaluate", "export", "simulate")
TOP_LEVEL = {"__init__", "__main__", "errors"}
#: Names the top-level package itself defines (``from gategenome import ...``).
PACKAGE_NAMES = {"__version__", "import_on_first_use"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """``(imported gategenome module, inside a function)`` of one source file."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names if alias.name.startswith("gategenome"))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - child.level + 1] + [base]).strip(".")
                if base.startswith("gategenome"):
                    found.extend((f"{base}.{alias.name}" if base == "gategenome" else base, inner)
                                 for alias in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] not in TOP_LEVEL | PACKAGE_NAMES else None


LIBRARY = sorted(path for path in PACKAGE.rglob("*.py") if _stage(_module_name(path)) not in (None, "cli"))


def test_every_stage_is_listed():
    stages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()} - {"cli"}
    assert stages == set(ALLOWED)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_point_down_the_stage_order(path):
    stage = _stage(_module_name(path))
    for module, _ in _imports(path):
        target = _stage(module)
        assert target in (None, stage) or target in ALLOWED[stage], f"{stage} imports {module}"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_gategenome_import_hides_inside_a_function(path):
    nested = [module for module, inside in _imports(path) if inside]
    assert not nested, f"{path.relative_to(PACKAGE)} imports {nested} inside a function"


def test_no_import_cycle_between_modules():
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        graph[_module_name(path)] = {module for module, _ in _imports(path)}
    modules = set(graph)

    def resolve(name: str) -> str | None:  # "pkg.mod.Name" -> "pkg.mod"
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges = {m: {t for t in map(resolve, targets) if t and t != m and not m.startswith(t + ".") and
                 not t.endswith("__init__") and "." in t and t != "gategenome"} for m, targets in graph.items()}
    # a package __init__ imports its settings and names its entry points lazily; an edge into a package is not a cycle
    edges = {m: {t for t in targets if (PACKAGE.parent / (t.replace(".", "/") + ".py")).exists()}
             for m, targets in edges.items()}
    state: dict[str, int] = {}

    def walk(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            assert state.get(target) != 1, "import cycle: " + " -> ".join(trail + [module, target])
            if target not in state:
                walk(target, trail + [module])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module, [])


def _python(script: str) -> str:
    """Run ``script`` in a fresh interpreter; its stdout (it must succeed)."""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_torch_free_stages_import_and_their_commands_run_without_torch():
    modules = [_module_name(path) for path in sorted(PACKAGE.rglob("*.py")) if _stage(_module_name(path)) in TORCH_FREE]
    script = (
        "import sys, importlib\n"
        "sys.modules['torch'] = None  # any 'import torch' now fails\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from gategenome.cli.main import cli\n"
        "for command in ('call', 'evaluate', 'export', 'simulate', 'tracks', 'gather', 'prepare'):\n"
        "    try:\n"
        "        cli([command, '--help'], prog_name='gategenome')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, (command, exit.code)\n"
    )
    assert "gategenome call" in _python(script)


def test_help_imports_no_heavy_library():
    script = (
        "import sys\n"
        "from gategenome.cli.main import cli\n"
        "try:\n    cli(['--help'], prog_name='gategenome')\nexcept SystemExit:\n    pass\n"
        "heavy = [name for name in ('torch', 'pyBigWig', 'matplotlib', 'pysam') if name in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    output = _python(script)
    assert "gather" in output and "scan" in output


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_each_stage_says_what_it_does(stage):
    package = importlib.import_module(f"gategenome.{stage}")
    assert package.__doc__ and len(package.__doc__.split()) >= 8


def test_test_file_names_are_unique():
    """Test directories have no __init__.py, so two test files of one name cannot both be collected."""
    tests = Path(__file__).resolve().parent
    names = [path.name for path in tests.rglob("test_*.py") if "node_modules" not in path.parts]
    assert sorted({name for name in names if names.count(name) > 1}) == []
