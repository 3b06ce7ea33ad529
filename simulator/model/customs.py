"""Trade statistics as customs count them: monthly imports by material, and by whole trade code.

Customs count a shipment in the month it leaves, once it crosses a border, under its trade
code: a whole code (HS 2811.11 is all hydrogen fluoride) from every origin to every buyer.
The model ships only the controlled grades, and only to its own fabs. So the customs series
grosses each shipment up by ``1 / controlled_share``: the uncontrolled grades of the code from
that origin are taken to move like the controlled ones. It then adds the scenario's
``trade_flows``, the flows of the code that the model does not simulate. Both series leave out
the warm-up and keep every month of the reported period, zero months included, so that a month
in which imports stopped shows as 0 rather than going missing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from simulator.model.records import RunRecords, Shipment
from simulator.scenario.values import Scenario, SimDays

Totals = Mapping[tuple[str, ...], float]
"""Tonnes keyed by the series' names, the month (``YYYY-MM``) last."""


def monthly_flows(records: RunRecords, scenario: Scenario) -> dict[str, Any]:
    """Tonnes the model imported per material, origin country and month (``YYYY-MM``).

    Deliveries within one country are left out (``shipments.csv`` has them), and so is the
    warm-up. Every month of the reported period appears for every origin seen in the run,
    zeros included.
    """
    label = month_labels(scenario.start, int(records.horizon_days))
    totals: dict[tuple[str, ...], float] = defaultdict(float)
    seen: set[tuple[str, ...]] = set()
    for shipment, counted in _imports(records, scenario):
        series = (shipment.material, shipment.origin)
        seen.add(series)
        if counted:
            totals[*series, label[int(shipment.time)]] += shipment.quantity_t
    return _every_month(totals, seen, reported_months(scenario))


def customs_flows(records: RunRecords, scenario: Scenario) -> dict[str, Any]:
    """Tonnes imported per trade code, destination, origin and month, as customs count them.

    The model's imports of each material under the code, each grossed up by
    ``1 / controlled_share``, plus the scenario's ``trade_flows`` (a month only partly within
    the reported period gets that part of their tonnes). Every month of the reported period
    appears for every destination and origin seen in the run, zeros included.
    """
    label = month_labels(scenario.start, int(records.horizon_days))
    materials = {m.id: m for m in scenario.materials}
    totals: dict[tuple[str, ...], float] = defaultdict(float)
    seen: set[tuple[str, ...]] = set()
    for shipment, counted in _imports(records, scenario):
        material = materials[shipment.material]
        series = (material.trade_code, shipment.destination, shipment.origin)
        seen.add(series)
        if counted:
            totals[*series, label[int(shipment.time)]] += shipment.quantity_t / material.controlled_share
    covered = month_fractions(scenario)
    for flow in scenario.trade_flows:
        series = (flow.trade_code, flow.destination, flow.origin)
        seen.add(series)
        for month, fraction in covered:
            totals[*series, month] += flow.tonnes_in(month) * fraction
    return _every_month(totals, seen, reported_months(scenario))


def _imports(records: RunRecords, scenario: Scenario) -> Iterator[tuple[Shipment, bool]]:
    """The shipments that cross a border, each with whether it counts (it left after warm-up)."""
    begin = scenario.warm_up_days
    for shipment in records.shipments:
        # domestic deliveries cross no border: customs statistics do not see them
        if shipment.origin != shipment.destination:
            yield shipment, shipment.time >= begin


def _every_month(totals: Totals, seen: set[tuple[str, ...]], months: tuple[str, ...]) -> dict[str, Any]:
    """Nest ``totals`` by their names, giving every series seen every month (0 where none)."""
    nested: dict[str, Any] = {}
    for series in sorted(seen):
        node = nested
        for name in series:
            node = node.setdefault(name, {})
        node.update({month: totals.get((*series, month), 0.0) for month in months})
    return nested


def reported_months(scenario: Scenario) -> tuple[str, ...]:
    """The ``YYYY-MM`` labels of the months from the end of warm-up to the end of the scenario."""
    return tuple(month for month, _ in month_fractions(scenario))


def month_fractions(scenario: Scenario) -> tuple[tuple[str, float], ...]:
    """Each reported month and the fraction of its days within the reported period.

    The reported period runs from the end of warm-up to the end of the scenario's last day.
    """
    return _month_fractions(scenario.start, scenario.horizon_days, scenario.warm_up_days)


@functools.lru_cache(maxsize=16)
def _month_fractions(start: dt.date, horizon: SimDays, begin: SimDays) -> tuple[tuple[str, float], ...]:
    found = []
    first = (start + dt.timedelta(days=int(begin))).replace(day=1)
    while (low := float((first - start).days)) < horizon:
        following = (first + dt.timedelta(days=31)).replace(day=1)
        high = float((following - start).days)
        found.append((first.strftime("%Y-%m"), (min(high, horizon) - max(low, begin)) / (high - low)))
        first = following
    return tuple(found)


@functools.lru_cache(maxsize=16)
def month_labels(start: dt.date, days: int) -> tuple[str, ...]:
    """The ``YYYY-MM`` label of each day from ``start``, for ``days`` days and the day after.

    >>> month_labels(dt.date(2019, 6, 29), 2)
    ('2019-06', '2019-06', '2019-07')
    """
    return tuple((start + dt.timedelta(days=day)).strftime("%Y-%m") for day in range(days + 1))
