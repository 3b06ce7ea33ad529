"""Suppliers and their production lines: what they make, how fast, and how the rules see them.

A line books orders in the order they come, at a fixed capacity, and each order then takes
a random production lead time. A supplier also carries its exporter profile, coded once for
the compiled table of the regime governing its country's exports (none for countries that
the scenario's laws do not govern).
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.model.streams import Streams
from simulator.rules.compiled import DecisionTable
from simulator.rules.values import ExporterProfile
from simulator.scenario.values import Scenario, SimDays, Supplier


class Line:
    """A supplier's production line for one material: booked in order, at a fixed capacity."""

    __slots__ = ("capacity_t_per_day", "free_at", "lead_time")

    def __init__(self, capacity_t_per_day: float, lead_time: Callable[[], SimDays], free_at: SimDays) -> None:
        self.capacity_t_per_day = capacity_t_per_day
        self.lead_time = lead_time
        self.free_at = free_at

    def book(self, now: SimDays, quantity_t: float) -> SimDays:
        """Book ``quantity_t`` on the line and return when it is ready to export.

        >>> line = Line(10.0, lambda: 2.0, free_at=0.0)
        >>> line.book(1.0, 30.0), line.book(1.0, 10.0)
        (6.0, 7.0)
        """
        start = now if now > self.free_at else self.free_at
        self.free_at = start + quantity_t / self.capacity_t_per_day
        return self.free_at + self.lead_time()


class SupplierState:
    """A supplier in the run: its lines, its exporter profile, and what it made and holds."""

    def __init__(self, scenario: Scenario, streams: Streams, supplier: Supplier, table: DecisionTable | None):
        self.supplier = supplier
        self.id = supplier.id
        self.table = table
        """The compiled regime governing this supplier's exports, if any does."""
        self.profile_code = table.profile_code(exporter_profile(supplier)) if table else 0
        opens = scenario.day(supplier.available_from) if supplier.available_from else 0.0
        self.lines = {
            p.material: Line(
                p.capacity_t_per_day,
                p.lead_time_days.sampler(streams("production", f"{supplier.id}/{p.material}")),
                opens,
            )
            for p in supplier.products
        }
        self.produced_t = 0.0
        self.held_t = 0.0
        """Tonnes made and not yet exported."""


def exporter_profile(supplier: Supplier) -> ExporterProfile:
    """The supplier as the rules engine sees it."""
    return ExporterProfile(
        icp=supplier.icp, continuing=supplier.continuing, bulk_licences=frozenset(supplier.bulk_licences)
    )
