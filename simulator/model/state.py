"""The state of one replication: the world, its fabs, its suppliers and their orders.

Events are scheduled only when something changes: orders, production finished, exports,
licence decisions, arrivals, stock-outs, cover thresholds and rule changes. Consumption is
continuous between events, so stock is a straight line between them.

Same-time events resolve in a fixed order, by SimPy priority (lower first): a rule change,
then licence decisions, then arrivals, then consumption and orders. What an event sets off at
that same moment (a woken process, a granted examiner) runs before the next phase.

The per-event paths read SimPy's clock as ``env._now``, a plain attribute (``env.now`` is a
property, a call: 5% of a replication), as :class:`At` uses SimPy's queue; simpy is pinned
below 5 for that.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections.abc import Callable, Generator
from heapq import heappush
from typing import TYPE_CHECKING, Any

import attrs
import simpy
from simpy.events import Event, Timeout

from simulator.model.records import FailedOrder, InventoryPoint, Receipt, Shipment, Stockout, maker
from simulator.rules.compiled import DecisionTable
from simulator.rules.values import NONE, ExporterProfile, Laws
from simulator.scenario import Chipmaker, MaterialUse, Scenario, SimDays, Supplier
from simulator.streams import Streams

if TYPE_CHECKING:
    from simulator.model.licensing import ApplicationState, Licence

RULE_CHANGE, LICENCE_DECISION, ARRIVAL, CONSUMPTION_AND_ORDERS = 2, 3, 4, 5
"""Event phases at the same moment, in the order they resolve."""

_point = maker(InventoryPoint)
_receipt = maker(Receipt)

EPSILON_T = 1e-9
"""Stocks below this many tonnes count as none."""
Process = Generator[Event, Any, None]


class At(Timeout):
    """A timeout in a given phase, so that same-time events resolve in the documented order.

    ``then``, if given, is called with the event when it is processed (a callback is cheaper
    than resuming a process, and orders take this path by the thousand).
    """

    def __init__(
        self, env: simpy.Environment, delay: SimDays, phase: int, then: Callable[[Event], None] | None = None
    ) -> None:
        self.env = env
        self.callbacks: list[Callable[[Event], None]] = [then] if then is not None else []
        self._value = None
        self._delay = delay
        self._ok = True
        # env.schedule(self, phase, delay), inlined as SimPy's own Timeout inlines Event.__init__
        heappush(env._queue, (env._now + delay, phase, next(env._eid), self))  # type: ignore[misc]


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that can say how many events it has processed.

    Counting in ``step`` would cost a Python call per event; instead the count is read from
    SimPy's event-id counter (every scheduled event takes the next id) less the events still
    queued.
    """

    @property
    def events_processed(self) -> int:
        """Events processed so far."""
        scheduled = next(self._eid)
        self._eid = itertools.count(scheduled)  # put the id back
        return scheduled - len(self._queue)


@attrs.frozen
class Setup:
    """What every replication of one scenario under one law shares, worked out once."""

    scenario: Scenario
    laws: Laws
    tables: dict[str, DecisionTable]
    """The compiled regime governing exports from each country."""
    law_changes: tuple[dt.date, ...]
    """Every date on which any of the regimes changes, in order."""
    shocks: dict[tuple[str, str], SimDays | None]
    """Per chipmaker and material, the first day its sources need an individual licence."""


class World:
    """The shared state of one replication: rules, fabs, suppliers, authority and records."""

    def __init__(
        self,
        env: CountingEnvironment,
        setup: Setup,
        streams: Streams,
        dispatch: Callable[[World, Order], None],
    ) -> None:
        scenario = setup.scenario
        self.env = env
        self.dispatch: Callable[[Order], None] = functools.partial(dispatch, self)
        """Start an order on its way: production, export, transport."""
        self.materials = {m.id: m for m in scenario.materials}
        self.horizon = scenario.horizon_days
        self._lanes: dict[tuple[str, str], Callable[[], float]] = {}
        self.start_ordinal = scenario.start.toordinal()
        self.scenario = scenario
        self.law_changes = setup.law_changes
        self.tables = setup.tables
        self.streams = streams
        exporters = {s.country for s in scenario.suppliers}
        self.examiners = {
            c: simpy.Resource(env, capacity=scenario.authority_for(c).examiners) for c in exporters
        }
        self.fabs = {c.id: Fab(self, c) for c in scenario.chipmakers}
        self.suppliers = {s.id: SupplierState(self, s) for s in scenario.suppliers}
        self.waiting: dict[Order, None] = {}  # orders waiting for a licence, in the order they began
        self.shipments: list[Shipment] = []
        self.receipts: list[Receipt] = []
        self.applications: list[ApplicationState] = []
        self.failed: list[FailedOrder] = []

    def hand_over(self) -> None:
        """Let go of the records once :class:`RunRecords` holds them.

        The world is full of reference cycles (fabs and their world, events and their
        callbacks), so it is freed only by the cyclic collector. Records it still held
        would live until then, and the collector would trace every one of them first.
        """
        for entries in (self.shipments, self.receipts, self.applications, self.failed):
            entries.clear()
        for fab in self.fabs.values():
            fab.stockouts.clear()
            for stock in fab.stocks.values():
                stock.history.clear()

    def lane(self, origin: str, destination: str) -> Callable[[], SimDays]:
        """The transport times on the lane from ``origin`` to ``destination``, one draw a call.

        One sampler a lane, shared by every channel on it, so its draws follow shipping order.
        """
        key = (origin, destination)
        lane = self._lanes.get(key)
        if lane is None:
            stream = self.streams("transport", f"{origin}-{destination}")
            lane = self._lanes[key] = self.scenario.lane(*key).days.sampler(stream)
        return lane


class MaterialStock:
    """A fab's holding of one material: its level, use, orders in flight, and what it recorded.

    One object a material, with slots, rather than a dict a quantity: the model reads and
    writes these at every event.
    """

    __slots__ = (
        "cover_target_days", "full_rate", "history", "intensity", "level_t", "lost_units",
        "material", "on_order_t", "recorded_rate", "room_t", "spoiled_t",
    )  # fmt: skip

    def __init__(self, world: World, chipmaker: Chipmaker, use: MaterialUse) -> None:
        daily = chipmaker.output_units_per_day
        self.material = use.material
        self.level_t = use.start_inventory_days * daily * use.use_t_per_unit
        self.full_rate = daily * use.use_t_per_unit
        """Tonnes a day at planned output and full intensity."""
        self.room_t = _storage_t(world, use.material, self.full_rate)
        self.cover_target_days = (
            chipmaker.cover_target_days if use.cover_target_days is None else use.cover_target_days
        )
        self.intensity = 1.0
        self.on_order_t = 0.0
        self.spoiled_t = 0.0
        self.lost_units = 0.0
        self.history: list[InventoryPoint] = []
        self.recorded_rate = 0.0


class Fab:
    """A chipmaker's stocks, production and replenishment (continuous consumption)."""

    def __init__(self, world: World, chipmaker: Chipmaker) -> None:
        self.world = world
        self.env = world.env
        self.chipmaker = chipmaker
        self.stocks = {u.material: MaterialStock(world, chipmaker, u) for u in chipmaker.materials}
        self._stocks = tuple(self.stocks.values())
        self.sources = {u.material: {s.supplier: s.share for s in u.sources} for u in chipmaker.materials}
        self.out: dict[str, SimDays] = {}
        self.stockouts: list[Stockout] = []
        self.channels: dict[tuple[str, str], Channel] = {}
        self._splits: dict[str, tuple[list[tuple[Channel, float]], float]] = {}
        self.last = 0.0
        self.timer = 0
        self.armed_at: SimDays | None = None
        self.record_all()

    # ------------------------------------------------------------ state
    def planned_use(self, material: str) -> float:
        """Tonnes a day of ``material`` at planned output and full intensity."""
        return self.stocks[material].full_rate

    def rate(self, stock: MaterialStock) -> float:
        """Tonnes a day being consumed now (zero while production is stopped)."""
        return 0.0 if self.out else stock.full_rate * stock.intensity

    def advance(self) -> None:
        """Bring stocks and lost production up to now."""
        now = self.env._now
        elapsed = now - self.last
        if elapsed <= 0:
            return
        if self.out:
            for material in self.out:
                self.stocks[material].lost_units += (
                    elapsed * self.chipmaker.output_units_per_day / len(self.out)
                )
        else:
            for stock in self._stocks:
                left = stock.level_t - elapsed * stock.full_rate * stock.intensity
                stock.level_t = left if left > 0.0 else 0.0
        self.last = now

    def record_all(self) -> None:
        """Record every material's stock and rate now (at the start and at the horizon)."""
        for stock in self._stocks:
            self._record(stock, self.rate(stock))

    def _record(self, stock: MaterialStock, rate: float) -> None:
        stock.history.append(_point((self.env._now, stock.level_t, rate)))
        stock.recorded_rate = rate

    def inventory(self, material: str) -> tuple[InventoryPoint, ...]:
        """The recorded stock of ``material``: a point wherever its level jumped or its slope changed."""
        return tuple(self.stocks[material].history)

    def changed(self, touched: MaterialStock | None = None) -> None:
        """After a change: update stock-outs and the intensity cut, record, and re-arm the timer.

        Between records stock falls in a straight line, so a point is recorded only for the
        ``touched`` material (its level jumped) and for materials whose rate changed.
        """
        if touched is not None and self._quiet_arrival(touched):
            return
        now = self.env._now
        out = self.out
        for stock in self._stocks:
            material = stock.material
            if stock.level_t <= EPSILON_T and material not in out:
                stock.level_t = 0.0
                out[material] = now
            elif stock.level_t > EPSILON_T and material in out:
                self.stockouts.append(Stockout(self.chipmaker.id, material, out.pop(material), now))
            self._update_intensity_of(stock)
        for stock in self._stocks:
            rate = self.rate(stock)
            if stock is touched or rate != stock.recorded_rate:
                self._record(stock, rate)
        self._arm_timer()

    def _quiet_arrival(self, stock: MaterialStock) -> bool:
        """Handle an arrival that cannot bring the next crossing earlier; False if it might.

        While production runs, an arrival only raises one stock: unless it also lifts that
        material's intensity cut (faster consumption), the armed timer stays right.
        """
        if self.out or self.armed_at is None:
            return False
        before = stock.intensity
        self._update_intensity_of(stock)
        if stock.intensity > before:
            return False
        self._record(stock, self.rate(stock))
        return True

    def _update_intensity_of(self, stock: MaterialStock) -> None:
        cut = self.chipmaker.intensity_cut
        if cut is not None:
            # At the crossing itself stock equals the threshold: cut there, restore only above it.
            low = stock.level_t <= cut.below_cover_days * stock.full_rate + EPSILON_T
            stock.intensity = cut.factor if low else 1.0

    def _arm_timer(self) -> None:
        """Make sure a timer fires no later than the next stock-out or cover threshold.

        Arrivals only push crossings later, so an armed timer that would fire earlier is kept;
        when it fires early it finds nothing to change and re-arms. This saves an event per
        arrival.
        """
        if self.out:
            return
        soonest = math.inf
        for stock in self._stocks:
            crossing = self._next_crossing(stock)
            if crossing < soonest:  # noqa: PLR1730 - a comparison, not a call: this runs at every event
                soonest = crossing
        if soonest == math.inf:
            return
        now = self.env._now
        due = now + soonest
        if self.armed_at is not None and now <= self.armed_at <= due:
            return
        self.timer += 1
        self.armed_at = due
        timer = self.timer
        At(self.env, due - now, CONSUMPTION_AND_ORDERS, lambda _: self._on_timer(timer))

    def _next_crossing(self, stock: MaterialStock) -> SimDays:
        """Days until the stock reaches its next threshold (infinite if not falling)."""
        rate = stock.full_rate * stock.intensity  # production is running
        if rate <= 0:
            return math.inf
        cut = self.chipmaker.intensity_cut
        threshold = cut.below_cover_days * stock.full_rate if cut else 0.0
        level = threshold if stock.level_t > threshold + EPSILON_T else 0.0
        return (stock.level_t - level) / rate

    def _on_timer(self, timer: int) -> None:
        if timer == self.timer:  # a later change re-armed the timer: this one is stale
            self.armed_at = None
            self.advance()
            self.changed()

    # ------------------------------------------------------------ flows
    def receive(self, order: Order) -> None:
        """An order arrives: add it to stock, spilling what exceeds the storage cap."""
        self.advance()
        stock, quantity = self.stocks[order.material], order.quantity_t
        room = stock.room_t - stock.level_t
        kept = quantity if quantity <= room else (room if room > 0.0 else 0.0)
        stock.level_t += kept
        stock.spoiled_t += quantity - kept
        stock.on_order_t -= quantity
        receipt = _receipt(
            (self.env._now, self.chipmaker.id, stock.material, order.channel.supplier_id, quantity)
        )
        self.world.receipts.append(receipt)
        self.changed(touched=stock)

    def review(self) -> None:
        """Periodic review: order each material up to its cover target."""
        self.advance()
        for stock in self._stocks:
            target = stock.cover_target_days * stock.full_rate * stock.intensity
            shortfall = target - stock.level_t - stock.on_order_t
            if shortfall > EPSILON_T:
                self.place(stock.material, shortfall, exclude=())
        self.changed()

    def place(self, material: str, quantity_t: float, exclude: tuple[str, ...]) -> None:
        """Split an order among the qualified suppliers by share, skipping ``exclude``."""
        shares, total = self._split(material, exclude) if exclude else self._shares_of(material)
        if total <= 0:
            return
        dispatch = self.world.dispatch
        stock = self.stocks[material]
        for channel, share in shares:
            quantity = quantity_t * share / total
            stock.on_order_t += quantity
            dispatch(Order(channel, quantity, exclude))

    def _shares_of(self, material: str) -> tuple[list[tuple[Channel, float]], float]:
        """The split of an order for ``material`` among all its sources (kept until one qualifies)."""
        split = self._splits.get(material)
        if split is None:
            split = self._splits[material] = self._split(material, ())
        return split

    def _split(self, material: str, exclude: tuple[str, ...]) -> tuple[list[tuple[Channel, float]], float]:
        shares = [
            (self.channel(s, material), w)
            for s, w in self.sources[material].items()
            if w > 0 and s not in exclude
        ]
        return shares, sum([w for _, w in shares])

    def channel(self, supplier_id: str, material: str) -> Channel:
        """The channel from a supplier of ``material`` to this fab (made on first use)."""
        key = (supplier_id, material)
        channel = self.channels.get(key)
        if channel is None:
            channel = self.channels[key] = Channel(self, self.world.suppliers[supplier_id], material)
        return channel

    def qualify(self, supplier_id: str, material: str, share: float) -> None:
        """Add a newly qualified supplier, which takes ``share`` of future orders."""
        sources = self.sources[material]
        self._splits.pop(material, None)
        for existing in sources:
            sources[existing] *= 1.0 - share
        sources[supplier_id] = sources.get(supplier_id, 0.0) + share


class SupplierState:
    """A supplier's production lines, its licences and its exporter profile."""

    def __init__(self, world: World, supplier: Supplier) -> None:
        self.world = world
        self.supplier = supplier
        self.profile = exporter_profile(supplier)
        self.table = world.tables.get(supplier.country)
        self.profile_code = self.table.profile_code(self.profile) if self.table else 0
        self.per_application = self.table.per_application if self.table else frozenset()
        opens = world.scenario.day(supplier.available_from) if supplier.available_from else 0.0
        self.lines = {
            p.material: Line(
                p.capacity_t_per_day,
                p.lead_time_days.sampler(world.streams("production", f"{supplier.id}/{p.material}")),
                opens,
            )
            for p in supplier.products
        }
        self.licences: dict[tuple[str, str], list[Licence]] = {}
        """The individual licences held, by (chipmaker, material), oldest first."""
        self.pending: list[ApplicationState] = []
        self.produced_t = 0.0
        self.held_t = 0.0

    def hold(self, licence: Licence) -> None:
        """Keep a granted licence, after those already held for its buyer and material."""
        self.licences.setdefault((licence.chipmaker, licence.material), []).append(licence)


class Line:
    """A supplier's production line for one material: booked in order, at a fixed capacity."""

    def __init__(self, capacity_t_per_day: float, lead_time: Callable[[], SimDays], free_at: SimDays) -> None:
        self.capacity_t_per_day = capacity_t_per_day
        self.lead_time = lead_time
        self.free_at = free_at

    def book(self, now: SimDays, quantity_t: float) -> SimDays:
        """Book ``quantity_t`` on the line and return when it is ready to export."""
        start = now if now > self.free_at else self.free_at
        self.free_at = start + quantity_t / self.capacity_t_per_day
        return self.free_at + self.lead_time()


class Channel:
    """One supplier's deliveries of one material to one fab: what every order on it shares.

    Worked out on its first order, so that an order's path looks nothing up by name: the
    route the rules know it by, the lane's transport times, the value of a tonne, and the
    decision for the run of dates it last held for (the law changes only at boundaries).
    """

    def __init__(self, fab: Fab, supplier: SupplierState, material: str) -> None:
        world = fab.world
        self.fab = fab
        self.supplier = supplier
        self.material = material
        self.supplier_id = supplier.supplier.id
        self.route_ids = (
            self.supplier_id,
            supplier.supplier.country,
            fab.chipmaker.country,
            fab.chipmaker.id,
        )
        """Supplier, origin, destination and chipmaker, as a shipment records them."""
        table = supplier.table
        item = world.materials[material].item
        self._route = None if table is None else table.route(item, fab.chipmaker.country)
        self._start_ordinal = world.start_ordinal
        self._span = (NONE, 0, 0)  # a decision and the date ordinals [first, end) it holds for
        self.line = supplier.lines[material]
        self.transit = world.lane(supplier.supplier.country, fab.chipmaker.country)
        self.value_usd_per_t = world.materials[material].value_usd_per_t

    def licence(self, at: SimDays) -> str:
        """How an export on this channel may leave on the date of ``at``.

        Each regime governs exports from its own country; other trade needs no licence.
        """
        table = self.supplier.table
        if table is None or self._route is None:
            return NONE
        ordinal = self._start_ordinal + int(at // 1)
        decision, first, end = self._span
        if not first <= ordinal < end:
            decision, first, end = self._span = table.licence_span(
                self._route, ordinal, self.supplier.profile_code
            )
        return decision


class Order:
    """A quantity of one material from one supplier to one fab, from order to arrival."""

    __slots__ = ("application", "channel", "fab", "material", "quantity_t", "supplier", "tried_before")

    def __init__(self, channel: Channel, quantity_t: float, tried_before: tuple[str, ...]) -> None:
        self.channel = channel
        self.fab = channel.fab
        self.supplier = channel.supplier
        self.material = channel.material
        self.quantity_t = quantity_t
        self.tried_before = tried_before
        """Suppliers that already failed this quantity (it was re-sourced from them)."""
        self.application: ApplicationState | None = None

    @property
    def tried(self) -> tuple[str, ...]:
        """The suppliers this quantity has been ordered from, this one last."""
        return (*self.tried_before, self.channel.supplier_id)

    def arrive(self, _: Event) -> None:
        """The order reaches its fab."""
        self.fab.receive(self)


def _storage_t(world: World, material: str, use_t_per_day: float) -> float:
    """Tonnes of ``material`` a fab using ``use_t_per_day`` can store (unbounded without a cap)."""
    cap = world.materials[material].storage_cap_days
    return float("inf") if cap is None else cap * use_t_per_day


def exporter_profile(supplier: Supplier) -> ExporterProfile:
    """The supplier as the rules engine sees it."""
    return ExporterProfile(
        icp=supplier.icp, continuing=supplier.continuing, bulk_licences=frozenset(supplier.bulk_licences)
    )
