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
from simulator.rules.values import Application, ExporterProfile, Regime

CASES: list[dict[str, Any]] = tomllib.loads(bundled_text("japan-decisions.toml"))["cases"]


def _application(case: dict[str, Any]) -> Application:
    exporter = ExporterProfile(
        icp=case.get("icp", True),
        continuing=case.get("continuing", True),
        end_use_concern=case.get("end_use_concern", False),
    )
    return Application(case["item"], case["to"], case["on"], exporter)


def _label(case: dict[str, Any]) -> str:
    flags = (case.get("icp", True), case.get("continuing", True), case.get("end_use_concern", False))
    return f"{case['item']}-{case['to']}-{case['on']}-" + "".join(str(int(f)) for f in flags)


@pytest.mark.parametrize("case", CASES, ids=[_label(c) for c in CASES])
def test_expected_decision(japan: Regime, case: dict[str, Any]) -> None:
    """Each row of the legal timeline gets its expected licence from both engines."""
    application = _application(case)
    decision = decide(japan, application)
    assert decision.licence == case["licence"], case["why"]
    table = compile_regime(japan)
    assert (
        table.licence(application.item, application.destination, application.on, application.exporter)
        == case["licence"]
    )


def test_table_covers_both_sides_of_every_measure(japan: Regime) -> None:
    """The table has a case on every measure's effective date and on the day before."""
    covered = {c["on"] for c in CASES}
    for measure in japan.measures:
        day_before = measure.effective.fromordinal(measure.effective.toordinal() - 1)
        assert {measure.effective, day_before} <= covered, measure.id
