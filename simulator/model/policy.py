"""The policy timeline: the dates the law changes, the shock each buyer meets, and re-clearing.

The regimes are dated data, so the law changes only on the dates a measure starts or ends.
On each such date within the run, orders waiting for a licence are cleared again. A buyer's
*shock* for a material is the first day in the run that one of its sources needs an
individual licence for it: the metrics count time to survive and to recover from there, and
qualifying a substitute starts then unless the scenario dates it.
"""

from __future__ import annotations

import datetime as dt

import simpy

from simulator.model.clock import RULE_CHANGE, Phased, Process
from simulator.model.orders import OrderBook
from simulator.model.supply import exporter_profile
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import boundaries
from simulator.rules.values import Laws
from simulator.scenario.values import Scenario, SimDays, Supplier


def law_changes(laws: Laws) -> tuple[dt.date, ...]:
    """Every date on which any of ``laws`` changes, in order."""
    return tuple(sorted({day for regime in laws.regimes for day, _ in boundaries(regime)}))


def rule_changes(
    env: simpy.Environment, scenario: Scenario, changes: tuple[dt.date, ...], book: OrderBook
) -> Process:
    """At every date the law changes, orders waiting for a licence are cleared again."""
    horizon = scenario.horizon_days
    for day in changes:
        at = scenario.day(day)
        if 0 < at < horizon and at >= env.now:
            yield Phased(env, at - env.now, RULE_CHANGE)
            book.release(list(book.waiting))


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
                if _needs_application(
                    tables, scenario.supplier(source.supplier), item, chipmaker.country, day
                )
            ]
            shocks[(chipmaker.id, use.material)] = min(days, default=None)
    return shocks


def _needs_application(
    tables: dict[str, DecisionTable], supplier: Supplier, item: str, country: str, day: dt.date
) -> bool:
    table = tables.get(supplier.country)
    if table is None or not table.regime.has_item(item):
        return False
    route = table.route(item, country)
    profile = table.profile_code(exporter_profile(supplier))
    clearance, _, _ = table.clearance_span(route, day.toordinal(), profile)
    return clearance.needs_application
