"""Running the model: prepare a scenario under a law once, replicate it, and collect its records.

:func:`simulate` is one replication from scratch; studies running many :func:`prepare` a
scenario once and :func:`replicate` it. A replication builds its :class:`World`, starts its
processes (the fabs' reviews, the rule changes, the qualifications), runs SimPy to the
horizon and hands back :class:`RunRecords`. It never prints or writes, and it changes
nothing outside its own objects.
"""

from __future__ import annotations

from operator import attrgetter

from simulator.model.orders import replenishment
from simulator.model.policy import announcement_windows, law_changes, rule_changes, shock_days, shock_spans
from simulator.model.records import RunRecords
from simulator.model.sourcing import qualification
from simulator.model.stock import EPSILON_T
from simulator.model.streams import Streams
from simulator.model.world import Setup, World
from simulator.rules.compiled import compile_regime
from simulator.rules.laws import Laws, laws_of
from simulator.rules.values import Regime
from simulator.scenario.loading import check_scenario
from simulator.scenario.values import Scenario


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

    Raises:
        InputError: the scenario (or ``seed``) breaks a rule its file would be refused for, with
            the same field path and message (:func:`~simulator.scenario.loading.check_scenario`).
    """
    check_scenario(scenario, regime, seed)
    return replicate(prepare(scenario, regime), replication, seed)


def prepare(scenario: Scenario, regime: Regime | Laws) -> Setup:
    """Work out what the replications of ``scenario`` under ``regime`` share.

    The scenario is taken as checked: :func:`simulate` and the studies check it once first.
    """
    laws = laws_of(regime)
    tables = {r.country: compile_regime(r) for r in laws.regimes}
    changes = law_changes(laws, scenario)
    shocks = shock_days(scenario, tables, changes)
    spans = shock_spans(scenario, tables, changes)
    windows = announcement_windows(scenario, tables, changes)
    return Setup(scenario, laws, tables, changes, shocks, shock_spans=spans, announcements=windows)


def replicate(setup: Setup, replication: int = 0, seed: int | None = None) -> RunRecords:
    """Run one replication of a prepared scenario: :func:`simulate` without redoing the setup."""
    scenario = setup.scenario
    world = World(setup, Streams(scenario.seed if seed is None else seed, replication))
    env, book = world.env, world.book
    for fab in world.fabs.values():
        for material, sourcing in fab.sourcing.items():
            for supplier_id, share in sourcing.shares.items():
                if share > 0 and world.suppliers[supplier_id].supplier.licences_at_start_days > 0:
                    book.channel(fab, supplier_id, material).hold_licences_at_start()
    watching = tuple(
        f for f in world.fabs.values() if f.chipmaker.intensity_cut and f.chipmaker.intensity_cut.on_shock
    )
    env.process(rule_changes(env, scenario, setup.law_changes, book, watching))
    for fab in world.fabs.values():
        env.process(replenishment(env, book, fab))
        for terms in fab.chipmaker.qualifications:
            sourcing = fab.sourcing[terms.material]
            shock = setup.shocks.get((fab.chipmaker.id, terms.material))
            env.process(qualification(env, scenario, world.streams, fab.chipmaker.id, sourcing, terms, shock))
    env.run(until=scenario.horizon_days)
    return _records(world, replication)


def _records(world: World, replication: int) -> RunRecords:
    scenario, setup, book = world.scenario, world.setup, world.book
    fabs = world.fabs.values()
    for fab in fabs:
        fab.advance()
        fab.changed()
        fab.record_all()
    material_shock: dict[str, float | None] = {}
    for (_, material), day in setup.shocks.items():
        known = material_shock.get(material)
        material_shock[material] = day if known is None else (known if day is None else min(known, day))
    stocks = {(f.chipmaker.id, m): s for f in fabs for m, s in f.stocks.items()}
    records = RunRecords(
        scenario=scenario.id,
        replication=replication,
        horizon_days=scenario.horizon_days,
        inventory={key: tuple(s.history) for key, s in stocks.items()},
        stockouts=tuple(
            sorted(
                (*(s for f in fabs for s in f.stockouts), *(s for f in fabs for s in f.still_out())),
                key=attrgetter("start"),
            )
        ),
        lost_units={key: s.lost_units for key, s in stocks.items()},
        planned_units={
            f.chipmaker.id: f.chipmaker.output_units_per_day * scenario.horizon_days for f in fabs
        },
        planned_use_t_per_day={key: s.full_rate for key, s in stocks.items()},
        shipments=tuple(book.shipments),
        receipts=tuple(book.receipts),
        applications=tuple(a.record() for a in world.applications),
        failed_orders=tuple(book.failed),
        shock_day=dict(setup.shocks),
        material_shock_day=material_shock,
        supplier_output_t={s.id: s.produced_t for s in world.suppliers.values()},
        supplier_stock_t={s.id: _snapped(s.held_t) for s in world.suppliers.values()},
        spoiled_t={key: s.spoiled_t for key, s in stocks.items()},
        events=world.env.events_processed,
    )
    _let_go(world)
    return records


def _snapped(tonnes: float) -> float:
    """Tonnes within rounding of zero (what is left of a sum of additions and removals) as zero.

    >>> _snapped(-1.4e-14), _snapped(-0.5)
    (0.0, -0.5)
    """
    return 0.0 if abs(tonnes) <= EPSILON_T else tonnes


def _let_go(world: World) -> None:
    """Empty the world's record lists once :class:`RunRecords` holds copies.

    The world is full of reference cycles (components and their environment, events and
    their callbacks), so only the cyclic collector frees it; records it still held would
    live, and be traced, until then.
    """
    book = world.book
    for entries in (book.shipments, book.receipts, book.failed, world.applications):
        entries.clear()
    for fab in world.fabs.values():
        fab.stockouts.clear()
        for stock in fab.stocks.values():
            stock.history.clear()
