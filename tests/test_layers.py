"""The package's shape: imports flow one way, no import cycles, no private names of others, short modules."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "simulator"
LAYERS = ("errors", "rules", "regimes", "scenario", "model", "studies", "testing", "rendering", "cli")
"""Lowest first: a module may import only from its own layer or those before it."""
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every simulator module ``path`` imports from, type-checking imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("simulator"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("simulator")}
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_imports_flow_one_way(path: Path) -> None:
    """No module imports from a layer above its own (errors, rules, regimes, scenario, model, ...)."""
    own = _layer(_name(path))
    if own is None:  # simulator/__init__.py and __main__.py stand above every layer
        return
    above = [m for m in _imports(path) if (_layer(m) or 0) > own]
    assert above == []


def test_no_import_cycles() -> None:
    """The modules' imports form no cycle, not even through type-checking imports."""
    graph = {_name(p): {m for m in _imports(p) if m != _name(p)} for p in MODULES}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError on a cycle


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_private_names_of_other_objects(path: Path) -> None:
    """Code reads ``_names`` only of its own object (self or cls), never SimPy's or another package's."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [f"{path.name}:{node.lineno}" for node in ast.walk(tree) if _reads_private(node)]
    assert private == []


def _reads_private(node: ast.AST) -> bool:
    """``x._name`` of an object not self or cls, ``getattr(x, "_name")``, or ``from y import _name``."""
    if isinstance(node, ast.Attribute):
        own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        return _private(node.attr) and not own
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BY_NAME:
        names = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return any(_private(n) for n in names)
    if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("simulator"):
        return any(_private(a.name) for a in node.names)
    return False


_BY_NAME = ("getattr", "setattr", "hasattr", "delattr")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_modules_stay_short(path: Path) -> None:
    """Every module is under 400 lines and opens with a note on why it exists."""
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400
    assert ast.get_docstring(ast.parse(text))
