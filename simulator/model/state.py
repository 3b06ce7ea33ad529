"""The state of one replication: the world, its fabs, its suppliers and their orders.

Events are scheduled only when something changes: orders, production finished, exports,
licence decisions, arrivals, stock-outs, cover thresholds and rule changes. Consumption is
continuous between events, so stock is a straight line between them.

Same-time events resolve in a fixed order, by SimPy priority (lower first): a rule change,
then licence decisions, then arrivals, then consumption and orders. What an event sets off at
that same moment (a woken process, a granted examiner) runs before the next phase.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import Event, Timeout

from simulator.model.records import FailedOrder, InventoryPoint, Receipt, Shipment, Stockout
from simulator.rules.compiled import DecisionTable
from simulator.rules.values import NONE, ExporterProfile
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
    """A timeout in a given phase, so that same-time events resolve in the documented order."""

    def __init__(self, env: simpy.Environment, delay: SimDays, phase: int) -> None:
        self.env = env
        self.callbacks: list[Callable[[Event], None]] = []
        self._value = None
        self._delay = delay
        self._ok = True
        env.schedule(self, phase, delay)  # type: ignore[arg-type]


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes."""

    events_processed = 0

    def step(self) -> None:
        """Process the next event and count it."""
        self.events_processed += 1
        super().step()


class World:
    """The shared state of one replication: rules, fabs, suppliers, authority and records."""

    def __init__(
        self,
        env: CountingEnvironment,
        scenario: Scenario,
        table: DecisionTable,
        streams: Streams,
        deliver: Callable[[simpy.Environment, World, Order], Process],
    ) -> None:
        self.env = env
        self._deliver = deliver
        self.scenario = scenario
        self.table = table
        self.streams = streams
        self.examiners = simpy.Resource(env, capacity=scenario.authority.examiners)
        self.fabs = {c.id: Fab(self, c) for c in scenario.chipmakers}
        self.suppliers = {s.id: SupplierState(self, s) for s in scenario.suppliers}
        self.waiting: list[Order] = []
        self.shipments: list[Shipment] = []
        self.receipts: list[Receipt] = []
        self.applications: list[ApplicationState] = []
        self.failed: list[FailedOrder] = []

    def dispatch(self, order: Order) -> None:
        """Start an order on its way: production, export, transport."""
        self.env.process(self._deliver(self.env, self, order))

    def licence(self, order: Order) -> str:
        """Ask the rules, on today's date, how this order may be exported.

        The regime governs exports from its own country only; other trade needs no licence.
        """
        supplier, fab = order.supplier, order.fab
        if supplier.supplier.country != self.table.regime.country:
            return NONE
        item = self.scenario.material(order.material).item
        day = self.scenario.date(self.env.now)
        return self.table.licence(item, fab.chipmaker.country, day, supplier.profile)


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
            u.material: u.cover_target_days or chipmaker.cover_target_days for u in chipmaker.materials
        }
        self.on_order = dict.fromkeys(self.use, 0.0)
        self.intensity = dict.fromkeys(self.use, 1.0)
        self.spoiled = dict.fromkeys(self.use, 0.0)
        self.lost = dict.fromkeys(self.use, 0.0)
        self.out: dict[str, SimDays] = {}
        self.stockouts: list[Stockout] = []
        self.history: dict[str, list[InventoryPoint]] = {m: [] for m in self.use}
        self.last = 0.0
        self.timer = 0
        self._record()

    # ------------------------------------------------------------ state
    def planned_use(self, material: str) -> float:
        """Tonnes a day of ``material`` at planned output and full intensity."""
        return self.chipmaker.output_units_per_day * self.use[material]

    def rate(self, material: str) -> float:
        """Tonnes a day being consumed now (zero while production is stopped)."""
        return 0.0 if self.out else self.planned_use(material) * self.intensity[material]

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
            for material in self.stock:
                self.stock[material] = max(0.0, self.stock[material] - elapsed * self.rate(material))
        self.last = now

    def _record(self) -> None:
        now = self.world.env.now
        for material, points in self.history.items():
            points.append(InventoryPoint(now, self.stock[material], self.rate(material)))

    def changed(self) -> None:
        """After any change: update stock-outs and the intensity cut, record, and re-arm the timer."""
        now = self.world.env.now
        for material, stock in self.stock.items():
            if stock <= EPSILON_T and material not in self.out:
                self.stock[material] = 0.0
                self.out[material] = now
            elif stock > EPSILON_T and material in self.out:
                self.stockouts.append(Stockout(self.chipmaker.id, material, self.out.pop(material), now))
        self._update_intensity()
        self._record()
        self._arm_timer()

    def _update_intensity(self) -> None:
        cut = self.chipmaker.intensity_cut
        if cut is None:
            return
        for material, stock in self.stock.items():
            low = stock < cut.below_cover_days * self.planned_use(material) - EPSILON_T
            self.intensity[material] = cut.factor if low else 1.0

    def _arm_timer(self) -> None:
        """Schedule the next moment the state changes by itself: a stock-out or a cover threshold."""
        if self.out:
            return
        delays = [d for m in self.stock if (d := self._next_crossing(m)) is not None]
        if not delays:
            return
        self.timer += 1
        event = At(self.world.env, min(delays), CONSUMPTION_AND_ORDERS)
        timer = self.timer
        event.callbacks.append(lambda _: self._on_timer(timer))

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
            self.advance()
            self.changed()

    # ------------------------------------------------------------ flows
    def receive(self, order: Order) -> None:
        """An order arrives: add it to stock, spilling what exceeds the storage cap."""
        self.advance()
        material = order.material
        cap = self.world.scenario.material(material).storage_cap_days
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
        self.changed()

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
        lead = self.lead_time[material].sample(
            self.world.streams("production", f"{self.supplier.id}/{material}")
        )
        return self.line_free[material] + lead


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
        self.wake: Event | None = None


def exporter_profile(supplier: Supplier) -> ExporterProfile:
    """The supplier as the rules engine sees it."""
    return ExporterProfile(
        icp=supplier.icp, continuing=supplier.continuing, bulk_licences=frozenset(supplier.bulk_licences)
    )
