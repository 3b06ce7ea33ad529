"""Exports: the rules asked on the export date, then ship, wait for a licence, or fail.

An order that needs an individual licence and has none waits on an application; it is asked
again when the application is decided and whenever the law changes (a measure that restores
bulk coverage releases it, while the application itself continues). Waiting is a list, not a
SimPy process: re-asking happens inside the event that decides, in the order orders began to
wait, which saves the events a process per waiting order would cost.
"""

from __future__ import annotations

from simulator.model.licensing import ApplicationState, join_or_apply, renew_if_low, use_licence
from simulator.model.records import FailedOrder, Shipment, maker
from simulator.model.state import ARRIVAL, At, Order, World
from simulator.rules.values import PROHIBITED
from simulator.scenario import SimDays

_shipment = maker(Shipment)


def export(world: World, order: Order) -> None:
    """Ask the rules on the export date: ship, wait for a licence, or fail."""
    decision = order.channel.licence(world.env.now)
    application = order.application
    if decision == PROHIBITED or (application is not None and application.outcome == "denied"):
        fail(world, order, "prohibited" if decision == PROHIBITED else "denied")
    elif decision in order.supplier.per_application:
        licence = use_licence(order.supplier, order, world.env.now)
        if licence is None:
            _wait(world, order, decision)
        else:
            renew_if_low(world, order, licence, decision, _decided)
            ship(world, order, decision)
    else:
        ship(world, order, decision)


def _wait(world: World, order: Order, kind: str) -> None:
    application = order.application
    if application is None or application.outcome != "pending":
        application = order.application = join_or_apply(world, order, kind, _decided)
    application.waiters.append(order)
    world.waiting[order] = None


def _decided(world: World, application: ApplicationState) -> None:
    waiters, application.waiters = application.waiters, []
    release(world, waiters)


def release(world: World, orders: list[Order]) -> None:
    """Ask the rules again for orders waiting for a licence (decided, or the law changed)."""
    for order in orders:
        del world.waiting[order]
        if order.application is not None and order in order.application.waiters:
            order.application.waiters.remove(order)
        export(world, order)


def ship(world: World, order: Order, licence: str, at: SimDays | None = None) -> None:
    """The order leaves under ``licence`` (now, or at the later time ``at``) and travels to the fab."""
    now = world.env._now
    leaves = now if at is None else at
    quantity, channel = order.quantity_t, order.channel
    order.supplier.held_t -= quantity
    value = quantity * channel.value_usd_per_t
    world.shipments.append(
        _shipment((leaves, *channel.route_ids, channel.material, quantity, value, licence))
    )
    At(world.env, leaves + channel.transit() - now, ARRIVAL, order.arrive)


def fail(world: World, order: Order, reason: str) -> None:
    """Record a failed order and send its quantity to the buyer's other suppliers."""
    fab = order.fab
    supplier = order.supplier.supplier.id
    world.failed.append(
        FailedOrder(world.env.now, fab.chipmaker.id, order.material, supplier, order.quantity_t, reason)
    )
    fab.stocks[order.material].on_order_t -= order.quantity_t
    fab.advance()
    fab.place(order.material, order.quantity_t, exclude=order.tried)
    fab.changed()
