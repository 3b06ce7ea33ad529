"""Invariants of the supply model over generated scenarios: conservation, signs, states, seeds."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings

from simulator.model import simulate
from simulator.model.records import RunRecords
from simulator.regimes.loading import load_regime
from simulator.scenario.values import Scenario
from simulator.testing import scenarios

JAPAN = load_regime("japan")


def _consumed(records: RunRecords, key: tuple[str, str]) -> float:
    points = records.inventory[key]
    return sum(p.rate_t_per_day * (q.time - p.time) for p, q in itertools.pairwise(points))


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_invariants(scenario: Scenario) -> None:
    """Mass balances, no negative stock, records in time order, one state per application, determinism."""
    records = simulate(scenario, JAPAN)
    times = [s.time for s in records.shipments] + [p.time for ps in records.inventory.values() for p in ps]
    assert {type(t) for t in times} <= {float, int}  # no numpy scalar in the clock
    produced = sum(records.supplier_output_t.values())
    shipped = sum(s.quantity_t for s in records.shipments)
    held = sum(records.supplier_stock_t.values())
    assert produced == pytest.approx(shipped + held, abs=1e-6)
    assert min(records.supplier_stock_t.values(), default=0.0) >= 0.0
    for entries in (records.shipments, records.receipts, records.failed_orders, records.stockouts):
        times = [getattr(e, "time", getattr(e, "start", None)) for e in entries]
        assert times == sorted(times)  # recorded as they happen
    assert sum(r.quantity_t for r in records.receipts) <= shipped + 1e-6
    for key, points in records.inventory.items():
        start = points[0].stock_t
        received = sum(r.quantity_t for r in records.receipts if (r.chipmaker, r.material) == key)
        end = points[-1].stock_t
        assert min(p.stock_t for p in points) >= 0.0
        assert start + received == pytest.approx(
            _consumed(records, key) + end + records.spoiled_t[key], abs=1e-6
        )
    for application in records.applications:
        assert application.outcome in {"approved", "denied", "pending"}
        assert (application.decided is None) == (application.outcome == "pending")
    assert simulate(scenario, JAPAN) == records


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_lost_production_matches_stockouts(scenario: Scenario) -> None:
    """Lost units equal planned output over the time the (single) material was out."""
    records = simulate(scenario, JAPAN)
    for fab in scenario.chipmakers:
        spans = [s for s in records.stockouts if s.chipmaker == fab.id]
        lost = sum(v for (c, _), v in records.lost_units.items() if c == fab.id)
        out = sum((records.horizon_days if s.end is None else s.end) - s.start for s in spans)
        assert lost == pytest.approx(out * fab.output_units_per_day, abs=1e-6)
