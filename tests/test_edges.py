"""What the process-wide settings and the rare branches of an order's life do at the edges."""

from __future__ import annotations

import gc

import attrs
import pytest

from simulator import cli
from simulator.model import simulate
from simulator.rules.values import Regime
from simulator.scenario.values import Scenario
from simulator.studies.parallel import STUDY_COLLECTOR_THRESHOLDS, executor


def _thresholds(_: object) -> tuple[int, int, int]:
    return gc.get_threshold()


def test_the_exportsim_program_tunes_the_collector_for_studies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console entry point raises the collector's thresholds before the commands run."""
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(cli, "main", lambda **_: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    try:
        cli.entry()
    finally:
        gc.set_threshold(*before)
    assert seen == [STUDY_COLLECTOR_THRESHOLDS]


def test_pool_workers_tune_their_collector() -> None:
    """Each local worker process runs with the study thresholds, whatever the parent's."""
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with executor(workers=2) as mapper:
            found = set(mapper(_thresholds, [1, 2, 3, 4]))  # type: ignore[arg-type]
    finally:
        gc.set_threshold(*before)
    assert found == {STUDY_COLLECTOR_THRESHOLDS}


def test_a_prohibited_export_fails_as_prohibited(one_fab: tuple[Scenario, Regime]) -> None:
    """Every order to a fab in North Korea fails with the reason 'prohibited' and nothing ships."""
    scenario, regime = one_fab
    north = attrs.evolve(scenario.chipmakers[0], country="KP")
    lane = attrs.evolve(scenario.lanes[0], destination="KP")
    records = simulate(attrs.evolve(scenario, chipmakers=(north,), lanes=(lane,)), regime)
    assert records.failed_orders
    assert {f.reason for f in records.failed_orders} == {"prohibited"}
    assert records.shipments == ()
