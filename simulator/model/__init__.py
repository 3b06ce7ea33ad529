"""The supply model: one replication of a scenario under a regime, as records.

:func:`simulate` is the entry point: it builds the SimPy world, runs it to the horizon and
returns :class:`~simulator.model.records.RunRecords`. It never prints or writes. Studies
running many replications :func:`prepare` a scenario once and :func:`replicate` it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

from simulator.model.licensing import licences_at_start
from simulator.model.processes import (
    dispatch,
    law_changes,
    periodic_review,
    qualification,
    rule_changes,
    shock_days,
)
from simulator.model.records import RunRecords, Stockout
from simulator.model.state import CountingEnvironment, Setup, World
from simulator.rules.compiled import compile_regime
from simulator.rules.values import Laws, Regime, laws_of
from simulator.scenario import Scenario
from simulator.streams import Streams


def simulate(
    scenario: Scenario, regime: Regime | Laws, replication: int = 0, seed: int | None = None
) -> RunRecords:
    """Run one replication of ``scenario`` under ``regime``.

    Args:
        scenario: the world to simulate.
        regime: the law in force (its measures take effect on their dates during the run), or
            several regimes each governing exports from its own country.
        replication: the replication number; it selects the random streams.
        seed: overrides the scenario's seed.

    Returns:
        Everything the replication recorded.
    """
    return replicate(prepare(scenario, regime), replication, seed)


def prepare(scenario: Scenario, regime: Regime | Laws) -> Setup:
    """Work out what the replications of ``scenario`` under ``regime`` share."""
    laws = laws_of(regime)
    tables = {r.country: compile_regime(r) for r in laws.regimes}
    changes = law_changes(laws)
    return Setup(scenario, laws, tables, changes, shock_days(scenario, tables, changes))


def replicate(setup: Setup, replication: int = 0, seed: int | None = None) -> RunRecords:
    """Run one replication of a prepared scenario: :func:`simulate` without redoing the setup."""
    with cycle_collector_paused():
        return _simulate(setup, replication, setup.scenario.seed if seed is None else seed)


def _simulate(setup: Setup, replication: int, seed: int) -> RunRecords:
    scenario, shocks = setup.scenario, setup.shocks
    env = CountingEnvironment()
    world = World(env, setup, Streams(seed, replication), dispatch)
    licences_at_start(world)
    env.process(rule_changes(env, world))
    for fab in world.fabs.values():
        env.process(periodic_review(env, fab))
        for terms in fab.chipmaker.qualifications:
            env.process(qualification(env, world, fab, terms, shocks.get((fab.chipmaker.id, terms.material))))
    env.run(until=scenario.horizon_days)
    records = _records(world, scenario, shocks, replication)
    world.hand_over()
    return records


class _CollectorPause:
    """Pause Python's cyclic garbage collector while replications run.

    A replication allocates objects by the thousand (events, orders, records), and the
    collector would trace its growing state every few hundred allocations: about a sixth of
    the run time, for nothing, since the world's cycles can only be freed once it ends.
    Reference counting still frees everything else at once. The switch is the process's, so
    the first replication to start turns it off and the last to end restores it (threads may
    run replications at once); the collector's next pass then frees the finished worlds.

    A finished world lets go of its records (``World.hand_over``), so the records die with
    the caller's :class:`RunRecords`, untraced. Callers that summarise records straight away
    (``parallel.run_job``) hold the pause until they have, so the collector's next pass finds
    only the small cyclic remains of the world.

    Threads that keep replications running at once (a Dask worker has one a core) may hold
    the pause without a break, so while other threads hold it, every :attr:`FREE_EVERY`-th
    pause to end collects the finished worlds itself. A pause inside a pause of the same
    thread (``replicate`` within ``run_job``) changes nothing. Whether the collector was on
    is read when the first of overlapping pauses begins: if it was off, nothing collects and
    it stays off; turning it off while a pause is held is not seen.
    """

    FREE_EVERY = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0  # threads inside a pause
        self._was_on = False
        self._ended = 0
        self._depth = threading.local()  # this thread's nesting: only the outermost pause counts

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        depth = getattr(self._depth, "n", 0)
        self._depth.n = depth + 1
        if depth == 0:
            self._begin()
        try:
            yield
        finally:
            self._depth.n = depth
            if depth == 0 and self._end():
                gc.collect()

    def _begin(self) -> None:
        with self._lock:
            if self._running == 0:
                self._was_on = gc.isenabled()
                gc.disable()
            self._running += 1

    def _end(self) -> bool:
        """Count a thread's pause out; return whether it should collect for the others still in one."""
        with self._lock:
            self._running -= 1
            if self._running == 0:
                if self._was_on:
                    gc.enable()
                return False
            self._ended += 1
            if self._ended < self.FREE_EVERY or not self._was_on:
                return False
            self._ended = 0
            return True


cycle_collector_paused = _CollectorPause()


def _records(
    world: World, scenario: Scenario, shocks: dict[tuple[str, str], float | None], replication: int
) -> RunRecords:
    for fab in world.fabs.values():
        fab.advance()
        fab.changed()
        fab.record_all()
    stockouts = [s for fab in world.fabs.values() for s in fab.stockouts]
    stockouts += [
        Stockout(f.chipmaker.id, m, start, None) for f in world.fabs.values() for m, start in f.out.items()
    ]
    material_shock: dict[str, float | None] = {}
    for (_, material), day in shocks.items():
        known = material_shock.get(material)
        material_shock[material] = day if known is None else (known if day is None else min(known, day))
    return RunRecords(
        scenario=scenario.id,
        replication=replication,
        horizon_days=scenario.horizon_days,
        inventory={(f.chipmaker.id, m): f.inventory(m) for f in world.fabs.values() for m in f.stocks},
        stockouts=tuple(stockouts),
        lost_units={
            (f.chipmaker.id, m): s.lost_units for f in world.fabs.values() for m, s in f.stocks.items()
        },
        planned_units={
            f.chipmaker.id: f.chipmaker.output_units_per_day * scenario.horizon_days
            for f in world.fabs.values()
        },
        planned_use_t_per_day={
            (f.chipmaker.id, m): f.planned_use(m) for f in world.fabs.values() for m in f.stocks
        },
        shipments=tuple(world.shipments),
        receipts=tuple(world.receipts),
        applications=tuple(a.record(world) for a in world.applications),
        failed_orders=tuple(world.failed),
        shock_day=dict(shocks),
        material_shock_day=material_shock,
        supplier_output_t={s.supplier.id: s.produced_t for s in world.suppliers.values()},
        supplier_stock_t={s.supplier.id: s.held_t for s in world.suppliers.values()},
        spoiled_t={
            (f.chipmaker.id, m): s.spoiled_t for f in world.fabs.values() for m, s in f.stocks.items()
        },
        events=world.env.events_processed,
    )
