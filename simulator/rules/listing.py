"""Dated control lists: the tags an item carries on a day, and how an explanation says so.

An item's tags in ``[[items]]`` are those it has on the regime's first day. ``list`` and
``delist`` rules of measures add and remove tags (``listed`` above all) while their measure is
in force, applied in legal order; when the measure ends, is repealed or is suspended, the item's
tags are again what the other measures in force make them. So an item declared with
``tags = []`` is simply not listed before the measure that lists it, and an explanation says
from when and by which measure it is.

The engine reads every rule against the item *as on the day* (:func:`item_on`), so tag
selectors (``@listed``), the classification and the catch-all all follow the dated list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import attrs

from simulator.rules.inforce import Period, in_force, in_force_since, period_of, periods, suspended_by
from simulator.rules.values import LISTED_TAG, LISTING_ACTIONS, Item, Measure, Reason, Regime, Rule


def item_on(regime: Regime, item: Item, day: dt.date) -> Item:
    """Return ``item`` with the tags it carries on ``day``."""
    return tagged(item, in_force(regime, day))


def tagged(item: Item, measures: Iterable[Measure]) -> Item:
    """Return ``item`` with the tags the ``list``/``delist`` rules of ``measures`` (in order) give it.

    >>> from simulator.rules.values import Rule
    >>> rule = Rule("r", "list", "Listed.", "c", items=["tb"], tags=["listed"])
    >>> measure = Measure("m", "M", dt.date(2025, 4, 4), "c", rules=(rule,))
    >>> tagged(Item("tb", "Terbium"), [measure]).listed
    True
    """
    tags = list(item.tags)
    for rule in _listing_rules(item, measures):
        if rule.action == "list":
            tags += [t for t in rule.tags if t not in tags]
        else:
            tags = [t for t in tags if t not in rule.tags]
    return item if tuple(tags) == item.tags else attrs.evolve(item, tags=tags)


def _listing_rules(item: Item, measures: Iterable[Measure]) -> Iterator[Rule]:
    for measure in measures:
        yield from (r for r in measure.rules if r.action in LISTING_ACTIONS and item.id in r.items)


def listing_reasons(regime: Regime, item: Item, day: dt.date) -> list[Reason]:
    """Why ``item`` carries (or lacks) the tags it has on ``day``: the measures in force, and those suspended.

    One reason per ``list``/``delist`` rule in force naming the item, saying from when and by
    which measure; then one per suspended measure that would list, delist or otherwise reach
    the item, saying which measure suspends it and until when.
    """
    reasons = []
    for measure in in_force(regime, day):
        for rule in _listing_rules(item, (measure,)):
            since = in_force_since(regime, measure, day)
            text = f"{item.id} {_change(rule)} from {since} by {measure.id}. {rule.text}"
            reasons.append(Reason(rule.id, text, rule.citation))
    return reasons + list(_suspension_reasons(regime, item, day))


def _change(rule: Rule) -> str:
    listed = LISTED_TAG in rule.tags
    others = [t for t in rule.tags if t != LISTED_TAG]
    words = []
    if listed:
        words.append("is listed" if rule.action == "list" else "is removed from the control list")
    if others:
        verb = "is tagged" if rule.action == "list" else "loses the tags"
        words.append(f"{verb} {', '.join(others)}")
    return " and ".join(words)


def _suspension_reasons(regime: Regime, item: Item, day: dt.date) -> Iterator[Reason]:
    ours = {m.id for m in in_force(regime, day)}
    for period in (p for p in _not_ended(regime, day) if p.measure.id not in ours):
        suspender = suspended_by(regime, period.measure.id, day)
        if suspender is None or not _reaches(period.measure, item):
            continue
        text = suspension_text(regime, period.measure, suspender)
        yield Reason(period.measure.id, text, suspender.citation)


def _not_ended(regime: Regime, day: dt.date) -> list[Period]:
    """Periods covering ``day`` or starting after it: the measures a suspension can hold back."""
    return [p for p in periods(regime) if p.end is None or day < p.end]


def _reaches(measure: Measure, item: Item) -> bool:
    """Whether a rule of ``measure`` names ``item`` by id, by one of its tags on the day, or by ``*``."""
    selectors = {s for r in measure.rules for s in r.items}
    return bool(selectors & {"*", item.id, *(f"@{t}" for t in item.tags)})


def suspension_text(regime: Regime, measure: Measure, suspender: Measure) -> str:
    """The sentence saying that ``suspender`` suspends ``measure``: from when, until when."""
    until = period_of(regime, suspender.id).end
    stretch = f"until {until - dt.timedelta(days=1)}" if until else "with no end date"
    due = "due to take effect" if measure.effective > suspender.effective else "in force"
    return (
        f"Measure {measure.id} ({measure.title}), {due} from {measure.effective}, is suspended by "
        f"{suspender.id} from {suspender.effective} {stretch}; its rules do not apply."
    )


def suspension_notes(regime: Regime, item: Item) -> list[str]:
    """Every suspension, over the regime's span, of a measure whose rules name ``item``.

    For a timeline: a suspension that held a measure back may change no decision shown, so it
    is said apart. A rule names the item by id, by ``*`` or by a tag the item ever carries.
    """
    ever = _ever_tagged(regime, item)
    return [
        suspension_text(regime, measure, suspender)
        for suspender in regime.measures
        for measure in (
            regime.measure(s) for s in suspender.suspends if any(m.id == s for m in regime.measures)
        )
        if _reaches(measure, ever)
    ]


def _ever_tagged(regime: Regime, item: Item) -> Item:
    """``item`` with every tag some measure's ``list`` rule may give it."""
    rules = [r for m in regime.measures for r in m.rules if r.action == "list" and item.id in r.items]
    return attrs.evolve(item, tags=list(dict.fromkeys([*item.tags, *(t for r in rules for t in r.tags)])))
