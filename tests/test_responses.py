"""How firms respond to a licensing shock, against hand-computed one-fab cases.

The one-fab world (tests/scenarios/one-fab.toml): a fab using 1 t of resist a day, 30 days of
stock and cover, a review every 7 days; a Japanese maker with a fixed 5-day lead time at
100 t a day, a 2-day lane, and 90-day reviews. Day 33 is 4 Jul 2019, the shock.
"""

from __future__ import annotations

import attrs
import pytest

from simulator.model import simulate
from simulator.model.records import RunRecords
from simulator.rules.values import Regime
from simulator.scenario.distributions import fixed
from simulator.scenario.values import Product, Scenario, Source, Supplier


def _two_sources(scenario: Scenario, **fab_fields: object) -> Scenario:
    """One-fab with half its resist from a Korean maker (2-day lead time, 1 day to the fab)."""
    local = Supplier("local", "KR", (Product("photoresist", 100.0, fixed(2.0)),))
    fab = scenario.chipmakers[0]
    use = attrs.evolve(fab.materials[0], sources=(Source("maker", 0.5), Source("local", 0.5)))
    fab = attrs.evolve(fab, materials=(use,), **fab_fields)
    return attrs.evolve(scenario, suppliers=(*scenario.suppliers, local), chipmakers=(fab,))


def _without_event_count(records: RunRecords) -> RunRecords:
    return attrs.evolve(records, events=0)


def test_an_order_waiting_past_patience_is_cancelled_and_resourced(one_fab: tuple[Scenario, Regime]) -> None:
    """The 3.5 t ready at 33.035 waits for a licence; 10 days later it goes to the Korean maker.

    Day 28's 7 t order splits 3.5/3.5; the Japanese half is ready at 28 + 3.5/100 + 5 = 33.035,
    the shock, and files an application. At 43.035 the fab cancels it and orders 3.5 t from
    the Korean maker: ready at 43.035 + 0.035 + 2 = 45.07, received a day later.
    """
    scenario, regime = one_fab
    records = simulate(_two_sources(scenario, patience_days=10.0), regime)
    first = records.failed_orders[0]
    assert (first.supplier, first.reason) == ("maker", "cancelled")
    assert first.time == pytest.approx(43.035)
    assert first.quantity_t == pytest.approx(3.5)
    resourced = [s for s in records.shipments if s.supplier == "local" and s.time == pytest.approx(45.07)]
    assert [s.quantity_t for s in resourced] == [pytest.approx(3.5)]
    assert any(
        r.time == pytest.approx(46.07) and r.quantity_t == pytest.approx(3.5) for r in records.receipts
    )
    assert all(f.reason == "cancelled" and f.supplier == "maker" for f in records.failed_orders)
    assert not [s for s in records.shipments if s.supplier == "maker" and 33 <= s.time < 123]


def test_unlimited_patience_is_todays_behaviour(japan_2019: tuple[Scenario, Regime]) -> None:
    """Patience too long to run out within the horizon gives the records of no patience at all."""
    scenario, regime = japan_2019
    patient = attrs.evolve(
        scenario, chipmakers=tuple(attrs.evolve(c, patience_days=1e6) for c in scenario.chipmakers)
    )
    assert simulate(patient, regime, replication=1) == simulate(scenario, regime, replication=1)


def test_without_a_faster_supplier_the_order_keeps_waiting(one_fab: tuple[Scenario, Regime]) -> None:
    """With its only supplier licence-bound, a fab's impatience changes nothing: the order waits on."""
    scenario, regime = one_fab
    fab = attrs.evolve(scenario.chipmakers[0], patience_days=10.0)
    impatient = simulate(attrs.evolve(scenario, chipmakers=(fab,)), regime)
    assert impatient.failed_orders == ()
    assert _without_event_count(impatient) == _without_event_count(simulate(scenario, regime))


def test_a_cancelled_order_frees_its_room_in_the_application(one_fab: tuple[Scenario, Regime]) -> None:
    """Weekly 3.5 t orders cancelled after 10 days never fill a first application of 18.5 t.

    Each Japanese order joins the application filed at 33.035 (3.5 + 30 x 0.5 t) and leaves it
    when cancelled, so at most 7 t are committed at once and no second application is filed
    before the first is decided on day 123.035. Were cancelled tonnes kept, the sixth order
    would not fit and file another.
    """
    scenario, regime = one_fab
    world = _two_sources(scenario, patience_days=10.0)
    maker = attrs.evolve(world.suppliers[0], contract_days=30.0)
    records = simulate(attrs.evolve(world, suppliers=(maker, *world.suppliers[1:])), regime)
    filed = [a for a in records.applications if a.filed < 123]
    assert [a.quantity_t for a in filed] == [pytest.approx(18.5)]
    assert len([f for f in records.failed_orders if f.time < 123]) >= 6
