"""The state of one replication: the world, its fabs, its suppliers and their orders.

Events are scheduled only when something changes: orders, production finished, exports,
licence decisions, arrivals, stock-outs, cover thresholds and rule changes. Consumption is
continuous between events, so stock is a straight line between them.

Same-time events resolve in a fixed order, by SimPy priority (lower first): a rule change,
then licence decisions, then arrivals, then consumption and orders. What an event sets off at
that same moment (a woken process, a granted examiner) runs before the next phase.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator
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
        env.schedule(self, phase, delay)  # type: ignore[arg-type]


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
        self._dispatch = dispatch
        self.materials = {m.id: m for m in scenario.materials}
        self.horizon = scenario.horizon_days
        self._routes: dict[tuple[str, str, str], int] = {}
        self._lanes: dict[tuple[str, str], Callable[[], float]] = {}
        self._start_ordinal = scenario.start.toordinal()
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

    def dispatch(self, order: Order) -> None:
        """Start an order on its way: production, export, transport."""
        self._dispatch(self, order)

    def licence(self, order: Order, at: SimDays | None = None) -> str:
        """Ask the rules how this order may be exported on the date of ``at`` (default: now).

        Each regime governs exports from its own country; other trade needs no licence.
        """
        supplier = order.supplier
        table = supplier.table
        if table is None:
            return NONE
        key = (supplier.supplier.country, order.material, order.fab.chipmaker.country)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = table.route(self.materials[order.material].item, key[2])
        ordinal = self._start_ordinal + int((self.env.now if at is None else at) // 1)
        return table.licence_at(route, ordinal, supplier.profile_code)

    def transit(self, origin: str, destination: str) -> SimDays:
        """Draw a transport time on the lane from ``origin`` to ``destination``."""
        key = (origin, destination)
        lane = self._lanes.get(key)
        if lane is None:
            stream = self.streams("transport", f"{origin}-{destination}")
            lane = self._lanes[key] = self.scenario.lane(*key).days.sampler(stream)
        return lane()


class Fab:
    """A chipmaker's stocks, production and replenishment (continuous consumption)."""

    def __init__(self, world: World, chipmaker: Chipmaker) -> None:
        self.world = world
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
        now = self.world.env.now
        elapsed = now - self.last
        if elapsed <= 0:
            return
        if self.out:
            for material in self.out:
                self.lost[material] += elapsed * self.chipmaker.output_units_per_day / len(self.out)
        else:
            stock, full, intensity = self.stock, self.full_rate, self.intensity
            for material in stock:
                stock[material] = max(0.0, stock[material] - elapsed * full[material] * intensity[material])
        self.last = now

    def record_all(self) -> None:
        """Record every material's stock and rate now (at the start and at the horizon)."""
        for material in self.history:
            self._record(material)

    def _record(self, material: str) -> None:
        rate = self.rate(material)
        self.history[material].append(InventoryPoint(self.world.env.now, self.stock[material], rate))
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
        now = self.world.env.now
        for material, stock in self.stock.items():
            if stock <= EPSILON_T and material not in self.out:
                self.stock[material] = 0.0
                self.out[material] = now
            elif stock > EPSILON_T and material in self.out:
                self.stockouts.append(Stockout(self.chipmaker.id, material, self.out.pop(material), now))
        self._update_intensity()
        for material in self.history:
            if material == touched or self.rate(material) != self._recorded_rate[material]:
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

    def _update_intensity(self) -> None:
        for material in self.stock:
            self._update_intensity_of(material)

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
        delays = [d for m in self.stock if (d := self._next_crossing(m)) is not None]
        if not delays:
            return
        now = self.world.env.now
        due = now + min(delays)
        if self.armed_at is not None and now <= self.armed_at <= due:
            return
        self.timer += 1
        self.armed_at = due
        timer = self.timer
        At(self.world.env, due - now, CONSUMPTION_AND_ORDERS, lambda _: self._on_timer(timer))

    def _next_crossing(self, material: str) -> SimDays | None:
        rate = self.rate(material)
        if rate <= 0:
            return None
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
        material = order.material
        cap = self.world.materials[material].storage_cap_days
        room = (
            float("inf") if cap is None else max(0.0, cap * self.planned_use(material) - self.stock[material])
        )
        kept = min(order.quantity_t, room)
        self.stock[material] += kept
        self.spoiled[material] += order.quantity_t - kept
        self.on_order[material] -= order.quantity_t
        self.world.receipts.append(
            Receipt(
                self.world.env.now, self.chipmaker.id, material, order.supplier.supplier.id, order.quantity_t
            )
        )
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
        shares = {s: w for s, w in self.sources[material].items() if s not in exclude and w > 0}
        total = sum(shares.values())
        if total <= 0:
            return
        for supplier_id, share in shares.items():
            quantity = quantity_t * share / total
            self.on_order[material] += quantity
            order = Order(self, self.world.suppliers[supplier_id], material, quantity, exclude)
            self.world.dispatch(order)

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
        self.regulated = self.table is not None
        self.profile_code = self.table.profile_code(self.profile) if self.table else 0
        self.per_application = self.table.per_application if self.table else frozenset()
        self._lead_time = {
            p.material: p.lead_time_days.sampler(world.streams("production", f"{supplier.id}/{p.material}"))
            for p in supplier.products
        }
        self.capacity = {p.material: p.capacity_t_per_day for p in supplier.products}
        self.lead_time = {p.material: p.lead_time_days for p in supplier.products}
        self.line_free = dict.fromkeys(
            self.capacity, world.scenario.day(supplier.available_from) if supplier.available_from else 0.0
        )
        self.licences: list[Licence] = []
        self.pending: list[ApplicationState] = []
        self.produced_t = 0.0
        self.held_t = 0.0

    def production_done(self, material: str, quantity_t: float) -> SimDays:
        """Book ``quantity_t`` on the line and return when it is ready to export."""
        start = max(self.world.env.now, self.line_free[material])
        self.line_free[material] = start + quantity_t / self.capacity[material]
        return self.line_free[material] + self._lead_time[material]()


class Order:
    """A quantity of one material from one supplier to one fab, from order to arrival."""

    def __init__(
        self, fab: Fab, supplier: SupplierState, material: str, quantity_t: float, tried: tuple[str, ...]
    ) -> None:
        self.fab = fab
        self.supplier = supplier
        self.material = material
        self.quantity_t = quantity_t
        self.tried = (*tried, supplier.supplier.id)
        self.application: ApplicationState | None = None


def exporter_profile(supplier: Supplier) -> ExporterProfile:
    """The supplier as the rules engine sees it."""
    return ExporterProfile(
        icp=supplier.icp, continuing=supplier.continuing, bulk_licences=frozenset(supplier.bulk_licences)
    )
