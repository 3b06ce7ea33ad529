"""An order's whole life: book, clear, then ship, wait for a licence, or fail and re-source; arrive.

A fab's order for a material is split among its qualified suppliers (one :class:`Order` per
supplier). Each is booked on its supplier's line and, when ready, *cleared*: the rules of the
exporting country are asked on that date. It ships, or it waits on an application for an
individual licence (joining a pending one with room, else filing one for a contract), or,
if prohibited or denied, it fails and its quantity is ordered again from the buyer's other
suppliers, never from one that failed it. A waiting order is cleared again when its
application's ``decision`` fires and whenever the law changes (a measure that restores bulk
coverage releases it while the application itself goes on).

Orders are the model's most frequent thing, so their steps are callbacks on phased timeouts
rather than a process each (a process costs two more events and a resume per step). Where an
order's export date is already known to need no licence when it is booked, its transport is
booked with it (the lane's draw is taken then); it still leaves, and is recorded, when ready.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy
from simpy.events import Event

from simulator.model.authority import DENIED, PENDING, Application, Authority
from simulator.model.channels import Channel
from simulator.model.clock import ARRIVAL, CONSUMPTION_AND_ORDERS, EXPORT, Phased, Process
from simulator.model.fab import Fab
from simulator.model.records import FailedOrder, Receipt, Shipment
from simulator.model.stock import EPSILON_T, INFINITY
from simulator.model.supply import SupplierState
from simulator.rules.values import Clearance, LicenceKind
from simulator.scenario.values import Scenario, SimDays


class Order:
    """A quantity of one material from one supplier to one fab, from booking to arrival."""

    __slots__ = (
        "application", "channel", "made", "order_book", "patience_armed", "quantity_t", "ready",
        "transit_days", "tried_before",
    )  # fmt: skip

    def __init__(
        self, book: OrderBook, channel: Channel, quantity_t: float, tried_before: tuple[str, ...] = ()
    ) -> None:
        self.order_book = book
        self.channel = channel
        self.quantity_t = quantity_t
        self.tried_before = tried_before
        """Suppliers that already failed this quantity (it was re-sourced from them)."""
        self.application: Application | None = None
        self.ready = 0.0
        self.transit_days: SimDays | None = None
        """The transport time, once the forwarder is booked."""
        self.patience_armed = False
        self.made = False
        """Whether the goods are made (an order over the supplier's made-ahead cap waits unmade)."""

    @property
    def tried(self) -> tuple[str, ...]:
        """The suppliers this quantity has been ordered from, this one last."""
        return (*self.tried_before, self.channel.supplier.id)

    def book(self) -> None:
        """Book the order on its supplier's line; clear it for export when it is ready.

        A supplier that makes licence-bound goods only so far ahead of a licence lets an order
        past that cap wait, unmade, on an application; it is booked when released.
        """
        channel, quantity = self.channel, self.quantity_t
        env = channel.env
        now = env.now
        if channel.made_ahead_days is not None and self._too_far_ahead(now, channel.made_ahead_days):
            self.wait(channel.clearance(now))
            return
        self.made = True
        self.ready = ready = channel.line.book(now, quantity, channel.fab.chipmaker.id)
        supplier = channel.supplier
        supplier.produced_t += quantity
        supplier.held_t += quantity
        if ready < channel.horizon:
            planned = channel.clearance(ready)
            if not planned.restricted:
                self.transit_days = channel.transit()
            Phased(env, ready - now, EXPORT, self.clear, "production lead time")

    def _too_far_ahead(self, now: SimDays, cap_days: float) -> bool:
        """Whether making the order now would put more than ``cap_days`` of orders beyond the licences."""
        channel = self.channel
        if not channel.clearance(now).needs_application:
            return False
        licensed = channel.authority.licensed_t(channel, now)
        return channel.awaiting_t + self.quantity_t > licensed + channel.expected_t(cap_days) + EPSILON_T

    def clear(self, _: Event | None = None) -> None:
        """Ask the rules on the export date: ship, wait for a licence, or fail (called when ready).

        An order released before it was made is booked on the line instead.
        """
        if not self.made:
            self.book()
            return
        channel = self.channel
        now = channel.env.now
        clearance = channel.clearance(now)
        application = self.application
        if clearance.prohibited:
            self.fail("prohibited")
        elif application is not None and application.outcome == DENIED:
            self.fail("denied")
        elif not clearance.needs_application:
            self.ship(clearance, now)
        else:
            licence = channel.authority.use_licence(channel, self.quantity_t, now)
            if licence is None:
                self.wait(clearance)
            else:
                channel.renew_if_low(licence, _kind(clearance), self.quantity_t)
                self.ship(clearance, now)

    def wait(self, clearance: Clearance) -> None:
        """Wait on an application: this order's own if still pending, else one joined or filed."""
        application = self.application
        if application is None or application.outcome != PENDING:
            application = self.application = self.channel.join_or_apply(self.quantity_t, _kind(clearance))
        application.waiters.append(self)
        self.order_book.waiting[self] = None
        if self.made:
            self.channel.awaiting_t += self.quantity_t
        patience = self.channel.fab.chipmaker.patience_days
        if patience is not None and not self.patience_armed:
            self.patience_armed = True
            Phased(self.channel.env, patience, CONSUMPTION_AND_ORDERS, self.lose_patience, "patience")

    def lose_patience(self, _: Event) -> None:
        """The buyer's patience ran out: cancel the order if suppliers that can ship sooner exist.

        Those are the fab's qualified suppliers of the material that have not failed this
        quantity, whose exports to it need no individual licence today, and whose lines would
        make their part of it within the fab's patience (:meth:`OrderBook.sooner`). Without
        any, the order keeps waiting and the fab looks again after as long again.
        """
        book, channel = self.order_book, self.channel
        if self not in book.waiting:  # it left: shipped, or failed
            return
        sooner = book.sooner(channel.fab, channel.material, self.tried, self.quantity_t)
        if not sooner:
            patience = channel.fab.chipmaker.patience_days
            Phased(channel.env, patience or 0.0, CONSUMPTION_AND_ORDERS, self.lose_patience, "patience")
            return
        book.leave(self)
        application = self.application
        if application is not None:
            application.waiters.remove(self)
            application.committed_t -= self.quantity_t
        slower = tuple(s for s in channel.sourcing.shares if s not in sooner)
        self._resource("cancelled", exclude=slower)

    def ship(self, clearance: Clearance, now: SimDays) -> None:
        """The order leaves ``now`` and travels to its fab.

        One whose transport was booked with it leaves at its booked ready time: that is now,
        and keeping the booked figure keeps its arrival exactly ready plus transport.
        """
        channel, quantity = self.channel, self.quantity_t
        transit = self.transit_days
        if transit is None:
            transit, leaves = channel.transit(), now
        else:
            leaves = self.ready
        channel.supplier.held_t -= quantity
        self.order_book.shipments.append(
            Shipment(leaves, *channel.route_ids, channel.material, quantity,
                     quantity * channel.value_usd_per_t, clearance.outcome)
        )  # fmt: skip
        Phased(channel.env, leaves + transit - now, ARRIVAL, self._on_arrival, channel.purpose)

    def _on_arrival(self, _: Event) -> None:
        channel, quantity = self.channel, self.quantity_t
        self.order_book.receipts.append(
            Receipt(
                channel.env.now, channel.fab.chipmaker.id, channel.material, channel.supplier.id, quantity
            )
        )
        channel.fab.receive(channel.material, quantity)

    def fail(self, reason: str) -> None:
        """Record the failure and order the quantity again from the suppliers that have not failed it."""
        self._resource(reason)

    def _resource(self, reason: str, exclude: tuple[str, ...] = ()) -> None:
        """Record why the order ends here and order its quantity from others, never one it has tried."""
        channel, quantity = self.channel, self.quantity_t
        fab = channel.fab
        book = self.order_book
        book.failed.append(
            FailedOrder(
                channel.env.now, fab.chipmaker.id, channel.material, channel.supplier.id, quantity, reason
            )
        )
        fab.stocks[channel.material].on_order_t -= quantity
        fab.advance()
        tried = self.tried
        book.place(fab, channel.material, quantity, exclude=(*tried, *exclude), tried=tried)
        fab.changed()


def _kind(clearance: Clearance) -> LicenceKind:
    kind = clearance.kind
    if kind is None:  # pragma: no cover - a clearance that needs an application names its kind
        raise AssertionError(clearance)
    return kind


class OrderBook:
    """Every order of a run: the channels they travel, those waiting for a licence, and records."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        suppliers: dict[str, SupplierState],
        authorities: dict[str, Authority],
        lane: Callable[[str, str], Callable[[], SimDays]],
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.horizon = scenario.horizon_days
        self.suppliers = suppliers
        self.authorities = authorities
        self.lane = lane
        self.channels: dict[tuple[str, str, str], Channel] = {}
        self._splits: dict[tuple[str, str], tuple[int, list[tuple[Channel, float]], float]] = {}
        self._weighted: dict[tuple[str, str], tuple[int, SimDays, list[tuple[Channel, float]], float]] = {}
        self.waiting: dict[Order, None] = {}
        """Orders waiting for a licence, in the order they began."""
        self.shipments: list[Shipment] = []
        self.receipts: list[Receipt] = []
        self.failed: list[FailedOrder] = []

    def channel(self, fab: Fab, supplier_id: str, material: str) -> Channel:
        """The channel from a supplier of ``material`` to ``fab`` (made on first use)."""
        key = (fab.chipmaker.id, supplier_id, material)
        channel = self.channels.get(key)
        if channel is None:
            supplier = self.suppliers[supplier_id]
            channel = self.channels[key] = Channel(
                self.env,
                self.scenario,
                fab,
                supplier,
                material,
                self.authorities[supplier.supplier.country],
                self.lane(supplier.supplier.country, fab.chipmaker.country),
                self.decided,
            )
        return channel

    def place(
        self,
        fab: Fab,
        material: str,
        quantity_t: float,
        exclude: tuple[str, ...] = (),
        tried: tuple[str, ...] | None = None,
    ) -> None:
        """Split an order among the fab's qualified suppliers by share, skipping ``exclude``, and book it.

        ``tried`` are the suppliers that already failed this quantity (``exclude`` by default).
        """
        shares, total = self._split(fab, material, exclude)
        if total <= 0:
            return
        stock = fab.stocks[material]
        tried_before = exclude if tried is None else tried
        for channel, share in shares:
            quantity = quantity_t * share / total
            stock.on_order_t += quantity
            Order(self, channel, quantity, tried_before).book()

    def _weighted_split(
        self, fab: Fab, material: str, exclude: tuple[str, ...]
    ) -> tuple[list[tuple[Channel, float]], float]:
        """The split when sourcing follows the regime.

        It is kept until a source's clearance may change or a supplier qualifies, unless a
        weight is on its way back (then it changes with time, and is worked out afresh).
        """
        now = self.env.now
        sourcing = fab.sourcing[material]
        key = (fab.chipmaker.id, material)
        kept = self._weighted.get(key)
        if not exclude and kept is not None and kept[0] == sourcing.version and now < kept[1]:
            return kept[2], kept[3]
        channels = {s: self.channel(fab, s, material) for s in sourcing.shares}
        bound = {s: None if c.clearance(now).restricted else c.since(now) for s, c in channels.items()}
        shares, total = sourcing.weighted_split(now, bound, exclude)
        split = [(channels[s], w) for s, w in shares]
        if not exclude and sourcing.state(now, bound) is not None:
            until = min([c.holds_until(now) for c in channels.values()], default=INFINITY)
            self._weighted[key] = (sourcing.version, until, split, total)
        return split, total

    def sooner(self, fab: Fab, material: str, tried: tuple[str, ...], quantity_t: float) -> set[str]:
        """The fab's suppliers of ``material``, not in ``tried``, that can deliver ``quantity_t`` sooner.

        Those are the ones whose exports to it need no individual licence today and whose line
        would make their part of the quantity (by share among them) within the fab's patience:
        a short line with a long queue is no faster than waiting for the licence. Dropping one
        such line gives the others larger parts, so they are judged again until none drops.
        """
        now = self.env.now
        free = {}
        for supplier_id, share in fab.sourcing[material].shares.items():
            if share > 0 and supplier_id not in tried:
                channel = self.channel(fab, supplier_id, material)
                if not channel.clearance(now).restricted:
                    free[supplier_id] = (channel, share)
        patience = fab.chipmaker.patience_days or 0.0
        buyer = fab.chipmaker.id
        while free:  # each slower line dropped gives the others more: judge them again on that
            total = sum(share for _, share in free.values())
            sooner = {
                supplier_id: (channel, share)
                for supplier_id, (channel, share) in free.items()
                if channel.line.made_by(now, quantity_t * share / total, buyer) - now <= patience
            }
            if len(sooner) == len(free):
                break
            free = sooner
        return set(free)

    def _split(
        self, fab: Fab, material: str, exclude: tuple[str, ...]
    ) -> tuple[list[tuple[Channel, float]], float]:
        """The channels an order goes to, with their shares; kept until a supplier qualifies."""
        sourcing = fab.sourcing[material]
        if sourcing.follows_the_regime:
            return self._weighted_split(fab, material, exclude)
        key = (fab.chipmaker.id, material)
        kept = self._splits.get(key)
        if exclude or kept is None or kept[0] != sourcing.version:
            shares, total = sourcing.split(exclude)
            split = [(self.channel(fab, s, material), w) for s, w in shares]
            if exclude:
                return split, total
            kept = self._splits[key] = (sourcing.version, split, total)
        return kept[1], kept[2]

    def leave(self, order: Order) -> None:
        """An order stops waiting for a licence (released, or cancelled)."""
        del self.waiting[order]
        if order.made:
            order.channel.awaiting_t -= order.quantity_t

    def decided(self, event: Event) -> None:
        """An application is decided: clear the orders waiting on it again."""
        application = event.value
        assert isinstance(application, Application)
        waiters, application.waiters = application.waiters, []
        self.release(waiters)  # type: ignore[arg-type]

    def release(self, orders: list[Order]) -> None:
        """Clear again orders that waited for a licence (it was decided, or the law changed)."""
        for order in orders:
            self.leave(order)
            application = order.application
            if application is not None and order in application.waiters:
                application.waiters.remove(order)
            order.clear()


def replenishment(env: simpy.Environment, book: OrderBook, fab: Fab) -> Process:
    """A fab reviews its stocks every review period and orders each material up to target."""
    while True:
        fab.advance()
        for material, shortfall in fab.shortfalls():
            book.place(fab, material, shortfall)
        fab.changed()
        yield Phased(env, fab.chipmaker.review_period_days, CONSUMPTION_AND_ORDERS, purpose="review period")
