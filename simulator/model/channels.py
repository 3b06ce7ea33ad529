"""A channel: one supplier's deliveries of one material to one fab, and what its orders share.

Worked out on a channel's first use, so that an order's path looks nothing up by name: the
route the rules know it by, the supplier's exporter profiles for this buyer (they change on
the days a licence it holds starts or stops), the lane's transport times, the value of a tonne,
and the clearance for the run of dates it last held for (the law changes only at boundaries). Its
licences and applications are held by the licensing authority under the channel; here are
the supplier's rules for applying: what an application covers (a contract's quantity, one
shipment, or the customer, as the licence kind says), and renewing ahead of need.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable

import simpy
from simpy.events import Event

from simulator.model.authority import Application, Authority, Licence
from simulator.model.fab import Fab
from simulator.model.stock import INFINITY
from simulator.model.supply import SupplierState, profile_timeline
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import group_on
from simulator.rules.values import NONE, Clearance, Covers, LicenceKind
from simulator.scenario.licensing import Place
from simulator.scenario.values import Scenario, SimDays

FREE = Clearance.of(NONE, None)
"""The clearance of trade no regime of the run governs."""


class Channel:
    """One supplier's deliveries of one material to one fab.

    Args:
        env: the environment.
        scenario: the scenario.
        fab: the buyer.
        supplier: the supplier.
        material: the material.
        authority: the authority licensing the supplier's exports.
        transit: the lane's transport times, one draw a call.
        on_decided: called with an application's decision event; the order book's, which
            clears the orders waiting on it again.
    """

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        fab: Fab,
        supplier: SupplierState,
        material: str,
        authority: Authority,
        transit: Callable[[], SimDays],
        on_decided: Callable[[Event], None],
    ) -> None:
        self.env = env
        self.horizon = scenario.horizon_days
        self.fab = fab
        self.supplier = supplier
        self.material = material
        self.sourcing = fab.sourcing[material]
        self.authority = authority
        origin, destination = supplier.supplier.country, fab.chipmaker.country
        self.route_ids = (supplier.id, origin, destination, fab.chipmaker.id)
        """Supplier, origin, destination and chipmaker, as a shipment records them."""
        item = scenario.material(material).item
        self.names = (material, item, supplier.id, fab.chipmaker.id)
        """Material, item, supplier and chipmaker, as an application records them."""
        table = supplier.table
        self._route = None if table is None else table.route(item, destination)
        self._profiles = (
            ([0], [0]) if table is None else profile_timeline(supplier.supplier, table, fab.chipmaker.id)
        )
        self._start_ordinal = scenario.start.toordinal()
        self._span = (FREE, 0, 0)  # a clearance and the date ordinals [first, end) it holds for
        self.line = supplier.lines[material]
        self.transit = transit
        self.purpose = f"transport {origin}-{destination}"
        self.value_usd_per_t = scenario.material(material).value_usd_per_t
        self._on_decided = on_decided
        self.made_ahead_days = supplier.supplier.made_ahead_days
        self.awaiting_t = 0.0
        """Tonnes made and waiting for a licence on this channel."""

    def clearance(self, at: SimDays) -> Clearance:
        """How an export on this channel may leave on the date of ``at``.

        Each regime governs exports from its own country; other trade needs nothing.
        """
        table = self.supplier.table
        if table is None or self._route is None:
            return FREE
        ordinal = self._start_ordinal + int(at // 1)
        clearance, first, end = self._span
        if not first <= ordinal < end:
            clearance, first, end = self._span = self._clearance_span(table, self._route, ordinal)
        return clearance

    def _clearance_span(self, table: DecisionTable, route: int, ordinal: int) -> tuple[Clearance, int, int]:
        """The clearance on ``ordinal`` and the span it holds for, as long as law and licences held stand."""
        starts, codes = self._profiles
        n = bisect.bisect_right(starts, ordinal) - 1
        clearance, first, end = table.clearance_span(route, ordinal, codes[n])
        if n + 1 < len(starts):
            end = min(end, starts[n + 1])
        return clearance, max(first, starts[n]), end

    def since(self, at: SimDays) -> SimDays:
        """When the clearance in force at ``at`` took effect (the run's start at the earliest)."""
        self.clearance(at)
        return max(0.0, float(self._span[1] - self._start_ordinal))

    def holds_until(self, at: SimDays) -> SimDays:
        """When the clearance in force at ``at`` may next change (infinity: it never does)."""
        if self.supplier.table is None or self._route is None:
            return INFINITY
        self.clearance(at)
        return float(self._span[2] - self._start_ordinal)

    def kind_first_needed(self) -> LicenceKind | None:
        """The individual licence kind this channel first needs in the run, if it needs one."""
        at = 0.0
        while at < self.horizon and self.supplier.table is not None:
            clearance = self.clearance(at)
            if clearance.needs_application:
                return clearance.kind
            at = float(self._span[2] - self._start_ordinal)
        return None

    def hold_licences_at_start(self) -> None:
        """Hold the individual licence granted before the run, if the supplier had one.

        It covers ``licences_at_start_days`` of the fab's expected orders from the supplier,
        of the licence kind the channel first needs in the run, valid for that kind's validity.
        """
        days = self.supplier.supplier.licences_at_start_days
        if days <= 0 or self.sourcing.share(self.supplier.id) <= 0 or self.supplier.table is None:
            return
        kind = self.kind_first_needed()
        if kind is not None:  # batch licences granted before the run: a pool, not used up at once
            covers: Covers = "customer" if kind.covers == "customer" else "contract"
            self.authority.grant(self, self.expected_t(days), kind.validity_days, covers)

    def expected_t(self, days: float) -> float:
        """Tonnes this supplier expects to ship to the fab over ``days``, at its current share."""
        return days * self.fab.planned_use(self.material) * self.sourcing.share(self.supplier.id)

    def join_or_apply(self, quantity_t: float, kind: LicenceKind) -> Application:
        """Join a pending application with room for ``quantity_t``, or file one.

        A kind covering a contract is applied for with the order plus ``contract_days`` of the
        buyer's expected orders; one covering a shipment, for that shipment alone and never
        joined; one covering the customer takes every order while it is pending.
        """
        application = self.authority.pending_with_room(self, quantity_t)
        if application is None:
            shipment = kind.covers == "shipment"
            ahead = 0.0 if shipment else self.expected_t(self.supplier.supplier.contract_days)
            application = self.apply(kind, quantity_t + ahead)
        application.committed_t += quantity_t
        return application

    def renew_if_low(self, licence: Licence, kind: LicenceKind, quantity_t: float) -> None:
        """Apply for the next licence ahead of need when ``licence`` is running low.

        A contract's runs low by quantity, a customer's by time (less than ``renew_days`` of
        validity left); a shipment's licence is never renewed, each shipment applies for its own.
        """
        terms = self.supplier.supplier
        if kind.covers == "customer":
            low = licence.valid_until - self.env.now < terms.renew_days
        else:
            low = kind.covers == "contract" and licence.remaining_t < self.expected_t(terms.renew_days)
        if low and not self.authority.is_pending(self):
            self.apply(kind, max(quantity_t, self.expected_t(terms.contract_days)))

    def apply(self, kind: LicenceKind, quantity_t: float) -> Application:
        """File an application on this channel; its waiters are cleared again when it is decided."""
        application = self.authority.apply(self, self.names, kind, quantity_t, self.place(self.env.now))
        application.decision.callbacks.append(self._on_decided)
        return application

    def place(self, at: SimDays) -> Place:
        """Where and for what this channel's goods go on the date of ``at``, as review terms are keyed.

        The destination's group is the one the governing regime puts it in on that date (looked
        up only where some review terms are keyed by destination).
        """
        material, item, _, _ = self.names
        chipmaker = self.fab.chipmaker
        group = None
        table = self.supplier.table
        if table is not None and any(t.destinations for t in self.authority.terms.items):
            day = dt.date.fromordinal(self._start_ordinal + int(at // 1))
            group = group_on(table.regime, chipmaker.country, day)[0].id
        return Place(material, item, chipmaker.country, group, chipmaker.end_use)
