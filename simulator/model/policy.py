"""The policy timeline: the dates the law changes, the shock each buyer meets, and re-clearing.

The regimes are dated data, so the law changes only on the dates a measure starts or ends;
a supplier's licences held from a date (``held_licences``) start and stop on dates too. On
each such date within the run, orders waiting for a licence are cleared again. A buyer's
*shock* for a material is the first day in the run that one of its sources needs an
individual licence for it or may not ship it at all (a ban): the metrics count time to
survive and to recover from there, and qualifying a substitute starts then unless the
scenario dates it. A buyer's *announcement
window* runs from the announcement of the measure that first restricts its sources of a
material (licence-bound or prohibited) to that measure's effective date: buyers may order
ahead in it.
"""

from __future__ import annotations

import datetime as dt

import simpy

from simulator.model.clock import RULE_CHANGE, Phased, Process
from simulator.model.fab import Fab
from simulator.model.orders import OrderBook
from simulator.model.supply import exporter_profile
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import announced_on, boundaries
from simulator.rules.laws import Laws
from simulator.rules.values import Clearance
from simulator.scenario.values import Chipmaker, MaterialUse, Scenario, SimDays, Supplier

Window = tuple[SimDays, SimDays]
"""An announcement window: from the day a measure is announced (the start at the earliest) to its effect."""


def law_changes(laws: Laws, scenario: Scenario | None = None) -> tuple[dt.date, ...]:
    """Every date on which any of ``laws`` changes, in order; with a ``scenario``, its licences too.

    The licences its suppliers hold from a date (``held_licences``) start and stop on days
    of their own, on which waiting orders are cleared again as on a change of the law.
    """
    days = {day for regime in laws.regimes for day, _ in boundaries(regime)}
    if scenario is not None:
        days |= {day for s in scenario.suppliers for held in s.held_licences for day in held.changes()}
    return tuple(sorted(days))


def rule_changes(
    env: simpy.Environment,
    scenario: Scenario,
    changes: tuple[dt.date, ...],
    book: OrderBook,
    watching: tuple[Fab, ...] = (),
) -> Process:
    """At every date the law changes, orders waiting for a licence are cleared again.

    The ``watching`` fabs, whose conservation responds to the shock, look at their stocks too.
    """
    horizon = scenario.horizon_days
    for day in changes:
        at = scenario.day(day)
        if 0 < at < horizon and at >= env.now:
            yield Phased(env, at - env.now, RULE_CHANGE, purpose="rule change")
            for fab in watching:
                fab.note_the_law()
            book.release(list(book.waiting))
            for fab in watching:
                fab.advance()
                fab.changed()


def shock_days(
    scenario: Scenario, tables: dict[str, DecisionTable], changes: tuple[dt.date, ...]
) -> dict[tuple[str, str], SimDays | None]:
    """For each chipmaker and material: the first day a source needs an individual licence or is banned.

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
                if _restricted(tables, scenario.supplier(source.supplier), item, chipmaker, day)
            ]
            shocks[(chipmaker.id, use.material)] = min(days, default=None)
    return shocks


def shock_spans(
    scenario: Scenario, tables: dict[str, DecisionTable], changes: tuple[dt.date, ...]
) -> dict[tuple[str, str], tuple[tuple[SimDays, SimDays], ...]]:
    """For each chipmaker and material: the spans of the run, ``[start, end)``, it is under shock.

    Under shock means that one of its sources needs an individual licence or is prohibited;
    a span still open at the end runs to infinity.
    """
    points = [scenario.start, *(d for d in changes if scenario.start < d <= scenario.end)]
    spans: dict[tuple[str, str], tuple[tuple[SimDays, SimDays], ...]] = {}
    for chipmaker in scenario.chipmakers:
        for use in chipmaker.materials:
            item = scenario.material(use.material).item
            suppliers = [scenario.supplier(s.supplier) for s in use.sources]
            bound = [any(_restricted(tables, s, item, chipmaker, day) for s in suppliers) for day in points]
            spans[(chipmaker.id, use.material)] = _runs([scenario.day(d) for d in points], bound)
    return spans


def _runs(times: list[SimDays], flags: list[bool]) -> tuple[tuple[SimDays, SimDays], ...]:
    """The spans over which ``flags`` hold, each flag holding from its time to the next.

    >>> _runs([0.0, 5.0, 9.0], [False, True, False])
    ((5.0, 9.0),)
    >>> _runs([0.0, 5.0], [True, True])
    ((0.0, inf),)
    """
    spans: list[tuple[SimDays, SimDays]] = []
    opened: SimDays | None = None
    for time, flag in zip(times, flags, strict=True):
        if flag and opened is None:
            opened = time
        elif not flag and opened is not None:
            spans.append((opened, time))
            opened = None
    if opened is not None:
        spans.append((opened, float("inf")))
    return tuple(spans)


def announcement_windows(
    scenario: Scenario, tables: dict[str, DecisionTable], changes: tuple[dt.date, ...]
) -> dict[tuple[str, str], Window]:
    """For each chipmaker and material with one: the announcement window of its first restriction.

    A source is restricted when it needs an individual licence or is prohibited. The window is
    that of the measure that first restricts one of the material's sources within the run
    (after its first day), if the measure was announced before it took effect; it opens on the
    announcement (on the first day at the earliest) and closes on the effective date.
    """
    points = [d for d in changes if scenario.start < d <= scenario.end]
    windows = {}
    for chipmaker in scenario.chipmakers:
        for use in chipmaker.materials:
            window = _window(scenario, tables, use, chipmaker, points)
            if window is not None:
                windows[(chipmaker.id, use.material)] = window
    return windows


def _window(
    scenario: Scenario,
    tables: dict[str, DecisionTable],
    use: MaterialUse,
    chipmaker: Chipmaker,
    points: list[dt.date],
) -> Window | None:
    item = scenario.material(use.material).item
    firsts = []
    for source in use.sources:
        supplier = scenario.supplier(source.supplier)
        days = (d for d in (scenario.start, *points) if _restricted(tables, supplier, item, chipmaker, d))
        first = next(days, None)
        firsts += [] if first is None else [(first, tables[supplier.country])]
    day = min((d for d, _ in firsts), default=scenario.start)
    if day == scenario.start:  # restricted from the first day (or never): nothing to order ahead of
        return None
    known = [a for d, t in firsts if d == day and (a := _announced(t, day)) is not None and a < day]
    return (max(0.0, scenario.day(min(known))), scenario.day(day)) if known else None


def _announced(table: DecisionTable, day: dt.date) -> dt.date | None:
    """When the measure changing the table's law on ``day`` was announced (None if not known)."""
    measure = dict(boundaries(table.regime)).get(day)
    return announced_on(table.regime, measure, day)


def _clearance(
    tables: dict[str, DecisionTable], supplier: Supplier, item: str, buyer: Chipmaker, day: dt.date
) -> Clearance | None:
    table = tables.get(supplier.country)
    if table is None or not table.regime.has_item(item):
        return None
    route = table.route(item, buyer.country)
    profile = table.profile_code(exporter_profile(supplier, table.regime, buyer.id, day))
    clearance, _, _ = table.clearance_span(route, day.toordinal(), profile)
    return clearance


def _restricted(
    tables: dict[str, DecisionTable], supplier: Supplier, item: str, buyer: Chipmaker, day: dt.date
) -> bool:
    clearance = _clearance(tables, supplier, item, buyer, day)
    return clearance is not None and clearance.restricted
