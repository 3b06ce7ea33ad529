"""Checking a regime's completeness, as decision-table tools check their tables.

For every item, destination (each named country and a generic member of each group) and
exporter profile, over every interval of the regime's dates, exactly one outcome must apply:

* a *gap* is a case where a licence is needed but no rule gives this exporter a route;
* an *overlap* is a pair of rules that take effect on the same day and contradict each other
  on the same case (one grants what the other withdraws, one lists what the other delists,
  or they assign a country to two groups), so that the outcome would depend on the order
  they happen to be written in.

Rules on different days, or base rules, never overlap in this sense: later law prevails.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import attrs

from simulator.rules.engine import (
    GAP,
    assess,
    boundaries,
    group_on,
    named_countries,
    outcome,
    selects_destination,
    selects_item,
    triggers_catch_all,
    usable_kinds,
)
from simulator.rules.exporters import every_profile
from simulator.rules.inforce import periods
from simulator.rules.listing import item_on
from simulator.rules.values import ExporterProfile, Item, Regime, Rule


@attrs.frozen
class Finding:
    """One defect of a regime: a gap or an overlap, where and when, and the rules involved."""

    kind: str
    item: str
    destination: str
    on: dt.date
    rules: tuple[str, ...]
    message: str


def check_regime(regime: Regime) -> tuple[Finding, ...]:
    """Return every gap and overlap in ``regime``; an empty tuple means it is complete."""
    return (*_gaps(regime), *_overlaps(regime))


def destinations(regime: Regime) -> tuple[tuple[str | None, str], ...]:
    """Every destination worth checking: (country, label) for named countries and groups."""
    return (
        *((c, c) for c in named_countries(regime)),
        *((None, f"group:{g.id}") for g in regime.groups),
    )


def profiles(regime: Regime) -> Iterator[tuple[bool, frozenset[str], str]]:
    """Yield (catch-all triggered, usable licence kinds, label) for every exporter profile.

    Every combination of the regime's declared attributes: 2^attributes profiles.
    """
    for held, label in every_profile(regime):
        exporter = ExporterProfile(held)
        yield triggers_catch_all(regime, exporter), usable_kinds(regime, exporter), label


def _gaps(regime: Regime) -> Iterator[Finding]:
    for item in regime.items:
        for country, label in destinations(regime):
            yield from _gaps_for(regime, item, country, label)


def _gaps_for(regime: Regime, item: Item, country: str | None, label: str) -> Iterator[Finding]:
    reported: set[str] = set()
    for day, _ in boundaries(regime):
        group = None if country else regime.group(label.removeprefix("group:"))
        found = assess(regime, item, country, day, group)
        for concern, usable, who in profiles(regime):
            if who in reported or outcome(regime, found, concern, usable) != GAP:
                continue
            reported.add(who)
            rules = tuple(r.id for r in found.applied)
            message = f"{item.id} to {label} from {day}: no authorisation route for an exporter with {who}"
            yield Finding("gap", item.id, label, day, rules, message)


def _overlaps(regime: Regime) -> Iterator[Finding]:
    by_day: dict[dt.date, list[Rule]] = {}
    for period in periods(regime):
        by_day.setdefault(period.start, []).extend(period.measure.rules)
    for day, rules in by_day.items():
        for first, second in itertools.combinations(rules, 2):
            yield from _contradiction(regime, day, first, second)


def _contradiction(regime: Regime, day: dt.date, first: Rule, second: Rule) -> Iterator[Finding]:
    if {first.action, second.action} == {"grant", "withdraw"}:
        licences = set(first.licences) & set(second.licences)
        if licences:
            yield from _shared_cases(regime, day, first, second, f"grant and withdraw {sorted(licences)}")
    if {first.action, second.action} == {"list", "delist"}:
        yield from _listing_contradiction(day, first, second)
    if first.action == second.action == "assign" and first.group != second.group:
        for country in set(first.destinations) & set(second.destinations):
            message = f"{country} assigned to groups {first.group} and {second.group} on {day}"
            yield Finding("overlap", "*", country, day, (first.id, second.id), message)


def _listing_contradiction(day: dt.date, first: Rule, second: Rule) -> Iterator[Finding]:
    tags = sorted(set(first.tags) & set(second.tags))
    for item_id in sorted(set(first.items) & set(second.items)) if tags else ():
        message = f"{item_id} on {day}: rules {first.id} and {second.id} list and delist {tags}"
        yield Finding("overlap", item_id, "*", day, (first.id, second.id), message)


def _shared_cases(regime: Regime, day: dt.date, first: Rule, second: Rule, what: str) -> Iterator[Finding]:
    for item in regime.items:
        for country, label in destinations(regime):
            if _reaches(regime, first, item, country, label, day) and _reaches(
                regime, second, item, country, label, day
            ):
                message = f"{item.id} to {label} on {day}: rules {first.id} and {second.id} {what}"
                yield Finding("overlap", item.id, label, day, (first.id, second.id), message)


def _reaches(regime: Regime, rule: Rule, item: Item, country: str | None, label: str, day: dt.date) -> bool:
    group = group_on(regime, country, day)[0] if country else regime.group(label.removeprefix("group:"))
    return selects_item(rule.items, item_on(regime, item, day)) and selects_destination(
        rule.destinations, country, group
    )
