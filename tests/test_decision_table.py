"""The legal timeline as a table of expected decisions (regimes/japan-decisions.toml).

The table was derived by hand from shared/domain.md §1.6, independently of the engine; every
row, including both sides of each effective date, must be answered the same way by the
reference engine and by the compiled decision table.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from simulator.regimes.loading import bundled_text
from simulator.rules.compiled import compile_regime
from simulator.rules.engine import decide
from simulator.rules.exporters import exporter_of
from simulator.rules.values import Application, Regime

CASES: list[dict[str, Any]] = tomllib.loads(bundled_text("japan-decisions.toml"))["cases"]


def _application(regime: Regime, case: dict[str, Any]) -> Application:
    exporter = exporter_of(regime, case.get("has", ()), case.get("lacks", ()))
    return Application(case["item"], case["to"], case["on"], exporter)


def _label(case: dict[str, Any]) -> str:
    changes = [*(f"+{h}" for h in case.get("has", ())), *(f"-{h}" for h in case.get("lacks", ()))]
    return "-".join([case["item"], case["to"], str(case["on"]), *changes])


@pytest.mark.parametrize("case", CASES, ids=[_label(c) for c in CASES])
def test_expected_decision(japan: Regime, case: dict[str, Any]) -> None:
    """Each row of the legal timeline gets its expected licence from both engines."""
    application = _application(japan, case)
    decision = decide(japan, application)
    assert decision.licence == case["licence"], case["why"]
    table = compile_regime(japan)
    assert (
        table.licence(application.item, application.destination, application.on, application.exporter)
        == case["licence"]
    )


def test_table_names_only_declared_attributes(japan: Regime) -> None:
    """Every case's ``has`` and ``lacks`` name attributes japan.toml declares, and nothing else."""
    for case in CASES:
        assert set(case) <= {"item", "to", "on", "has", "lacks", "licence", "why"}, case
        exporter_of(japan, case.get("has", ()), case.get("lacks", ()))


def test_table_covers_both_sides_of_every_measure(japan: Regime) -> None:
    """The table has a case on every measure's effective date and on the day before."""
    covered = {c["on"] for c in CASES}
    for measure in japan.measures:
        day_before = measure.effective.fromordinal(measure.effective.toordinal() - 1)
        assert {measure.effective, day_before} <= covered, measure.id
