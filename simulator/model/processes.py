"""The processes of the supply model: delivery, periodic review, rule changes, qualification.

Each is a SimPy generator function with the environment first; together with
:mod:`simulator.model.licensing` they move the world of :mod:`simulator.model.state`.
"""

from __future__ import annotations

import datetime as dt

import simpy

from simulator.model.exports import export, release, ship
from simulator.model.state import (
    CONSUMPTION_AND_ORDERS,
    RULE_CHANGE,
    At,
    Fab,
    Order,
    Process,
    World,
    exporter_profile,
)
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import boundaries
from simulator.rules.values import PROHIBITED, Laws
from simulator.scenario import Qualification, Scenario, SimDays, Supplier


def dispatch(world: World, order: Order) -> None:
    """Start an order: book it on the supplier's line and export it when it is ready.

    Orders are the model's most frequent thing, so their steps are callbacks on phased
    timeouts rather than a process each (a process costs two more events and a resume per
    step). The rules are a function of the date, so an order whose export date is known to
    need no individual licence is shipped from here, dated its export day, and costs a single
    event (its arrival); the others are asked again on the day.
    """
    supplier, channel, quantity = order.supplier, order.channel, order.quantity_t
    ready = channel.line.book(world.env._now, quantity)
    supplier.produced_t += quantity
    supplier.held_t += quantity
    decision = channel.licence(ready)
    needs_review = decision in supplier.per_application or decision == PROHIBITED
    if not needs_review and ready < world.horizon:
        ship(world, order, decision, at=ready)
    else:
        At(world.env, ready - world.env._now, CONSUMPTION_AND_ORDERS, lambda _: export(world, order))


def periodic_review(env: simpy.Environment, fab: Fab) -> Process:
    """A chipmaker reviews its stocks every review period and orders up to target."""
    while True:
        fab.review()
        yield At(env, fab.chipmaker.review_period_days, CONSUMPTION_AND_ORDERS)


def rule_changes(env: simpy.Environment, world: World) -> Process:
    """At every date the law changes, orders waiting for a licence ask the rules again."""
    horizon = world.scenario.horizon_days
    for day in world.law_changes:
        at = world.scenario.day(day)
        if 0 < at < horizon and at >= env.now:
            yield At(env, at - env.now, RULE_CHANGE)
            release(world, list(world.waiting))


def qualification(
    env: simpy.Environment, world: World, fab: Fab, terms: Qualification, shock: SimDays | None
) -> Process:
    """Qualify a new supplier: from the trigger, a random time, then it takes its share."""
    start = world.scenario.day(terms.start) if terms.start else shock
    if start is None or not terms.enabled:
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


def law_changes(laws: Laws) -> tuple[dt.date, ...]:
    """Every date on which any of ``laws`` changes, in order."""
    return tuple(sorted({day for regime in laws.regimes for day, _ in boundaries(regime)}))


def shock_days(
    scenario: Scenario, tables: dict[str, DecisionTable], changes: tuple[dt.date, ...]
) -> dict[tuple[str, str], SimDays | None]:
    """For each chipmaker and material: the first day in the run its sources need an individual licence.

    ``changes`` are the dates the law changes (:func:`law_changes`); between them it stands still.
    """
    shocks: dict[tuple[str, str], SimDays | None] = {}
    points = [d for d in changes if scenario.start <= d <= scenario.end]
    for chipmaker in scenario.chipmakers:
        for use in chipmaker.materials:
            item = scenario.material(use.material).item
            days = [
                scenario.day(day)
                for source in use.sources
                for day in (scenario.start, *points)
                if _needs_individual(tables, scenario.supplier(source.supplier), item, chipmaker.country, day)
            ]
            shocks[(chipmaker.id, use.material)] = min(days, default=None)
    return shocks


def _needs_individual(
    tables: dict[str, DecisionTable], supplier: Supplier, item: str, country: str, day: dt.date
) -> bool:
    table = tables.get(supplier.country)
    if table is None or not table.regime.has_item(item):
        return False
    return table.licence(item, country, day, exporter_profile(supplier)) in table.per_application
