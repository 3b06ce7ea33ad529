"""Individual licences: applying, waiting in the authority's queue, and using what is granted.

An exporter that needs an individual licence applies for one contract: the order's quantity
plus, where the supplier sets ``contract_days``, that many days of the buyer's expected
orders. Orders that come while an application is pending join it if it has room; what happens
to them when it is decided is :mod:`simulator.model.exports`' business (``on_decided``).

The authority is a queue of examiners (a SimPy resource): an application waits for one,
is reviewed for a random time, may have its documents returned (the clock stops while the
applicant corrects them, and it queues again), and is approved or denied.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from simulator.distributions import fixed
from simulator.model.records import LicenceApplication
from simulator.model.state import (
    CONSUMPTION_AND_ORDERS,
    EPSILON_T,
    LICENCE_DECISION,
    At,
    Order,
    Process,
    SupplierState,
    World,
)
from simulator.rules.values import LicenceKind
from simulator.scenario import SimDays


class Licence:
    """An individual licence: one contract's quantity, to one buyer, until it expires."""

    def __init__(self, chipmaker: str, material: str, quantity_t: float, valid_until: SimDays) -> None:
        self.chipmaker = chipmaker
        self.material = material
        self.remaining_t = quantity_t
        self.valid_until = valid_until

    def covers(self, quantity_t: float, now: SimDays) -> bool:
        """Whether the licence is valid now with ``quantity_t`` left (buyer and material: the caller's)."""
        return self.valid_until >= now and self.remaining_t >= quantity_t - EPSILON_T


class ApplicationState:
    """An application in the authority's hands, and the orders waiting on it."""

    def __init__(self, order: Order, kind: str, quantity_t: float, filed: SimDays) -> None:
        self.order = order
        self.kind = kind
        self.quantity_t = quantity_t
        self.committed_t = 0.0
        self.filed = filed
        self.decided: SimDays | None = None
        self.outcome = "pending"
        self.returned = 0
        self.waiters: list[Order] = []

    def has_room(self, order: Order) -> bool:
        """Whether this pending application is for the order's buyer and material, with room."""
        same = self.order.channel is order.channel  # the same supplier's: same buyer and material
        room = self.quantity_t - self.committed_t >= order.quantity_t - EPSILON_T
        return self.outcome == "pending" and same and room

    def record(self, world: World) -> LicenceApplication:
        """Return the application as a record."""
        order = self.order
        item = world.scenario.material(order.material).item
        return LicenceApplication(
            order.material, item, order.supplier.supplier.id, order.fab.chipmaker.id,
            self.quantity_t, self.filed, self.decided, self.outcome, self.returned,
        )  # fmt: skip


def licences_at_start(world: World) -> None:
    """Give each regulated supplier the individual licences it held before the scenario starts."""
    for fab in world.fabs.values():
        for material, shares in fab.sources.items():
            for supplier_id, share in shares.items():
                supplier = world.suppliers[supplier_id]
                kind = _individual(supplier)
                days = supplier.supplier.licences_at_start_days
                if kind is not None and days > 0 and share > 0:
                    quantity = days * fab.planned_use(material) * share
                    supplier.hold(Licence(fab.chipmaker.id, material, quantity, kind.validity_days))


def _kind(supplier: SupplierState, kind: str) -> LicenceKind:
    if supplier.table is None:  # pragma: no cover - only regulated suppliers apply
        raise ValueError(f"{supplier.supplier.id} needs no licence")
    return supplier.table.regime.licence(kind)


def _individual(supplier: SupplierState) -> LicenceKind | None:
    """The per-application licence kind of the regime governing this supplier's exports."""
    if supplier.table is None:
        return None
    return next((k for k in supplier.table.regime.licences if k.per_application), None)


def use_licence(supplier: SupplierState, order: Order, now: SimDays) -> Licence | None:
    """Draw the order's quantity from a valid licence the supplier holds; return it, or None."""
    for licence in supplier.licences.get((order.fab.chipmaker.id, order.material), ()):
        if licence.covers(order.quantity_t, now):
            licence.remaining_t -= order.quantity_t
            return licence
    return None


def expected_t(order: Order, days: float) -> float:
    """Tonnes this supplier expects to ship to the order's buyer over ``days``."""
    fab = order.fab
    share = fab.sources[order.material].get(order.supplier.supplier.id, 0.0)
    return days * fab.planned_use(order.material) * share


def renew_if_low(
    world: World,
    order: Order,
    licence: Licence,
    kind: str,
    on_decided: Callable[[World, ApplicationState], None],
) -> None:
    """Apply for the next contract ahead of need when ``licence`` is running low."""
    supplier = order.supplier
    threshold = expected_t(order, supplier.supplier.renew_days)
    pending = any(a.order.channel is order.channel for a in supplier.pending)
    if licence.remaining_t < threshold and not pending:
        quantity = max(order.quantity_t, expected_t(order, supplier.supplier.contract_days))
        _file(world, ApplicationState(order, kind, quantity, world.env.now), on_decided)


def join_or_apply(
    world: World, order: Order, kind: str, on_decided: Callable[[World, ApplicationState], None]
) -> ApplicationState:
    """Join a pending application with room for the order, or file a new one for a contract."""
    application = next((a for a in order.supplier.pending if a.has_room(order)), None)
    if application is None:
        application = ApplicationState(order, kind, _contract_quantity(order), world.env.now)
        _file(world, application, on_decided)
    application.committed_t += order.quantity_t
    return application


def _file(
    world: World, application: ApplicationState, on_decided: Callable[[World, ApplicationState], None]
) -> None:
    application.order.supplier.pending.append(application)
    world.applications.append(application)
    world.env.process(review(world.env, world, application, on_decided))


def _contract_quantity(order: Order) -> float:
    return order.quantity_t + expected_t(order, order.supplier.supplier.contract_days)


def review(
    env: simpy.Environment,
    world: World,
    application: ApplicationState,
    on_decided: Callable[[World, ApplicationState], None],
) -> Process:
    """The authority reviews an application: queue for an examiner, maybe return documents, decide.

    Each application takes exactly one draw from each of its supplier's review streams (time,
    return, correction, denial), used or not, so variants that change one of these terms still
    pair with the base application for application (common random numbers).
    """
    order = application.order
    country = order.supplier.supplier.country
    terms = world.scenario.authority_for(country).review(order.material, world.materials[order.material].item)
    examiners = world.examiners[country]
    supplier = order.supplier.supplier.id
    kind = _kind(order.supplier, application.kind)
    review_days = terms.review_days or fixed(float(kind.standard_processing_days or 0))
    work = review_days.sample(world.streams("review-time", supplier))
    returned, fraction = world.streams("review-return", supplier).random(2).tolist()  # floats, not numpy's
    correction = terms.correction_days.sample(world.streams("review-correction", supplier))
    denial = world.streams("review-denial", supplier).random()
    if returned < terms.returned_probability:
        first = work * fraction
        with examiners.request() as request:
            yield request
            yield At(env, first, LICENCE_DECISION)
        application.returned += 1
        yield At(env, correction, CONSUMPTION_AND_ORDERS)
        work -= first
    with examiners.request() as request:
        yield request
        yield At(env, work, LICENCE_DECISION)
    _decide(world, application, denied=denial < terms.denial_probability)
    on_decided(world, application)


def _decide(world: World, application: ApplicationState, denied: bool) -> None:
    order = application.order
    application.decided = world.env.now
    application.outcome = "denied" if denied else "approved"
    order.supplier.pending.remove(application)
    if not denied:
        validity = _kind(order.supplier, application.kind).validity_days
        licence = Licence(
            order.fab.chipmaker.id, order.material, application.quantity_t, world.env.now + validity
        )
        order.supplier.hold(licence)
