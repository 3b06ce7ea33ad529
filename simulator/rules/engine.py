"""Deciding an application under a regime, and explaining why, citing the law.

This is the reference reading of a regime: straightforward and explainable, applying the
rules in their legal order on the day asked. :mod:`simulator.rules.compiled` turns the same
reading into lookup tables for speed, and the tests hold the two to the same answers.

The order of rules: base rules in file order, then the rules of the measures in force on the
day, by effective date and then file order. ``grant`` makes licence kinds available,
``withdraw`` removes them, ``prohibit`` bans the export whatever else applies, and ``assign``
moves a country to another destination group. The decision is the least burdensome
authorisation the exporter qualifies for. Measures in force, less those suspended, come from
:mod:`simulator.rules.inforce`; the item is read with the tags its dated listings give it on
the day (:mod:`simulator.rules.listing`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import attrs

from simulator.errors import RuleError, UnknownNameError
from simulator.rules import inforce
from simulator.rules.inforce import in_force
from simulator.rules.listing import item_on, listing_reasons
from simulator.rules.periods import known_period_end, period_end_words, period_words
from simulator.rules.values import (
    NONE,
    PROHIBITED,
    Application,
    Decision,
    ExporterProfile,
    Group,
    Interval,
    Item,
    LicenceKind,
    Reason,
    Regime,
    Rule,
)

GAP = "gap"
"""Outcome code for a listed good that no rule gives a route to (a defect of the regime)."""

_DAY = dt.timedelta(days=1)
_LICENSING = ("grant", "withdraw", "prohibit")


@attrs.frozen
class Assessment:
    """What the rules say about an item and destination on a day, before the exporter.

    ``item`` is the item as on the day: with the tags dated listings give it.
    """

    item: Item
    group: Group
    group_reason: Reason
    prohibition: Rule | None
    available: frozenset[str]
    applied: tuple[Rule, ...]
    passed_over: tuple[Rule, ...] = ()


def boundaries(regime: Regime) -> tuple[tuple[dt.date, str | None], ...]:
    """Return the days the law may change, each with the measure that changes it (see :mod:`.inforce`)."""
    return inforce.boundaries(regime)


@functools.lru_cache(maxsize=64)
def _base_groups(regime: Regime) -> dict[str, tuple[str, Reason]]:
    groups: dict[str, tuple[str, Reason]] = {}
    for entry in regime.members:
        reason = Reason(f"group:{entry.group}", regime.group(entry.group).title, entry.citation)
        groups.update((c, (entry.group, reason)) for c in entry.countries)
    return groups


def group_on(regime: Regime, country: str, day: dt.date) -> tuple[Group, Reason]:
    """Return the destination group of ``country`` on ``day`` and the rule that put it there."""
    default = regime.group(regime.default_group)
    fallback = (default.id, Reason(f"group:{default.id}", default.title, default.citation))
    group_id, reason = _base_groups(regime).get(country, fallback)
    for measure in in_force(regime, day):
        for rule in measure.rules:
            if rule.action == "assign" and _selects_country(rule.destinations, country):
                group_id, reason = rule.group or group_id, Reason(rule.id, rule.text, rule.citation)
    return regime.group(group_id), reason


def named_countries(regime: Regime) -> tuple[str, ...]:
    """Return the countries some rule names: the only ones that may differ from their group."""
    rules = (*regime.rules, *(r for m in regime.measures for r in m.rules))
    return tuple(sorted({d for r in rules for d in r.destinations if len(d) == 2 and d.isupper()}))


def _selects_country(selectors: Iterable[str], country: str) -> bool:
    return any(s in ("*", country) for s in selectors)


def selects_item(selectors: Iterable[str], item: Item) -> bool:
    """Whether item selectors (``*``, an id, or ``@tag``) pick ``item``."""
    return any(s in ("*", item.id) or (s[:1] == "@" and s[1:] in item.tags) for s in selectors)


def selects_destination(selectors: Iterable[str], country: str | None, group: Group) -> bool:
    """Whether destination selectors (``*``, a country, ``group:X``) pick the destination."""
    return any(s in ("*", country, f"group:{group.id}") for s in selectors)


def assess(
    regime: Regime, item: Item, country: str | None, day: dt.date, group: Group | None = None
) -> Assessment:
    """Apply the rules in force on ``day`` to ``item`` bound for ``country``.

    ``country`` may be ``None`` with a ``group`` given: a generic member of that group, which
    country-specific rules do not reach.
    """
    if group is None:
        group, group_reason = group_on(regime, country or "", day)
    else:
        group_reason = Reason(f"group:{group.id}", group.title, group.citation)
    item = item_on(regime, item, day)
    rules = (*regime.rules, *(r for m in in_force(regime, day) for r in m.rules))
    for_item = [r for r in rules if r.action in _LICENSING and selects_item(r.items, item)]
    applied = tuple(r for r in for_item if selects_destination(r.destinations, country, group))
    passed_over = tuple(r for r in for_item if r not in applied)
    prohibition, available = _prohibition(applied), _available(applied)
    return Assessment(item, group, group_reason, prohibition, available, applied, passed_over)


def _prohibition(applied: Iterable[Rule]) -> Rule | None:
    return next((r for r in applied if r.action == "prohibit"), None)


def _available(applied: Iterable[Rule]) -> frozenset[str]:
    available: set[str] = set()
    for rule in applied:
        if rule.action == "grant":
            available.update(rule.licences)
        elif rule.action == "withdraw":
            available.difference_update(rule.licences)
    return frozenset(available)


def needs_licence(regime: Regime, item: Item, group: Group, triggered: bool) -> bool:
    """Whether any authorisation is needed: listed goods always, others under the catch-all.

    ``triggered``: whether the exporter holds the attribute that triggers the catch-all.
    """
    if item.listed:
        return True
    catch_all = regime.catch_all
    caught = catch_all is not None and selects_item(catch_all.items, item)
    return caught and triggered and not group.catch_all_exempt


def triggers_catch_all(regime: Regime, exporter: ExporterProfile) -> bool:
    """Whether the exporter holds the attribute that brings goods under the catch-all."""
    catch_all = regime.catch_all
    return catch_all is not None and catch_all.trigger in exporter.held(regime)


def outcome(regime: Regime, found: Assessment, triggered: bool, usable: frozenset[str]) -> str:
    """Return the outcome id: ``prohibited``, ``none``, a licence kind, or :data:`GAP`.

    ``triggered`` is :func:`triggers_catch_all` and ``usable`` :func:`usable_kinds` of the exporter;
    the item is ``found.item``, as on the day assessed.
    """
    if found.prohibition is not None:
        return PROHIBITED
    if not needs_licence(regime, found.item, found.group, triggered):
        return NONE
    routes = [k for k in ranked(regime) if k.id in found.available and k.id in usable]
    return routes[0].id if routes else GAP


def ranked(regime: Regime) -> tuple[LicenceKind, ...]:
    """Return the licence kinds, least burdensome first."""
    return tuple(sorted(regime.licences, key=lambda k: k.rank))


def usable_kinds(regime: Regime, exporter: ExporterProfile) -> frozenset[str]:
    """Return the licence kinds this exporter may use."""
    return frozenset(k.id for k in regime.licences if exporter.qualifies(regime, k))


def lookup_item(regime: Regime, item_id: str) -> Item:
    """Return the regime's item ``item_id`` or raise :class:`UnknownNameError`."""
    if not regime.has_item(item_id):
        raise UnknownNameError("item", item_id, (i.id for i in regime.items))
    return regime.item(item_id)


def check_date(regime: Regime, day: dt.date) -> None:
    """Raise :class:`RuleError` for a day before the regime's first day."""
    if day < regime.valid_from:
        raise RuleError(f"{day} is before regime {regime.id!r} begins on {regime.valid_from}")


def decide(regime: Regime, application: Application) -> Decision:
    """Decide an application and explain the decision.

    Args:
        regime: the law to apply.
        application: item, destination, date and exporter profile.

    Returns:
        The least burdensome authorisation the exporter may ship under, with the standard
        processing period where a review is needed, the validity, and the reasons in order.

    Raises:
        UnknownNameError: the item is not in the regime.
        RuleError: the date precedes the regime, or no rule gives the item a route.
    """
    item = lookup_item(regime, application.item)
    check_date(regime, application.on)
    found = assess(regime, item, application.destination, application.on)
    exporter = application.exporter
    triggered = triggers_catch_all(regime, exporter)
    result = outcome(regime, found, triggered, usable_kinds(regime, exporter))
    if result == GAP:
        raise RuleError(_gap_message(item, application))
    kind = regime.licence(result) if result not in (NONE, PROHIBITED) else None
    return Decision(
        item=item.id,
        destination=application.destination,
        on=application.on,
        licence=result,
        standard_processing_days=kind.standard_processing_days if kind else None,
        validity_days=kind.validity_days if kind else None,
        explanation=tuple(_explain(regime, application, found, result)),
        regime=regime.id,
        processing_clock=kind.processing_clock if kind else "calendar",
        standard_period_ends=known_period_end(regime, kind, application.on) if kind else None,
        standard_period=period_words(regime, kind) if kind and kind.per_application else "",
    )


def _gap_message(item: Item, application: Application) -> str:
    return (
        f"regime gives no authorisation route for {item.id} to {application.destination} "
        f"on {application.on} for this exporter; run 'exportsim regime check'"
    )


def _explain(regime: Regime, application: Application, found: Assessment, result: str) -> list[Reason]:
    destination = application.destination
    group_text = f"{destination} is in {found.group.title} on {application.on}."
    group_text += announcement_note(regime, found.group_reason.rule)
    item = found.item
    reasons = [
        _classification(regime, item),
        *listing_reasons(regime, item, application.on),
        Reason(found.group_reason.rule, group_text, found.group_reason.citation),
    ]
    if found.prohibition is not None:
        return [*reasons, _rule_reason(regime, found.prohibition)]
    catch_all = _catch_all_reason(regime, item, found.group, application.exporter)
    reasons += [catch_all] if catch_all else []
    if result == NONE:
        return reasons
    reasons += [_rule_reason(regime, r) for r in found.applied]
    reasons += [_passed_over(regime, r, destination) for r in found.passed_over]
    reasons += _qualification_reasons(regime, found.available, application.exporter)
    return [*reasons, _conclusion(regime, regime.licence(result), application.on)]


def _rule_reason(regime: Regime, rule: Rule) -> Reason:
    return Reason(rule.id, rule.text + announcement_note(regime, rule.id), rule.citation)


def _passed_over(regime: Regime, rule: Rule, destination: str) -> Reason:
    reach = ", ".join(rule.destinations)
    text = f"Does not apply: its destinations ({reach}) do not include {destination}. {rule.text}"
    return Reason(rule.id, text + announcement_note(regime, rule.id), rule.citation)


def announcement_note(regime: Regime, rule_id: str) -> str:
    """A sentence saying when the measure holding rule ``rule_id`` was announced ("" if not known)."""
    measure = regime.measure_of_rule(rule_id)
    if measure is None or measure.announced is None:
        return ""
    return (
        f" Measure {measure.id} was announced on {measure.announced} and took effect on {measure.effective}."
    )


def _classification(regime: Regime, item: Item) -> Reason:
    if item.listed:
        text = f"{item.title}: on the control list ({item.basis}); its export needs a licence."
    elif regime.catch_all and selects_item(regime.catch_all.items, item):
        text = f"{item.title}: not on the control list; only the catch-all can reach it."
    else:
        text = f"{item.title}: outside both the control list and the catch-all."
    return Reason(item.id, text, item.reference)


def _catch_all_reason(regime: Regime, item: Item, group: Group, exporter: ExporterProfile) -> Reason | None:
    catch_all = regime.catch_all
    if item.listed or catch_all is None or not selects_item(catch_all.items, item):
        return None
    trigger = regime.attribute(catch_all.trigger)
    if group.catch_all_exempt:
        verdict = f"Not applied: {group.title} is exempt."
    elif triggers_catch_all(regime, exporter):
        verdict = f"Applied: {trigger.text(held=True)}."
    else:
        verdict = f"Not applied: {trigger.text(held=False)}."
    return Reason("catch-all", f"{catch_all.text} {verdict}", catch_all.citation)


def _qualification_reasons(
    regime: Regime, available: frozenset[str], exporter: ExporterProfile
) -> list[Reason]:
    reasons = []
    for kind in ranked(regime):
        if kind.id in available and not exporter.qualifies(regime, kind):
            missing = _missing_qualification(regime, kind, exporter)
            text = f"{kind.title} is available but not to this exporter: {missing}."
            reasons.append(Reason(kind.id, text, kind.citation))
    return reasons


def _missing_qualification(regime: Regime, kind: LicenceKind, exporter: ExporterProfile) -> str:
    held = exporter.held(regime)
    lacking = [regime.attribute(q).text(held=False) for q in kind.requires if q not in held]
    return "; ".join(lacking) or "it does not hold this licence"


def _conclusion(regime: Regime, kind: LicenceKind, on: dt.date) -> Reason:
    text = f"Least burdensome authorisation available: {kind.title}, valid {kind.validity_days} days"
    if kind.standard_processing_days is not None:
        text += f"; standard processing period {period_words(regime, kind)} from receipt"
        if kind.clock_stops_for_returned_documents:
            text += " (time spent correcting returned documents does not count)"
        text += period_end_words(regime, kind, on) if kind.in_working_days else ""
    return Reason(kind.id, text + ".", kind.citation)


def timeline(
    regime: Regime, item_id: str, destination: str, exporter: ExporterProfile
) -> tuple[Interval, ...]:
    """Return the date intervals over which the decision stays the same.

    Adjacent intervals with the same outcome are merged; each names the measure that starts
    it (``None`` for the regime's first day). The last interval is open (``until`` is None).
    """
    item = lookup_item(regime, item_id)
    usable, triggered = usable_kinds(regime, exporter), triggers_catch_all(regime, exporter)
    intervals: list[Interval] = []
    for day, measure in boundaries(regime):
        found = assess(regime, item, destination, day)
        result = outcome(regime, found, triggered, usable)
        if intervals and intervals[-1].licence == result:
            continue
        if intervals:
            intervals[-1] = attrs.evolve(intervals[-1], until=day - _DAY)
        intervals.append(Interval(day, None, result, measure))
    return tuple(intervals)


def announced_on(regime: Regime, measure_id: str | None, day: dt.date) -> dt.date | None:
    """When measure ``measure_id``, changing the law on ``day``, was announced: a start only, not an end."""
    measure = regime.measure(measure_id) if measure_id else None
    return measure.announced if measure is not None and measure.effective == day else None
