"""The legal timelines as tables of expected decisions (regimes/japan-decisions.toml, china-decisions.toml).

Each table was derived by hand from its sources (docs/sources/japan-2019.md §1.6 for Japan,
docs/sources/china-2025.md §1.2-2.1 for China), independently of the engine; every row,
including both sides of each effective date, must be answered the same way by the reference
engine and by the compiled decision table.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest

from simulator.regimes.loading import bundled_text, load_regime
from simulator.rules.compiled import compile_regime
from simulator.rules.engine import decide
from simulator.rules.exporters import exporter_of
from simulator.rules.values import Application, Regime

REGIMES = ("japan", "china")
CASES: list[tuple[str, dict[str, Any]]] = [
    (name, case)
    for name in REGIMES
    for case in tomllib.loads(bundled_text(f"{name}-decisions.toml"))["cases"]
]
FIELDS = {"item", "to", "on", "has", "lacks", "holds", "licence", "why"}


def _application(regime: Regime, case: dict[str, Any]) -> Application:
    holds = case.get("holds")
    bulk = None if holds is None else frozenset(holds)
    exporter = exporter_of(regime, case.get("has", ()), case.get("lacks", ()), bulk)
    return Application(case["item"], case["to"], case["on"], exporter)


def _label(name: str, case: dict[str, Any]) -> str:
    changes = [*(f"+{h}" for h in case.get("has", ())), *(f"-{h}" for h in case.get("lacks", ()))]
    if "holds" in case:
        changes.append(f"holds[{','.join(case['holds'])}]")
    return "-".join([name, case["item"], case["to"], str(case["on"]), *changes])


@pytest.mark.parametrize(("name", "case"), CASES, ids=[_label(n, c) for n, c in CASES])
def test_expected_decision(name: str, case: dict[str, Any]) -> None:
    """Each row of the legal timeline gets its expected licence from both engines."""
    regime = load_regime(name)
    application = _application(regime, case)
    decision = decide(regime, application)
    assert decision.licence == case["licence"], case["why"]
    table = compile_regime(regime)
    assert (
        table.licence(application.item, application.destination, application.on, application.exporter)
        == case["licence"]
    )


@pytest.mark.parametrize("name", REGIMES)
def test_table_names_only_declared_attributes(name: str) -> None:
    """Every case's ``has`` and ``lacks`` name attributes the regime declares, and nothing else."""
    regime = load_regime(name)
    kinds = {k.id for k in regime.licences}
    for regime_name, case in CASES:
        if regime_name == name:
            assert set(case) <= FIELDS, case
            exporter_of(regime, case.get("has", ()), case.get("lacks", ()))
            assert set(case.get("holds", ())) <= kinds, case


@pytest.mark.parametrize("name", REGIMES)
def test_table_covers_both_sides_of_every_measure(name: str) -> None:
    """The table has a case on each side of every measure's effective date, and of its ``until``."""
    regime = load_regime(name)
    covered = {c["on"] for n, c in CASES if n == name}
    for measure in regime.measures:
        day_before = measure.effective - dt.timedelta(days=1)
        assert {measure.effective, day_before} <= covered, measure.id
        if measure.until is not None and measure.until < dt.date(2030, 1, 1):
            assert {measure.until, measure.until + dt.timedelta(days=1)} <= covered, measure.id
