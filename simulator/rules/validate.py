"""What a regime must mean to be decidable: references resolve, ids are unique, dates order.

Structure (types, unknown keys) is checked where files are read; this module checks meaning,
and reports every problem with its field path so that a user fixes a file in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from simulator.errors import Problem
from simulator.rules.derive import RegimeChanges
from simulator.rules.periods import clock_problems
from simulator.rules.values import LISTING_ACTIONS, OUTCOME_WORDS, LicenceKind, Measure, Regime, Rule

_SPECIAL_DESTINATIONS = ("*",)


def regime_problems(regime: Regime) -> list[Problem]:
    """Return every problem of meaning in ``regime`` (an empty list when it is sound)."""
    return [
        *_duplicates(regime),
        *_group_problems(regime),
        *_rule_list_problems(regime, regime.rules, "rules"),
        *_base_listing_problems(regime.rules, "rules"),
        *_measure_problems(regime, regime.measures),
        *_catch_all_problems(regime),
        *_requirement_problems(regime, regime.licences),
        *clock_problems(regime, regime.licences),
        *_licence_day_problems(regime.licences),
        *_span_problems(regime),
    ]


def derived_problems(regime: Regime, base: Regime, changes: RegimeChanges) -> list[Problem]:
    """Return the problems of a derived regime, at the field paths of the derivation's own file.

    The base is already sound, so only what the derivation adds or changes is checked.
    """
    return [
        *_removal_problems(base, changes),
        *_duplicates(regime),
        *_group_problems(regime),
        *_rule_list_problems(regime, changes.rules, "rules"),
        *_base_listing_problems(changes.rules, "rules"),
        *_measure_problems(regime, changes.measures),
        *_requirement_problems(regime, changes.licences),
        *clock_problems(regime, changes.licences),
        *_licence_day_problems(changes.licences),
        *_changes_duplicates(changes),
    ]


def _changes_duplicates(changes: RegimeChanges) -> Iterator[Problem]:
    """Two parts of one id in a derived file: the merge would keep only the last, silently."""
    for name in ("measures", "rules", "licences", "attributes", "groups", "items"):
        ids = [part.id for part in getattr(changes, name)]
        for value, count in Counter(ids).items():
            if count > 1:
                yield Problem(name, f"expected unique values, {value!r} appears {count} times")


def _licence_day_problems(licences: tuple[LicenceKind, ...]) -> Iterator[Problem]:
    for n, kind in enumerate(licences):
        if not kind.validity_days >= 1:
            yield Problem(
                f"licences[{n}].validity_days", f"expected a whole number >= 1, got {kind.validity_days}"
            )
        days = kind.standard_processing_days
        if days is not None and not days >= 0:
            yield Problem(
                f"licences[{n}].standard_processing_days", f"expected a whole number >= 0, got {days}"
            )


def _span_problems(regime: Regime) -> Iterator[Problem]:
    if regime.reviewed_through is not None and regime.reviewed_through < regime.valid_from:
        expected = f"expected a date on or after valid_from ({regime.valid_from})"
        yield Problem("regime.reviewed_through", f"{expected}, got {regime.reviewed_through}")


def _removal_problems(base: Regime, changes: RegimeChanges) -> Iterator[Problem]:
    measures = {m.id for m in base.measures}
    rules = {r.id for r in base.rules}
    for measure_id in changes.remove_measures:
        if measure_id not in measures:
            yield Problem("regime.remove_measures", _one_of(measure_id, measures))
    for rule_id in changes.remove_rules:
        if rule_id not in rules:
            yield Problem("regime.remove_rules", _one_of(rule_id, rules))


def _duplicates(regime: Regime) -> Iterator[Problem]:
    for name in ("groups", "items", "licences"):
        if not getattr(regime, name):
            yield Problem(name, f"expected at least one entry in [[{name}]]")
    named = {
        "groups": [g.id for g in regime.groups],
        "items": [i.id for i in regime.items],
        "licences": [k.id for k in regime.licences],
        "attributes": [a.id for a in regime.attributes],
        "measures": [m.id for m in regime.measures],
        "rules": [r.id for r in _all_rules(regime)],
        "licences.rank": [str(k.rank) for k in regime.licences],
        "groups.rank": [str(g.rank) for g in regime.groups],
    }
    for n, kind in enumerate(regime.licences):
        if kind.id in OUTCOME_WORDS:
            yield Problem(
                f"licences[{n}].id",
                f"expected an id other than {' and '.join(OUTCOME_WORDS)}, which name outcomes",
            )
    for path, ids in named.items():
        for value, count in Counter(ids).items():
            if count > 1:
                yield Problem(path, f"expected unique values, {value!r} appears {count} times")


def _all_rules(regime: Regime) -> Iterator[Rule]:
    yield from regime.rules
    for measure in regime.measures:
        yield from measure.rules


def _group_problems(regime: Regime) -> Iterator[Problem]:
    groups = {g.id for g in regime.groups}
    if regime.default_group not in groups:
        yield Problem("regime.default_group", _one_of(regime.default_group, groups))
    seen: dict[str, str] = {}
    for n, entry in enumerate(regime.members):
        if entry.group not in groups:
            yield Problem(f"members[{n}].group", _one_of(entry.group, groups))
        for country in entry.countries:
            if not (len(country) == 2 and country.isupper()):
                yield Problem(f"members[{n}].countries", f"expected ISO alpha-2 codes, got {country!r}")
            elif country in seen:
                yield Problem(f"members[{n}].countries", f"{country} is already in group {seen[country]}")
            seen[country] = entry.group


def _one_of(value: str, known: set[str] | tuple[str, ...]) -> str:
    return f"expected one of {', '.join(sorted(known))}; got {value!r}"


def _measure_problems(regime: Regime, measures: tuple[Measure, ...]) -> Iterator[Problem]:
    effective = {m.id: m.effective for m in regime.measures}
    for n, measure in enumerate(measures):
        path = f"measures[{n}]"
        yield from _measure_dates(regime, measure, path)
        for repealed in measure.repeals:
            if repealed not in effective:
                yield Problem(f"{path}.repeals", _one_of(repealed, tuple(effective)))
            elif effective[repealed] >= measure.effective:
                yield Problem(f"{path}.repeals", f"can only repeal an earlier measure; {repealed} is not")
        yield from _rule_list_problems(regime, measure.rules, f"{path}.rules")
        yield from _suspension_problems(regime, measure, f"{path}.suspends")


def _measure_dates(regime: Regime, measure: Measure, path: str) -> Iterator[Problem]:
    if measure.effective < regime.valid_from:
        yield Problem(f"{path}.effective", f"expected a date on or after {regime.valid_from}")
    if measure.until is not None and measure.until < measure.effective:
        yield Problem(f"{path}.until", f"expected a date on or after effective ({measure.effective})")
    if measure.announced is not None and measure.announced > measure.effective:
        yield Problem(f"{path}.announced", f"expected a date on or before effective ({measure.effective})")


def _rule_list_problems(regime: Regime, rules: tuple[Rule, ...], path: str) -> Iterator[Problem]:
    for n, rule in enumerate(rules):
        yield from _rule_problems(regime, rule, f"{path}[{n}]")


def _rule_problems(regime: Regime, rule: Rule, path: str) -> Iterator[Problem]:
    if rule.action in LISTING_ACTIONS:
        yield from _listing_rule_problems(regime, rule, path)
        return
    if rule.tags:
        yield Problem(
            f"{path}.tags", f"only list and delist rules name tags; a {rule.action} rule names none"
        )
    licences = {k.id for k in regime.licences}
    if rule.action in ("grant", "withdraw"):
        if not rule.licences:
            yield Problem(f"{path}.licences", f"a {rule.action} rule names at least one licence kind")
        yield from (
            Problem(f"{path}.licences", _one_of(k, licences)) for k in rule.licences if k not in licences
        )
    elif rule.licences:
        yield Problem(f"{path}.licences", f"a {rule.action} rule names no licence kinds")
    if rule.action == "assign":
        yield from _assign_problems(regime, rule, path)
    else:
        yield from _item_selector_problems(regime, rule.items, f"{path}.items")
        yield from _destination_problems(regime, rule.destinations, f"{path}.destinations")


def _assign_problems(regime: Regime, rule: Rule, path: str) -> Iterator[Problem]:
    groups = {g.id for g in regime.groups}
    if rule.group not in groups:
        yield Problem(f"{path}.group", _one_of(str(rule.group), groups))
    if not rule.destinations:
        yield Problem(f"{path}.destinations", "an assign rule names at least one country")
    for selector in rule.destinations:
        if not _is_country(selector):
            yield Problem(f"{path}.destinations", f"an assign rule names country codes; got {selector!r}")


def _is_country(selector: str) -> bool:
    return len(selector) == 2 and selector.isalpha() and selector.isupper()


def _item_selector_problems(regime: Regime, selectors: tuple[str, ...], path: str) -> Iterator[Problem]:
    if not selectors:
        yield Problem(path, "expected at least one item id, @tag or *")
    ids = {i.id for i in regime.items}
    tags = {t for i in regime.items for t in i.tags} | {
        t for r in _all_rules(regime) if r.action == "list" for t in r.tags
    }
    for selector in selectors:
        known = selector == "*" or selector in ids or (selector[:1] == "@" and selector[1:] in tags)
        if not known:
            choices = ids | {f"@{t}" for t in tags} | {"*"}
            yield Problem(path, _one_of(selector, choices))


def _destination_problems(regime: Regime, selectors: tuple[str, ...], path: str) -> Iterator[Problem]:
    if not selectors:
        yield Problem(path, "expected at least one country code, group:X or *")
    groups = {f"group:{g.id}" for g in regime.groups}
    for selector in selectors:
        if not (selector in _SPECIAL_DESTINATIONS or selector in groups or _is_country(selector)):
            yield Problem(
                path,
                f"expected a country code, one of {', '.join(sorted(groups))} or *; got {selector!r}",
            )


def _catch_all_problems(regime: Regime) -> Iterator[Problem]:
    if regime.catch_all is not None:
        yield from _item_selector_problems(regime, regime.catch_all.items, "catch_all.items")
        yield from _attribute_problems(regime, (regime.catch_all.trigger,), "catch_all.trigger")


def _requirement_problems(regime: Regime, licences: tuple[LicenceKind, ...]) -> Iterator[Problem]:
    for n, kind in enumerate(licences):
        yield from _attribute_problems(regime, kind.requires, f"licences[{n}].requires")


def _attribute_problems(regime: Regime, names: tuple[str, ...], path: str) -> Iterator[Problem]:
    declared = [a.id for a in regime.attributes]
    listing = f"one of {', '.join(declared)}" if declared else "the regime declares none"
    for name in names:
        if name not in declared:
            yield Problem(
                path, f"expected an exporter attribute declared in [[attributes]] ({listing}); got {name!r}"
            )


# ---------------------------------------------------------------- dated listing and suspension


def _listing_rule_problems(regime: Regime, rule: Rule, path: str) -> Iterator[Problem]:
    """A list or delist rule names items by id and at least one tag, and nothing else."""
    ids = {i.id for i in regime.items}
    if not rule.items:
        yield Problem(f"{path}.items", f"a {rule.action} rule names at least one item id")
    for item_id in rule.items:
        if item_id not in ids:
            yield Problem(f"{path}.items", f"a {rule.action} rule names items by id: {_one_of(item_id, ids)}")
    if not rule.tags:
        yield Problem(f"{path}.tags", f"a {rule.action} rule names at least one tag (such as 'listed')")
    for name in ("destinations", "licences"):
        if getattr(rule, name):
            yield Problem(
                f"{path}.{name}", f"a {rule.action} rule names no {name}: a listing holds everywhere"
            )
    if rule.group is not None:
        yield Problem(f"{path}.group", f"a {rule.action} rule names no group")
    if rule.action == "delist":
        yield from _delist_problems(regime, rule, path)


def _delist_problems(regime: Regime, rule: Rule, path: str) -> Iterator[Problem]:
    for item_id in (i for i in rule.items if regime.has_item(i)):
        possible = {*regime.item(item_id).tags}
        possible |= {
            t for r in _all_rules(regime) if r.action == "list" and item_id in r.items for t in r.tags
        }
        for tag in rule.tags:
            if tag not in possible:
                yield Problem(
                    f"{path}.tags",
                    f"expected a tag {item_id} can carry ({', '.join(sorted(possible)) or 'none'});"
                    f" got {tag!r}",
                )


def _base_listing_problems(rules: tuple[Rule, ...], path: str) -> Iterator[Problem]:
    for n, rule in enumerate(rules):
        if rule.action in LISTING_ACTIONS:
            yield Problem(
                f"{path}[{n}].action",
                f"a {rule.action} rule belongs in a measure (it is dated);"
                " give an item its first-day tags in [[items]]",
            )


def _suspension_problems(regime: Regime, measure: Measure, path: str) -> Iterator[Problem]:
    """``suspends`` names other measures of the regime, and no chain of suspensions comes back."""
    ids = {m.id for m in regime.measures}
    for suspended in measure.suspends:
        if suspended == measure.id:
            yield Problem(path, f"a measure cannot suspend itself; got {suspended!r}")
        elif suspended not in ids:
            yield Problem(path, f"expected ids of measures: {_one_of(suspended, ids)}")
    cycle = _suspension_cycle(regime, measure.id)
    if cycle:
        yield Problem(
            path, f"expected no cycle of suspensions; {' -> '.join(cycle)} comes back to {measure.id}"
        )


def _suspension_cycle(regime: Regime, start: str) -> list[str]:
    """The chain of suspensions from ``start`` back to it (empty if none).

    A measure naming itself is reported on its own, not as a cycle.
    """
    suspends = {m.id: [s for s in m.suspends if s != m.id] for m in regime.measures}
    stack, seen = [(start, [start])], set()
    while stack:
        current, chain = stack.pop()
        for nxt in suspends.get(current, []):
            if nxt == start:
                return chain
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*chain, nxt]))
    return []
