"""Every example runs, as a user would run it, and prints what its docstring promises."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[1] / "examples"


def _run(name: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
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
