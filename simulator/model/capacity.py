"""A production line's capacity over time, and how a short line is shared among its buyers.

Capacity is a base rate plus expansions (a new plant, a debottlenecking), each ramping up
linearly from its date over its ramp days; an expansion serves every buyer of the line. So
capacity is piecewise linear in time, and the time to make a quantity is found by
integrating it (pure functions, testable without SimPy).

When orders exceed capacity the supplier allocates by a rule:

* ``first-come``: one queue, first come, first served;
* ``proportional``: each buyer has a queue worked at its share of capacity, in proportion to
  the tonnes a day it buys from the supplier at its current sourcing share;
* ``existing-first``: buyers that listed the supplier before the run (existing customers)
  are served first, up to the tonnes a day they buy; buyers that qualified it since share
  what capacity is left, in proportion to what they buy.

Allocations are quotas worked out when an order is booked, so they never exceed capacity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulator.scenario.values import Allocation


class Capacity:
    """A line's capacity in tonnes a day: ``base`` plus ramped expansions ``(start, add, ramp_days)``."""

    __slots__ = ("base", "expansions")

    def __init__(self, base: float, expansions: Sequence[tuple[float, float, float]] = ()) -> None:
        self.base = base
        self.expansions = tuple(sorted(expansions))

    def at(self, time: float) -> float:
        """Tonnes a day at ``time``.

        >>> Capacity(10.0, [(5.0, 10.0, 10.0)]).at(10.0)
        15.0
        """
        return self.base + sum(add * _ramped(time, start, ramp) for start, add, ramp in self.expansions)

    def finish(self, start: float, quantity_t: float, fraction: float = 1.0) -> float:
        """When ``quantity_t`` started at ``start`` is made, at ``fraction`` of the capacity.

        >>> Capacity(10.0).finish(1.0, 30.0)
        4.0
        >>> Capacity(10.0, [(2.0, 10.0, 0.0)]).finish(0.0, 40.0)  # 20 t by day 2, then 20 t a day
        3.0
        >>> Capacity(0.0, [(0.0, 10.0, 10.0)]).finish(0.0, 5.0)  # ramping: t^2 / 2 = 5
        3.1622776601683795
        """
        if not self.expansions:
            return start + quantity_t / (self.base * fraction) if fraction > 0 else math.inf
        time, left = start, quantity_t
        for end in [*self._breaks(start), math.inf]:
            rate, slope = self.at(time) * fraction, self._slope(time) * fraction
            made = rate * (end - time) + slope * (end - time) ** 2 / 2 if end < math.inf else math.inf
            if made >= left:
                return time + _time_to_make(left, rate, slope)
            time, left = end, left - made
        return math.inf  # pragma: no cover - the last segment never ends

    def _breaks(self, after: float) -> list[float]:
        points = {t for start, _, ramp in self.expansions for t in (start, start + ramp)}
        return sorted(t for t in points if t > after)

    def _slope(self, time: float) -> float:
        return sum(
            add / ramp for start, add, ramp in self.expansions if ramp > 0 and start <= time < start + ramp
        )


def _ramped(time: float, start: float, ramp_days: float) -> float:
    """How far an expansion has ramped up at ``time``: 0 before it starts, 1 once it is done."""
    if time < start:
        return 0.0
    return 1.0 if ramp_days <= 0 or time >= start + ramp_days else (time - start) / ramp_days


def _time_to_make(quantity_t: float, rate: float, slope: float) -> float:
    """Days to make ``quantity_t`` from ``rate`` tonnes a day growing by ``slope`` a day."""
    if slope == 0:
        return quantity_t / rate if rate > 0 else math.inf
    return (-rate + math.sqrt(rate * rate + 2 * slope * quantity_t)) / slope


def quotas(rule: Allocation, buys: dict[str, float], existing: set[str], capacity: float) -> dict[str, float]:
    """Each buyer's share of the line's capacity under ``rule``, from the tonnes a day it buys.

    >>> quotas("proportional", {"a": 3.0, "b": 1.0}, set(), 2.0)
    {'a': 0.75, 'b': 0.25}
    >>> quotas("existing-first", {"a": 1.0, "b": 3.0}, {"a"}, 2.0)  # a first, up to its 1 t a day
    {'a': 0.5, 'b': 0.5}
    """
    if rule == "proportional" or not existing & set(buys):
        total = sum(buys.values())
        return {b: (t / total if total else 1.0 / len(buys)) for b, t in buys.items()}
    old = {b: t for b, t in buys.items() if b in existing}
    new = {b: t for b, t in buys.items() if b not in existing}
    first = min(1.0, sum(old.values()) / capacity) if new and capacity > 0 else 1.0
    shares = {b: first * s for b, s in quotas("proportional", old, set(), capacity).items()}
    if new:
        shares |= {b: (1.0 - first) * s for b, s in quotas("proportional", new, set(), capacity).items()}
    return shares
