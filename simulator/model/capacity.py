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

A line may also *surge* (:class:`Surge`): when an order is booked while the line still has
more than its ``backlog_days`` of booked work to make, its extra tonnes a day come on
``lag_days`` later and stay until the line has made all it has booked. Because finish times
are fixed at booking, the extra speeds only work booked from the moment the surge is set off
(the order that sets it off included); work booked earlier keeps its pace. A quota rule shares
the surge in the split it gives the line's capacity without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulator.scenario.values import Allocation


class Capacity:
    """A line's capacity in tonnes a day: ``base`` plus ramped expansions ``(start, add, ramp_days)``.

    ``spans`` are the surge's extra capacity, ``(start, end, add)``: ``add`` tonnes a day from
    ``start`` up to ``end`` (infinite while the surge lasts).
    """

    __slots__ = ("base", "expansions", "spans")

    def __init__(self, base: float, expansions: Sequence[tuple[float, float, float]] = ()) -> None:
        self.base = base
        self.expansions = tuple(sorted(expansions))
        self.spans: tuple[tuple[float, float, float], ...] = ()

    def planned_at(self, time: float) -> float:
        """Tonnes a day at ``time`` without the surge: the base and the expansions.

        >>> Capacity(10.0, [(5.0, 10.0, 10.0)]).planned_at(10.0)
        15.0
        """
        return self.base + sum(add * _ramped(time, start, ramp) for start, add, ramp in self.expansions)

    def planned(self) -> Capacity:
        """The same line without its surge (an estimate should not count on extra capacity)."""
        if not self.spans:
            return self
        return Capacity(self.base, self.expansions)

    def at(self, time: float) -> float:
        """Tonnes a day at ``time``, the surge included.

        >>> capacity = Capacity(10.0)
        >>> capacity.spans = ((2.0, 4.0, 5.0),)
        >>> capacity.at(1.0), capacity.at(2.0), capacity.at(4.0)
        (10.0, 15.0, 10.0)
        """
        rate = self.planned_at(time)
        if not self.spans:
            return rate
        return rate + sum(add for start, end, add in self.spans if start <= time < end)

    def finish(self, start: float, quantity_t: float, fraction: float = 1.0) -> float:
        """When ``quantity_t`` started at ``start`` is made, at ``fraction`` of the capacity.

        >>> Capacity(10.0).finish(1.0, 30.0)
        4.0
        >>> Capacity(10.0, [(2.0, 10.0, 0.0)]).finish(0.0, 40.0)  # 20 t by day 2, then 20 t a day
        3.0
        >>> Capacity(0.0, [(0.0, 10.0, 10.0)]).finish(0.0, 5.0)  # ramping: t^2 / 2 = 5
        3.1622776601683795
        """
        if not self.expansions and not self.spans:
            return start + quantity_t / (self.base * fraction) if fraction > 0 else math.inf
        time, left = start, quantity_t
        for end in [*self._breaks(start), math.inf]:
            rate, slope = self.at(time) * fraction, self._slope(time) * fraction
            made = rate * (end - time) + _ramp_made(slope, end - time) if end < math.inf else math.inf
            if made >= left:
                return time + _time_to_make(left, rate, slope)
            time, left = end, left - made
        return math.inf  # pragma: no cover - the last segment never ends

    def _breaks(self, after: float) -> list[float]:
        points = {t for start, _, ramp in self.expansions for t in (start, start + ramp)}
        points |= {t for start, end, _ in self.spans for t in (start, end)}
        return sorted(t for t in points if after < t < math.inf)

    def _slope(self, time: float) -> float:
        return sum(
            add / ramp for start, add, ramp in self.expansions if ramp > 0 and start <= time < start + ramp
        )


class Surge:
    """A line's surge: ``extra_t_per_day`` more capacity while orders queue on it.

    Told of every booking (:meth:`booking` before it is worked out, :meth:`booked` after), it
    keeps when the line will have made all it has booked. An order booked while that is more
    than ``backlog_days`` ahead sets the surge off: the extra comes on ``lag_days`` later, as
    a span of the line's :class:`Capacity`. The span ends, at once, when the line has made
    everything booked (known at the next booking, and fixed then at that moment); a surge
    whose backlog clears before its lag is over never comes on.

    >>> capacity, surge = Capacity(1.0), Surge(1.0, lag_days=2.0, backlog_days=0.0)
    >>> surge.booking(0.0, capacity); surge.booked(capacity.finish(0.0, 4.0))  # busy to day 4
    >>> surge.booking(1.0, capacity); capacity.spans  # 3 days' work ahead: on from day 3
    ((3.0, inf, 1.0),)
    >>> surge.booked(capacity.finish(4.0, 4.0)); surge.busy_until  # 4 t at 2 t a day
    6.0
    >>> surge.booking(7.0, capacity); capacity.spans  # cleared on day 6
    ((3.0, 6.0, 1.0),)
    """

    __slots__ = ("backlog_days", "busy_until", "extra_t_per_day", "lag_days")

    def __init__(self, extra_t_per_day: float, lag_days: float, backlog_days: float) -> None:
        self.extra_t_per_day = extra_t_per_day
        self.lag_days = lag_days
        self.backlog_days = backlog_days
        self.busy_until = -math.inf
        """When the line will have made every order booked on it so far."""

    def booking(self, now: float, capacity: Capacity) -> None:
        """Before an order booked at ``now`` is worked out: end the surge, or set it off."""
        surging = bool(capacity.spans) and capacity.spans[-1][1] == math.inf
        if surging and self.busy_until <= now + _ROUNDING_DAYS:
            start, _, add = capacity.spans[-1]
            ended = ((start, self.busy_until, add),) if self.busy_until > start else ()
            capacity.spans = capacity.spans[:-1] + ended
        elif not surging and self.busy_until - now > self.backlog_days + _ROUNDING_DAYS:
            last = capacity.spans[-1][1] if capacity.spans else -math.inf  # never overlap the last
            capacity.spans += ((max(now + self.lag_days, last), math.inf, self.extra_t_per_day),)

    def booked(self, done: float) -> None:
        """After an order is worked out: the line is busy until at least ``done``."""
        self.busy_until = max(self.busy_until, done)


_ROUNDING_DAYS = 1e-9
"""Backlogs within this of a threshold count as at it: finish times carry clock rounding."""


def _ramped(time: float, start: float, ramp_days: float) -> float:
    """How far an expansion has ramped up at ``time``: 0 before it starts, 1 once it is done."""
    if time < start:
        return 0.0
    return 1.0 if ramp_days <= 0 or time >= start + ramp_days else (time - start) / ramp_days


def _ramp_made(slope: float, days: float) -> float:
    """Tonnes a ramp of ``slope`` adds over ``days``: infinite where the square overflows (1e308 days)."""
    if not slope:
        return 0.0
    try:
        return slope * days**2 / 2
    except OverflowError:
        return math.inf


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
