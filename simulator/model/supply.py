"""Suppliers and their production lines: what they make, how fast, and how the rules see them.

A line books orders as they come, at its capacity (which may grow with expansions, and surge
while orders queue) and by its allocation rule (:mod:`simulator.model.capacity`), and each
order then takes a random
production lead time. A supplier also carries its exporter profile, coded once for
the compiled table of the regime governing its country's exports (none for countries that
the scenario's laws do not govern); the licences it holds from a date change the profile
for the buyers they cover on the days they start and stop (:func:`profile_timeline`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from simulator.model.capacity import Capacity, Surge, quotas
from simulator.model.sourcing import Sourcing
from simulator.model.streams import Streams
from simulator.rules.compiled import DecisionTable
from simulator.rules.values import ExporterProfile, Regime
from simulator.scenario.values import Allocation, Scenario, SimDays, Supplier


class Line:
    """A supplier's production line for one material: its capacity, queues and lead time.

    Orders are booked as they come; under ``first-come`` they share one queue, under the other
    rules (:mod:`simulator.model.capacity`) each buyer has a queue worked at its quota.
    """

    __slots__ = (
        "capacity",
        "customers",
        "free_at",
        "lead_time",
        "opens",
        "queues",
        "rule",
        "supplier_id",
        "surge",
    )

    def __init__(
        self,
        capacity: Capacity,
        lead_time: Callable[[], SimDays],
        free_at: SimDays,
        rule: Allocation = "first-come",
        supplier_id: str = "",
        surge: Surge | None = None,
    ) -> None:
        self.capacity = capacity
        self.surge = surge
        self.lead_time = lead_time
        self.free_at = free_at
        self.opens = free_at
        self.rule = rule
        self.supplier_id = supplier_id
        self.queues: dict[str, SimDays] = {}
        """Under a quota rule: when each buyer's queue is next free."""
        self.customers: dict[str, tuple[float, Sourcing, bool]] = {}
        """Per buyer: its planned use, its sourcing, and whether it listed the supplier before the run."""

    def book(self, now: SimDays, quantity_t: float, buyer: str = "") -> SimDays:
        """Book ``quantity_t`` for ``buyer`` on the line and return when it is ready to export.

        >>> line = Line(Capacity(10.0), lambda: 2.0, free_at=0.0)
        >>> line.book(1.0, 30.0), line.book(1.0, 10.0)
        (6.0, 7.0)
        """
        surge = self.surge
        if surge is not None:
            surge.booking(now, self.capacity)
        if self.rule == "first-come":
            start = now if now > self.free_at else self.free_at
            done = self.free_at = self.capacity.finish(start, quantity_t)
        else:
            free = self.queues.get(buyer, self.opens)
            start = now if now > free else free
            done = self.queues[buyer] = self.capacity.finish(start, quantity_t, self._quota(buyer, start))
        if surge is not None:
            surge.booked(done)
        return done + self.lead_time()

    def made_by(self, now: SimDays, quantity_t: float, buyer: str = "") -> SimDays:
        """When ``quantity_t`` booked now for ``buyer`` would be made (books nothing; no surge).

        >>> line = Line(Capacity(10.0), lambda: 2.0, free_at=5.0)
        >>> line.made_by(1.0, 30.0)
        8.0
        """
        capacity = self.capacity.planned()
        if self.rule == "first-come":
            return capacity.finish(max(now, self.free_at), quantity_t)
        start = max(now, self.queues.get(buyer, self.opens))
        return capacity.finish(start, quantity_t, self._quota(buyer, start))

    def _quota(self, buyer: str, at: SimDays) -> float:
        buys = {b: use * sourcing.share(self.supplier_id) for b, (use, sourcing, _) in self.customers.items()}
        buys = {b: t for b, t in buys.items() if t > 0 or b == buyer}
        existing = {b for b, (_, _, old) in self.customers.items() if old}
        return quotas(self.rule, buys, existing, self.capacity.planned_at(at)).get(buyer, 1.0)


class SupplierState:
    """A supplier in the run: its lines, its exporter profile, and what it made and holds."""

    def __init__(self, scenario: Scenario, streams: Streams, supplier: Supplier, table: DecisionTable | None):
        self.supplier = supplier
        self.id = supplier.id
        self.table = table
        """The compiled regime governing this supplier's exports, if any does."""
        opens = scenario.day(supplier.available_from) if supplier.available_from else 0.0
        self.lines = {
            p.material: Line(
                Capacity(
                    p.capacity_t_per_day,
                    [
                        (scenario.day(e.start), e.capacity_t_per_day, e.ramp_days)
                        for e in p.expansions
                        if e.enabled
                    ],
                ),
                p.lead_time_days.sampler(streams("production", f"{supplier.id}/{p.material}")),
                opens,
                p.allocation,
                supplier.id,
                Surge(p.surge.extra_t_per_day, p.surge.lag_days, p.surge.backlog_days) if p.surge else None,
            )
            for p in supplier.products
        }
        self.produced_t = 0.0
        self.held_t = 0.0
        """Tonnes made and not yet exported."""


def exporter_profile(
    supplier: Supplier, regime: Regime, buyer: str | None = None, on: dt.date | None = None
) -> ExporterProfile:
    """The supplier as ``regime``, governing its exports, sees it (names were checked on loading).

    With a ``buyer`` and a day ``on``, the bulk licences it holds include those of its
    ``held_licences`` that cover that buyer on that day.
    """
    held = (regime.established | set(supplier.has)) - set(supplier.lacks)
    bulk = frozenset(supplier.bulk_licences)
    if buyer is not None and on is not None:
        bulk |= {h.kind for h in supplier.held_licences if h.holds(buyer, on)}
    return ExporterProfile(held, bulk_licences=bulk)


def profile_timeline(supplier: Supplier, table: DecisionTable, buyer: str) -> tuple[list[int], list[int]]:
    """The supplier's profile codes for exports to ``buyer``, and the date ordinals each starts on.

    The first starts before every date (ordinal 0); another may start on each day a licence
    the supplier holds from a date starts or stops. Without held licences it is one profile.
    """
    days = sorted({day for held in supplier.held_licences for day in held.changes()})
    starts, codes = [0], [table.profile_code(exporter_profile(supplier, table.regime))]
    for day in days:
        code = table.profile_code(exporter_profile(supplier, table.regime, buyer, day))
        if code != codes[-1]:
            starts.append(day.toordinal())
            codes.append(code)
    return starts, codes
