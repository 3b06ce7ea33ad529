"""The state of one replication: the world, its fabs, its suppliers and their orders.

Events are scheduled only when something changes: orders, production finished, exports,
licence decisions, arrivals, stock-outs, cover thresholds and rule changes. Consumption is
continuous between events, so stock is a straight line between them.

Same-time events resolve in a fixed order, by SimPy priority (lower first): a rule change,
then licence decisions, then arrivals, then consumption and orders. What an event sets off at
that same moment (a woken process, a granted examiner) runs before the next phase.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Generator
from heapq import heappush
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import Event, Timeout

from simulator.model.records import FailedOrder, InventoryPoint, Receipt, Shipment, Stockout
from simulator.rules.compiled import compile_regime
from simulator.rules.values import NONE, ExporterProfile, Laws
from simulator.scenario import Chipmaker, Scenario, SimDays, Supplier
from simulator.streams import Streams

if TYPE_CHECKING:
    from simulator.model.licensing import ApplicationState, Licence

RULE_CHANGE, LICENCE_DECISION, ARRIVAL, CONSUMPTION_AND_ORDERS = 2, 3, 4, 5
"""Event phases at the same moment, in the order they resolve."""

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


class World:
    """The shared state of one replication: rules, fabs, suppliers, authority and records."""

    def __init__(
        self,
        env: CountingEnvironment,
        scenario: Scenario,
        laws: Laws,
        streams: Streams,
        dispatch: Callable[[World, Order], None],
    ) -> None:
        self.env = env
        self.dispatch: Callable[[Order], None] = functools.partial(dispatch, self)
        """Start an order on its way: production, export, transport."""
        self.materials = {m.id: m for m in scenario.materials}
        self.horizon = scenario.horizon_days
        self._lanes: dict[tuple[str, str], Callable[[], float]] = {}
        self.start_ordinal = scenario.start.toordinal()
        self.scenario = scenario
        self.laws = laws
        self.tables = {r.country: compile_regime(r) for r in laws.regimes}
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


class Fab:
    """A chipmaker's stocks, production and replenishment (continuous consumption)."""

    def __init__(self, world: World, chipmaker: Chipmaker) -> None:
        self.world = world
        self.env = world.env
        self.chipmaker = chipmaker
        self.use = {u.material: u.use_t_per_unit for u in chipmaker.materials}
        daily = chipmaker.output_units_per_day
        self.stock = {
            u.material: u.start_inventory_days * daily * u.use_t_per_unit for u in chipmaker.materials
        }
        self.sources = {u.material: {s.supplier: s.share for s in u.sources} for u in chipmaker.materials}
        self.cover_target = {
            u.material: chipmaker.cover_target_days if u.cover_target_days is None else u.cover_target_days
            for u in chipmaker.materials
        }
        self.on_order = dict.fromkeys(self.use, 0.0)
        self.intensity = dict.fromkeys(self.use, 1.0)
        self.spoiled = dict.fromkeys(self.use, 0.0)
        self.lost = dict.fromkeys(self.use, 0.0)
        self.out: dict[str, SimDays] = {}
        self.stockouts: list[Stockout] = []
        self.full_rate = {m: daily * use for m, use in self.use.items()}
        self.room_t = {m: _storage_t(world, m, rate) for m, rate in self.full_rate.items()}
        self.channels: dict[tuple[str, str], Channel] = {}
        self.history: dict[str, list[InventoryPoint]] = {m: [] for m in self.use}
        self._recorded_rate: dict[str, float] = {}
        self.last = 0.0
        self.timer = 0
        self.armed_at: SimDays | None = None
        self.record_all()

    # ------------------------------------------------------------ state
    def planned_use(self, material: str) -> float:
        """Tonnes a day of ``material`` at planned output and full intensity."""
        return self.full_rate[material]

    def rate(self, material: str) -> float:
        """Tonnes a day being consumed now (zero while production is stopped)."""
        return 0.0 if self.out else self.full_rate[material] * self.intensity[material]

    def advance(self) -> None:
        """Bring stocks and lost production up to now."""
        now = self.env.now
        elapsed = now - self.last
        if elapsed <= 0:
            return
        if self.out:
            for material in self.out:
                self.lost[material] += elapsed * self.chipmaker.output_units_per_day / len(self.out)
        else:
            full, intensity = self.full_rate, self.intensity
            stock = self.stock
            for material, level in stock.items():
                left = level - elapsed * full[material] * intensity[material]
                stock[material] = left if left > 0.0 else 0.0
        self.last = now

    def record_all(self) -> None:
        """Record every material's stock and rate now (at the start and at the horizon)."""
        for material in self.history:
            self._record(material)

    def _record(self, material: str) -> None:
        rate = self.rate(material)
        self.history[material].append(InventoryPoint(self.env.now, self.stock[material], rate))
        self._recorded_rate[material] = rate

    def inventory(self, material: str) -> tuple[InventoryPoint, ...]:
        """The recorded stock of ``material``: a point wherever its level jumped or its slope changed."""
        return tuple(self.history[material])

    def changed(self, touched: str | None = None) -> None:
        """After a change: update stock-outs and the intensity cut, record, and re-arm the timer.

        Between records stock falls in a straight line, so a point is recorded only for the
        ``touched`` material (its level jumped) and for materials whose rate changed.
        """
        if touched is not None and self._quiet_arrival(touched):
            return
        now = self.env.now
        out = self.out
        for material, stock in self.stock.items():
            if stock <= EPSILON_T and material not in out:
                self.stock[material] = 0.0
                out[material] = now
            elif stock > EPSILON_T and material in out:
                self.stockouts.append(Stockout(self.chipmaker.id, material, out.pop(material), now))
            self._update_intensity_of(material)
        for material, recorded in self._recorded_rate.items():
            if material == touched or self.rate(material) != recorded:
                self._record(material)
        self._arm_timer()

    def _quiet_arrival(self, material: str) -> bool:
        """Handle an arrival that cannot bring the next crossing earlier; False if it might.

        While production runs, an arrival only raises one stock: unless it also lifts that
        material's intensity cut (faster consumption), the armed timer stays right.
        """
        if self.out or self.armed_at is None:
            return False
        before = self.intensity[material]
        self._update_intensity_of(material)
        if self.intensity[material] > before:
            return False
        self._record(material)
        return True

    def _update_intensity_of(self, material: str) -> None:
        cut = self.chipmaker.intensity_cut
        if cut is not None:
            # At the crossing itself stock equals the threshold: cut there, restore only above it.
            low = self.stock[material] <= cut.below_cover_days * self.full_rate[material] + EPSILON_T
            self.intensity[material] = cut.factor if low else 1.0

    def _arm_timer(self) -> None:
        """Make sure a timer fires no later than the next stock-out or cover threshold.

        Arrivals only push crossings later, so an armed timer that would fire earlier is kept;
        when it fires early it finds nothing to change and re-arms. This saves an event per
        arrival.
        """
        if self.out:
            return
        soonest = math.inf
        for material in self.stock:
            crossing = self._next_crossing(material)
            if crossing < soonest:  # noqa: PLR1730 - a comparison, not a call: this runs at every event
                soonest = crossing
        if soonest == math.inf:
            return
        now = self.env.now
        due = now + soonest
        if self.armed_at is not None and now <= self.armed_at <= due:
            return
        self.timer += 1
        self.armed_at = due
        timer = self.timer
        At(self.env, due - now, CONSUMPTION_AND_ORDERS, lambda _: self._on_timer(timer))

    def _next_crossing(self, material: str) -> SimDays:
        """Days until ``material``'s stock reaches its next threshold (infinite if not falling)."""
        rate = self.full_rate[material] * self.intensity[material]  # production is running
        if rate <= 0:
            return math.inf
        stock = self.stock[material]
        cut = self.chipmaker.intensity_cut
        threshold = cut.below_cover_days * self.planned_use(material) if cut else 0.0
        level = threshold if stock > threshold + EPSILON_T else 0.0
        return (stock - level) / rate

    def _on_timer(self, timer: int) -> None:
        if timer == self.timer:  # a later change re-armed the timer: this one is stale
            self.armed_at = None
            self.advance()
            self.changed()

    # ------------------------------------------------------------ flows
    def receive(self, order: Order) -> None:
        """An order arrives: add it to stock, spilling what exceeds the storage cap."""
        self.advance()
        material, quantity = order.material, order.quantity_t
        room = self.room_t[material] - self.stock[material]
        kept = quantity if quantity <= room else (room if room > 0.0 else 0.0)
        self.stock[material] += kept
        self.spoiled[material] += quantity - kept
        self.on_order[material] -= quantity
        self.world.receipts.append(order.channel.receipt(self.env.now, quantity))
        self.changed(touched=material)

    def review(self) -> None:
        """Periodic review: order each material up to its cover target."""
        self.advance()
        for material, cover in self.cover_target.items():
            target = cover * self.planned_use(material) * self.intensity[material]
            shortfall = target - self.stock[material] - self.on_order[material]
            if shortfall > EPSILON_T:
                self.place(material, shortfall, exclude=())
        self.changed()

    def place(self, material: str, quantity_t: float, exclude: tuple[str, ...]) -> None:
        """Split an order among the qualified suppliers by share, skipping ``exclude``."""
        shares = [(s, w) for s, w in self.sources[material].items() if w > 0 and s not in exclude]
        total = sum([w for _, w in shares])
        if total <= 0:
            return
        dispatch = self.world.dispatch
        for supplier_id, share in shares:
            quantity = quantity_t * share / total
            self.on_order[material] += quantity
            dispatch(Order(self.channel(supplier_id, material), quantity, exclude))

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
        self._ids = (supplier.supplier.id, supplier.supplier.country, fab.chipmaker.country, fab.chipmaker.id)
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

    def shipment(self, leaves: SimDays, quantity_t: float, licence: str) -> Shipment:
        """The customs record of ``quantity_t`` leaving on this channel at ``leaves``."""
        supplier, origin, destination, chipmaker = self._ids
        value = quantity_t * self.value_usd_per_t
        return Shipment(
            leaves, supplier, origin, destination, chipmaker, self.material, quantity_t, value, licence
        )

    def receipt(self, now: SimDays, quantity_t: float) -> Receipt:
        """The record of ``quantity_t`` arriving at the fab now."""
        return Receipt(now, self._ids[3], self.material, self._ids[0], quantity_t)


class Order:
    """A quantity of one material from one supplier to one fab, from order to arrival."""

    __slots__ = ("application", "channel", "fab", "material", "quantity_t", "supplier", "tried")

    def __init__(self, channel: Channel, quantity_t: float, tried: tuple[str, ...]) -> None:
        self.channel = channel
        self.fab = channel.fab
        self.supplier = channel.supplier
        self.material = channel.material
        self.quantity_t = quantity_t
        self.tried = (*tried, channel.supplier.supplier.id)
        self.application: ApplicationState | None = None

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
