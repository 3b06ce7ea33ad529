"""Invariants of the supply model over generated scenarios: conservation, signs, states, seeds."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings

from simulator.model import simulate
from simulator.model.capacity import Capacity
from simulator.model.metrics import chipmaker_metrics
from simulator.model.records import RunRecords
from simulator.regimes.loading import load_regime
from simulator.rules.values import Regime
from simulator.scenario.values import Scenario, Supplier
from simulator.studies.parallel import executor
from simulator.testing import scenarios, scoped_regimes

JAPAN = load_regime("japan")


def _consumed(records: RunRecords, key: tuple[str, str]) -> float:
    points = records.inventory[key]
    return sum(p.rate_t_per_day * (q.time - p.time) for p, q in itertools.pairwise(points))


@settings(max_examples=60, deadline=None)
@given(scenarios(), scoped_regimes(JAPAN))
def test_invariants(scenario: Scenario, regime: Regime) -> None:
    """Mass balances, no negative stock, records in time order, one state per application, determinism.

    Under Japan's regime with its individual licence covering a contract, a shipment or the customer.
    """
    records = simulate(scenario, regime)
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
    assert simulate(scenario, regime) == records


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_lost_production_matches_stockouts(scenario: Scenario) -> None:
    """Lost units equal planned output while the (single) material was out, plus the yield cost of cutting."""
    records = simulate(scenario, JAPAN)
    metrics = chipmaker_metrics(records, scenario)
    for fab in scenario.chipmakers:
        spans = [s for s in records.stockouts if s.chipmaker == fab.id]
        lost = sum(v for (c, _), v in records.lost_units.items() if c == fab.id)
        out = sum((records.horizon_days if s.end is None else s.end) - s.start for s in spans)
        cost = fab.intensity_cut.output_loss_fraction if fab.intensity_cut else 0.0
        cutting = metrics[fab.id]["photoresist"]["conservation_days"]
        expected = (out + cutting * cost) * fab.output_units_per_day
        assert lost == pytest.approx(expected, abs=1e-6)


def _capacity(supplier: Supplier) -> Capacity:
    """The most the supplier's resist line could make (its times hand-checked in test_responses).

    A surge counts as on from its lag after day 0, the earliest it could come on, to the end:
    a bound on the spans it actually ran (checked exactly in test_surge).
    """
    product = supplier.products[0]
    start = dt.date(2019, 5, 1)  # every generated scenario starts then
    expansions = [((e.start - start).days, e.capacity_t_per_day, e.ramp_days) for e in product.expansions]
    if product.surge is not None:
        expansions.append((product.surge.lag_days, product.surge.extra_t_per_day, 0.0))
    return Capacity(product.capacity_t_per_day, [(float(d), c, r) for d, c, r in expansions])


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_allocations_never_exceed_capacity(scenario: Scenario) -> None:
    """By any shipment, a supplier has shipped no more than its line could make by then, surge included."""
    records = simulate(scenario, JAPAN)
    for supplier in scenario.suppliers:
        capacity, shipped = _capacity(supplier), 0.0
        for shipment in (s for s in records.shipments if s.supplier == supplier.id):
            shipped += shipment.quantity_t
            assert capacity.finish(0.0, shipped) <= shipment.time + 1e-6, (
                supplier.id
            )  # made by the time it left


@settings(max_examples=20, deadline=None)
@given(scenarios())
def test_cancelled_and_resourced_tonnes_balance(scenario: Scenario) -> None:
    """Tonnes ordered away from a supplier balance; only an impatient fab cancels."""
    records = simulate(scenario, JAPAN)
    produced = sum(records.supplier_output_t.values())
    shipped = sum(s.quantity_t for s in records.shipments)
    assert produced == pytest.approx(shipped + sum(records.supplier_stock_t.values()), abs=1e-6)
    cancelled = [f for f in records.failed_orders if f.reason == "cancelled"]
    patient = {c.id for c in scenario.chipmakers if c.patience_days is None}
    assert not [f for f in cancelled if f.chipmaker in patient]


@settings(max_examples=10, deadline=None)
@given(scenarios())
def test_serial_equals_parallel(scenario: Scenario) -> None:
    """Replications run on two worker processes give the records of the same replications run here."""
    with executor(workers=2) as mapper:
        remote = list(mapper(_records_of, [(scenario, r) for r in range(2)]))  # type: ignore[arg-type]
    assert remote == [simulate(scenario, JAPAN, replication=r) for r in range(2)]


def _records_of(job: tuple[Scenario, int]) -> RunRecords:
    return simulate(job[0], JAPAN, replication=job[1])
