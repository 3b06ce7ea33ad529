"""A scenario as frozen values: the world the supply model simulates, and its checks.

A scenario names its period, its regime, the materials, suppliers, chipmakers, transport
lanes and licensing authority, and its seed. Quantities carry their unit in the field name
(``_t`` tonnes, ``_days`` days, ``_usd`` US dollars). Values are built from files in
:mod:`simulator.scenario.loading` only; :mod:`simulator.scenario.check` checks what a file
means (references, shares, dates) and reports every problem with its field path.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import attrs
from attrs import frozen

from simulator.scenario.distributions import ZERO_DAYS, Distribution, fixed
from simulator.scenario.licensing import CIVIL, HeldLicence, Place, most_specific

SimDays = float
"""Simulation time, in days since the scenario's start."""


@frozen
class Material:
    """A material that chipmakers consume, the control-list item it falls under, and its value.

    ``storage_cap_days`` caps a fab's stock at that many days of planned use; what arrives
    beyond it is spoiled (resist degrades, HF is hard to stockpile). Customs count it under
    ``trade_code`` (by default its id), of which it is ``controlled_share``: the uncontrolled
    grades it stands for make up the rest.
    """

    id: str
    item: str
    value_usd_per_t: float
    title: str = ""
    storage_cap_days: float | None = None
    controlled_share: float = 1.0
    trade_code: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    source: str = ""


Allocation = Literal["first-come", "proportional", "existing-first"]
"""How a short production line is shared among its buyers (see :mod:`simulator.model.capacity`)."""
ALLOCATIONS: tuple[Allocation, ...] = ("first-come", "proportional", "existing-first")


@frozen
class Expansion:
    """More capacity from a date (a new plant, a debottlenecking), ramping up over ``ramp_days``."""

    start: dt.date
    capacity_t_per_day: float
    ramp_days: float = 0.0
    enabled: bool = True
    """With false the expansion is left out (a what-if without it)."""
    source: str = ""


@frozen
class Surge:
    """Extra capacity a line adds while orders queue on it (overtime, an extra shift).

    When an order is booked while the line still has more than ``backlog_days`` of booked work
    to make, ``extra_t_per_day`` more comes on ``lag_days`` later; it stays until the line has
    made everything booked on it, then goes at once (see :mod:`simulator.model.capacity`).
    """

    extra_t_per_day: float
    lag_days: float
    backlog_days: float = 0.0
    source: str = ""


@frozen
class Product:
    """A material a supplier makes: its capacity, expansions, allocation rule and lead time.

    ``allocation`` is how a short line is shared: ``first-come``, ``proportional`` or
    ``existing-first`` (see :mod:`simulator.model.capacity`). ``surge`` is extra capacity
    while orders queue (none: the line never surges).
    """

    material: str
    capacity_t_per_day: float
    lead_time_days: Distribution = ZERO_DAYS
    expansions: tuple[Expansion, ...] = ()
    allocation: Allocation = "first-come"
    surge: Surge | None = None


@frozen
class Supplier:
    """A maker of materials, with its exporter profile as the rules engine knows it.

    ``has`` and ``lacks`` name exporter attributes of the regime governing its exports that it
    holds or not, whatever their defaults (the established exporter's, declared by the regime);
    ``bulk_licences`` are the bulk licences held over the whole run, ``held_licences`` those
    held from a date, maybe for named buyers; ``available_from`` is when a new plant or entrant
    can first ship; a contract's licence application covers the order plus ``contract_days``
    of the buyer's expected orders. ``renew_days``: an individual licence with less than that
    many days left is renewed ahead of need. ``licences_at_start_days`` gives it, on the first
    day, an individual licence per buyer and material for that many days of expected orders.
    """

    id: str
    country: str
    products: tuple[Product, ...] = ()
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    bulk_licences: tuple[str, ...] = ()
    held_licences: tuple[HeldLicence, ...] = ()
    available_from: dt.date | None = None
    contract_days: float = 0.0
    renew_days: float = 0.0
    licences_at_start_days: float = 0.0
    made_ahead_days: float | None = None
    """Licence-bound goods are made at most this many days of a buyer's orders ahead of the
    licences held (none: made as ordered, however long they then wait)."""
    source: str = ""


@frozen
class Source:
    """A supplier of one material to a chipmaker, with its share of orders."""

    supplier: str
    share: float


@frozen
class Qualification:
    """Qualifying a new supplier: starts on ``start`` (or at the shock), takes ``days``.

    ``enabled = false`` leaves the substitute out (a what-if without it).
    """

    supplier: str
    material: str
    days: Distribution
    share: float
    start: dt.date | None = None
    enabled: bool = True
    source: str = ""


@frozen
class MaterialUse:
    """One material a chipmaker consumes, its starting stock and where it buys it.

    ``cover_target_days`` overrides the chipmaker's order-up-to target for this material.
    While a source is licence-bound or prohibited, its share of new orders is weighted by
    ``licence_weight`` (1: no shift, 0: none at all) and the other qualified sources take up
    the rest; once it is free again the weight returns to 1 evenly over ``weight_return_days``
    (0: at once), unless ``weight_returns`` is false (a lasting memory of the disruption).
    ``pull_forward_days`` of planned use are added to the target while a measure that will make
    one of its sources licence-bound or prohibited has been announced and is not yet in force
    (ordering ahead), up to the storage cap.
    """

    material: str
    use_t_per_unit: float
    start_inventory_days: float
    sources: tuple[Source, ...] = ()
    cover_target_days: float | None = None
    licence_weight: float = 1.0
    weight_return_days: float = 0.0
    weight_returns: bool = True
    pull_forward_days: float = 0.0


@frozen
class IntensityCut:
    """Conservation: cutting a material's input intensity when its cover runs low or it is shocked.

    The fab uses the material at ``factor`` of the normal rate while its cover is at or below
    ``below_cover_days``, and, with ``on_shock``, while one of its sources needs an individual
    licence or is prohibited and its cover is at or below ``shock_cover_days`` (none: from the
    shock itself). A cut lasts at most ``max_days`` at a time (none: as long as its trigger);
    while cutting, the fab loses ``output_loss_fraction`` of its planned output.
    """

    below_cover_days: float
    factor: float
    on_shock: bool = False
    shock_cover_days: float | None = None
    max_days: float | None = None
    output_loss_fraction: float = 0.0


@frozen
class Chipmaker:
    """A plant (a fab or a display line): planned output, inputs, replenishment and responses.

    Plants of one ``company`` stop independently: a stock-out stops only the plant that ran
    out, and the company's output lost is the sum of its plants'.
    """

    id: str
    country: str
    output_units_per_day: float
    value_usd_per_unit: float
    materials: tuple[MaterialUse, ...] = ()
    qualifications: tuple[Qualification, ...] = ()
    review_period_days: float = 7.0
    cover_target_days: float = 30.0
    intensity_cut: IntensityCut | None = None
    patience_days: float | None = None
    """An order still waiting for a licence after this long is cancelled and its quantity
    ordered from suppliers that can ship without one (none: orders wait as long as it takes)."""
    company: str = ""
    """The company this plant belongs to (blank: a company of its own, under the plant's id)."""
    end_use: str = CIVIL
    """Its end-use class (``civil``, ``defence``, ...), which review terms may be keyed by."""
    title: str = ""
    source: str = ""

    @property
    def company_id(self) -> str:
        """The company's id: ``company``, or the plant's own id."""
        return self.company or self.id

    def use_of(self, material: str) -> MaterialUse:
        """How this plant uses ``material``."""
        return next(use for use in self.materials if use.material == material)

    def order_up_to_days(self, use: MaterialUse) -> float:
        """The order-up-to target for one material, in days of planned use."""
        return self.cover_target_days if use.cover_target_days is None else use.cover_target_days


@frozen
class Lane:
    """Transport from one country to another, with its lead time."""

    origin: str
    destination: str
    days: Distribution


@frozen
class ItemReview:
    """How the authority reviews applications for one item (or, by its id, one material grade).

    ``item`` may be ``*`` (every item); ``destinations`` (country codes or ``group:X``) and
    ``end_use`` narrow the entry to those destinations and buyers (none: all).

    Without ``review_days`` a review takes the authority's ``review_days``, and without those
    exactly the standard processing period of the licence kind applied for (90 days for
    Japan's individual licence; 5 or 15 days for Korea's). A channel's applications after its
    first take ``repeat_review_days`` and ``repeat_returned_probability`` where given, else
    the same terms as the first.
    """

    item: str
    review_days: Distribution | None = None
    returned_probability: float = 0.0
    correction_days: Distribution = ZERO_DAYS
    denial_probability: float = 0.0
    repeat_review_days: Distribution | None = None
    repeat_returned_probability: float | None = None
    destinations: tuple[str, ...] = ()
    end_use: str | None = None

    def for_repeat(self) -> ItemReview:
        """The terms of a repeat application: the repeat terms where given, else the first's."""
        returned = self.repeat_returned_probability
        return attrs.evolve(
            self,
            review_days=self.review_days if self.repeat_review_days is None else self.repeat_review_days,
            returned_probability=self.returned_probability if returned is None else returned,
        )


@frozen
class Authority:
    """A licensing authority: examiners working a first-come, first-served review queue.

    ``country`` names the exporting country it licenses (blank: the scenario's regime's).
    """

    examiners: int = 10
    country: str = ""
    review_days: Distribution | None = None
    items: tuple[ItemReview, ...] = ()

    def review(self, material: str, item: str, place: Place | None = None) -> ItemReview:
        """Return the review terms for an application: the most specific entry matching, else the defaults.

        An entry matches by its item key (``material``, its ``item`` or ``*``), end use and
        destinations (:func:`specificity`); the first of equally specific entries wins. Terms
        that leave out ``review_days`` take the authority's.
        """
        best = most_specific(self.items, Place(material, item) if place is None else place)
        if best is None:
            return ItemReview(item=item, review_days=self.review_days)
        return best if best.review_days is not None else attrs.evolve(best, review_days=self.review_days)


@frozen
class TradeFlow:
    """Monthly imports of a trade code that the model does not simulate (other origins, other buyers).

    ``tonnes_per_month`` is a constant baseline from pre-shock data; ``monthly`` overrides
    single months, keyed ``YYYY-MM``.
    """

    trade_code: str
    origin: str
    destination: str
    tonnes_per_month: float
    monthly: dict[str, float] = attrs.field(factory=dict)
    source: str = ""

    def tonnes_in(self, month: str) -> float:
        """Tonnes in the month labelled ``month`` (``YYYY-MM``): its override, else the baseline.

        >>> TradeFlow("2811.11", "CN", "KR", 10.0, {"2019-08": 4.0}).tonnes_in("2019-08")
        4.0
        """
        return self.monthly.get(month, self.tonnes_per_month)


Override = float | int | bool | str  # the file converter's Scalar
"""A value set on a field by a variant or a sweep."""


@frozen
class VariantSpec:
    """A variant declared in a scenario file: another regime and/or fields set by dotted path."""

    name: str
    title: str = ""
    regime: str | None = None
    set: dict[str, Override] = attrs.field(factory=dict)


@frozen
class Scenario:
    """A whole scenario: the world, the rules, the period and the seed.

    ``trade_flows`` are the imports customs count besides the model's own shipments;
    metrics leave out the first ``warm_up_days`` of the run (start-up transients).
    """

    id: str
    start: dt.date
    end: dt.date
    regime: str = "japan"
    seed: int = 0
    replications: int = 1
    title: str = ""
    materials: tuple[Material, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    chipmakers: tuple[Chipmaker, ...] = ()
    lanes: tuple[Lane, ...] = ()
    authority: Authority = Authority()
    export_regimes: tuple[str, ...] = ()
    authorities: tuple[Authority, ...] = ()
    variants: tuple[VariantSpec, ...] = ()
    trade_flows: tuple[TradeFlow, ...] = ()
    warm_up_days: SimDays = 0.0
    source: str = ""

    @property
    def horizon_days(self) -> SimDays:
        """The simulated span in days (the end day included)."""
        return float((self.end - self.start).days + 1)

    def day(self, date: dt.date) -> SimDays:
        """Simulation time of ``date``."""
        return float((date - self.start).days)

    def date(self, time: SimDays) -> dt.date:
        """Calendar date at simulation time ``time``."""
        return self.start + dt.timedelta(days=math.floor(time))

    def material(self, material_id: str) -> Material:
        """Return the material ``material_id``."""
        return next(m for m in self.materials if m.id == material_id)

    def supplier(self, supplier_id: str) -> Supplier:
        """Return the supplier ``supplier_id``."""
        return next(s for s in self.suppliers if s.id == supplier_id)

    def authority_for(self, country: str) -> Authority:
        """The authority licensing exports from ``country`` (the main one unless another is named)."""
        return next((a for a in self.authorities if a.country == country), self.authority)

    def lane(self, origin: str, destination: str) -> Lane:
        """Return the lane between two countries (same-country trade takes a day)."""
        for lane in self.lanes:
            if (lane.origin, lane.destination) == (origin, destination):
                return lane
        return Lane(origin, destination, fixed(1.0))
