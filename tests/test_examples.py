"""Every example runs, as a user would run it, and prints what its docstring promises.

Each runs from the repository's root, as the README shows, and must leave the repository as it
found it: an example writes only to a temporary folder or one given on its command line.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
_NOT_THE_EXAMPLES = {".git", "__pycache__", ".pytest_cache"}
"""Left out of the comparison: version control, bytecode, and the suite's own caches."""


def _files() -> set[Path]:
    """Every file and folder under the repository's root."""
    found = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in _NOT_THE_EXAMPLES]
        found |= {Path(folder, name) for name in [*subfolders, *files] if name not in _NOT_THE_EXAMPLES}
    return found


def _run(name: str, *args: str) -> str:
    before = _files()
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(_files() - before) == [], f"{name} wrote into the repository"
    return result.stdout


def test_every_example_is_tested() -> None:
    """No example escapes this suite."""
    tested = {"check_shipment.py", "run_scenario.py", "compare_regimes.py", "counterfactual_regime.py",
              "property_test_regime.py", "sweep_inventory.py", "notebook_plot.py"}  # fmt: skip
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_examples_use_only_the_public_api(path: Path) -> None:
    """An example imports ``simulator``'s public names (and the shipped strategies), never internals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    internal = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("simulator.")
        and node.module != "simulator.testing"
    ]
    internal += [
        a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for a in node.names
        if "." in a.name and a.name.startswith("simulator")
    ]
    assert internal == []


def test_check_shipment() -> None:
    """The shipment example prints the individual licence and its cited reasons."""
    out = _run("check_shipment.py")
    assert out.startswith("licence: individual; review: 90 days")
    assert "three-items-korea-no-bulk" in out


def test_run_scenario() -> None:
    """The run example prints a line per chipmaker and material with stock-out days."""
    out = _run("run_scenario.py", "3")
    assert out.count("stock-out") == 10


def test_compare_regimes() -> None:
    """The comparison example's paired intervals are, taken together, narrower than the unpaired ones."""
    out = _run("compare_regimes.py", "6")
    rows = [line for line in out.splitlines()[1:] if line.strip()]
    assert len(rows) == 10
    paired = unpaired = 0.0
    for row in rows:
        numbers = [float(x) for x in row.replace("[", " ").replace("]", " ").replace(",", " ").split()[2:]]
        paired += numbers[2] - numbers[1]
        unpaired += numbers[4] - numbers[3]
    assert paired < 0.8 * unpaired


def test_counterfactual_regime() -> None:
    """The counterfactual example eases hydrogen fluoride to specific bulk from 20 Dec 2019."""
    out = _run("counterfactual_regime.py")
    assert "2019-12-20 .. 2023-03-22: specific-bulk" in out
    assert out.strip().endswith("specific-bulk")


def test_property_test_regime() -> None:
    """The property example passes Japan's regime and catches the broken one."""
    out = _run("property_test_regime.py")
    assert "japan: all properties hold" in out
    assert "japan-broken: fails" in out
    assert "individual-route" in out


def test_sweep_inventory() -> None:
    """The sweep example finds 105 days of cover, as computed by hand in its docstring."""
    assert _run("sweep_inventory.py").strip().endswith("enough from 105 days of cover")


@pytest.mark.parametrize("name", ["stock.png"])
def test_notebook_plot(tmp_path: Path, name: str) -> None:
    """The notebook example writes a PNG picture."""
    target = tmp_path / name
    _run("notebook_plot.py", str(target), "2")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_notebook_plot_without_a_path_writes_to_a_temporary_folder() -> None:
    """Given no output path, the notebook example writes its PNG in a new temporary folder and says where."""
    target = Path(_run("notebook_plot.py").removeprefix("wrote ").strip())
    try:
        assert target.parent.parent == Path(tempfile.gettempdir())
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        shutil.rmtree(target.parent)
