"""Re-sourcing: a failed order goes, whole, to the buyer's suppliers that have not failed it yet.

Every Japanese application is denied after a fixed 90-day review, from a start after the July
2019 measure, so each order to a Japanese maker fails and is placed again.
"""

from __future__ import annotations

import datetime as dt

import attrs

from simulator.model import simulate
from simulator.model.records import RunRecords
from simulator.rules.values import Regime
from simulator.scenario.distributions import fixed
from simulator.scenario.values import ItemReview, Lane, Product, Scenario, Source, Supplier

RESIST = "photoresist"


def _denying(scenario: Scenario, japanese: tuple[str, ...], end: dt.date) -> Scenario:
    """The one-fab world from 1 Aug 2019, ordering equally from ``japanese`` makers and a US one."""
    maker = scenario.suppliers[0]
    suppliers = tuple(attrs.evolve(maker, id=name) for name in japanese)
    alternative = Supplier("alt", "US", products=(Product(RESIST, 100.0, fixed(5.0)),))
    names = (*japanese, "alt")
    sources = tuple(Source(name, 1.0 / len(names)) for name in names)
    fab = scenario.chipmakers[0]
    use = attrs.evolve(fab.materials[0], sources=sources)
    denied = ItemReview(item=RESIST, review_days=fixed(90.0), denial_probability=1.0)
    denying = attrs.evolve(scenario.authority, items=(denied,))
    return attrs.evolve(
        scenario,
        start=dt.date(2019, 8, 1),
        end=end,
        suppliers=(*suppliers, alternative),
        chipmakers=(attrs.evolve(fab, materials=(use,)),),
        lanes=(*scenario.lanes, Lane("US", "KR", fixed(2.0))),
        authority=denying,
    )


def _booked(records: RunRecords, supplier: str) -> list[tuple[float, float]]:
    """(booking time, tonnes) of the supplier's shipments: a 5-day lead time at 100 t a day."""
    return [
        (round(s.time - 5.0 - s.quantity_t / 100.0, 6), round(s.quantity_t, 9))
        for s in records.shipments
        if s.supplier == supplier
    ]


def test_a_denied_order_goes_whole_to_the_other_supplier(one_fab: tuple[Scenario, Regime]) -> None:
    """Each denied order to maker reappears, whole, as an order to alt on the day it failed."""
    scenario, regime = one_fab
    records = simulate(_denying(scenario, ("maker",), dt.date(2019, 12, 31)), regime)
    assert records.failed_orders
    assert {(f.supplier, f.reason) for f in records.failed_orders} == {("maker", "denied")}
    assert not [s for s in records.shipments if s.supplier == "maker"]
    booked = _booked(records, "alt")
    for failure in records.failed_orders:
        if failure.time + failure.quantity_t / 100.0 + 5.0 < records.horizon_days:  # ships in the run
            assert (round(failure.time, 6), round(failure.quantity_t, 9)) in booked


def test_a_re_sourced_order_never_returns_to_a_supplier_that_failed_it(
    one_fab: tuple[Scenario, Regime],
) -> None:
    """A quantity that failed at maker and then at maker2 goes to alt alone, never back to maker.

    Each review's order is split three ways. A third that fails at one Japanese maker is split
    between the other and alt (a sixth each); if that sixth fails too, it goes whole to alt.
    So maker only ever fails a third or a sixth of some review's order; a quantity sent back
    to it would be a twelfth.
    """
    scenario, regime = one_fab
    records = simulate(_denying(scenario, ("maker", "maker2"), dt.date(2020, 6, 30)), regime)
    thirds = [q for t, q in _booked(records, "alt") if t == round(t) and round(t) % 7 == 0]

    def among_thirds(quantity: float) -> bool:
        return any(abs(quantity - third) < 1e-8 for third in thirds)

    failed_at_maker = [f.quantity_t for f in records.failed_orders if f.supplier == "maker"]
    sixths = [q for q in failed_at_maker if not among_thirds(q)]
    assert sixths  # quantities re-sourced from maker2 failed at maker: the path is taken
    assert all(among_thirds(2 * q) for q in sixths)
