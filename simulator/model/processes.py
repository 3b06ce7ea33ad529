"""The processes of the supply model: delivery, periodic review, rule changes, qualification.

Each is a SimPy generator function with the environment first; together with
:mod:`simulator.model.licensing` they move the world of :mod:`simulator.model.state`.
"""

from __future__ import annotations

import datetime as dt

import simpy

from simulator.model.licensing import INDIVIDUAL, authorise, use_licence
from simulator.model.records import FailedOrder, Shipment
from simulator.model.state import (
    ARRIVAL,
    CONSUMPTION_AND_ORDERS,
    RULE_CHANGE,
    At,
    Fab,
    Order,
    Process,
    World,
    after,
    exporter_profile,
)
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import boundaries
from simulator.rules.values import NONE, PROHIBITED
from simulator.scenario import Qualification, Scenario, SimDays, Supplier


def dispatch(world: World, order: Order) -> None:
    """Start an order: book it on the supplier's line and export it when it is ready.

    Orders are the model's most frequent thing, so their steps are callbacks on phased
    timeouts rather than a process each (a process costs two more events and a resume per
    step). The rules are a function of the date, so an order whose export date is known to
    need no individual licence is shipped from here, dated its export day, and costs a single
    event (its arrival); the others are asked again on the day, and one that must wait for a
    licence becomes a process for the wait.
    """
    supplier = order.supplier
    ready = supplier.production_done(order.material, order.quantity_t)
    supplier.produced_t += order.quantity_t
    supplier.held_t += order.quantity_t
    decision = world.licence(order, at=ready)
    if decision not in (INDIVIDUAL, PROHIBITED) and ready < world.scenario.horizon_days:
        ship(world, order, decision, at=ready)
    else:
        after(world.env, ready - world.env.now, CONSUMPTION_AND_ORDERS, lambda: export(world, order))


def export(world: World, order: Order) -> None:
    """Ask the rules on the export date: ship, wait for a licence, or fail."""
    decision = world.licence(order)
    if decision == PROHIBITED:
        fail(world, order, "prohibited")
    elif decision == INDIVIDUAL and not use_licence(order.supplier, order, world.env.now):
        world.env.process(_wait_then_ship(world.env, world, order))
    else:
        ship(world, order, decision)


def _wait_then_ship(env: simpy.Environment, world: World, order: Order) -> Process:
    licence = yield from authorise(env, world, order, fail)
    if licence is not None:
        ship(world, order, licence)


def ship(world: World, order: Order, licence: str, at: SimDays | None = None) -> None:
    """The order leaves under ``licence`` (now, or at the later time ``at``) and travels to the fab."""
    supplier = order.supplier
    leaves = world.env.now if at is None else at
    supplier.held_t -= order.quantity_t
    _record_shipment(world, order, licence, leaves)
    transit = world.transit(supplier.supplier.country, order.fab.chipmaker.country)
    after(world.env, leaves + transit - world.env.now, ARRIVAL, lambda: order.fab.receive(order))


def fail(world: World, order: Order, reason: str) -> None:
    """Record a failed order and send its quantity to the buyer's other suppliers."""
    fab = order.fab
    world.failed.append(
        FailedOrder(
            world.env.now,
            fab.chipmaker.id,
            order.material,
            order.supplier.supplier.id,
            order.quantity_t,
            reason,
        )
    )
    fab.on_order[order.material] -= order.quantity_t
    fab.advance()
    fab.place(order.material, order.quantity_t, exclude=order.tried)
    fab.changed()


def _record_shipment(world: World, order: Order, licence: str, leaves: SimDays) -> None:
    supplier = order.supplier.supplier
    value = order.quantity_t * world.materials[order.material].value_usd_per_t
    world.shipments.append(
        Shipment(leaves, supplier.id, supplier.country, order.fab.chipmaker.country,
                 order.fab.chipmaker.id, order.material, order.quantity_t, value, licence)
    )  # fmt: skip


def periodic_review(env: simpy.Environment, fab: Fab) -> Process:
    """A chipmaker reviews its stocks every review period and orders up to target."""
    while True:
        fab.review()
        yield At(env, fab.chipmaker.review_period_days, CONSUMPTION_AND_ORDERS)


def rule_changes(env: simpy.Environment, world: World) -> Process:
    """At every date the law changes, wake shipments waiting for a licence to re-ask the rules."""
    horizon = world.scenario.horizon_days
    for day, _ in boundaries(world.table.regime):
        at = world.scenario.day(day)
        if 0 < at < horizon and at >= env.now:
            yield At(env, at - env.now, RULE_CHANGE)
            for order in list(world.waiting):
                if order.wake is not None and not order.wake.triggered:
                    order.wake.succeed()


def qualification(
    env: simpy.Environment, world: World, fab: Fab, terms: Qualification, shock: SimDays | None
) -> Process:
    """Qualify a new supplier: from the trigger, a random time, then it takes its share."""
    start = world.scenario.day(terms.start) if terms.start else shock
    if start is None:
        return
    yield At(env, max(0.0, start - env.now), CONSUMPTION_AND_ORDERS)
    rng = world.streams("qualification", f"{fab.chipmaker.id}/{terms.supplier}/{terms.material}")
    yield At(env, terms.days.sample(rng), CONSUMPTION_AND_ORDERS)
    opens = world.scenario.supplier(terms.supplier).available_from
    if (
        opens is not None and world.scenario.day(opens) > env.now
    ):  # no product to qualify before the plant runs
        yield At(env, world.scenario.day(opens) - env.now, CONSUMPTION_AND_ORDERS)
    fab.qualify(terms.supplier, terms.material, terms.share)


def shock_days(scenario: Scenario, table: DecisionTable) -> dict[tuple[str, str], SimDays | None]:
    """For each chipmaker and material: the first day in the run its sources need an individual licence."""
    shocks: dict[tuple[str, str], SimDays | None] = {}
    points = [d for d, _ in boundaries(table.regime) if scenario.start <= d <= scenario.end]
    for chipmaker in scenario.chipmakers:
        for use in chipmaker.materials:
            item = scenario.material(use.material).item
            days = [
                scenario.day(day)
                for source in use.sources
                for day in (scenario.start, *points)
                if _needs_individual(table, scenario.supplier(source.supplier), item, chipmaker.country, day)
            ]
            shocks[(chipmaker.id, use.material)] = min(days, default=None)
    return shocks


def _needs_individual(
    table: DecisionTable, supplier: Supplier, item: str, country: str, day: dt.date
) -> bool:
    if supplier.country != table.regime.country:
        return False
    decision = table.licence(item, country, day, exporter_profile(supplier))
    return decision not in (NONE, PROHIBITED) and table.regime.licence(decision).per_application
