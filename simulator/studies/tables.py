"""A replication's records as tables: the rows of ``run --out``'s CSV files and of the API's frames.

One home for each table's columns and rows, so that a CSV file and the DataFrame of the same
name (:class:`simulator.Records`) always agree. Days (``day``, ``filed_day``, ``decided_day``)
count from the scenario's start, as simulation time does; the ``date`` columns give the
calendar date of each, so nobody has to add days to a start by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from simulator.model.customs import month_labels, reported_months
from simulator.model.metrics import daily_inventory
from simulator.scenario.values import Scenario
from simulator.studies.parallel import Outcome

TABLES: dict[str, tuple[str, ...]] = {
    "replications": ("replication", "metric", "value"),
    "daily_inventory": ("replication", "chipmaker", "material", "date", "stock_t"),
    "applications": (
        "replication", "material", "item", "supplier", "chipmaker",
        "quantity_t", "filed_day", "decided_day", "outcome", "returned", "filed_date", "decided_date",
    ),
    "flows": ("replication", "month", "material", "origin", "destination", "quantity_t", "value_usd"),
    "customs_flows": ("replication", "trade_code", "destination", "origin", "month", "tonnes"),
    "revenue": ("replication", "month", "supplier", "revenue_usd"),
    "shipments": (
        "replication", "day", "supplier", "origin", "destination",
        "chipmaker", "material", "quantity_t", "value_usd", "licence", "date",
    ),
}  # fmt: skip
"""Each table's columns; ``run --out`` writes each as ``NAME.csv``."""

Row = tuple[Any, ...]


@attrs.frozen
class Calendar:
    """What turns simulation days into the tables' dates and months for one scenario."""

    start_iso: tuple[str, ...]
    months: tuple[str, ...]
    reported: tuple[str, ...]
    """The months from the end of warm-up to the end, as customs statistics report them."""
    warm_up_days: float

    @classmethod
    def of(cls, scenario: Scenario) -> Calendar:
        """The calendar of ``scenario``'s horizon."""
        days = int(scenario.horizon_days)
        dates = tuple(scenario.date(d).isoformat() for d in range(days + 1))
        months = month_labels(scenario.start, days)
        return cls(dates, months, reported_months(scenario), scenario.warm_up_days)

    def date(self, day: float | None) -> str | None:
        """The ISO date of simulation day ``day`` (None stays None)."""
        return None if day is None else self.start_iso[min(math.floor(day), len(self.start_iso) - 1)]


def rows(name: str, outcome: Outcome, calendar: Calendar) -> Iterator[Row]:
    """The rows of table ``name`` for one replication (the first variant's records)."""
    return _ROWS[name](outcome, calendar)


def _replications(outcome: Outcome, _calendar: Calendar) -> Iterator[Row]:
    r = outcome.number
    return ((r, "/".join(path), value) for path, value in outcome.metrics[0])


def _inventory(outcome: Outcome, calendar: Calendar) -> Iterator[Row]:
    records = outcome.records[0]
    for chipmaker, material in records.inventory:
        stock = daily_inventory(records, chipmaker, material)
        dates = calendar.start_iso[: len(stock)]
        for day, value in zip(dates, stock, strict=True):
            yield records.replication, chipmaker, material, day, float(f"{value:.6g}")


def _applications(outcome: Outcome, calendar: Calendar) -> Iterator[Row]:
    records = outcome.records[0]
    for a in records.applications:
        yield (
            records.replication, a.material, a.item, a.supplier, a.chipmaker, a.quantity_t,
            a.filed, a.decided, a.outcome, a.returned, calendar.date(a.filed), calendar.date(a.decided),
        )  # fmt: skip


def _shipments(outcome: Outcome, calendar: Calendar) -> Iterator[Row]:
    records = outcome.records[0]
    for s in records.shipments:
        yield (
            records.replication, s.time, s.supplier, s.origin, s.destination, s.chipmaker,
            s.material, s.quantity_t, s.value_usd, s.licence, calendar.date(s.time),
        )  # fmt: skip


def _flows(outcome: Outcome, calendar: Calendar) -> Iterator[Row]:
    """Shipments across a border after the warm-up, summed by month, material and route.

    Every route that crossed a border gets every reported month, zero months included, as in
    the summary's ``flows``: a month in which imports stopped shows as 0, not as a gap.
    """
    records = outcome.records[0]
    flows: dict[tuple[str, str, str, str], list[float]] = {}
    routes: set[tuple[str, str, str]] = set()
    for s in records.shipments:
        if s.origin == s.destination:
            continue  # customs statistics see only what crosses a border
        routes.add((s.material, s.origin, s.destination))
        if s.time < calendar.warm_up_days:
            continue  # the warm-up is left out
        key = (calendar.months[int(s.time)], s.material, s.origin, s.destination)
        total = flows.setdefault(key, [0.0, 0.0])
        total[0] += s.quantity_t
        total[1] += s.value_usd
    r = records.replication
    return (
        (r, month, *route, *flows.get((month, *route), (0.0, 0.0)))
        for month in calendar.reported
        for route in sorted(routes)
    )


def _revenue(outcome: Outcome, calendar: Calendar) -> Iterator[Row]:
    records = outcome.records[0]
    revenue: dict[tuple[str, str], float] = {}
    for s in records.shipments:
        key = (calendar.months[int(s.time)], s.supplier)
        revenue[key] = revenue.get(key, 0.0) + s.value_usd
    return ((records.replication, *key, value) for key, value in sorted(revenue.items()))


def _customs(outcome: Outcome, _calendar: Calendar) -> Iterator[Row]:
    """One replication's customs series, zero months included, from its metrics."""
    r = outcome.number
    return ((r, *path[1:], tonnes) for path, tonnes in outcome.metrics[0] if path[0] == "customs")


_ROWS: dict[str, Callable[[Outcome, Calendar], Iterator[Row]]] = {
    "replications": _replications,
    "daily_inventory": _inventory,
    "applications": _applications,
    "flows": _flows,
    "customs_flows": _customs,
    "revenue": _revenue,
    "shipments": _shipments,
}
