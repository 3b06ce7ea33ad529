"""Frozen values of the rules engine: a regime as data, an application, a decision.

A regime is the law as data: destination groups with dated membership, control-list entries,
licence kinds, the catch-all, base rules and dated measures, each carrying its citation.
Nothing here interprets the law; :mod:`simulator.rules.engine` does. Everything is frozen so
that a regime can be shared between decisions, processes and replications without copying,
and what-if regimes are new values made with :func:`attrs.evolve`, never edits in place.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol, TypeVar

from attrs import field, frozen
from attrs.validators import in_, instance_of, matches_re, optional

from simulator.rules.calendar import CALENDAR_CLOCK, WORKING_CLOCK, Calendar, Clock

Action = Literal["grant", "withdraw", "prohibit", "assign", "list", "delist"]
ACTIONS: tuple[Action, ...] = ("grant", "withdraw", "prohibit", "assign", "list", "delist")
LISTING_ACTIONS: tuple[Action, ...] = ("list", "delist")
"""Actions that change an item's tags while their measure is in force (dated control lists)."""
NONE = "none"
PROHIBITED = "prohibited"
OUTCOME_WORDS = (NONE, PROHIBITED)
"""Outcomes that are not licence kinds: no licence kind may take these ids."""
LISTED_TAG = "listed"
Covers = Literal["contract", "shipment", "customer"]
COVERS: tuple[Covers, ...] = ("contract", "shipment", "customer")
"""What one licence of a kind covers: a contract's quantity, one shipment, or one customer."""

_ID = r"^[a-z0-9][a-z0-9-]*$"
_COUNTRY = r"^[A-Z]{2}$"


def tuple_of_str(value: object) -> tuple[str, ...]:
    """Convert a list (or a single value) of names to a tuple of strings."""
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else (str(value),)


@frozen
class Group:
    """A destination group; ``rank`` 1 is the most trusted."""

    id: str
    rank: int
    title: str
    catch_all_exempt: bool = False
    citation: str = ""
    source: str = ""


@frozen
class Membership:
    """Countries in a group on the regime's first day."""

    group: str
    countries: tuple[str, ...] = field(converter=tuple_of_str)
    citation: str = ""
    source: str = ""
    confidence: str = ""


@frozen
class Item:
    """A control-list entry (or a class of unlisted goods) with its legal reference."""

    id: str = field(validator=matches_re(_ID))
    title: str
    tags: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    reference: str = ""
    basis: str = ""
    source: str = ""
    confidence: str = ""

    @property
    def listed(self) -> bool:
        """Whether the item is on the control list (always needs an authorisation)."""
        return LISTED_TAG in self.tags


@frozen
class Attribute:
    """Something about the exporter that the regime's rules test, declared with its citation.

    Licence kinds ``require`` attributes and the catch-all is triggered by one; ``default`` is
    whether the established exporter (of ``exportsim check`` without options) holds it.
    ``holding`` and ``lacking`` are how an explanation says that an exporter does or does not.
    """

    id: str = field(validator=matches_re(_ID))
    title: str
    default: bool
    citation: str
    holding: str = ""
    lacking: str = ""
    source: str = ""
    confidence: str = ""

    def text(self, held: bool) -> str:
        """The explanation's words for an exporter with (``held``) or without it."""
        if held:
            return self.holding or f"the exporter holds: {self.title}"
        return self.lacking or f"the exporter lacks: {self.title}"


@frozen
class LicenceKind:
    """A kind of licence; one with a standard processing period is applied for and reviewed.

    ``covers`` is what one licence of the kind covers: a contract's quantity (``contract``),
    one shipment, used up by it (``shipment``: China's "one batch, one licence"), or every
    shipment to one customer while it is valid (``customer``).
    """

    id: str = field(validator=matches_re(_ID))
    rank: int
    title: str
    validity_days: int
    scope: str = ""
    requires: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    """The exporter attributes an exporter must hold to use it."""
    standard_processing_days: int | None = None
    clock_stops_for_returned_documents: bool = False
    covers: Covers = field(default="contract", validator=in_(COVERS))
    citation: str = ""
    source: str = ""
    confidence: str = ""
    processing_clock: Clock = CALENDAR_CLOCK
    """Whether ``standard_processing_days`` counts calendar days or the regime's working days."""

    @property
    def per_application(self) -> bool:
        """Whether each licence of the kind needs its own application and review."""
        return self.standard_processing_days is not None

    @property
    def in_working_days(self) -> bool:
        """Whether its standard processing period counts working days of the regime's calendar."""
        return self.processing_clock == WORKING_CLOCK


@frozen
class Rule:
    """One rule: grant or withdraw licence kinds, prohibit, assign a group, list or delist.

    ``items`` select by id, by ``@tag`` or ``*``; ``destinations`` by country code,
    ``group:X`` or ``*``. A ``list`` rule adds ``tags`` to the items it names by id, a
    ``delist`` rule removes them, while its measure is in force.
    """

    id: str = field(validator=matches_re(_ID))
    action: Action = field(validator=in_(ACTIONS))
    text: str
    citation: str
    items: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    destinations: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    licences: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    group: str | None = None
    source: str = ""
    tags: tuple[str, ...] = field(default=(), converter=tuple_of_str)


@frozen
class Measure:
    """A dated change to the law: its rules apply from ``effective`` until repealed or ``until``.

    ``announced`` is the day it was made public, if known (on or before ``effective``). The
    law is what is in force, so an announcement changes no decision; firms may act on it.
    ``suspends`` names measures whose rules do not apply while this one is in force.
    """

    id: str = field(validator=matches_re(_ID))
    title: str
    effective: dt.date = field(validator=instance_of(dt.date))
    citation: str
    rules: tuple[Rule, ...] = ()
    repeals: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    until: dt.date | None = None
    source: str = ""
    confidence: str = ""
    announced: dt.date | None = field(default=None, validator=optional(instance_of(dt.date)))
    suspends: tuple[str, ...] = field(default=(), converter=tuple_of_str)


@frozen
class CatchAll:
    """The catch-all: the goods it reaches need a licence when the exporter holds ``trigger``.

    ``trigger`` is the exporter attribute that brings goods under it (Japan's: an end-use
    concern known to the exporter or notified by the authority).
    """

    items: tuple[str, ...] = field(converter=tuple_of_str)
    trigger: str
    text: str
    citation: str
    source: str = ""


@frozen(cache_hash=True)  # regimes key the engine's caches: hash once, not per lookup
class Regime:
    """A whole export-control regime: the law of one country as dated, cited data."""

    id: str = field(validator=matches_re(_ID))
    title: str
    country: str = field(validator=matches_re(_COUNTRY))
    valid_from: dt.date
    default_group: str
    groups: tuple[Group, ...] = ()
    items: tuple[Item, ...] = ()
    licences: tuple[LicenceKind, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    members: tuple[Membership, ...] = ()
    rules: tuple[Rule, ...] = ()
    measures: tuple[Measure, ...] = ()
    catch_all: CatchAll | None = None
    authority: str = ""
    citation: str = ""
    source: str = ""
    reviewed_through: dt.date | None = None
    derived_from: str | None = None
    calendar: Calendar | None = None
    """Its working days (weekends, public holidays, make-up days), for periods in working days."""

    def item(self, item_id: str) -> Item:
        """Return the control-list entry ``item_id``; raise ``KeyError`` if absent."""
        return _find(self.items, item_id)

    def has_item(self, item_id: str) -> bool:
        """Whether the regime lists an item (or catch-all class) with this id."""
        return any(i.id == item_id for i in self.items)

    def licence(self, licence_id: str) -> LicenceKind:
        """Return the licence kind ``licence_id``; raise ``KeyError`` if absent."""
        return _find(self.licences, licence_id)

    def attribute(self, attribute_id: str) -> Attribute:
        """Return the exporter attribute ``attribute_id``; raise ``KeyError`` if absent."""
        return _find(self.attributes, attribute_id)

    @property
    def established(self) -> frozenset[str]:
        """The attributes the established exporter holds: those declared with ``default = true``."""
        return frozenset(a.id for a in self.attributes if a.default)

    def group(self, group_id: str) -> Group:
        """Return the destination group ``group_id``; raise ``KeyError`` if absent."""
        return _find(self.groups, group_id)

    def measure(self, measure_id: str) -> Measure:
        """Return the measure ``measure_id``; raise ``KeyError`` if absent."""
        return _find(self.measures, measure_id)

    def measure_of_rule(self, rule_id: str) -> Measure | None:
        """Return the measure holding rule ``rule_id`` (None for a base rule or an unknown id)."""
        return next((m for m in self.measures if any(r.id == rule_id for r in m.rules)), None)

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Every possible outcome, least burdensome first."""
        kinds = sorted(self.licences, key=lambda k: k.rank)
        return (NONE, *(k.id for k in kinds), PROHIBITED)


class HasId(Protocol):
    """Anything with an ``id``: groups, items, licence kinds, measures, rules."""

    @property
    def id(self) -> str:
        """The stable id."""


_T = TypeVar("_T", bound=HasId)


def _find(values: tuple[_T, ...], key: str) -> _T:
    for value in values:
        if value.id == key:
            return value
    raise KeyError(key)


@frozen
class ExporterProfile:
    """What the rules need to know about the exporter: the attributes it holds.

    ``attributes`` of ``None`` means the established exporter of the regime asked (each
    attribute at its declared ``default``); a set names exactly the attributes held, and any
    the regime does not declare are ignored (one profile may go to several regimes).
    ``bulk_licences`` of ``None`` means the exporter may use any bulk licence it qualifies
    for; a set limits it to those held.
    """

    attributes: frozenset[str] | None = None
    bulk_licences: frozenset[str] | None = None

    def held(self, regime: Regime) -> frozenset[str]:
        """The attributes held, as ``regime`` reads them."""
        return regime.established if self.attributes is None else self.attributes

    def qualifies(self, regime: Regime, kind: LicenceKind) -> bool:
        """Whether this exporter may use licence kind ``kind`` of ``regime``."""
        held = self.bulk_licences
        if not kind.per_application and held is not None and kind.id not in held:
            return False
        return self.held(regime).issuperset(kind.requires)


@frozen
class Clearance:
    """How an export may leave, typed once per outcome so that callers never compare strings.

    One of four: it needs nothing (``kind`` None), a bulk licence the exporter holds covers
    it, it needs an application for an individual licence of ``kind``, or it is prohibited.

    >>> Clearance.of("prohibited", None).prohibited
    True
    """

    outcome: str
    """The decision's outcome as records name it: ``none``, a licence kind's id, ``prohibited``."""
    kind: LicenceKind | None
    needs_application: bool
    prohibited: bool
    restricted: bool
    """Whether it needs an application or is prohibited: the export cannot simply leave."""

    @classmethod
    def of(cls, outcome: str, kind: LicenceKind | None) -> Clearance:
        """The clearance of an outcome, given the licence kind it names (None for the others)."""
        needs = kind is not None and kind.per_application
        banned = outcome == PROHIBITED
        return cls(outcome, kind, needs_application=needs, prohibited=banned, restricted=needs or banned)


@frozen
class Application:
    """A question to the rules: may ``item`` go to ``destination`` on ``on``, for this exporter?"""

    item: str
    destination: str = field(validator=matches_re(_COUNTRY))
    on: dt.date = field(validator=instance_of(dt.date))
    exporter: ExporterProfile = ExporterProfile()


@frozen
class Reason:
    """One rule considered in a decision: its id, its text and its legal citation."""

    rule: str
    text: str
    citation: str


@frozen
class Decision:
    """The answer to an :class:`Application`, with the reasons that led to it."""

    item: str
    destination: str
    on: dt.date
    licence: str
    standard_processing_days: int | None
    validity_days: int | None
    explanation: tuple[Reason, ...]
    regime: str
    processing_clock: Clock = CALENDAR_CLOCK
    """Whether ``standard_processing_days`` counts calendar or working days."""
    standard_period_ends: dt.date | None = None
    """The day the standard period ends for an application filed on ``on`` (None if unknown)."""
    standard_period: str = ""
    """The standard period in words, its clock named: "90 days", "45 working days (China's calendar)"."""

    @property
    def needs_review(self) -> bool:
        """Whether the shipment waits for a review of an application."""
        return self.standard_processing_days is not None


@frozen
class Interval:
    """A stretch of dates over which a decision stays the same (``until`` inclusive)."""

    start: dt.date
    until: dt.date | None
    licence: str
    measure: str | None
