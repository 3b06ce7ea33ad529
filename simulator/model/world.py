"""One replication's world: its clock, fabs, suppliers, authorities and order book, wired once.

:class:`Setup` is what every replication of a scenario under a law shares (the compiled
tables, the dates the law changes, the shocks and announcement windows), worked out once by
:func:`simulator.model.run.prepare`. :class:`World` builds the components of one replication
from it; each component is its own module's, and the world only holds them together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from simulator.model.authority import Application, Authority, ReviewClock
from simulator.model.clock import ModelEnvironment
from simulator.model.fab import Fab
from simulator.model.orders import OrderBook
from simulator.model.policy import Window
from simulator.model.streams import Streams
from simulator.model.supply import SupplierState
from simulator.rules.compiled import DecisionTable
from simulator.rules.laws import Laws
from simulator.scenario.values import Scenario, SimDays


@attrs.frozen
class Setup:
    """What every replication of one scenario under one law shares, worked out once."""

    scenario: Scenario
    laws: Laws
    tables: dict[str, DecisionTable]
    """The compiled regime governing exports from each country."""
    law_changes: tuple[dt.date, ...]
    """Every date on which any of the regimes, or a licence a supplier holds from a date, changes."""
    shocks: dict[tuple[str, str], SimDays | None]
    """Per chipmaker and material, the first day its sources need an individual licence."""
    shock_spans: dict[tuple[str, str], tuple[tuple[SimDays, SimDays], ...]] = attrs.field(factory=dict)
    """Per chipmaker and material, the spans during which a source is licence-bound or prohibited."""
    announcements: dict[tuple[str, str], Window] = attrs.field(factory=dict)
    """Per chipmaker and material, the announcement window of its first restriction, if any."""

    def announcement_windows_of(self, chipmaker: str) -> dict[str, Window]:
        """The announcement window of each of ``chipmaker``'s materials that has one."""
        return {m: w for (c, m), w in self.announcements.items() if c == chipmaker}


class World:
    """The components of one replication, built from a :class:`Setup` and the random streams."""

    def __init__(self, setup: Setup, streams: Streams) -> None:
        scenario = setup.scenario
        self.setup = setup
        self.scenario = scenario
        self.streams = streams
        self.env = env = ModelEnvironment()
        self._lanes: dict[tuple[str, str], Callable[[], SimDays]] = {}
        self.applications: list[Application] = []
        self.authorities = {
            country: Authority(
                env, scenario.authority_for(country), streams, self.applications, self._clock(country)
            )
            for country in dict.fromkeys(s.country for s in scenario.suppliers)
        }
        self.fabs = {
            c.id: Fab(env, scenario, c, setup.shock_spans, setup.announcement_windows_of(c.id))
            for c in scenario.chipmakers
        }
        self.suppliers = {
            s.id: SupplierState(scenario, streams, s, setup.tables.get(s.country)) for s in scenario.suppliers
        }
        self.book = OrderBook(env, scenario, self.suppliers, self.authorities, self.lane)
        self._register_customers()

    def _clock(self, country: str) -> ReviewClock | None:
        """The review clock of ``country``'s regime, if it has a calendar."""
        regime = self.setup.laws.of(country)
        calendar = regime.calendar if regime is not None else None
        return ReviewClock(calendar, self.scenario.start) if calendar is not None else None

    def _register_customers(self) -> None:
        """Tell each line its buyers (those listing or qualifying its supplier), for allocation."""
        for fab in self.fabs.values():
            chipmaker = fab.chipmaker
            for use in chipmaker.materials:
                listed = {s.supplier for s in use.sources if s.share > 0}
                later = {q.supplier for q in chipmaker.qualifications if q.material == use.material}
                for supplier_id in listed | later:
                    line = self.suppliers[supplier_id].lines[use.material]
                    line.customers[chipmaker.id] = (
                        fab.planned_use(use.material),
                        fab.sourcing[use.material],
                        supplier_id in listed,
                    )

    def lane(self, origin: str, destination: str) -> Callable[[], SimDays]:
        """The transport times on the lane from ``origin`` to ``destination``, one draw a call.

        One sampler a lane, shared by every channel on it, so its draws follow booking order.
        """
        key = (origin, destination)
        lane = self._lanes.get(key)
        if lane is None:
            stream = self.streams("transport", f"{origin}-{destination}")
            lane = self._lanes[key] = self.scenario.lane(*key).days.sampler(stream)
        return lane
