"""The model's clock: SimPy's environment with phases, a count of events, and checked delays.

Same-time events resolve in a fixed order of phases, lower first: a rule change, then licence
decisions, then exports (goods ready to leave), then arrivals, then consumption and orders.
Exports come before arrivals so that goods on a zero-day lane land before the fab orders.
SimPy orders same-time events by priority (its own are 0 and 1, so what an event sets off at
that moment, a woken process or a granted examiner, runs before the next phase); deliveries
landing at one moment are received in the order they left. :class:`Phased` timeouts carry
their phase, and :class:`ModelEnvironment` schedules them with it as the priority, through
SimPy's public ``schedule``.

Every delay is checked there too: a negative or NaN delay (a ``fixed(-30)`` lane, a NaN
review period) raises :class:`DelayError` naming what it was for, instead of sending
deliveries back in time or stalling the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy
from simpy.events import NORMAL, Event, EventPriority, Timeout

from simulator.errors import ExportsimError
from simulator.scenario.values import SimDays

RULE_CHANGE, LICENCE_DECISION, EXPORT, ARRIVAL, CONSUMPTION_AND_ORDERS = 2, 3, 4, 5, 6
"""Event phases at the same moment, in the order they resolve."""

Process = Generator[Event, Any, None]


class DelayError(ExportsimError, ValueError):
    """An event was scheduled a negative or NaN time ahead: a duration in the input is wrong."""


class Phased(Timeout):
    """A timeout that fires in ``phase`` at its moment, then calls ``then`` if given.

    A callback is cheaper than resuming a process, and orders take this path by the thousand.
    ``purpose`` says what the delay was (``transport JP-KR``) if it turns out invalid.
    """

    def __init__(
        self,
        env: simpy.Environment,
        delay: SimDays,
        phase: int,
        then: Callable[[Event], None] | None = None,
        purpose: str = "a delay",
    ) -> None:
        self.phase = phase
        self.purpose = purpose
        try:
            super().__init__(env, delay)
        except ValueError:  # SimPy refuses a negative delay; the environment a NaN one
            raise DelayError(_invalid(purpose, delay, env.now)) from None
        if then is not None:
            self.callbacks.append(then)


class EventLimitError(ExportsimError):
    """A replication processed more events than any sound scenario needs: it would not end."""


MAX_EVENTS = 5_000_000
"""Events one replication may process. The bundled scenarios take about 10,000 and five million
take about a minute; a run that needs more (a review period of a split second, an output so
large that the stock timer re-arms at the same instant) stops with :class:`EventLimitError`
rather than hanging."""


class ModelEnvironment(simpy.Environment):
    """A SimPy environment that schedules phased timeouts in their phase and counts events."""

    def __init__(self, events_limit: int | None = None) -> None:
        super().__init__()
        self.events_processed = 0
        """Events processed so far (the one that ends a run included)."""
        self.events_limit = MAX_EVENTS if events_limit is None else events_limit

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: SimDays = 0) -> None:
        """Schedule ``event`` (a :class:`Phased` in its phase); raise on a negative or NaN delay."""
        if not delay >= 0:  # NaN fails every comparison
            raise DelayError(_invalid(getattr(event, "purpose", type(event).__name__), delay, self.now))
        simpy.Environment.schedule(self, event, getattr(event, "phase", priority), delay)

    def step(self) -> None:
        """Process the next event, counting it; raise past the events limit."""
        if self.events_processed >= self.events_limit:
            raise EventLimitError(
                f"stopped on day {self.now:g} after {self.events_limit:,} events, more than a replication "
                "may take: check for a very short review_period_days or a huge rate or quantity"
            )
        self.events_processed += 1
        simpy.Environment.step(self)


def _invalid(purpose: str, delay: float, now: SimDays) -> str:
    return f"{purpose} of {delay} days on day {now:g}: expected a finite duration of zero or more days"
