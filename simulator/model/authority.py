"""The licensing authority: applications, their review, and the individual licences it grants.

An authority licenses the exports of one country. It is a queue of examiners (a SimPy
resource): an application waits for one, is reviewed for a random time, may have its
documents returned (the clock stops while the applicant corrects them, and it queues
again), and is approved or denied. Each application has a SimPy event, ``decision``, that
fires when it is decided; whoever waits on the application waits on that event.

Licences and applications belong to a *channel*: one supplier's deliveries of one material
to one buyer. The authority treats a channel as an opaque key; what the channel means is
:mod:`simulator.model.orders`' business. It counts each channel's applications: review terms
may differ between a channel's first application and its repeats, and by where and for what the goods go.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable

import simpy

from simulator.model.clock import CONSUMPTION_AND_ORDERS, LICENCE_DECISION, Phased, Process
from simulator.model.records import LicenceApplication
from simulator.model.stock import EPSILON_T
from simulator.model.streams import Streams
from simulator.rules.calendar import Calendar, working_time_span
from simulator.rules.values import Covers, LicenceKind
from simulator.scenario.distributions import fixed
from simulator.scenario.licensing import Place
from simulator.scenario.values import Authority as AuthorityTerms
from simulator.scenario.values import SimDays

PENDING, APPROVED, DENIED = "pending", "approved", "denied"
"""How an application stands."""


class Licence:
    """An individual licence to one buyer until it expires: a quantity, one shipment, or any.

    A contract's licence covers its quantity; a shipment's is used up by the one shipment it
    covers (``single_use``); a customer's covers every shipment while valid (no quantity limit).
    """

    __slots__ = ("remaining_t", "single_use", "valid_until")

    def __init__(self, quantity_t: float, valid_until: SimDays, single_use: bool = False) -> None:
        self.remaining_t = quantity_t
        self.valid_until = valid_until
        self.single_use = single_use

    @classmethod
    def of(cls, covers: Covers, quantity_t: float, valid_until: SimDays) -> Licence:
        """The licence granted for a kind covering ``covers``, asked for ``quantity_t``.

        >>> Licence.of("customer", 5.0, 30.0).remaining_t
        inf
        """
        if covers == "customer":
            return cls(math.inf, valid_until)
        return cls(quantity_t, valid_until, single_use=covers == "shipment")

    def covers(self, quantity_t: float, now: SimDays) -> bool:
        """Whether the licence is valid now with ``quantity_t`` left."""
        return self.valid_until >= now and self.remaining_t >= quantity_t - EPSILON_T


class ReviewClock:
    """Turns working days of review into simulation days, on the calendar of the authority's regime.

    A review's working days run on a continuous axis (:func:`working_time_span`), so the parts of
    a review split by returned documents add up to the whole. Past the years the calendar covers
    it counts weekends only: a run may outlast the published holiday calendars.
    """

    __slots__ = ("calendar", "start")

    def __init__(self, calendar: Calendar | None, start: dt.date) -> None:
        self.calendar = calendar
        self.start = start

    def span(self, now: SimDays, working_days: float) -> SimDays:
        """The simulation days from ``now`` until ``working_days`` working days have passed."""
        if self.calendar is None:
            return working_days
        return working_time_span(self.calendar, self.start, now, working_days, strict=False)


class Application:
    """An application for an individual licence on one channel (a contract, a shipment or the customer).

    ``names`` are the material, item, supplier and buyer, as the record gives them.
    """

    def __init__(
        self,
        env: simpy.Environment,
        channel: Hashable,
        names: tuple[str, str, str, str],
        kind: LicenceKind,
        quantity_t: float,
        repeat: bool = False,
        place: Place | None = None,
    ) -> None:
        self.channel = channel
        self.place = place
        """Where and for what the goods go, as review terms are keyed (none: by item alone)."""
        self.repeat = repeat
        """Whether its channel filed an application before this one (it takes the repeat terms)."""
        self.names = names
        self.kind = kind
        self.quantity_t = quantity_t
        self.committed_t = 0.0
        """Tonnes of orders already counting on this application."""
        self.filed = env.now
        self.decided: SimDays | None = None
        self.outcome = PENDING
        self.returned = 0
        self.decision = env.event()
        """Fires when the application is decided; its value is the application."""
        self.waiters: list[object] = []
        """Orders waiting on this application, in the order they began to wait."""

    def has_room(self, quantity_t: float) -> bool:
        """Whether this pending application can take ``quantity_t`` more.

        One for a customer's licence takes any quantity; one for a shipment's, none beyond the
        shipment it was filed for.
        """
        if self.outcome != PENDING:
            return False
        covers = self.kind.covers
        if covers != "contract":
            return covers == "customer"
        return self.quantity_t - self.committed_t >= quantity_t - EPSILON_T

    def record(self) -> LicenceApplication:
        """Return the application as a record."""
        material, item, supplier, chipmaker = self.names
        return LicenceApplication(
            material, item, supplier, chipmaker,
            self.quantity_t, self.filed, self.decided, self.outcome, self.returned,
        )  # fmt: skip


class Authority:
    """The authority licensing one country's exports: its examiners, licences and applications.

    Args:
        env: the environment.
        terms: the scenario's review terms for this authority.
        streams: the replication's random streams.
        filed: where every authority of the run lists its applications, in filing order.
        clock: how its regime counts working days, for kinds whose period is in working days.
    """

    def __init__(
        self,
        env: simpy.Environment,
        terms: AuthorityTerms,
        streams: Streams,
        filed: list[Application],
        clock: ReviewClock | None = None,
    ) -> None:
        self.env = env
        self.clock = clock
        self.terms = terms
        self.streams = streams
        self.examiners = simpy.Resource(env, capacity=terms.examiners)
        self.filed = filed
        self.licences: dict[Hashable, list[Licence]] = {}
        """The licences held on each channel, oldest first."""
        self.pending: dict[Hashable, list[Application]] = {}
        """The undecided applications of each channel, in filing order."""
        self.filings: dict[Hashable, int] = {}
        """How many applications each channel has filed in the run."""

    # ------------------------------------------------------------ licences
    def grant(
        self, channel: Hashable, quantity_t: float, valid_until: SimDays, covers: Covers = "contract"
    ) -> None:
        """Hold a licence on ``channel``, after those already held there (see :meth:`Licence.of`)."""
        self.licences.setdefault(channel, []).append(Licence.of(covers, quantity_t, valid_until))

    def use_licence(self, channel: Hashable, quantity_t: float, now: SimDays) -> Licence | None:
        """Draw ``quantity_t`` from a licence on ``channel`` valid ``now``; return it, or None.

        A shipment's licence is used up by the shipment, whatever it leaves over.
        """
        for licence in self.licences.get(channel, ()):
            if licence.covers(quantity_t, now):
                licence.remaining_t = 0.0 if licence.single_use else licence.remaining_t - quantity_t
                return licence
        return None

    def licensed_t(self, channel: Hashable, now: SimDays) -> float:
        """Tonnes left on the licences of ``channel`` valid ``now``."""
        return sum(lic.remaining_t for lic in self.licences.get(channel, ()) if lic.valid_until >= now)

    # ------------------------------------------------------------ applications
    def pending_with_room(self, channel: Hashable, quantity_t: float) -> Application | None:
        """The first undecided application on ``channel`` that can take ``quantity_t`` more."""
        return next((a for a in self.pending.get(channel, ()) if a.has_room(quantity_t)), None)

    def is_pending(self, channel: Hashable) -> bool:
        """Whether any application on ``channel`` is undecided."""
        return bool(self.pending.get(channel))

    def apply(
        self,
        channel: Hashable,
        names: tuple[str, str, str, str],
        kind: LicenceKind,
        quantity_t: float,
        place: Place | None = None,
    ) -> Application:
        """File an application and start its review; one after its channel's first is a repeat."""
        filed = self.filings.get(channel, 0)
        self.filings[channel] = filed + 1
        application = Application(self.env, channel, names, kind, quantity_t, repeat=filed > 0, place=place)
        self.pending.setdefault(channel, []).append(application)
        self.filed.append(application)
        self.env.process(review(self.env, self, application))
        return application

    def review_time(self, working: bool, work: float) -> SimDays:
        """Simulation days for ``work`` days of review from now: working days if ``working``."""
        if not working or self.clock is None:
            return work
        return self.clock.span(self.env.now, work)

    def decide(self, application: Application, denied: bool) -> None:
        """Decide an application: grant its licence unless denied, and fire its decision."""
        now = self.env.now
        application.decided = now
        application.outcome = DENIED if denied else APPROVED
        self.pending[application.channel].remove(application)
        if not denied:
            kind = application.kind
            self.grant(application.channel, application.quantity_t, now + kind.validity_days, kind.covers)
        application.decision.succeed(application)


def review(env: simpy.Environment, authority: Authority, application: Application) -> Process:
    """The authority reviews an application: queue for an examiner, maybe return documents, decide.

    Each application takes exactly one draw from each of its supplier's review streams (time,
    return, correction, denial), used or not, so variants that change one of these terms still
    pair with the base application for application (common random numbers). Without review
    terms of its own a review takes the licence kind's standard processing period, in working
    days of the regime's calendar where the kind counts them (each part of a review split by
    returned documents counted from when its work starts); ``review_days`` are calendar days. A
    repeat application (not its channel's first) takes the repeat terms, drawing the same numbers.
    """
    material, item, supplier, _ = application.names
    terms = authority.terms.review(material, item, application.place)
    if application.repeat:
        terms = terms.for_repeat()
    standard = fixed(float(application.kind.standard_processing_days or 0))
    streams = authority.streams
    work = (terms.review_days or standard).sample(streams("review-time", supplier))
    working = terms.review_days is None and application.kind.in_working_days
    returned, fraction = streams("review-return", supplier).random(2).tolist()  # floats, not numpy's
    correction = terms.correction_days.sample(streams("review-correction", supplier))
    denial = streams("review-denial", supplier).random()
    if returned < terms.returned_probability:
        first = work * fraction
        with authority.examiners.request() as request:
            yield request
            yield Phased(
                env, authority.review_time(working, first), LICENCE_DECISION, purpose=f"review of {item}"
            )
        application.returned += 1
        yield Phased(env, correction, CONSUMPTION_AND_ORDERS, purpose=f"correction of {item} documents")
        work -= first
    with authority.examiners.request() as request:
        yield request
        yield Phased(env, authority.review_time(working, work), LICENCE_DECISION, purpose=f"review of {item}")
    authority.decide(application, denied=denial < terms.denial_probability)
